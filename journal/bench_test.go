package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"simdesk/model"
)

// benchEntries is the size of the journal the benchmarks run on: the issue's
// 400,000 entries (200,000 attempts, a few of them still pending).
const benchEntries = 400_000

var (
	benchOnce sync.Once
	benchSrc  string
	benchErr  error
)

// benchJournal writes (once per run) a 400,000-entry journal with a sound
// hash chain, one attempt a minute up to an hour ago, and returns a copy
// the benchmark may append to.
func benchJournal(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "simdesk-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchSrc = filepath.Join(dir, "journal.jsonl")
		f, err := os.Create(benchSrc)
		if err != nil {
			benchErr = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		prev := ""
		var buf bytes.Buffer
		put := func(e Entry) {
			e.Prev = prev
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(e)
			line := buf.Bytes()
			prev = lineHash(line[:len(line)-1])
			w.Write(line)
		}
		attempts := benchEntries / 2
		t0 := time.Now().UTC().Add(-time.Hour - time.Duration(attempts)*time.Minute)
		price := model.Money{}
		for i := 0; i < attempts; i++ {
			id := fmt.Sprintf("%s-%06x", t0.Format("20060102T150405.000000Z"), i)
			in := Entry{TS: t0, JournalID: id, Phase: PhaseIntent, Operator: "alice", Provider: "orange",
				OfferID: fmt.Sprintf("offer-%d", i%5), OfferName: "Orange Holiday 5 GB", TargetType: "msisdn",
				TargetID: fmt.Sprintf("336%08d", i%1000), Price: &price, Environment: "production"}
			put(in)
			if i%20000 == 7 {
				t0 = t0.Add(time.Minute)
				continue // left pending
			}
			out := in
			out.TS, out.Phase, out.Status, out.TransactionID = t0.Add(2*time.Second), PhaseOutcome, StatusOK, fmt.Sprintf("trx-%d", i)
			out.OfferName, out.Price = "", nil
			put(out)
			t0 = t0.Add(time.Minute)
		}
		if err := w.Flush(); err != nil {
			benchErr = err
		}
		f.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	dst := filepath.Join(b.TempDir(), "journal.jsonl")
	src, err := os.Open(benchSrc)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		b.Fatal(err)
	}
	out.Close()
	return dst
}

// openWarm opens the copy and builds its index (and checkpoint) once, as
// the first top-up after an upgrade does; the timed loop then measures
// what every later call costs.
func openWarm(b *testing.B) *File {
	b.Helper()
	j, err := Open(benchJournal(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	if _, err := j.Pending(bg); err != nil {
		b.Fatal(err)
	}
	return j
}

var benchKey = Key{Provider: "orange", Line: "33600000042", OfferID: "offer-2"}

// The duplicate check of a top-up: attempts of one key in the window.
func BenchmarkDuplicateCheck400k(b *testing.B) {
	j := openWarm(b)
	since := time.Now().Add(-10 * time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := j.Same(bg, benchKey, since); err != nil {
			b.Fatal(err)
		}
	}
}

// A whole top-up's journal work: guarded intent, then outcome (two fsyncs).
func BenchmarkAppendPair400k(b *testing.B) {
	j := openWarm(b)
	since := time.Now().Add(-10 * time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		in := Entry{JournalID: NewID(), Phase: PhaseIntent, Operator: "bench", Provider: "orange",
			OfferID: "offer-b", TargetType: "msisdn", TargetID: fmt.Sprintf("3361%07d", i)}
		w, err := j.AppendGuarded(bg, in, since, func([]Attempt) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		out := w
		out.TS, out.Phase, out.Status, out.TransactionID = time.Time{}, PhaseOutcome, StatusOK, "t"+w.JournalID
		if _, err := j.Append(bg, out); err != nil {
			b.Fatal(err)
		}
	}
}

// `simdesk journal -n 50`.
func BenchmarkRecent50_400k(b *testing.B) {
	j := openWarm(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if list, _, err := j.Recent(bg, 50); err != nil || len(list) != 50 {
			b.Fatal(len(list), err)
		}
	}
}

// `simdesk journal --pending`.
func BenchmarkPending400k(b *testing.B) {
	j := openWarm(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if list, err := j.Pending(bg); err != nil || len(list) != 10 {
			b.Fatal(len(list), err)
		}
	}
}

// A new process (a headless `topup`): open, load the checkpoint, read the
// tail, answer the duplicate check.
func BenchmarkNewProcessDuplicateCheck400k(b *testing.B) {
	path := benchJournal(b)
	w, _ := Open(path)
	w.Pending(bg) // writes the checkpoint, as the first process does
	w.Close()
	since := time.Now().Add(-10 * time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		j, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := j.Same(bg, benchKey, since); err != nil {
			b.Fatal(err)
		}
		j.Close()
	}
}

// The first use of a 400k journal without a checkpoint: one full read that
// builds the index (paid once, then kept in PATH.idx).
func BenchmarkFirstIndexBuild400k(b *testing.B) {
	path := benchJournal(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		os.Remove(path + ".idx")
		j, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := j.Pending(bg); err != nil {
			b.Fatal(err)
		}
		j.Close()
	}
}

// The duplicate check as it was: read and decode the whole journal.
func BenchmarkWholeFileDuplicateCheck400k(b *testing.B) {
	j := openWarm(b)
	since := time.Now().Add(-10 * time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		entries, _, err := j.Entries()
		if err != nil {
			b.Fatal(err)
		}
		key := KeyOf(Entry{Provider: "orange", TargetType: "msisdn", TargetID: "33600000042", OfferID: "offer-2"})
		for _, a := range attempts(entries) {
			if KeyOf(a.Intent) == key && !a.Intent.TS.Before(since) && a.Status().Spent() {
				break
			}
		}
	}
}
