package serve

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
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
	c2 := ts.mustDial(ts.keys.vic)
	second := openConsole(t, c2, nil)
	if !second.ended(30 * time.Second) {
		t.Fatal("the viewer's second console is open")
	}
	_, errs, code := run(t, c2, "stock")
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
	// sue's session ends on the server just after her client has its exit
	// status: wait for it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got := ts.srv.SessionsByRole()
		if got["viewer"] == 1 && got["agent"] == 1 && len(got) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sessions by role %v, want viewer 1 and agent 1", got)
		}
	}
	if got := ts.srv.RefusalsByReason(); got[RefusedPerOperator] != 2 || got[RefusedMaxSessions] != 0 {
		t.Errorf("refusals %v", got)
	}
	if log := serveLogText(t, ts); !strings.Contains(log, `"msg":"refused","reason":"max_sessions_per_operator","detail":"vic from 127.0.0.1`) {
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
	// One after the other: sessions of several connections are admitted
	// in whatever order their handlers run, and a refused console writes
	// only to stderr, so which of three opened at once is refused is luck.
	var cns []*console
	for range 2 {
		cn := openConsole(t, ts.mustDial(ts.keys.bob), nil)
		cn.waitFirst(30 * time.Second)
		cns = append(cns, cn)
	}
	cns = append(cns, openConsole(t, ts.mustDial(ts.keys.bob), nil)) // refused: bob's share is 2
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

// TestOperatorConnectionsAreCapped: an operator holds at most twice
// max_sessions_per_operator logged-in connections, sessions open or not;
// the next one is refused with one line and closed, others still get in,
// and a connection closed frees its place.
func TestOperatorConnectionsAreCapped(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.MaxSessionsPerOperator = 1 })
	var held []*gossh.Client
	for range 2 {
		c := ts.mustDial(ts.keys.vic)
		if _, errs, code := run(t, c, "stock"); code != 0 {
			t.Fatalf("vic's connection %d: %d %q", len(held)+1, code, errs)
		}
		held = append(held, c)
	}
	third := ts.mustDial(ts.keys.vic)
	_, errs, code := run(t, third, "stock")
	if code != 1 || !strings.Contains(errs, "you already have 2 connections open, the most one operator may (twice max_sessions_per_operator)") {
		t.Errorf("third connection: %d %q", code, errs)
	}
	closed := make(chan error, 1)
	go func() { closed <- third.Wait() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Error("the refused connection is still open")
	}
	if out, _, code := run(t, ts.mustDial(ts.keys.alice), "stock"); code != 0 || !strings.Contains(out, "as alice") {
		t.Errorf("alice: %d %q", code, out)
	}
	held[0].Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := ts.dial(ts.keys.vic, "vic")
		if err != nil {
			t.Fatal(err)
		}
		_, _, code := run(t, c, "stock")
		c.Close()
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection did not free its place")
		}
	}
	if n := ts.srv.RefusalsByReason()[RefusedPerOperatorConns]; n < 1 {
		t.Errorf("connections_per_operator refusals %d", n)
	}
}

// TestSessionlessLoginIsClosedAfterGrace: a connection that logs in but
// opens no session is closed once login_grace has passed (it would
// otherwise hold its descriptor, counted nowhere, for as long as the
// client liked).
func TestSessionlessLoginIsClosedAfterGrace(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.LoginGrace = 2 * time.Second })
	c := ts.mustDial(ts.keys.vic)
	closed := make(chan error, 1)
	go func() { closed <- c.Wait() }()
	select {
	case <-closed:
	case <-time.After(15 * time.Second):
		t.Fatal("a logged-in connection without a session is still open 15 s on, login_grace 2s")
	}
	if n := ts.srv.RefusalsByReason()[RefusedLoginGrace]; n != 1 {
		t.Errorf("login_grace refusals %d, want 1", n)
	}
}
