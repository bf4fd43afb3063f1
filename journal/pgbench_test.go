package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// The figures of the README's journal table: the file and the PostgreSQL
// store side by side. Run with
//
//	go test ./journal -run '^$' -bench 'Journal' -benchtime 300x
var benchKinds = []struct {
	name string
	open func(b *testing.B, file string) Store // file: a journal to start from ("" = empty)
}{
	{"file", func(b *testing.B, file string) Store {
		path := filepath.Join(b.TempDir(), "journal.jsonl")
		if file != "" {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			os.WriteFile(path, data, 0o600)
		}
		j, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { j.Close() })
		return j
	}},
	{"postgres", func(b *testing.B, file string) Store {
		p, _ := openPG(b)
		if file != "" {
			if _, err := p.Import(context.Background(), file); err != nil {
				b.Fatal(err)
			}
		}
		return p
	}},
	// With the journal key and head anchor (what simdesk runs with).
	{"postgres-sealed", func(b *testing.B, file string) Store {
		dir := b.TempDir()
		s, err := OpenSeal(filepath.Join(dir, "k"), HeadPath(dir, "bench"))
		if err != nil {
			b.Fatal(err)
		}
		p, _ := openPGRoles(b, s)
		if file != "" {
			if _, err := p.Import(context.Background(), file); err != nil {
				b.Fatal(err)
			}
		}
		return p
	}},
}

var errBenchDup = errors.New("duplicate")

// guard is the engine's duplicate check: refuse when an attempt of the key
// may have spent money.
func guard(same []Attempt) error {
	for _, a := range same {
		if a.Status().Spent() {
			return errBenchDup
		}
	}
	return nil
}

// pair is one top-up's journal work: the guarded intent, then its outcome.
func pair(ctx context.Context, s Store, id, line string) error {
	in := pgIntent(id, line, "o1", time.Time{})
	if _, err := s.AppendGuarded(ctx, in, time.Now().Add(-10*time.Minute), guard); err != nil {
		return err
	}
	_, err := s.Append(ctx, pgOutcome(id, StatusOK, "T"+id, time.Time{}))
	return err
}

func percentile(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(float64(len(d)-1)*p)]
}

// BenchmarkJournalPair: latency of one intent+outcome pair, one operator.
func BenchmarkJournalPair(b *testing.B) {
	ctx := context.Background()
	for _, k := range benchKinds {
		b.Run(k.name, func(b *testing.B) {
			s := k.open(b, "")
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := pair(ctx, s, fmt.Sprintf("p%d", i), fmt.Sprintf("336%08d", i)); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			b.ReportMetric(float64(percentile(lat, .50).Microseconds()), "p50-µs")
			b.ReportMetric(float64(percentile(lat, .95).Microseconds()), "p95-µs")
		})
	}
}

// BenchmarkJournalPair50: 50 operators at once, each on its own store
// handle (as 50 consoles would be); pairs per second over all of them.
func BenchmarkJournalPair50(b *testing.B) {
	ctx := context.Background()
	for _, k := range benchKinds {
		b.Run(k.name, func(b *testing.B) {
			first := k.open(b, "")
			handles := make([]Store, 50)
			for i := range handles {
				switch s := first.(type) {
				case *PG:
					h, err := OpenPG(ctx, s.dsn)
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { h.Close() })
					handles[i] = h
				case *File:
					h, err := Open(s.Path())
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { h.Close() })
					handles[i] = h
				}
			}
			var wg sync.WaitGroup
			work := make(chan int)
			b.ResetTimer()
			t0 := time.Now()
			for w := range handles {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						if err := pair(ctx, handles[w], fmt.Sprintf("q%d", i), fmt.Sprintf("337%08d", i)); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for i := 0; i < b.N; i++ {
				work <- i
			}
			close(work)
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "pairs/s")
		})
	}
}

// bigJournal writes a file journal of n entries (n/2 attempts over 5,000
// lines and 10 offers, over the last 30 days, each settled ok), chained as
// the store writes them, once per test binary.
var bigJournal = struct {
	once sync.Once
	path string
	err  error
}{}

func bigJournalFile(b testing.TB, n int) string {
	bigJournal.once.Do(func() {
		dir, err := os.MkdirTemp("", "simdesk-bench")
		if err != nil {
			bigJournal.err = err
			return
		}
		bigJournal.path = filepath.Join(dir, "big.jsonl")
		bigJournal.err = writeBigJournal(bigJournal.path, n)
	})
	if bigJournal.err != nil {
		b.Fatal(bigJournal.err)
	}
	return bigJournal.path
}

// writeBigJournal writes a chained file journal of n entries: n/2 attempts
// over 5,000 lines and 10 offers, spread over the last 30 days, each
// settled ok with its own transaction.
func writeBigJournal(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now().Add(-30 * 24 * time.Hour).UTC()
	step := 30 * 24 * time.Hour / time.Duration(n)
	prev := ""
	buf := make([]byte, 0, 1<<20)
	for i := 0; i < n; i++ {
		a := i / 2
		id := fmt.Sprintf("big%07d", a)
		line := fmt.Sprintf("336%08d", a%5000)
		offer := fmt.Sprintf("offer-%d", a%10)
		ts := start.Add(time.Duration(i) * step)
		e := pgIntent(id, line, offer, ts)
		if i%2 == 1 {
			e = pgOutcome(id, StatusOK, "T"+id, ts)
			e.TargetID, e.OfferID = line, offer
		}
		e.Prev = prev
		l, err := encodeEntry(e)
		if err != nil {
			return err
		}
		prev = hashLine(l)
		buf = append(append(buf, l...), '\n')
		if len(buf) > 1<<20-4096 {
			if _, err := f.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err = f.Write(buf)
	return err
}

// BenchmarkJournalDuplicateCheck400k: the duplicate guard's check (the
// attempts of one line and offer within the window, plus pending ones) on a
// journal of 400,000 entries; the key has an attempt 2 minutes old, so the
// guard refuses and nothing is written.
func BenchmarkJournalDuplicateCheck400k(b *testing.B) {
	ctx := context.Background()
	file := bigJournalFile(b, 400_000)
	for _, k := range benchKinds {
		b.Run(k.name, func(b *testing.B) {
			t0 := time.Now()
			s := k.open(b, file)
			opened := time.Since(t0)
			recent := pgIntent("recent", "33699999999", "o1", time.Now().Add(-2*time.Minute))
			if _, err := s.Append(ctx, recent); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t1 := time.Now()
				_, err := s.AppendGuarded(ctx, pgIntent("dup", "33699999999", "o1", time.Time{}), time.Now().Add(-10*time.Minute), guard)
				if !errors.Is(err, errBenchDup) {
					b.Fatalf("guard: %v", err)
				}
				lat = append(lat, time.Since(t1))
			}
			b.StopTimer()
			b.ReportMetric(opened.Seconds(), "open-s")
			b.ReportMetric(float64(percentile(lat, .50).Microseconds()), "p50-µs")
			b.ReportMetric(float64(percentile(lat, .95).Microseconds()), "p95-µs")
		})
	}
}
