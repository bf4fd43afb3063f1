package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func stamped(e Entry, ts time.Time) Entry { e.TS = ts; return e }

// The store's reads agree with the whole-file helpers on a journal mixing
// open, closed, ok-without-id and outcome-only attempts.
func TestFileStoreReadsMatchWholeFile(t *testing.T) {
	j := openTemp(t)
	t0 := time.Now().Add(-time.Hour).UTC()
	seq := []Entry{
		stamped(intent("a", "op"), t0),
		stamped(outcome("a", StatusOK, "trx-a"), t0.Add(time.Second)),
		stamped(intent("b", "op"), t0.Add(2*time.Second)),
		stamped(intent("c", "op"), t0.Add(3*time.Second)),
		stamped(outcome("c", StatusUnknown, ""), t0.Add(4*time.Second)),
		stamped(intent("d", "op"), t0.Add(5*time.Second)),
		stamped(outcome("d", StatusOK, ""), t0.Add(6*time.Second)), // ok without id: still open
		stamped(intent("e", "op"), t0.Add(7*time.Second)),
		stamped(outcome("e", StatusRejected, ""), t0.Add(8*time.Second)),
		stamped(outcome("c", StatusOK, "trx-c"), t0.Add(9*time.Second)),
	}
	for _, e := range seq {
		mustAppend(t, j, e)
	}
	entries, _, _ := j.Entries()
	recent, probs, err := j.Recent(bg, 0)
	if err != nil || len(probs) != 0 {
		t.Fatal(err, probs)
	}
	want := refRecent(entries, 0)
	if fmt.Sprint(aids(recent)) != fmt.Sprint(aids(want)) || len(recent) != 5 {
		t.Fatalf("Recent = %v, want %v", aids(recent), aids(want))
	}
	for i := range want {
		if recent[i].Status() != want[i].Status() {
			t.Errorf("%s: status %s, want %s", want[i].Intent.JournalID, recent[i].Status(), want[i].Status())
		}
	}
	if r2, _, _ := j.Recent(bg, 2); fmt.Sprint(aids(r2)) != "[e d]" {
		t.Errorf("Recent(2) = %v", aids(r2))
	}
	pend, err := j.Pending(bg)
	if err != nil || fmt.Sprint(aids(pend)) != "[b d]" {
		t.Fatalf("Pending = %v, %v; want b (no outcome) and d (ok without id)", aids(pend), err)
	}
	if !pend[0].Pending() || pend[1].Pending() || !pend[1].AwaitsID() {
		t.Errorf("Pending/AwaitsID tell the two apart: %+v", pend)
	}
	if a, ok, err := j.Get(bg, "c"); !ok || err != nil || a.Outcome == nil || a.Outcome.TransactionID != "trx-c" {
		t.Errorf("Get(c) = %+v %v %v", a, ok, err)
	}
	if _, ok, _ := j.Get(bg, "zz"); ok {
		t.Error("Get of an unknown id found something")
	}
	cl, err := j.Claimed(bg, time.Time{})
	if err != nil || len(cl) != 2 || cl["trx-a"] != "a" || cl["trx-c"] != "c" {
		t.Errorf("Claimed = %v %v", cl, err)
	}
	same, err := j.Same(bg, KeyOf(intent("x", "op")), t0.Add(3*time.Second))
	if err != nil || fmt.Sprint(aids(same)) != "[e d c b]" {
		t.Errorf("Same = %v %v; want the window (c d e) plus pending b", aids(same), err)
	}
}

func aids(list []Attempt) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Intent.JournalID)
	}
	return out
}

