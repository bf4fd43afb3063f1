package ui

import (
	"strconv"
	"testing"

	"simdesk/model"
)

// TestStreamSinkGrowsByDoubling: collecting a 10,000-bucket answer takes
// about log2(10,000/64) array allocations, not the ~20 of append's
// quarter-at-a-time growth of a large slice (each a fresh zeroed array the
// whole answer so far is moved into: the largest cost of the console's Enter
// on S-10000 beyond the decoder); the partial lines handed out meanwhile
// keep the buckets they were given.
func TestStreamSinkGrowsByDoubling(t *testing.T) {
	const n = 10000
	in := make([]model.Bucket, n)
	for i := range in {
		in[i] = model.Bucket{ID: strconv.Itoa(i), Name: "Pass"}
	}
	var sink *streamSink
	allocs := testing.AllocsPerRun(3, func() {
		sink = newStreamSink(model.Identifier{Type: model.Subscription, Value: "S-1"})
		for i := range in {
			sink.Bucket(0, &in[i])
		}
	})
	// newStreamSink (the sink, its channel) and byLine take 4; the arrays
	// the rest: 64, 128, …, 16384 is 9.
	if allocs > 13 {
		t.Errorf("%v allocations to collect %d buckets, want at most 13 (arrays grown by doubling)", allocs, n)
	}
	if got := len(sink.byLine[0]); got != n {
		t.Fatalf("%d buckets collected, want %d", got, n)
	}
	partial := <-sink.ch
	if len(partial.Buckets) < partialFirst || cap(partial.Buckets) != len(partial.Buckets) {
		t.Fatalf("partial line of %d buckets (cap %d), want a capped prefix of at least %d", len(partial.Buckets), cap(partial.Buckets), partialFirst)
	}
	for i := range partial.Buckets {
		if partial.Buckets[i].ID != strconv.Itoa(i) || sink.byLine[0][i].ID != strconv.Itoa(i) {
			t.Fatalf("bucket %d: partial line %q, answer %q", i, partial.Buckets[i].ID, sink.byLine[0][i].ID)
		}
	}
}
