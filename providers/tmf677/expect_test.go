package tmf677

import (
	"bytes"
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"simdesk/model"
	"simdesk/providers"
)

// expectSink records the estimates a streamed lookup hands out
// (providers.Expecter) and counts the buckets.
type expectSink struct {
	mu       sync.Mutex
	expected [][2]int // line, buckets
	buckets  int
}

func (e *expectSink) Bucket(int, *model.Bucket) { e.buckets++ }
func (e *expectSink) Line(int, *model.Line)     {}
func (e *expectSink) Expect(line, n int) {
	e.mu.Lock()
	e.expected = append(e.expected, [2]int{line, n})
	e.mu.Unlock()
}

// serveBody answers body, announcing length as its Content-Length ("" for
// none: the answer is then chunked).
func serveBody(body []byte, length string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if length == "" {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush() // headers out before the body: chunked, no length
		} else {
			w.Header().Set("Content-Length", length)
		}
		_, _ = w.Write(body)
	}
}

// TestStreamExpectsTheAnnouncedBuckets: a streamed lookup of a 10,000-bucket
// answer whose Content-Length is announced tells the sink, once, about how
// many buckets the line will have (from the size and the first buckets'
// bytes), so that a console can size its array once; a chunked answer
// (no length) gives no estimate.
func TestStreamExpectsTheAnnouncedBuckets(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	body := report10k(t)
	for _, length := range []string{strconv.Itoa(len(body)), ""} {
		c, _, _, _ := setup(t, KindDXP, serveBody(body, length))
		s := &expectSink{}
		if _, err := c.LookupStream(context.Background(), model.Identifier{Type: model.Subscription, Value: "S-1001"}, s); err != nil {
			t.Fatal(err)
		}
		if s.buckets != 10000 {
			t.Fatalf("%d buckets streamed, want 10000", s.buckets)
		}
		switch {
		case length == "" && len(s.expected) != 0:
			t.Errorf("chunked answer: estimates %v, want none", s.expected)
		case length != "" && (len(s.expected) != 1 || s.expected[0][0] != 0 || s.expected[0][1] < 10000 || s.expected[0][1] > 10700):
			t.Errorf("Content-Length %s: estimates %v, want one for line 0 of 10000…10700 buckets", length, s.expected)
		}
	}
}

// TestStreamExpectIsBoundedForALyingLength: a small answer (300 buckets)
// that announces a huge Content-Length (10 GB, the largest int64, more than
// the HTTP client's size limit) gets an estimate no larger than a body the
// client would accept can hold, nor than providers.MaxExpected. (The
// transfer then fails: the body ends before its announced length.) A
// malformed or negative length gets none (TestAnnouncedSize: Go's server
// refuses to send one).
func TestStreamExpectIsBoundedForALyingLength(t *testing.T) {
	body := bigReport(t, 300)
	for _, length := range []string{"10737418240", "9223372036854775807", strconv.Itoa(MaxBody + 1)} {
		c, hc, _, _ := setup(t, KindDXP, serveBody(body, length))
		hc.Retries = 0
		s := &expectSink{}
		_, _ = c.LookupStream(context.Background(), model.Identifier{Type: model.Subscription, Value: "S-1001"}, s)
		limit := min(int(hc.MaxBody/providers.MinBucketBytes), providers.MaxExpected)
		if len(s.expected) != 1 || s.expected[0][1] > limit {
			t.Errorf("Content-Length %s: estimates %v, want one of at most %d buckets", length, s.expected, limit)
		}
	}
}

// TestAnnouncedSize: the Content-Length the decoder's estimate starts from,
// bounded by the client's size limit; 0 when absent or not a positive number.
func TestAnnouncedSize(t *testing.T) {
	for v, want := range map[string]int64{"": 0, "0": 0, "-1": 0, "x": 0, "1e9": 0, " 12": 0,
		"23071946": 23071946, "10737418240": MaxBody, "99999999999999999999": 0} {
		h := http.Header{}
		if v != "" {
			h.Set("Content-Length", v)
		}
		if got := announced(h, MaxBody); got != want {
			t.Errorf("Content-Length %q: announced %d, want %d", v, got, want)
		}
	}
}

// TestEqualAttributeListsShareOneArray: in a huge line, a bucket's or a
// period's attributes equal to a list already carved are that list (one
// array, not another copy: 10,000 buckets of seven shapes keep seven bucket
// lists, where they kept 10,000); lists that differ do not share, and a
// bucket whose text is rewritten (MapText, as the redactor and the sanitiser
// do) gets lists of its own without changing the others.
func TestEqualAttributeListsShareOneArray(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	lines, err := DecodeReader(bytes.NewReader(report10k(t)), Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}})
	if err != nil {
		t.Fatal(err)
	}
	bs := lines[0].Buckets
	arrays := map[*model.Attr]bool{}
	for i := 1000; i < len(bs); i++ {
		if a := bs[i].Attributes; len(a) > 0 {
			arrays[&a[0]] = true
		}
		if i+7 < len(bs) && len(bs[i].Attributes) > 0 {
			a, b := bs[i].Attributes, bs[i+7].Attributes // the same shape
			if (&a[0] == &b[0]) != sameAttrs(a, b) {
				t.Fatalf("buckets %d and %d: shared %v, equal %v", i, i+7, &a[0] == &b[0], sameAttrs(a, b))
			}
			if cap(a) != len(a) {
				t.Fatalf("bucket %d: attributes of cap %d, len %d: an append would write into a shared array", i, cap(a), len(a))
			}
		}
	}
	if len(arrays) > 100 {
		t.Errorf("buckets 1000…9999 hold %d attribute arrays, want a few (equal lists shared)", len(arrays))
	}
	other := bs[1007].Attributes.Value("IsPrepaid")
	bs[1000].MapText(func(s string) string {
		if s == other {
			return "rewritten"
		}
		return s
	})
	if bs[1000].Attributes.Value("IsPrepaid") != "rewritten" || bs[1007].Attributes.Value("IsPrepaid") != other {
		t.Fatalf("MapText of one bucket: %q and %q, want %q and %q", bs[1000].Attributes.Value("IsPrepaid"), bs[1007].Attributes.Value("IsPrepaid"), "rewritten", other)
	}
}

// TestUnstreamedBucketsSizedFromTheBody: a lookup that keeps its answer
// without a sink (the headless lookup across providers) sizes its 10,000
// buckets from the body's size too, instead of growing them a quarter at a
// time: at least 8 MB fewer bytes allocated than the same body read with
// no size known (about 15 MB of arrays against 4).
func TestUnstreamedBucketsSizedFromTheBody(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	body := report10k(t)
	allocated := func(size int64) uint64 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		h := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}, size: size}
		lines, err := DecodeReader(bytes.NewReader(body), h)
		runtime.ReadMemStats(&m1)
		if err != nil || len(lines[0].Buckets) != 10000 {
			t.Fatalf("%d lines, %v", len(lines), err)
		}
		return m1.TotalAlloc - m0.TotalAlloc
	}
	unknown, known := allocated(0), allocated(int64(len(body)))
	if unknown < known+8<<20 {
		t.Errorf("%d bytes allocated with the size known, %d without: want at least 8 MB fewer", known, unknown)
	}
}
