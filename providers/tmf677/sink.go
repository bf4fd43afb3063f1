package tmf677

import (
	"context"
	"fmt"

	"simdesk/model"
)

// Sink receives an answer while it is read, so that a front end can print a
// huge line bucket by bucket instead of after the whole body: the command
// line's single-provider `lookup --format json` starts writing as soon as
// the first bucket is converted, and holds no bucket after it is written.
//
// Bucket is called for each bucket, in order, with the index of the line
// (report) it belongs to; Line is called once per line, after its buckets,
// with every other field of the line (its Buckets are empty: the sink had
// them). Lines a Lookup returns with a sink set have no buckets either.
// Both run on the lookup's goroutine; b is valid only during the call (its
// slices stay valid), l is the sink's to keep.
type Sink interface {
	Bucket(line int, b *model.Bucket)
	Line(line int, l *model.Line)
}

type sinkKey struct{}

// WithSink returns a context whose lookups on a tmf677 client stream into s.
// Other providers ignore it, and their answers come whole as usual.
func WithSink(ctx context.Context, s Sink) context.Context {
	return context.WithValue(ctx, sinkKey{}, s)
}

func sinkOf(ctx context.Context) Sink {
	s, _ := ctx.Value(sinkKey{}).(Sink)
	return s
}

// countingSink counts what went out, so that a failure after output began is
// never retried (the retry would print the same buckets twice).
type countingSink struct {
	Sink
	n int
}

func (c *countingSink) Bucket(line int, b *model.Bucket) {
	c.n++
	c.Sink.Bucket(line, b)
}

// streamedError is what a read error becomes once buckets were handed out:
// a typed error, which the HTTP client does not retry.
func streamedError(err error, n int) error {
	if _, ok := err.(*model.Error); ok || err == nil {
		return err
	}
	return &model.Error{Kind: model.ErrUnavailable, Err: err,
		Message: fmt.Sprintf("connection lost while reading the answer, after %d buckets were received", n)}
}
