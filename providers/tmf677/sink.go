package tmf677

import (
	"fmt"

	"simdesk/model"
	"simdesk/providers"
)

// countingSink counts what went out, so that a failure after output began is
// never retried (the retry would print the same buckets twice).
type countingSink struct {
	providers.Sink
	n int
}

func (c *countingSink) Bucket(line int, b *model.Bucket) {
	c.n++
	c.Sink.Bucket(line, b)
}

// Expect forwards a bucket estimate (providers.Expecter) to the sink.
func (c *countingSink) Expect(line, buckets int) { providers.Expect(c.Sink, line, buckets) }

// streamedError is what a read error becomes once buckets were handed out:
// a typed error, which the HTTP client does not retry.
func streamedError(err error, n int) error {
	if _, ok := err.(*model.Error); ok || err == nil {
		return err
	}
	return &model.Error{Kind: model.ErrUnavailable, Err: err,
		Message: fmt.Sprintf("connection lost while reading the answer, after %d buckets were received", n)}
}
