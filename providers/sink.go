package providers

import (
	"context"

	"simdesk/model"
)

// Sink receives an answer while it is read, so that a front end can show a
// huge line bucket by bucket instead of after the whole body: the command
// line's single-provider `lookup --format json` starts writing as soon as
// the first bucket is converted, and the console draws the first rows of
// the table while the rest is still on the wire.
//
// Bucket is called for each bucket, in order, with the index of the line
// (report) it belongs to; Line is called once per line, after its buckets,
// with every other field of the line (its Buckets are empty: the sink had
// them). Lines a Lookup returns with a sink set have no buckets either.
// Both run on the lookup's goroutine; b is valid only during the call (its
// slices stay valid), l is the sink's to keep.
//
// Only providers whose answers can be large stream (tmf677); the others
// ignore the sink and answer whole, with their buckets in the lines.
type Sink interface {
	Bucket(line int, b *model.Bucket)
	Line(line int, l *model.Line)
}

type sinkKey struct{}

// WithSink returns a context whose lookups stream into s. It travels in
// the context, like WithProgress, so that only the callers that listen
// pay for it.
func WithSink(ctx context.Context, s Sink) context.Context {
	return context.WithValue(ctx, sinkKey{}, s)
}

// SinkOf is the context's Sink, or nil.
func SinkOf(ctx context.Context) Sink {
	s, _ := ctx.Value(sinkKey{}).(Sink)
	return s
}
