package serve

import (
	"strings"
	"testing"
	"time"
)

// TestOneViewerCannotHoldEverySession: with max_sessions 3 and one session
// per operator, a viewer's second console is refused with its own line
// while the others still get in; counted by reason, and by role while open.
// Before the per-operator cap, two consoles of one viewer with
// max_sessions 2 refused everyone else.
func TestOneViewerCannotHoldEverySession(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.MaxSessions = 3; o.MaxSessionsPerOperator = 1 })
	first := openConsole(t, ts.mustDial(ts.keys.vic), nil)
	first.waitFirst(30 * time.Second)
	second := openConsole(t, ts.mustDial(ts.keys.vic), nil)
	if !second.ended(30 * time.Second) {
		t.Fatal("the viewer's second console is open")
	}
	_, errs, code := run(t, ts.mustDial(ts.keys.vic), "stock")
	if code != 1 || !strings.Contains(errs, "you already have 1 sessions open, the most one operator may (max_sessions_per_operator)") {
		t.Errorf("the viewer's second session: exit %d %q", code, errs)
	}
	other := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	if !other.waitFor("alice", 10*time.Second) {
		t.Fatalf("alice locked out: %q", tail(other.text(), 200))
	}
	if out, errs, code := run(t, ts.mustDial(ts.keys.sue), "stock"); code != 0 || !strings.Contains(out, "stock as sue") {
		t.Errorf("sue locked out: %d %q %q", code, out, errs)
	}
	if got := ts.srv.SessionsByRole(); got["viewer"] != 1 || got["agent"] != 1 || len(got) != 2 {
		t.Errorf("sessions by role %v, want viewer 1 and agent 1", got)
	}
	if got := ts.srv.RefusalsByReason(); got[RefusedPerOperator] != 2 || got[RefusedMaxSessions] != 0 {
		t.Errorf("refusals %v", got)
	}
	if log := readLog(t, ts); !strings.Contains(log, "refused (max_sessions_per_operator): vic from 127.0.0.1") {
		t.Errorf("not logged:\n%s", log)
	}
}

// TestStatsUnderLoad: the metrics methods answer while sessions open and
// close and refusals are counted on other goroutines (run with -race), and
// their figures add up once it is quiet.
func TestStatsUnderLoad(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.MaxSessionsPerOperator = 2; o.Rate = 1000 })
	stop := make(chan struct{})
	scraped := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				scraped <- n
				return
			default:
			}
			for _, v := range ts.srv.SessionsByRole() {
				if v < 0 {
					t.Error("negative session count")
				}
			}
			_ = ts.srv.RefusalsByReason()
			n++
			time.Sleep(time.Millisecond) // a scraper, not a spinner: the sessions need the lock too
		}
	}()
	c := ts.mustDial(ts.keys.bob)
	for range 5 {
		run(t, c, "stock")
	}
	var cns []*console
	for range 3 { // the third is refused: bob's share is 2
		cns = append(cns, openConsole(t, ts.mustDial(ts.keys.bob), nil))
	}
	cns[0].waitFirst(30 * time.Second)
	cns[1].waitFirst(30 * time.Second)
	if !cns[2].ended(30 * time.Second) {
		t.Fatal("bob's third console is open")
	}
	if got := ts.srv.SessionsByRole(); got["agent"] != 2 {
		t.Errorf("sessions by role %v, want agent 2", got)
	}
	for _, cn := range cns[:2] {
		cn.sess.Close()
	}
	for deadline := time.Now().Add(5 * time.Second); len(ts.srv.SessionsByRole()) > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	if n := <-scraped; n == 0 {
		t.Error("no scrape ran")
	}
	if got := ts.srv.SessionsByRole(); len(got) != 0 {
		t.Errorf("sessions by role after all closed: %v", got)
	}
	if got := ts.srv.RefusalsByReason(); got[RefusedPerOperator] != 1 {
		t.Errorf("refusals %v, want max_sessions_per_operator 1", got)
	}
}
