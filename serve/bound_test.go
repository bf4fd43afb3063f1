package serve

import (
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// heapPeak samples the heap in use until stop is called, which returns the
// highest figure seen and the heap left after a GC.
func heapPeak() (stop func() (peak, after uint64)) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		<-finished
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return peak.Load(), ms.HeapInuse
	}
}

func settledHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestHugePTYIsClamped: a viewer's pty-req of 100000×100000 cells, then
// window changes to 5000×5000 and back, cost the server what a session at
// the clamp costs (at most 64 MiB at its peak), the console is drawn 500
// columns wide, and the server stops within its bound afterwards. Before
// the clamp the pty-req alone drove the server past 5 GB.
func TestHugePTYIsClamped(t *testing.T) {
	ts := startServer(t, time.Hour)
	base := settledHeap()
	stop := heapPeak()
	cn := openConsoleSized(t, ts.mustDial(ts.keys.vic), map[string]string{"NO_COLOR": "1"}, 100000, 100000)
	cn.keep = 256 << 10
	if !cn.waitFor(strings.Repeat("─", MaxCols), 60*time.Second) {
		t.Fatalf("no %d-column console: %q", MaxCols, tail(cn.text(), 300))
	}
	if err := cn.sess.WindowChange(5000, 5000); err != nil {
		t.Fatal(err)
	}
	cn.typeText("/")
	time.Sleep(300 * time.Millisecond)
	if err := cn.sess.WindowChange(24, 80); err != nil {
		t.Fatal(err)
	}
	rule80 := regexp.MustCompile(`(^|[^─])─{80}([^─]|$)`) // a rule of exactly 80, not part of the 500
	for deadline := time.Now().Add(30 * time.Second); !rule80.MatchString(cn.text()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no 80-column console after the window change: %q", tail(cn.text(), 300))
		}
	}
	peak, _ := stop()
	if strings.Contains(cn.text(), strings.Repeat("─", MaxCols+1)) {
		t.Errorf("a rule wider than %d columns was drawn", MaxCols)
	}
	if grew := float64(peak-min(peak, base)) / (1 << 20); grew > 64 {
		t.Errorf("the session's heap peaked %.1f MiB above the server's, want at most 64", grew)
	} else {
		t.Logf("heap peak %.1f MiB above the idle server's", grew)
	}
}

// TestWindowChangesOfAHeadlessSessionDoNotWedgeIt: a command run with a
// PTY gets window changes nobody reads; the library blocks its request loop
// on the second one, so without the drain the session's channel was never
// released. The session must run its command and end, and the server keep
// answering.
func TestWindowChangesOfAHeadlessSessionDoNotWedgeIt(t *testing.T) {
	ts := startServer(t, time.Hour)
	c := ts.mustDial(ts.keys.alice)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 0, 0, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := sess.WindowChange(1+i, 1<<30); err != nil {
			t.Fatal(err)
		}
	}
	out, err := sess.CombinedOutput("stock")
	if err != nil {
		t.Fatalf("stock with a PTY: %v (%q)", err, out)
	}
	if !strings.Contains(string(out), "stock as alice") {
		t.Errorf("output %q", out)
	}
	if o, _, code := run(t, c, "lookup 0611111111"); code != 0 || !strings.Contains(o, "as alice") {
		t.Errorf("next command: %d %q", code, o)
	}
}

// TestZeroSizedPTYGetsAConsole: a pty-req of 0×0 (allowed by the protocol)
// is taken as one cell and grows with the first window change.
func TestZeroSizedPTYGetsAConsole(t *testing.T) {
	ts := startServer(t, time.Hour)
	cn := openConsoleSized(t, ts.mustDial(ts.keys.alice), map[string]string{"NO_COLOR": "1"}, 0, 0)
	cn.waitFirst(10 * time.Second)
	if err := cn.sess.WindowChange(24, 80); err != nil {
		t.Fatal(err)
	}
	if !cn.waitFor(strings.Repeat("─", 80), 10*time.Second) {
		t.Fatalf("no console after growing from 0×0: %q", tail(cn.text(), 300))
	}
}

// TestClosedConsoleChannelFreesItsSession: a client that closes its
// console's channel but keeps the connection (ssh's ControlMaster does)
// frees the session at once. Before, the console ran on until the idle
// timeout, holding its place in max_sessions.
func TestClosedConsoleChannelFreesItsSession(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.MaxSessions = 1 })
	c := ts.mustDial(ts.keys.alice)
	cn := openConsole(t, c, nil)
	cn.waitFirst(10 * time.Second)
	cn.sess.Close()
	for deadline := time.Now().Add(5 * time.Second); len(ts.srv.SessionsByRole()) > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the session is still open 5 s after its channel closed: %v", ts.srv.SessionsByRole())
		}
	}
	if out, errs, code := run(t, c, "stock"); code != 0 {
		t.Errorf("the next session on the same connection: %d %q %q", code, out, errs)
	}
}
