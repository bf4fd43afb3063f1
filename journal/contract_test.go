package journal

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// twoHandleKinds opens two handles on one fresh store of each kind, as two
// processes would: the file journal, and PostgreSQL when a database is at
// hand (pgtest skips it otherwise).
var twoHandleKinds = []struct {
	name string
	open func(t *testing.T) (Store, Store)
}{
	{"file", func(t *testing.T) (Store, Store) {
		path := filepath.Join(t.TempDir(), "j.jsonl")
		a, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		b, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return a, b
	}},
	{"postgres", func(t *testing.T) (Store, Store) {
		a, dsn := openPG(t)
		b, err := OpenPG(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return a, b
	}},
}

func cIntent(id, line string, ts time.Time) Entry {
	return Entry{TS: ts, JournalID: id, Phase: PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: "o1", TargetType: "msisdn", TargetID: line}
}

func cOutcome(id, line string, st Status, trx string, ts time.Time) Entry {
	e := cIntent(id, line, ts)
	e.Phase, e.Status, e.TransactionID = PhaseOutcome, st, trx
	return e
}

// TestStoreContract is what the engine relies on from every Store: the
// same answers from the file and from PostgreSQL.
func TestStoreContract(t *testing.T) {
	for _, k := range twoHandleKinds {
		t.Run(k.name, func(t *testing.T) {
			s, other := k.open(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Millisecond)
			put := func(st Store, e Entry) Entry {
				t.Helper()
				w, err := st.Append(ctx, e)
				if err != nil {
					t.Fatal(err)
				}
				return w
			}
			line := "33612345678"
			put(s, cIntent("old-pending", "0033612345678", now.Add(-3*time.Hour)))
			put(s, cIntent("old-ok", line, now.Add(-2*time.Hour)))
			put(s, cOutcome("old-ok", line, StatusOK, "trx-old", now.Add(-2*time.Hour+time.Second)))
			put(other, cIntent("recent-ok", line, now.Add(-time.Minute)))
			put(other, cOutcome("recent-ok", line, StatusOK, "trx-recent", now.Add(-time.Minute+time.Second)))
			put(s, cIntent("recent-rej", line, now.Add(-50*time.Second)))
			put(s, cOutcome("recent-rej", line, StatusRejected, "", now.Add(-49*time.Second)))
			put(s, cIntent("no-id", "33699999999", now.Add(-40*time.Second)))
			put(s, cOutcome("no-id", "33699999999", StatusOK, "", now.Add(-39*time.Second)))
			put(s, cIntent("nf", line, now.Add(-30*time.Second)))
			put(s, cOutcome("nf", line, StatusNotFound, "", now.Add(-29*time.Second)))

			// Same: the window, plus pending ones whatever their age, in
			// the line's normal form, newest first.
			same, err := s.Same(ctx, KeyOf(cIntent("x", "+33612345678", now)), now.Add(-10*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(aids(same)); got != "[nf recent-rej recent-ok old-pending]" {
				t.Fatalf("Same = %s", got)
			}
			// Pending: no definitive outcome, or ok without an id.
			pend, err := other.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(aids(pend)); got != "[old-pending no-id]" || !pend[0].Pending() || !pend[1].AwaitsID() {
				t.Fatalf("Pending = %s", got)
			}
			// Recent: newest first, with outcomes.
			rec, _, err := s.Recent(ctx, 3)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(aids(rec)); got != "[nf no-id recent-rej]" || rec[0].Status() != StatusNotFound {
				t.Fatalf("Recent = %s", got)
			}
			if a, ok, err := other.Get(ctx, "recent-ok"); err != nil || !ok || a.Outcome == nil || a.Outcome.TransactionID != "trx-recent" {
				t.Fatalf("Get = %+v %v %v", a, ok, err)
			}
			if _, ok, err := s.Get(ctx, "absent"); ok || err != nil {
				t.Fatalf("Get(absent) = %v %v", ok, err)
			}
			cl, err := s.Claimed(ctx, now.Add(-5*time.Minute))
			if err != nil || cl["trx-recent"] != "recent-ok" {
				t.Fatalf("Claimed = %v %v", cl, err)
			}
			// The guard refuses under the lock and writes nothing.
			refuse := errors.New("duplicate")
			_, err = s.AppendGuarded(ctx, cIntent("dup", line, now), now.Add(-10*time.Minute), func(same []Attempt) error {
				if len(same) != 4 {
					return fmt.Errorf("guard saw %d attempts", len(same))
				}
				return refuse
			})
			if !errors.Is(err, refuse) {
				t.Fatalf("guard: %v", err)
			}
			if _, ok, _ := s.Get(ctx, "dup"); ok {
				t.Fatal("a refused intent was written")
			}
			// Two Locked sections on two handles: one outcome for one attempt.
			var wg sync.WaitGroup
			for i, st := range []Store{s, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := st.Locked(ctx, func(tx Tx) error {
						a, ok, err := tx.Get(ctx, "old-pending")
						if err != nil || !ok {
							return fmt.Errorf("get: %v %v", ok, err)
						}
						if !a.Pending() {
							return nil
						}
						time.Sleep(30 * time.Millisecond)
						_, err = tx.Append(ctx, cOutcome("old-pending", "0033612345678", StatusOK, fmt.Sprintf("trx-%d", i), time.Time{}))
						return err
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			head, err := s.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			recs, next, err := other.Since(ctx, 0, 1000)
			if err != nil || next != head {
				t.Fatalf("Since(0) ends at %v, Head %v, %v", next, head, err)
			}
			outs := 0
			for _, r := range recs {
				if r.Entry.JournalID == "old-pending" && r.Entry.Phase == PhaseOutcome {
					outs++
				}
			}
			if outs != 1 || len(recs) != 12 {
				t.Fatalf("%d outcomes for one attempt, %d records", outs, len(recs))
			}
			if rep, err := s.Verify(ctx); err != nil || !rep.OK || rep.Entries != 12 {
				t.Fatalf("Verify = %+v %v", rep, err)
			}
		})
	}
}
