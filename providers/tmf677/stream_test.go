package tmf677

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"simdesk/model"
	"simdesk/seeds"
)

// chunkReader hands out at most n bytes per Read, so every token boundary of
// a body falls at a window edge somewhere in a test run.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := min(c.n, len(p), len(c.b))
	copy(p, c.b[:k])
	c.b = c.b[k:]
	return k, nil
}

// sameAnswer checks that the streamed decode and the whole-body decode agree
// exactly (lines encoded, or the error's kind and message).
func sameAnswer(t *testing.T, what string, body []byte, rd io.Reader) {
	t.Helper()
	h := msisdn("1")
	want, werr := decode(body, h)
	got, gerr := DecodeReader(rd, h)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: whole-body error %v, streamed error %v", what, werr, gerr)
	}
	if werr != nil {
		var a, b *model.Error
		if !errors.As(werr, &a) || !errors.As(gerr, &b) || a.Kind != b.Kind {
			t.Fatalf("%s: errors differ: %v / %v", what, werr, gerr)
		}
		// Byte offsets agree too, but a truncation's offset depends on the window.
		return
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if !bytes.Equal(wj, gj) {
		t.Fatalf("%s: streamed lines differ from whole-body lines", what)
	}
}

func TestStreamedDecodeEqualsWholeBody(t *testing.T) {
	for _, n := range seeds.Names() {
		body := seeds.MustRead(n)
		for _, step := range []int{1, 2, 3, 7, 64, 4096} {
			sameAnswer(t, n, body, &chunkReader{body, step})
		}
		sameAnswer(t, n+" one byte", body, iotest.OneByteReader(bytes.NewReader(body)))
		sameAnswer(t, n+" half", body, iotest.HalfReader(bytes.NewReader(body)))
	}
	// Tokens longer than the window: a 200 KiB name, a 100 KiB number.
	long := `[{"bucket":[{"id":"1","name":"` + strings.Repeat("é\\n", 70000) + `","remainingValue":{"amount":1` + strings.Repeat("0", 100000) + `e-100000}}]}]`
	sameAnswer(t, "long tokens", []byte(long), &chunkReader{[]byte(long), 1000})
	lines, err := DecodeReader(strings.NewReader(long), msisdn("1"))
	if err != nil || len([]rune(lines[0].Buckets[0].Name)) != 140000 {
		t.Fatalf("long name: %v", err)
	}
}

func TestStreamedDecodeReportsReadErrorsMidBody(t *testing.T) {
	body := report10k(t)[:200000]
	_, err := DecodeReader(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(errBoom)), msisdn("1"))
	if err != errBoom {
		t.Fatalf("err %v, want the read error itself", err)
	}
}

// TestEmptyBucketsCostNothing is issue 8's "a million {}": 3 MB of empty
// buckets once took 1.2 GB and 30 MB of them ran out of memory. Empty and
// repeated buckets are dropped as they are read, so the heap stays small.
func TestEmptyBucketsCostNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	for _, c := range []struct {
		name, head, one string
		n               int
	}{
		{"a million {}", `[{"effectiveDate":"2023-01-01","bucket":[`, `{}`, 1_000_000},
		{"10 million {} (30 MB)", `[{"effectiveDate":"2023-01-01","bucket":[`, `{}`, 10_000_000},
		{"a million repeated buckets", `[{"effectiveDate":"2023-01-01","bucket":[`, `{"id":"1","name":"x","remainingValue":{"amount":1,"units":"MB"}}`, 1_000_000},
		{"a million empty periods", `[{"bucket":[{"id":"1","bucketBalance":[`, `{}`, 1_000_000},
		{"a million empty usages", `[{"usageConsumption":[`, `{}`, 1_000_000},
	} {
		body := []byte(c.head + strings.Repeat(c.one+",", c.n-1) + c.one + strings.Repeat("]}", strings.Count(c.head, "[")-1) + "]")
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		lines, err := DecodeReader(bytes.NewReader(body), msisdn("1"))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(lines) != 1 || len(lines[0].Buckets) > 1 {
			t.Fatalf("%s: %d lines, %d buckets", c.name, len(lines), len(lines[0].Buckets))
		}
		// Allocated in total: the window, a few arenas (and, for repeated
		// buckets, each one's conversion before it is recognised).
		if got := after.TotalAlloc - before.TotalAlloc; got > max(4<<20, uint64(len(body))/4) {
			t.Errorf("%s: %d MB allocated for a %d MB body", c.name, got>>20, len(body)>>20)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if live := int64(after.HeapAlloc) - int64(before.HeapAlloc); live > 1<<20 {
			t.Errorf("%s: %d KB live after the decode", c.name, live>>10)
		}
		runtime.KeepAlive(lines)
	}
}

