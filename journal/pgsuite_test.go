package journal

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// storeKinds opens a fresh, empty store of each kind: the behaviour suite
// below runs once per kind, so both keep the same promises.
var storeKinds = []struct {
	name string
	open func(t *testing.T) Store
}{
	{"file", func(t *testing.T) Store {
		j, err := Open(filepath.Join(t.TempDir(), "journal.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	}},
	{"postgres", func(t *testing.T) Store {
		p, _ := openPG(t)
		return p
	}},
}

// TestStoreBehaviour is one table of behaviours, run against the file and
// the PostgreSQL store.
func TestStoreBehaviour(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC()
	mustAppend := func(t *testing.T, s Store, e Entry) Entry {
		t.Helper()
		w, err := s.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	get := func(t *testing.T, s Store, id string) Attempt {
		t.Helper()
		a, ok, err := s.Get(ctx, id)
		if err != nil || !ok {
			t.Fatalf("get %s: %v %v", id, ok, err)
		}
		return a
	}
	pendingIDs := func(t *testing.T, s Store) string {
		t.Helper()
		list, err := s.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range list {
			ids = append(ids, a.Intent.JournalID)
		}
		return strings.Join(ids, ",")
	}
	cases := []struct {
		name string
		run  func(t *testing.T, s Store)
	}{
		{"hash chain and verify", func(t *testing.T, s Store) {
			var prev Entry
			for i := 0; i < 3; i++ {
				w := mustAppend(t, s, pgIntent(fmt.Sprintf("h%d", i), "33612345678", "o1", time.Time{}))
				if i == 0 && w.Prev != "" {
					t.Fatalf("first entry records a previous line %q", w.Prev)
				}
				if i > 0 {
					line, _ := encodeEntry(prev)
					if w.Prev != hashLine(line) {
						t.Fatalf("entry %d: prev %s is not the hash of the line before", i, w.Prev)
					}
				}
				prev = w
			}
			rep, err := s.Verify(ctx)
			if err != nil || !rep.OK || rep.Entries != 3 {
				t.Fatalf("verify: %+v %v", rep, err)
			}
		}},
		{"pending until a definitive outcome", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("p1", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgIntent("p2", "33612345679", "o1", time.Time{}))
			if got := pendingIDs(t, s); got != "p1,p2" {
				t.Fatalf("pending %q", got)
			}
			mustAppend(t, s, pgOutcome("p1", StatusUnknown, "", time.Time{}))
			if got := pendingIDs(t, s); got != "p1,p2" {
				t.Fatalf("an unknown outcome settled the attempt: pending %q", got)
			}
			mustAppend(t, s, pgOutcome("p1", StatusOK, "T1", time.Time{}))
			mustAppend(t, s, pgOutcome("p2", StatusNotFound, "", time.Time{}))
			if got := pendingIDs(t, s); got != "" {
				t.Fatalf("pending %q after ok and not_found", got)
			}
			if a := get(t, s, "p1"); a.Status() != StatusOK || a.Outcome.TransactionID != "T1" {
				t.Fatalf("p1: %+v", a.Outcome)
			}
		}},
		{"unknown never overrides a definitive outcome", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("u1", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgOutcome("u1", StatusRejected, "", time.Time{}))
			mustAppend(t, s, pgOutcome("u1", StatusUnknown, "", time.Time{}))
			if a := get(t, s, "u1"); a.Status() != StatusRejected {
				t.Fatalf("status %s", a.Status())
			}
			if got := pendingIDs(t, s); got != "" {
				t.Fatalf("pending %q", got)
			}
		}},
		{"ok without a transaction id awaits it", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("w1", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgOutcome("w1", StatusOK, "", time.Time{}))
			if got := pendingIDs(t, s); got != "w1" {
				t.Fatalf("pending %q; an ok without id must stay for reconciliation", got)
			}
			mustAppend(t, s, pgOutcome("w1", StatusOK, "T9", time.Time{}))
			if got := pendingIDs(t, s); got != "" {
				t.Fatalf("pending %q", got)
			}
		}},
		{"recent is newest first and bounded", func(t *testing.T, s Store) {
			for i := 1; i <= 5; i++ {
				mustAppend(t, s, pgIntent(fmt.Sprintf("r%d", i), "33612345678", "o1", time.Time{}))
			}
			mustAppend(t, s, pgOutcome("r2", StatusOK, "T2", time.Time{}))
			list, probs, err := s.Recent(ctx, 3)
			if err != nil || len(probs) != 0 || len(list) != 3 {
				t.Fatalf("recent: %d %v %v", len(list), probs, err)
			}
			var ids []string
			for _, a := range list {
				ids = append(ids, a.Intent.JournalID)
			}
			if strings.Join(ids, ",") != "r5,r4,r3" {
				t.Fatalf("recent %v", ids)
			}
			all, _, _ := s.Recent(ctx, 10)
			if len(all) != 5 || all[3].Status() != StatusOK {
				t.Fatalf("all: %d, r2 %s", len(all), all[3].Status())
			}
		}},
		{"same key: normal form, window, and pending of any age", func(t *testing.T, s Store) {
			old := now.Add(-2 * time.Hour)
			mustAppend(t, s, pgIntent("s1", "+33612345678", "o1", old)) // old, settled: out
			mustAppend(t, s, pgOutcome("s1", StatusOK, "T1", old))
			mustAppend(t, s, pgIntent("s2", "0033612345678", "o1", old)) // old, pending: in
			mustAppend(t, s, pgIntent("s3", "33612345678", "o2", now))   // other offer: out
			mustAppend(t, s, pgIntent("s4", "33 6 12 34 56 78", "o1", now))
			mustAppend(t, s, pgIntent("s5", "33612345678", "o1", now))
			list, err := s.Same(ctx, KeyOf(pgIntent("x", "33612345678", "o1", now)), now.Add(-time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range list {
				ids = append(ids, a.Intent.JournalID)
			}
			if strings.Join(ids, ",") != "s5,s4,s2" {
				t.Fatalf("same %v, want s5,s4,s2", ids)
			}
		}},
		{"guard refuses and writes nothing", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("g1", "33612345678", "o1", time.Time{}))
			head, _ := s.Head(ctx)
			dup := errors.New("dup")
			_, err := s.AppendGuarded(ctx, pgIntent("g2", "33612345678", "o1", time.Time{}), now.Add(-time.Hour), func(same []Attempt) error {
				if len(same) != 1 || same[0].Intent.JournalID != "g1" {
					t.Errorf("check saw %d attempts", len(same))
				}
				return dup
			})
			if !errors.Is(err, dup) {
				t.Fatalf("guard: %v", err)
			}
			if h, _ := s.Head(ctx); h != head {
				t.Fatal("a refused append moved the head")
			}
			if _, err := s.AppendGuarded(ctx, pgIntent("g3", "33612345679", "o1", time.Time{}), now.Add(-time.Hour), func(same []Attempt) error {
				if len(same) != 0 {
					return dup
				}
				return nil
			}); err != nil {
				t.Fatalf("another line refused: %v", err)
			}
		}},
		{"claimed transactions", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("c1", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgOutcome("c1", StatusOK, "T-c1", time.Time{}))
			mustAppend(t, s, pgIntent("c2", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgOutcome("c2", StatusRejected, "", time.Time{}))
			m, err := s.Claimed(ctx, now.Add(-time.Hour))
			if err != nil || m["T-c1"] != "c1" || len(m) != 1 {
				t.Fatalf("claimed %v %v", m, err)
			}
		}},
		{"locked section reads and appends", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("l1", "33612345678", "o1", time.Time{}))
			err := s.Locked(ctx, func(tx Tx) error {
				list, err := tx.Pending(ctx)
				if err != nil || len(list) != 1 {
					return fmt.Errorf("pending in section: %d %v", len(list), err)
				}
				if _, err := tx.Append(ctx, pgOutcome("l1", StatusOK, "T-l1", time.Time{})); err != nil {
					return err
				}
				a, ok, err := tx.Get(ctx, "l1")
				if err != nil || !ok || a.Status() != StatusOK {
					return fmt.Errorf("section does not see its own append: %v %v", ok, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if a := get(t, s, "l1"); a.Status() != StatusOK {
				t.Fatalf("after the section: %s", a.Status())
			}
			if rep, err := s.Verify(ctx); err != nil || !rep.OK {
				t.Fatalf("verify %+v %v", rep, err)
			}
		}},
		{"since and head feed new entries once", func(t *testing.T, s Store) {
			mustAppend(t, s, pgIntent("f1", "33612345678", "o1", time.Time{}))
			head, err := s.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if recs, next, err := s.Since(ctx, head, 0); err != nil || len(recs) != 0 || next != head {
				t.Fatalf("since head: %d %v %v", len(recs), next, err)
			}
			mustAppend(t, s, pgIntent("f2", "33612345678", "o1", time.Time{}))
			mustAppend(t, s, pgOutcome("f2", StatusOK, "T", time.Time{}))
			recs, next, err := s.Since(ctx, head, 1)
			if err != nil || len(recs) != 1 || recs[0].Entry.JournalID != "f2" || recs[0].Entry.Phase != PhaseIntent {
				t.Fatalf("since: %+v %v", recs, err)
			}
			recs, next, err = s.Since(ctx, next, 0)
			if err != nil || len(recs) != 1 || recs[0].Entry.Phase != PhaseOutcome {
				t.Fatalf("since next: %+v %v", recs, err)
			}
			if h, _ := s.Head(ctx); h != next {
				t.Fatalf("head %v, feed at %v", h, next)
			}
		}},
	}
	for _, k := range storeKinds {
		for _, c := range cases {
			t.Run(k.name+"/"+c.name, func(t *testing.T) { c.run(t, k.open(t)) })
		}
	}
}
