package providers

import (
	"testing"

	"simdesk/model"
)

// TestExpectedBuckets: the estimate follows the body's announced size at the
// bytes a bucket the first buckets took, and a hostile or wrong size (10 GB,
// a small body claiming a huge one, a size already exceeded, zero or
// negative values) never makes it exceed what a body of that size can hold
// (total / MinBucketBytes) nor MaxExpected.
func TestExpectedBuckets(t *testing.T) {
	const gb = int64(1) << 30
	cases := []struct {
		name            string
		total, read     int64
		seen            int
		atLeast, atMost int
	}{
		{"S-10000: 23 MB, 64 buckets of 2,307 bytes", 23_071_946, 64 * 2307, 64, 10_000, 10_700},
		{"unknown size", 0, 150_000, 64, 0, 0},
		{"negative size", -1, 150_000, 64, 0, 0},
		{"nothing read", 23_071_946, 0, 64, 0, 0},
		{"no bucket seen", 23_071_946, 150_000, 0, 0, 0},
		{"already read more than announced", 1000, 150_000, 64, 0, 0},
		{"10 GB announced", 10 * gb, 150_000, 64, 1, MaxExpected},
		{"huge size, tiny buckets", 256 << 20, 64 * 3, 64, 1, MaxExpected},
		{"small body, tiny buckets", 64 << 10, 64 * 3, 64, 1, (64 << 10) / MinBucketBytes},
		{"largest int64", 1<<63 - 1, 150_000, 64, 1, MaxExpected},
	}
	for _, c := range cases {
		got := ExpectedBuckets(c.total, c.read, c.seen)
		if got < c.atLeast || got > c.atMost {
			t.Errorf("%s: ExpectedBuckets(%d, %d, %d) = %d, want %d…%d", c.name, c.total, c.read, c.seen, got, c.atLeast, c.atMost)
		}
		if c.total > 0 && int64(got) > c.total/MinBucketBytes {
			t.Errorf("%s: %d buckets, more than %d bytes can hold", c.name, got, c.total)
		}
	}
}

type expectingSink struct{ expected []int }

func (e *expectingSink) Bucket(int, *model.Bucket) {}
func (e *expectingSink) Line(int, *model.Line)     {}
func (e *expectingSink) Expect(line, buckets int)  { e.expected = append(e.expected, line, buckets) }
func (plainSink) Bucket(int, *model.Bucket)        {}
func (plainSink) Line(int, *model.Line)            {}

type plainSink struct{}

// TestExpectReachesOnlyAnExpecter: Expect hands a positive estimate to a
// sink that takes one and is a no-op for any other sink.
func TestExpectReachesOnlyAnExpecter(t *testing.T) {
	e := &expectingSink{}
	Expect(e, 0, 10_625)
	Expect(e, 1, 0)
	if len(e.expected) != 2 || e.expected[0] != 0 || e.expected[1] != 10_625 {
		t.Fatalf("Expect handed %v, want [0 10625]", e.expected)
	}
	Expect(plainSink{}, 0, 10_625) // must not panic
}
