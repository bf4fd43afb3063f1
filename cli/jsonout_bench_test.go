package cli

import (
	"io"
	"runtime"
	"strconv"
	"testing"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers/tmf677"
	"simdesk/seeds"
)

// manyBuckets is one line of n buckets cycling through the buckets of the
// Matrixx seed S-1001 (each with its own id), decoded as a lookup would.
func manyBuckets(b *testing.B, n int) []engine.Result {
	b.Helper()
	lines, err := tmf677.Decode(seeds.MustRead("dxp_pr_prepaid_S-1001.json"), tmf677.Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}})
	if err != nil {
		b.Fatal(err)
	}
	l := lines[0]
	shapes := l.Buckets
	l.Buckets = make([]model.Bucket, n)
	for i := range l.Buckets {
		l.Buckets[i] = shapes[i%len(shapes)]
		l.Buckets[i].ID = strconv.Itoa(i + 1)
	}
	return []engine.Result{{Provider: "dxp-pr", Kind: "tmf677-dxp", Lines: []model.Line{l}}}
}

func benchEncode(b *testing.B, n int, write func(io.Writer, model.Identifier, []engine.Result) error) {
	res := manyBuckets(b, n)
	id := model.Identifier{Type: model.Subscription, Value: "S-1001"}
	var w countingWriter
	write(&w, id, res)
	b.SetBytes(w.n)
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	k := 0
	for b.Loop() {
		if err := write(io.Discard, id, res); err != nil {
			b.Fatal(err)
		}
		k++
	}
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(k*n), "allocs/bucket")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(k*n), "B/bucket")
}

// BenchmarkEncode10k / 60k: the hand-written encoder over a 10,000 /
// 60,000-bucket Matrixx line; BenchmarkEncodeReflect10k is the encoder it
// replaced (kept in jsonout_test.go as the byte-for-byte reference).
func BenchmarkEncode10k(b *testing.B)        { benchEncode(b, 10000, writeLookupJSON) }
func BenchmarkEncode60k(b *testing.B)        { benchEncode(b, 60000, writeLookupJSON) }
func BenchmarkEncodeReflect10k(b *testing.B) { benchEncode(b, 10000, refWriteLookupJSON) }