// Another process (here another handle) appends between two calls: the
// index catches up from where it stopped, and a fresh handle starts from
// the checkpoint and agrees.
func TestFileStoreIndexFollowsOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Enough lines to pass the checkpoint threshold.
	for i := 0; i < 800; i++ {
		id := fmt.Sprintf("old-%d", i)
		mustAppend(t, a, intent(id, "op"))
		mustAppend(t, a, outcome(id, StatusOK, "trx-"+id))
	}
	mustAppend(t, a, intent("p1", "op"))
	if p, _ := b.Pending(bg); fmt.Sprint(aids(p)) != "[p1]" {
		t.Fatalf("b sees %v", aids(p))
	}
	if _, err := os.Stat(path + ".idx"); err != nil {
		t.Fatalf("no checkpoint written: %v", err)
	}
	mustAppend(t, b, intent("p2", "op"))
	mustAppend(t, b, outcome("p1", StatusNotFound, ""))
	if p, _ := a.Pending(bg); fmt.Sprint(aids(p)) != "[p2]" {
		t.Fatalf("a sees %v after b's appends", aids(p))
	}
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p, _ := c.Pending(bg); fmt.Sprint(aids(p)) != "[p2]" {
		t.Fatalf("a fresh handle sees %v", aids(p))
	}
	if c.ckOff == 0 {
		t.Error("the fresh handle did not start from the checkpoint")
	}
	// A checkpoint of another file is ignored, not believed.
	if err := os.WriteFile(path+".idx", []byte(`{"v":1,"off":10,"lines":1,"last":"00","open":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := Open(path)
	defer d.Close()
	if p, _ := d.Pending(bg); fmt.Sprint(aids(p)) != "[p2]" {
		t.Fatalf("with a wrong checkpoint: %v", aids(p))
	}
}

// Locked excludes a second handle (a second process) for its whole length:
// two reconcilers deciding on one attempt append one outcome between them.
func TestLockedExcludesSecondHandle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	var handles []*File
	for range 2 {
		h, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		handles = append(handles, h)
	}
	mustAppend(t, handles[0], intent("p", "op"))
	var wg sync.WaitGroup
	for i, h := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := h.Locked(bg, func(tx Tx) error {
				a, ok, err := tx.Get(bg, "p")
				if err != nil || !ok {
					return fmt.Errorf("get: %v %v", ok, err)
				}
				if !a.Pending() {
					return nil
				}
				time.Sleep(50 * time.Millisecond) // a slow provider call
				_, err = tx.Append(bg, outcome("p", StatusOK, fmt.Sprintf("trx-%d", i)))
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	entries, _, _ := handles[0].Entries()
	outs := 0
	for _, e := range entries {
		if e.Phase == PhaseOutcome {
			outs++
		}
	}
	if outs != 1 {
		t.Fatalf("%d outcomes for one attempt", outs)
	}
}

// A caller that gives up stops waiting for the lock.
func TestLockHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	a, _ := Open(path)
	defer a.Close()
	b, _ := Open(path)
	defer b.Close()
	held := make(chan struct{})
	release := make(chan struct{})
	go a.Locked(bg, func(Tx) error { close(held); <-release; return nil })
	<-held
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := b.Append(ctx, intent("x", "op"))
	close(release)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("append behind a held lock: %v", err)
	}
}

// Since and Head: a feed catches up in pages and then sees only new lines.
func TestSinceAndHead(t *testing.T) {
	j := openTemp(t)
	for i := range 5 {
		mustAppend(t, j, intent(fmt.Sprintf("i%d", i), "op"))
	}
	recs, next, err := j.Since(bg, 0, 3)
	if err != nil || len(recs) != 3 || recs[0].Entry.JournalID != "i0" {
		t.Fatalf("first page: %v %v", recs, err)
	}
	recs, next, err = j.Since(bg, next, 10)
	if err != nil || len(recs) != 2 || recs[1].Entry.JournalID != "i4" {
		t.Fatalf("second page: %v %v", recs, err)
	}
	head, _ := j.Head(bg)
	if head != next {
		t.Errorf("Head %d, end of feed %d", head, next)
	}
	mustAppend(t, j, intent("new", "op"))
	recs, _, _ = j.Since(bg, head, 10)
	if len(recs) != 1 || recs[0].Entry.JournalID != "new" {
		t.Errorf("after Head: %v", recs)
	}
	if _, _, err := j.Since(bg, head-3, 10); err == nil {
		t.Error("a position inside a line was accepted")
	}
}

// Recent reports a torn last line among the problems it met, and the
// attempts before it.
func TestRecentTornTail(t *testing.T) {
	j := openTemp(t)
	mustAppend(t, j, intent("a", "op"))
	f, _ := os.OpenFile(j.Path(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"ts":"2024`)
	f.Close()
	list, probs, err := j.Recent(bg, 10)
	if err != nil || len(list) != 1 || len(probs) != 1 || probs[0].Line != 2 {
		t.Fatalf("Recent = %v %v %v", aids(list), probs, err)
	}
	mustAppend(t, j, intent("b", "op"))
	list, probs, _ = j.Recent(bg, 10)
	if fmt.Sprint(aids(list)) != "[b a]" || len(probs) != 1 || probs[0].Line != 2 {
		t.Fatalf("after the next append: %v %v", aids(list), probs)
	}
}

// A journal that can only be read can still be verified and listed.
func TestOpenReadOnly(t *testing.T) {
	j := openTemp(t)
	mustAppend(t, j, intent("a", "op"))
	r, err := OpenReadOnly(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if rep, err := r.Verify(bg); err != nil || !rep.OK || rep.Entries != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if _, err := r.Append(bg, intent("b", "op")); err == nil {
		t.Error("append to a read-only handle succeeded")
	}
}
