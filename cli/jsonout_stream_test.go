package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

// pipeLines returns lines of n0, n1, … buckets with ids b00000, b00001, …
// in order, each bucket a copy of the seed buckets in turn (every member the
// encoder writes).
func pipeLines(t *testing.T, sizes ...int) []model.Line {
	t.Helper()
	var tmpl []model.Bucket
	var line model.Line
	for _, r := range seedResults(t) {
		for _, l := range r.Lines {
			tmpl = append(tmpl, l.Buckets...)
			if line.ID == "" {
				line = l
			}
		}
	}
	if len(tmpl) < 10 {
		t.Fatalf("only %d seed buckets", len(tmpl))
	}
	var out []model.Line
	k := 0
	for i, n := range sizes {
		l := line
		l.ID = fmt.Sprintf("line-%d", i)
		l.Buckets = make([]model.Bucket, n)
		for j := range l.Buckets {
			l.Buckets[j] = tmpl[k%len(tmpl)]
			l.Buckets[j].ID = fmt.Sprintf("b%05d", k)
			k++
		}
		out = append(out, l)
	}
	return out
}

// feed plays the provider's side of a streamed lookup: each bucket through
// a reused variable (a Sink's bucket is valid only during the call), then
// the line without its buckets; stopAfter ≥ 0 breaks off after that many
// buckets, inside a line.
func feed(s *streamWriter, lines []model.Line, stopAfter int) {
	var b model.Bucket
	n := 0
	for i := range lines {
		for j := range lines[i].Buckets {
			if n == stopAfter {
				return
			}
			b = lines[i].Buckets[j]
			s.Bucket(i, &b)
			b = model.Bucket{ID: "overwritten"}
			n++
		}
		l := lines[i]
		l.Buckets = nil
		s.Line(i, &l)
	}
}

// bucketIDs lists the ids of a lookup document's buckets, in order.
func bucketIDs(t *testing.T, doc []byte) (ids []string, r resultJSON) {
	t.Helper()
	var d lookupJSON
	if err := json.Unmarshal(doc, &d); err != nil || len(d.Results) != 1 {
		t.Fatalf("not one lookup document (%v):\n%.2000s", err, doc)
	}
	for _, l := range d.Results[0].Lines {
		for _, b := range l.Buckets {
			ids = append(ids, b.ID)
		}
	}
	return ids, d.Results[0]
}

// TestStreamWriterPipe: the writer goroutine writes what the lookup's
// goroutine hands it, in order, whatever the batches: the document of
// thousands of buckets over several lines (one without buckets) is the
// classic document's content, bucket for bucket; broken off inside a line,
// it still ends as one JSON document with the buckets so far and the error.
func TestStreamWriterPipe(t *testing.T) {
	id := model.Identifier{Type: model.MSISDN, Value: "7870000000"}
	lines := pipeLines(t, 1, batchBuckets*batchesInFlight*3+7, 0, batchBuckets-1, 2*batchBuckets)
	total := 0
	for _, l := range lines {
		total += len(l.Buckets)
	}
	var classic bytes.Buffer
	if err := writeLookupJSON(&classic, id, []engine.Result{{Provider: "p", Kind: "k", Lines: lines, Elapsed: 5 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	_, want := bucketIDs(t, classic.Bytes())

	for _, stop := range []int{-1, 0, 1, batchBuckets, total / 2} {
		var out bytes.Buffer
		s := newStreamWriter(&out, id, "p", "k")
		feed(s, lines, stop)
		res := engine.Result{Provider: "p", Kind: "k", Elapsed: 5 * time.Millisecond}
		if stop >= 0 {
			res.Err = &model.Error{Kind: model.ErrUnavailable, Message: "connection lost"}
		}
		if err := s.finish(&res); err != nil {
			t.Fatal(err)
		}
		s.drain() // as lookup's defer does: harmless after finish
		if !bytes.HasSuffix(out.Bytes(), []byte("}\n")) {
			t.Fatalf("stop %d: the document does not end", stop)
		}
		ids, got := bucketIDs(t, out.Bytes())
		if stop < 0 {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if !bytes.Equal(gj, wj) {
				t.Fatalf("the streamed result differs from the classic one")
			}
			continue
		}
		if len(ids) != stop || got.Error == nil || got.Error.Message != "connection lost" {
			t.Fatalf("stop %d: %d buckets, error %v", stop, len(ids), got.Error)
		}
		for i, x := range ids {
			if x != fmt.Sprintf("b%05d", i) {
				t.Fatalf("stop %d: bucket %d is %s", stop, i, x)
			}
		}
		if stop == 0 && !strings.Contains(out.String(), `"lines": []`) {
			t.Fatalf("nothing streamed: want the classic layout, got\n%s", out.String())
		}
	}
}

// gateWriter keeps what is written; every write after the first blocks
// until open is closed.
type gateWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	open   chan struct{}
	first  chan struct{}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	g.writes++
	w := g.writes
	g.mu.Unlock()
	if w == 1 {
		close(g.first)
	} else {
		<-g.open
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(p)
}

// TestStreamWriterPipeIsBounded: the first bucket is written out at once,
// alone; while the output is stuck, the lookup's goroutine is held back
// after a few batches instead of queueing the whole answer in memory; once
// the output moves, everything arrives, in order.
func TestStreamWriterPipeIsBounded(t *testing.T) {
	id := model.Identifier{Type: model.MSISDN, Value: "7870000000"}
	const n = 5000
	lines := pipeLines(t, n)
	g := &gateWriter{open: make(chan struct{}), first: make(chan struct{})}
	s := newStreamWriter(g, id, "p", "k")

	b := lines[0].Buckets[0]
	s.Bucket(0, &b)
	select {
	case <-g.first:
	case <-time.After(10 * time.Second):
		t.Fatal("the first bucket was not written out on its own")
	}
	g.mu.Lock()
	first := g.buf.String()
	g.mu.Unlock()
	if !strings.Contains(first, `"id": "b00000"`) {
		t.Fatalf("the first write lacks the first bucket:\n%s", first)
	}

	var handed atomic.Int64
	handed.Store(1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for j := 1; j < n; j++ {
			b := lines[0].Buckets[j]
			s.Bucket(0, &b)
			handed.Add(1)
		}
		l := lines[0]
		l.Buckets = nil
		s.Line(0, &l)
	}()
	// The writer goroutine fills its 64 KiB buffers, blocks on the
	// stuck output, and the ring fills: the feeder must stop long before
	// the last bucket.
	time.Sleep(300 * time.Millisecond)
	held := handed.Load()
	if held >= n/5 {
		t.Fatalf("%d buckets taken while the output was stuck: the pipe is not bounded", held)
	}
	close(g.open)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the feeder did not finish once the output moved")
	}
	if err := s.finish(&engine.Result{Provider: "p", Kind: "k"}); err != nil {
		t.Fatal(err)
	}
	ids, _ := bucketIDs(t, g.buf.Bytes())
	if len(ids) != n || ids[n-1] != fmt.Sprintf("b%05d", n-1) {
		t.Fatalf("%d buckets, the last %s", len(ids), ids[len(ids)-1])
	}
	t.Logf("%d of %d buckets taken while the output was stuck", held, n)
}
