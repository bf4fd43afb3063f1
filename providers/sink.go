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

// Expecter is a Sink that can be told, early, about how many buckets a line
// will have, so that it can size its storage once instead of growing it as
// the buckets come (a console keeping a 10,000-bucket answer moved and
// page-faulted its bucket array nine times). The number is an estimate
// (ExpectedBuckets): a sink may still receive more buckets, or fewer.
// Expect runs on the lookup's goroutine, like Bucket.
type Expecter interface {
	Expect(line, buckets int)
}

// Expect tells s, when it is an Expecter, about how many buckets line will
// have; wrapping sinks forward it with this.
func Expect(s Sink, line, buckets int) {
	if e, ok := s.(Expecter); ok && buckets > 0 {
		e.Expect(line, buckets)
	}
}

// Bounds of ExpectedBuckets: a hostile or wrong Content-Length must not make
// a sink reserve more than the body can hold, nor more than a decoder
// accepts.
const (
	// MinBucketBytes is the fewest bytes a bucket is taken to cost in an
	// answer: a real one is 150 bytes (a bare Limeware bucket) to 2,400
	// (a Matrixx bucket with three periods). A body of n bytes is taken
	// to hold at most n / MinBucketBytes buckets.
	MinBucketBytes = 128
	// MaxExpected bounds any estimate, whatever the body: the tmf677
	// decoder reads at most 200,000 buckets an answer.
	MaxExpected = 200_000
	// ExpectAfter is how many buckets are read before an estimate is
	// made (ExpectedBuckets' seen): enough to average a bucket's size
	// over the bucket shapes of a report.
	ExpectAfter = 64
)

// ExpectedBuckets estimates how many buckets an answer of total bytes (its
// Content-Length; 0 when unknown) holds, from the first seen buckets, which
// took read bytes of it: the rest of the body at the same bytes a bucket,
// plus a sixteenth. It is 0 (no estimate) when the size is unknown or
// already exceeded, and never more than total / MinBucketBytes or
// MaxExpected, so a Content-Length of 10 GB, or a small body that claims a
// huge one, costs at most what a body of that many real buckets would.
func ExpectedBuckets(total, read int64, seen int) int {
	if total <= 0 || read <= 0 || seen <= 0 || read > total {
		return 0
	}
	per := max(read/int64(seen), MinBucketBytes)
	est := total / per
	est += est / 16
	return int(min(est, total/MinBucketBytes, MaxExpected))
}
