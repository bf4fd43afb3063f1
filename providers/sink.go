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
// them). Both run on the lookup's goroutine; b is valid only during the
// call (its slices stay valid), l is the sink's to keep.
type Sink interface {
	Bucket(line int, b *model.Bucket)
	Line(line int, l *model.Line)
}

// Streamer is a provider whose answers can be large enough to stream
// (tmf677): an explicit capability, asked for by calling LookupStream,
// never switched on by a value in the context. Lookup keeps its contract
// (whole lines, with their buckets) whoever calls it.
type Streamer interface {
	Provider
	// LookupStream is Lookup with the buckets handed to sink as they are
	// read: the lines it returns have no buckets (the sink had them).
	LookupStream(ctx context.Context, id model.Identifier, sink Sink) ([]model.Line, error)
}

// AsStreamer returns p as a Streamer when it streams its answers.
func AsStreamer(p Provider) (Streamer, bool) { s, ok := p.(Streamer); return s, ok }
