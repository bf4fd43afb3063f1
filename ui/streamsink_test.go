package ui

import (
	"context"
	"strconv"
	"testing"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers"
)

// TestStreamSinkGrowsByDoubling: collecting a 10,000-bucket answer takes
// about log2(10,000/64) array allocations, not the ~20 of append's
// quarter-at-a-time growth of a large slice (each a fresh zeroed array the
// whole answer so far is moved into: the largest cost of the console's Enter
// on S-10000 beyond the decoder); the partial lines handed out meanwhile
// keep the buckets they were given.
func TestStreamSinkGrowsByDoubling(t *testing.T) {
	const n = 10000
	in := passBuckets(n)
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

// TestStreamSinkSizesItsArrayFromTheEstimate: told that the line will have
// about 10,625 buckets (providers.Expecter, after its 64th), the sink
// collects 10,000 buckets in three arrays (64, 1,024, then 10,625) instead of
// doubling through nine, and the partial lines keep their buckets.
func TestStreamSinkSizesItsArrayFromTheEstimate(t *testing.T) {
	const n, expect = 10000, 10625
	in := passBuckets(n)
	var sink *streamSink
	allocs := testing.AllocsPerRun(3, func() {
		sink = newStreamSink(model.Identifier{Type: model.Subscription, Value: "S-1"})
		for i := range in {
			if i == 64 {
				sink.Expect(0, expect)
			}
			sink.Bucket(0, &in[i])
		}
	})
	// newStreamSink and byLine take 4, the estimate 1, the arrays 3.
	if allocs > 8 {
		t.Errorf("%v allocations to collect %d buckets, want at most 8 (3 arrays)", allocs, n)
	}
	if got := sink.byLine[0]; len(got) != n || cap(got) != expect {
		t.Fatalf("%d buckets in an array of %d, want %d in %d", len(got), cap(got), n, expect)
	}
	partial := <-sink.ch
	for i := range partial.Buckets {
		if partial.Buckets[i].ID != strconv.Itoa(i) || sink.byLine[0][i].ID != strconv.Itoa(i) {
			t.Fatalf("bucket %d: partial line %q, answer %q", i, partial.Buckets[i].ID, sink.byLine[0][i].ID)
		}
	}
}

// TestStreamSinkBoundsALyingEstimate: an estimate far above what arrives (a
// Content-Length that lies, or a provider's hostile one) makes the sink
// reserve at most 16 times the buckets received, never the estimate; an
// estimate for a line out of range is ignored.
func TestStreamSinkBoundsALyingEstimate(t *testing.T) {
	for _, expect := range []int{providers.MaxExpected, 1 << 40, -1} {
		sink := newStreamSink(model.Identifier{Type: model.Subscription, Value: "S-1"})
		sink.Expect(-1, expect)
		sink.Expect(1<<30, expect)
		for i := range 300 {
			if i == 64 {
				sink.Expect(0, expect)
			}
			sink.Bucket(0, &model.Bucket{ID: strconv.Itoa(i)})
		}
		if c := cap(sink.byLine[0]); c > 16*64 {
			t.Errorf("estimate %d: 300 buckets in an array of %d, want at most %d", expect, c, 16*64)
		}
		if len(sink.expect) > 1 {
			t.Errorf("estimate %d: %d lines' estimates kept, want 1", expect, len(sink.expect))
		}
	}
}

// TestS10000SinkSizedFromContentLength: the simulator's S-10000 answer,
// through the real tmf677 client and the engine's redacting sink, lands in
// the console's sink in one array sized from its Content-Length (10,000
// buckets in 10,000…10,700), where doubling ends in one of 16,384.
func TestS10000SinkSizedFromContentLength(t *testing.T) {
	if testing.Short() {
		t.Skip("large answer")
	}
	eng := simEngine(t, engine.Options{})
	id := model.Identifier{Type: model.Subscription, Value: "S-10000"}
	sink := newStreamSink(id)
	go func() {
		for range sink.ch {
		}
	}()
	res := eng.LookupOneStream(context.Background(), "dxp-pr", id, sink)
	close(sink.ch)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := sink.byLine[0]; len(got) != 10000 || cap(got) < 10000 || cap(got) > 10700 {
		t.Fatalf("%d buckets in an array of %d, want 10000 in 10000…10700", len(got), cap(got))
	}
}

// passBuckets are n buckets named Pass, their ids 0 to n-1.
func passBuckets(n int) []model.Bucket {
	in := make([]model.Bucket, n)
	for i := range in {
		in[i] = model.Bucket{ID: strconv.Itoa(i), Name: "Pass"}
	}
	return in
}
