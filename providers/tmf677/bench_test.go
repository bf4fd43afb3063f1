package tmf677

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"simdesk/model"
	"simdesk/seeds"
)

// bigReport builds a Matrixx report of n buckets, cycling through the seven
// bucket shapes of the S-1001 seed (money without periods, voice/SMS/MMS with
// three periods, data with four periods and six thresholds…), each with its
// own id, as a dxp-ux backend would send for a line with many balances.
func bigReport(tb testing.TB, n int) []byte { return bigReportOf(tb, "dxp_pr_prepaid_S-1001.json", n) }

// bigReportOf is bigReport from another seed with a report-level bucket
// list (cvp_pr_9077613.json: the LCPR shape, about 400 bytes a bucket).
func bigReportOf(tb testing.TB, seed string, n int) []byte {
	tb.Helper()
	var reports []map[string]any
	if err := json.Unmarshal(seeds.MustRead(seed), &reports); err != nil {
		tb.Fatal(err)
	}
	rep := reports[0]
	var shapes, ids [][]byte
	for _, b := range rep["bucket"].([]any) {
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		shapes = append(shapes, raw)
		ids = append(ids, []byte(`"id":`+strconv.Quote(b.(map[string]any)["id"].(string))))
	}
	delete(rep, "bucket")
	head, err := json.Marshal(rep)
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	out.WriteString("[")
	out.Write(head[:len(head)-1])
	out.WriteString(`,"bucket":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		k := i % len(shapes)
		out.Write(bytes.Replace(shapes[k], ids[k], []byte(`"id":`+strconv.Quote(strconv.Itoa(i+1))), 1))
	}
	out.WriteString("]}]")
	return out.Bytes()
}

var (
	big10kOnce sync.Once
	big10k     []byte
)

func report10k(tb testing.TB) []byte {
	big10kOnce.Do(func() { big10k = bigReport(tb, 10000) })
	return big10k
}

func TestBigReportDecodes(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	body := report10k(t)
	lines, err := Decode(body, Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || len(lines[0].Buckets) != 10000 {
		t.Fatalf("got %d lines / %d buckets", len(lines), len(lines[0].Buckets))
	}
	b := lines[0].Buckets[9999] // 9999 % 7 == 3: the fourth shape, Included Data
	if b.ID != "10000" || b.Name != "Included Data - Prepaid" || *b.Remaining.Amount != 8192 || len(b.Periods) != 4 || !b.Periods[1].Current {
		t.Fatalf("last bucket wrong: %+v", b)
	}
	// Every bucket has its own periods and counters (the arenas must not alias).
	lines[0].Buckets[3].Periods[0].Current = true
	if lines[0].Buckets[10].Periods[0].Current {
		t.Fatal("periods of different buckets share memory")
	}
}

func BenchmarkDecode10k(b *testing.B) {
	body := report10k(b)
	h := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		lines, err := Decode(body, h)
		if err != nil || len(lines[0].Buckets) != 10000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalAny10k(b *testing.B) {
	body := report10k(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	lcprOnce         sync.Once
	lcpr10k, lcpr60k []byte
)

func lcprReports(tb testing.TB) ([]byte, []byte) {
	lcprOnce.Do(func() {
		lcpr10k = bigReportOf(tb, "cvp_pr_9077613.json", 10000)
		lcpr60k = bigReportOf(tb, "cvp_pr_9077613.json", 60000)
	})
	return lcpr10k, lcpr60k
}

// benchDecode decodes body from a stream (as a lookup does) and reports
// allocations and bytes allocated per bucket besides the usual figures.
func benchDecode(b *testing.B, body []byte, buckets int) {
	h := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	n := 0
	for b.Loop() {
		lines, err := DecodeReader(bytes.NewReader(body), h)
		if err != nil || len(lines[0].Buckets) != buckets {
			b.Fatal(err)
		}
		n++
	}
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n*buckets), "allocs/bucket")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(n*buckets), "B/bucket")
}

func BenchmarkDecodeStreamMatrixx10k(b *testing.B) { benchDecode(b, report10k(b), 10000) }

func BenchmarkDecodeStreamLCPR10k(b *testing.B) {
	body, _ := lcprReports(b)
	benchDecode(b, body, 10000)
}

func BenchmarkDecodeStreamLCPR60k(b *testing.B) {
	_, body := lcprReports(b)
	benchDecode(b, body, 60000)
}

// TestDecodeHeapIsBoundedByContent: after a 60,000-bucket decode from a
// stream, the live heap the lines hold is within a small multiple of their
// useful content (measured as the size of their compact JSON encoding),
// whatever the size of the body: no window, arena or cache outlives the
// decode beyond a bounded amount.
func TestDecodeHeapIsBoundedByContent(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	_, body := lcprReports(t)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	lines, err := DecodeReader(bytes.NewReader(body), msisdn("7870060000"))
	if err != nil || len(lines[0].Buckets) != 60000 {
		t.Fatalf("%v", err)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	live := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	content, err := json.Marshal(lines)
	if err != nil {
		t.Fatal(err)
	}
	ratio := float64(live) / float64(len(content))
	t.Logf("body %d MB, content %d MB (compact JSON of the lines), live heap %d MB: %.2f× content, %.2f× body",
		len(body)>>20, len(content)>>20, live>>20, ratio, float64(live)/float64(len(body)))
	if ratio > 1.5 {
		t.Errorf("live heap %.2f× the content, want ≤ 1.5×", ratio)
	}
	runtime.KeepAlive(lines)
}

// dropSink takes streamed buckets and keeps nothing, as the command line's
// JSON output does once it has written them.
type dropSink struct{ n int }

func (d *dropSink) Bucket(int, *model.Bucket) { d.n++ }
func (d *dropSink) Line(int, *model.Line)     {}

// BenchmarkDecodeSinkMatrixx10k is the decode of a streamed lookup (the
// buckets go to a Sink and are dropped): the reading side of `simdesk lookup
// --format json` of S-10000, without HTTP.
func BenchmarkDecodeSinkMatrixx10k(b *testing.B) {
	body := report10k(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		s := &dropSink{}
		h := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}, sink: s}
		if _, err := DecodeReader(bytes.NewReader(body), h); err != nil || s.n != 10000 {
			b.Fatal(err, s.n)
		}
	}
}
