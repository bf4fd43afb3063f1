package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentFlood opens n TCP connections to addr from the loopback addresses
// froms (round robin), each sending an SSH banner and then nothing, as a
// flood that never logs in. It returns them (closed at the test's end).
func silentFlood(t testing.TB, addr string, n int, froms ...string) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range n {
		d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(froms[i%len(froms)])}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Logf("flood connection %d: %v", i, err)
			break
		}
		conns = append(conns, c)
		_, _ = io.WriteString(c, "SSH-2.0-flood\r\n")
	}
	return conns
}

// loginAndLookup is an operator's whole errand: connect, log in, run lookup.
func loginAndLookup(ts *testServer) error {
	c, err := ts.dial(ts.keys.alice, "alice")
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	out, err := sess.Output("lookup 0611111111")
	if err != nil || !strings.Contains(string(out), "lookup 0611111111 as alice") {
		return fmt.Errorf("lookup: %v %q", err, out)
	}
	return nil
}

// TestSilentFloodDoesNotLockOperatorsOut: 1,000 connections from two other
// hosts send their banner and go silent; a listed operator still logs in
// and runs lookup, with the default caps. Before the gate all 1,000 sat
// there until the client left (there was no handshake deadline) and, at a
// file limit of 1,100, made the operator's lookup time out.
func TestSilentFloodDoesNotLockOperatorsOut(t *testing.T) {
	// The process's file limit (test clients and server together) leaves
	// room for the flood's own 1,000 descriptors and a few hundred more,
	// not for a server that holds all 1,000 too.
	lowerFileLimit(t, 1500)
	ts := startServer(t, time.Hour)
	flood := silentFlood(t, ts.addr, 1000, "127.0.0.2", "127.0.0.3")
	if err := loginAndLookup(ts); err != nil {
		t.Fatalf("with %d silent connections held: %v", len(flood), err)
	}
	if len(flood) != 1000 {
		t.Errorf("the flood got %d connections out, want 1,000", len(flood))
	}
	if n := ts.srv.gate.pending(); n > 2*DefaultMaxStartupsPerAddress {
		t.Errorf("%d connections not logged in are held, want at most %d", n, 2*DefaultMaxStartupsPerAddress)
	}
	got := ts.srv.RefusalsByReason()
	if got[RefusedPerAddress] < 1000-2*DefaultMaxStartupsPerAddress-10 {
		t.Errorf("refusals %v, want about %d per_address", got, 1000-2*DefaultMaxStartupsPerAddress)
	}
	log := serveLogText(t, ts)
	if n := strings.Count(log, `"msg":"refused","reason":"per_address"`); n < 1 || n > 2 {
		t.Errorf("%d log lines for the per-address refusals, want one (rate-limited):\n%s", n, log)
	}
}

func serveLogText(t testing.TB, ts *testServer) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ts.dir, "state", "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLoginGraceEndsSilentConnections: a connection that does not log in
// within login_grace is closed by the server, counted and logged, and its
// place is free again.
func TestLoginGraceEndsSilentConnections(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.LoginGrace = 2 * time.Second })
	c := silentFlood(t, ts.addr, 1, "127.0.0.2")[0]
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a silent connection 10 s with login_grace 2s")
	}
	for deadline := time.Now().Add(5 * time.Second); ts.srv.RefusalsByReason()[RefusedLoginGrace] == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := ts.srv.RefusalsByReason()[RefusedLoginGrace]; n != 1 {
		t.Errorf("%d login_grace refusals, want 1", n)
	}
	if n := ts.srv.gate.pending(); n != 0 {
		t.Errorf("%d places still held", n)
	}
	if err := loginAndLookup(ts); err != nil {
		t.Errorf("an operator's login, well within the grace: %v", err)
	}
}

