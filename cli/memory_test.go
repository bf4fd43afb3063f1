package cli

import (
	"testing"
	"time"
)

// TestReleaserCoalescesAndSpaces: hints from the console schedule one
// release settle after the first, however many come meanwhile; the next
// release waits out the gap since the last; Close cancels a scheduled one.
// The clock and the timer are fakes: the test reads what was scheduled.
func TestReleaserCoalescesAndSpaces(t *testing.T) {
	now := time.Unix(1000, 0)
	var waits []time.Duration
	var fire func()
	stopped := 0
	frees := 0
	r := newReleaser()
	r.free = func() { frees++ }
	r.now = func() time.Time { return now }
	r.after = func(d time.Duration, f func()) func() {
		waits, fire = append(waits, d), f
		return func() { stopped++ }
	}
	r.Dropped(6000)
	r.Dropped(60000)
	r.Dropped(6000)
	if len(waits) != 1 || waits[0] != r.settle || frees != 0 {
		t.Fatalf("three hints scheduled %v and freed %d times; want one release after %v, none yet", waits, frees, r.settle)
	}
	now = now.Add(r.settle)
	fire()
	if frees != 1 {
		t.Fatalf("the release freed %d times", frees)
	}
	now = now.Add(time.Second)
	r.Dropped(6000)
	if len(waits) != 2 || waits[1] != r.gap-time.Second {
		t.Fatalf("a hint 1 s after a release waits %v; want the rest of the %v gap", waits, r.gap)
	}
	now = now.Add(r.gap - time.Second)
	fire()
	now = now.Add(time.Minute)
	r.Dropped(6000)
	if len(waits) != 3 || waits[2] != r.settle || frees != 2 {
		t.Fatalf("a hint long after the last release waits %v (%d frees); want %v", waits, frees, r.settle)
	}
	r.Close()
	if stopped != 1 {
		t.Fatal("Close did not cancel the scheduled release")
	}
}
