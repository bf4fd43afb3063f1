package cli

import (
	"runtime/debug"
	"sync"
	"time"
)

// releaser is the process's one policy for giving memory back to the
// system after the console drops a large answer: Go returns freed heap
// lazily (the scavenger paces itself over minutes), and an operator who
// dropped a 60,000-bucket line expects the console's RSS to fall. Hints
// coalesce: the memory is given back once, settle after the last hint, on a
// goroutine of its own, and never more often than once per gap. The
// standalone console uses it; serve does not (a forced collection there
// would pause every session for one operator's line: the runtime's
// scavenger returns the memory in the background).
type releaser struct {
	settle, gap time.Duration
	free        func()                                 // debug.FreeOSMemory
	now         func() time.Time                       // the clock
	after       func(d time.Duration, f func()) func() // time.AfterFunc; returns a stop
	mu          sync.Mutex
	pending     bool      // a release is scheduled
	last        time.Time // the last release
	stop        func()
}

func newReleaser() *releaser {
	return &releaser{settle: 200 * time.Millisecond, gap: 5 * time.Second, free: debug.FreeOSMemory, now: time.Now,
		after: func(d time.Duration, f func()) func() {
			t := time.AfterFunc(d, f)
			return func() { t.Stop() }
		}}
}

// Dropped is the console's hint (ui.Options.Dropped): it only schedules.
func (r *releaser) Dropped(int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending {
		return
	}
	wait := r.settle
	if next := r.last.Add(r.gap); !r.last.IsZero() && next.Sub(r.now()) > wait {
		wait = next.Sub(r.now())
	}
	r.pending = true
	r.stop = r.after(wait, r.release)
}

func (r *releaser) release() {
	r.free()
	r.mu.Lock()
	r.pending, r.last = false, r.now()
	r.mu.Unlock()
}

// Close cancels a scheduled release (the console is ending).
func (r *releaser) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		r.stop()
	}
}