// TestGateCaps: below start every connection enters; from start on each
// new one is dropped with OpenSSH's probability (rate at start, rising to
// 100 at full); at full every one is refused; an address holds at most its
// share; a place is given back once, on login or on close.
func TestGateCaps(t *testing.T) {
	g := newGate(MaxStartups{Start: 2, Rate: 40, Full: 5}, 4)
	var asked []int
	g.drop = func(p int) bool { asked = append(asked, p); return false }
	var held []*gateConn
	for i := range 5 {
		gc, why := g.enter(nil, fmt.Sprintf("10.0.0.%d", i%2))
		if gc == nil {
			t.Fatalf("connection %d refused: %s", i, why)
		}
		held = append(held, gc)
	}
	if fmt.Sprint(asked) != "[40 60 80]" {
		t.Errorf("drop asked with %v, want [40 60 80]", asked)
	}
	if _, why := g.enter(nil, "10.0.0.9"); why != RefusedMaxStartups {
		t.Errorf("at full: %q", why)
	}
	g.leave(held[0])
	g.leave(held[0])
	if n := g.pending(); n != 4 {
		t.Errorf("pending %d after one leave (twice), want 4", n)
	}
	g.drop = func(p int) bool { return true }
	if _, why := g.enter(nil, "10.0.0.9"); why != RefusedMaxStartups {
		t.Errorf("past start with the drop drawn: %q", why)
	}
	for _, gc := range held[1:] {
		g.leave(gc)
	}
	g.drop = func(int) bool { return false }
	for i := range 4 {
		if gc, why := g.enter(nil, "10.0.0.1"); gc == nil {
			t.Fatalf("connection %d from one address refused: %s", i, why)
		}
	}
	if _, why := g.enter(nil, "10.0.0.1"); why != RefusedPerAddress {
		t.Errorf("fifth from one address: %q", why)
	}
	if len(g.byAddr) != 1 {
		t.Errorf("per-address table %v", g.byAddr)
	}
}

// TestShutdownEndsEverythingWithinItsBound: with silent connections at the
// gate, a console at a hostile PTY size and a headless session open, a
// shutdown returns within its bound and leaves no connection open.
func TestShutdownEndsEverythingWithinItsBound(t *testing.T) {
	ts := startServer(t, time.Hour)
	flood := silentFlood(t, ts.addr, 50, "127.0.0.2", "127.0.0.3", "127.0.0.4")
	cn := openConsoleSized(t, ts.mustDial(ts.keys.vic), nil, 1<<31-1, 1<<31-1)
	cn.waitFirst(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_ = ts.srv.Shutdown(ctx)
	took := time.Since(start)
	t.Logf("shutdown took %s", took)
	if took > 3*time.Second {
		t.Errorf("shutdown took %s with a 2 s bound", took)
	}
	if !cn.ended(5 * time.Second) {
		t.Error("the console is still open after the shutdown")
	}
	var wg sync.WaitGroup
	for _, c := range flood {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.Copy(io.Discard, c); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("a silent connection from %s is still open after the shutdown", c.LocalAddr())
				}
			}
		}()
	}
	wg.Wait()
}

// TestLoggedInConnectionLeavesTheGate: a connection that logged in no
// longer counts against max_startups (the auth log frees its place) and is
// not ended by login_grace.
func TestLoggedInConnectionLeavesTheGate(t *testing.T) {
	// The grace must leave a loaded machine (the race detector, two
	// cores shared) time to log in, and the test time to outlive it.
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.LoginGrace = 2 * time.Second })
	cn := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	cn.waitFirst(10 * time.Second)
	if n := ts.srv.gate.pending(); n != 0 {
		t.Errorf("a logged-in connection holds a place at the gate (%d)", n)
	}
	if cn.ended(3 * time.Second) {
		t.Fatal("login_grace ended a logged-in console")
	}
	cn.typeText("/")
	if !cn.waitFor("alice", 5*time.Second) {
		t.Errorf("console not answering after login_grace: %q", tail(cn.text(), 200))
	}
}

func TestSourceOf(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:2222":              "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:2222": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:9":    "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:22":       "192.0.2.7",
	} {
		a, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sourceOf(a); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
