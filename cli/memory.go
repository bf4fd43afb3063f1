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

// consoleGCPercent is the garbage collector's GOGC for the standalone
// console (consoleGC).
const consoleGCPercent = 200

// consoleGC sets the collector for the standalone console, a process of its
// own, unless the operator set GOGC or GOMEMLIMIT. Receiving a 10,000-bucket
// line builds its answer in the heap while the decoder allocates about 2 KB a
// bucket: at the default GOGC of 100 the collector ran about two cycles per
// Enter on S-10000 marking the growing answer, with its write barriers on
// every store of the decoder; at 200 it runs about one, and the collector's
// CPU (assists and background marking, gctrace) fell from 56 to 35 ms an
// Enter in BenchmarkEnterS10000. The console's RSS holding that line did not
// grow (31 MiB over idle either way in tmux, bench/compare.sh): the answer
// itself is the live heap, and the releaser gives it back once dropped. Not
// 400 as for a streamed headless lookup: there the live heap is a few MiB,
// here it is the whole answer, and the console keeps it.
func consoleGC(getenv func(string) string, set func(int) int) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	set(consoleGCPercent)
}