func TestLimitsHaveAClearMessage(t *testing.T) {
	many := func(head, one string, n int) []byte {
		return []byte(head + strings.Repeat(one+",", n-1) + one + strings.Repeat("]}", strings.Count(head, "[")-1) + "]")
	}
	var distinct strings.Builder
	distinct.WriteString(`[{"bucket":[`)
	for i := range maxBuckets + 1 {
		if i > 0 {
			distinct.WriteByte(',')
		}
		distinct.WriteString(`{"id":"` + strconv.Itoa(i) + `"}`)
	}
	distinct.WriteString(`]}]`)
	cases := map[string][]byte{
		"buckets":  []byte(distinct.String()),
		"periods":  many(`[{"bucket":[{"id":"1","bucketBalance":[`, `{"daysLeft":1}`, maxPeriods+1),
		"counters": many(`[{"bucket":[{"id":"1","bucketCounter":[`, `{"counterType":"used"}`, maxPeriods+1),
		"reports":  many(`[`, `{"effectiveDate":"x"}`, maxLines+1),
	}
	for name, body := range cases {
		_, err := DecodeReader(bytes.NewReader(body), msisdn("1"))
		me := wantKind(t, name, err, model.ErrBadResponse)
		if !strings.Contains(me.Message, "answer refused: more than") || !strings.Contains(me.Message, name) {
			t.Errorf("%s: message %q", name, me.Message)
		}
	}
}

// FuzzDecodeStream checks that reading any body through the window, in
// chunks of any size, gives exactly what the whole-body decode gives, and
// never panics (DecodeReader's recover is bypassed by calling decodeFrom).
func FuzzDecodeStream(f *testing.F) {
	for _, n := range seeds.Names() {
		f.Add(seeds.MustRead(n), uint8(7))
	}
	f.Add([]byte(`[{"bucket":[{},{},{"id":"1"},{"id":"1"}]}]`), uint8(1))
	f.Add([]byte("\xef\xbb\xbf[{\"bucket\":[{\"name\":\"a\\u00e9\\ud83d\\ude00\"}]}]"), uint8(2))
	f.Fuzz(func(t *testing.T, body []byte, step uint8) {
		h := msisdn("1")
		want, werr := decode(body, h)
		r := newReader(newStreamScanner(&chunkReader{body, int(step) + 1}), h)
		got, gerr := decodeFrom(r, h)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("whole-body error %v, streamed error %v", werr, gerr)
		}
		if werr == nil {
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if !bytes.Equal(wj, gj) {
				t.Fatalf("streamed lines differ:\n%s\n%s", wj, gj)
			}
		}
	})
}

// recSink records what a Sink is handed.
type recSink struct {
	buckets [][]model.Bucket
	lines   []model.Line
}

func (s *recSink) Bucket(line int, b *model.Bucket) {
	for len(s.buckets) <= line {
		s.buckets = append(s.buckets, []model.Bucket{})
	}
	s.buckets[line] = append(s.buckets[line], *b)
}

func (s *recSink) Line(line int, l *model.Line) {
	if line != len(s.lines) {
		panic("lines out of order")
	}
	s.lines = append(s.lines, *l)
}

// TestSinkGetsTheSameAnswer: with a sink, every bucket goes to it in order
// (none stays in the returned lines) and each line's other fields follow its
// buckets; put back together, they are exactly the answer without a sink.
func TestSinkGetsTheSameAnswer(t *testing.T) {
	bodies := map[string][]byte{"two reports": []byte(`[{"bucket":[{"id":"1","status":"Suspended"},{"id":"2"}]},{"usageConsumption":[{"bucketRefOrValue":[{"name":"a"},{"name":"b"}],"id":"P1","logicalResource":[{"id":"R"}]}]}]`)}
	for _, n := range seeds.Names() {
		bodies[n] = seeds.MustRead(n)
	}
	for name, body := range bodies {
		h := msisdn("1")
		want, werr := DecodeReader(bytes.NewReader(body), h)
		var s recSink
		h.sink = &s
		got, gerr := DecodeReader(bytes.NewReader(body), h)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%s: %v / %v", name, werr, gerr)
		}
		if werr != nil {
			continue
		}
		if len(got) != len(want) || len(s.lines) != len(want) {
			t.Fatalf("%s: %d lines returned, %d to the sink, want %d", name, len(got), len(s.lines), len(want))
		}
		for i := range got {
			if len(got[i].Buckets) != 0 {
				t.Fatalf("%s: a streamed line kept its buckets", name)
			}
			l := s.lines[i]
			l.Buckets = []model.Bucket{}
			if i < len(s.buckets) {
				l.Buckets = s.buckets[i]
			}
			wj, _ := json.Marshal(want[i])
			gj, _ := json.Marshal(l)
			if !bytes.Equal(wj, gj) {
				t.Fatalf("%s line %d: streamed\n%s\nwant\n%s", name, i, gj, wj)
			}
		}
	}
}

// TestStreamedLookupIsNotRetriedAfterOutput: a connection lost mid-body is
// retried when nothing was handed out yet, but once buckets went to the
// sink a retry would hand them out twice: the lookup fails instead, with a
// typed error that says how far it got.
func TestStreamedLookupIsNotRetriedAfterOutput(t *testing.T) {
	body := report10k(t)
	cl, hc, _, _ := setup(t, KindDXP, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(200)
		w.Write(body[:len(body)/2]) // then the handler returns: the body ends early
	})
	hc.Retries = 2
	// Four attempts each decode half of a 21 MB answer: under -race or a
	// loaded CI machine that outlasts the harness's 2 s budget, which
	// would end the retries early and fail the count below.
	hc.Timeout = time.Minute
	var s recSink
	_, err := cl.LookupStream(ctx(t), model.Identifier{Type: model.Subscription, Value: "S-10000"}, &s)
	me := wantKind(t, "cut body", err, model.ErrUnavailable)
	if hc.Calls() != 1 || len(s.buckets) != 1 || len(s.buckets[0]) < 1000 || !strings.Contains(me.Message, "buckets were received") {
		t.Fatalf("calls %d, buckets %d, error %v", hc.Calls(), len(s.buckets[0]), err)
	}
	seen := map[string]bool{}
	for _, b := range s.buckets[0] {
		if seen[b.ID] {
			t.Fatalf("bucket %s handed out twice", b.ID)
		}
		seen[b.ID] = true
	}
	// Without a sink the same failure is retried (nothing was shown yet).
	_, err = cl.Lookup(ctx(t), model.Identifier{Type: model.Subscription, Value: "S-10000"})
	if err == nil || hc.Calls() != 4 {
		t.Fatalf("without a sink: calls %d (want 1+3), err %v", hc.Calls(), err)
	}
}

// TestOutOfRangeNumberIsInvalidNotAbsent: a number JSON allows but float64
// cannot hold is an invalid amount with its reason (issue 8), not a missing
// one.
func TestOutOfRangeNumberIsInvalidNotAbsent(t *testing.T) {
	b := one(t, `{"bucket":[{"id":"1","usageType":"Data","remainingValue":{"amount":1e999,"units":"MB"}}]}`)
	if b.Remaining.Amount != nil || b.Remaining.Invalid == "" {
		t.Fatalf("remaining %+v", b.Remaining)
	}
}

// TestPlainRunIsTheByteLoop: the eight-bytes-at-a-time scan of plain string
// bytes stops exactly where the byte-by-byte loop does, for every byte
// value at every position of words around it.
func TestPlainRunIsTheByteLoop(t *testing.T) {
	slow := func(b []byte) int {
		j := 0
		for j < len(b) && plain[b[j]] {
			j++
		}
		return j
	}
	base := []byte("abcdefghijklmnopqrstuvwxyz0123456789")
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := append([]byte(nil), base[:n]...)
				b[pos] = byte(c)
				if len(b) > pos+1 {
					b[pos+1] = 0xff // a bad byte just above must not hide the first
				}
				if got, want := plainRun(b), slow(b); got != want {
					t.Fatalf("plainRun(%q) = %d, the byte loop %d", b, got, want)
				}
			}
		}
	}
}
