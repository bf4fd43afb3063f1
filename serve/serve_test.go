package serve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/topup"
)

func TestKnownKeyIsTheOperatorWhateverTheUser(t *testing.T) {
	ts := startServer(t, time.Hour)
	c, err := ts.dial(ts.keys.vic, "alice") // claims to be alice, holds vic's key
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, code := run(t, c, "stock")
	if code != 0 || out != "stock as vic (viewer)\n" {
		t.Fatalf("got %q exit %d, want the key's operator vic", out, code)
	}
	start := waitLog(t, ts, "serve.log", "session start", map[string]string{"operator": "vic", "role": "viewer", "command": "stock"})
	if start.str("key") != gossh.FingerprintSHA256(ts.keys.vic.PublicKey()) || start.str("session") == "" || start.str("request") == "" {
		t.Errorf("session start %v: want vic's key, a session and a request id", start)
	}
	waitLog(t, ts, "serve.log", "session end", map[string]string{"operator": "vic", "session": start.str("session")})
}

func TestUnknownKeyRefusedAtHandshake(t *testing.T) {
	ts := startServer(t, time.Hour)
	_, err := ts.dial(ts.keys.eve, "alice")
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("unknown key: err %v, want an authentication failure", err)
	}
}

func TestNoPTYNoCommandGetsUsage(t *testing.T) {
	ts := startServer(t, time.Hour)
	c := ts.mustDial(ts.keys.alice)
	out, errs, code := run(t, c, "")
	if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "usage: ssh") {
		t.Fatalf("stdout %q stderr %q exit %d: want one line of usage, exit 2", out, errs, code)
	}
}

func TestServerOnlyFlagsAndCommandsRefused(t *testing.T) {
	ts := startServer(t, time.Hour)
	c := ts.mustDial(ts.keys.sue)
	for _, cmd := range []string{"journal --export /tmp/x", "lookup --config=/etc/passwd 1", "stock -demo", "serve", "sim", "sh -c id"} {
		out, errs, code := run(t, c, cmd)
		if code != ExitForbidden || out != "" || errs == "" {
			t.Errorf("%q: stdout %q stderr %q exit %d, want refused with exit %d", cmd, out, errs, code, ExitForbidden)
		}
	}
}

func TestBadOperatorsFileReportsEveryLine(t *testing.T) {
	a, b := newSigner(t), newSigner(t)
	text := strings.Join([]string{
		"# comment",
		authLine(`operator="alice",role="agent"`, a),
		authLine(`operator="bob",role="boss"`, b),
		"ssh-ed25519 AAAA-not-base64",
		authLine(`role="agent"`, b),
		authLine(`operator="carol",role="viewer"`, a),
		authLine(`operator="alice",role="supervisor",no-pty`, b),
	}, "\n")
	_, err := ParseOperators("ops", []byte(text))
	var oe *OperatorsError
	if !errors.As(err, &oe) {
		t.Fatalf("err %v, want OperatorsError", err)
	}
	want := []string{"ops:3: unknown role", "ops:4: not a public key", "ops:5: no operator", "ops:6: key SHA256:", "ops:7: option \"no-pty\""}
	if len(oe.Problems) != len(want) {
		t.Fatalf("problems:\n%s", err)
	}
	for i, w := range want {
		if !strings.HasPrefix(oe.Problems[i], w) {
			t.Errorf("problem %d = %q, want prefix %q", i, oe.Problems[i], w)
		}
	}
	// And the server does not start on such a file.
	dir := t.TempDir()
	path := filepath.Join(dir, "ops")
	os.WriteFile(path, []byte(text), 0o600)
	eng := engine.New(engine.Options{})
	if _, err := New(Options{Engine: eng, Hub: nilHub(), Operators: path, HostKey: filepath.Join(dir, "k"), StateDir: dir}); !errors.As(err, &oe) {
		t.Fatalf("New on a bad file: %v", err)
	}
}

func TestHostKeyCreatedPrivateAndReused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "own", "host_key")
	s1, created, err := HostKey(path)
	if err != nil || !created {
		t.Fatalf("first: %v created %v", err, created)
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v, want 0600 in 0700", fi.Mode().Perm(), di.Mode().Perm())
	}
	s2, created, err := HostKey(path)
	if err != nil || created || Fingerprint(s1) != Fingerprint(s2) || s1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("second start: %v created %v fp %s vs %s", err, created, Fingerprint(s1), Fingerprint(s2))
	}
	os.Chmod(path, 0o644)
	if _, _, err := HostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("readable key accepted: %v", err)
	}
}

func TestRemovedKeyEndsTheSessionAtOnce(t *testing.T) {
	ts := startServer(t, time.Hour)
	c := ts.mustDial(ts.keys.bob)
	cn := openConsole(t, c, nil)
	if !cn.waitFor("bob", 5*time.Second) {
		t.Fatalf("console never showed the operator:\n%q", cn.text())
	}
	// Headless commands of another connection of bob's still work now.
	c2 := ts.mustDial(ts.keys.bob)
	if _, _, code := run(t, c2, "stock"); code != 0 {
		t.Fatalf("before removal: exit %d", code)
	}
	if err := os.WriteFile(ts.opsPath, []byte(ts.keys.operatorsText("bob")), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := ts.srv.Operators().Lookup(ts.keys.bob.PublicKey()); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("operators file not reloaded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The open connection's next action is refused with a clear message.
	_, errs, code := run(t, c2, "stock")
	if code == 0 || !strings.Contains(errs, "your key is not in the operators file") {
		t.Errorf("after removal, headless: exit %d stderr %q", code, errs)
	}
	// The console ends at once, without waiting for a key press (it
	// would otherwise go on showing the live stock and journal).
	if !cn.ended(5 * time.Second) {
		t.Fatal("console still open 5 s after its key was removed")
	}
	if !strings.Contains(cn.text(), "access revoked: the key of bob was removed from the operators file") {
		t.Errorf("no clear message; output tail: %q", tail(cn.text(), 300))
	}
	if _, err := ts.dial(ts.keys.bob, "bob"); err == nil {
		t.Error("a new connection with the removed key was accepted")
	}
	// A file that no longer parses keeps the last good set.
	os.WriteFile(ts.opsPath, []byte("garbage\n"), 0o600)
	time.Sleep(100 * time.Millisecond)
	if _, ok := ts.srv.Operators().Lookup(ts.keys.alice.PublicKey()); !ok {
		t.Error("a broken operators file locked alice out")
	}
}

// TestEmptiedOperatorsFileRevokesEveryone: a sound operators file with no
// key left is how an administrator cuts every session at once; it is
// applied on reload (only refused at start), and keys written back let
// operators in again.
func TestEmptiedOperatorsFileRevokesEveryone(t *testing.T) {
	ts := startServer(t, time.Hour)
	var cns []*console
	for _, k := range []gossh.Signer{ts.keys.alice, ts.keys.bob} {
		cn := openConsole(t, ts.mustDial(k), nil)
		if !cn.waitFor("operator", 5*time.Second) {
			t.Fatalf("console never opened:\n%q", cn.text())
		}
		cns = append(cns, cn)
	}
	if err := os.WriteFile(ts.opsPath, []byte("# the shift is over\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cn := range cns {
		if !cn.ended(5 * time.Second) {
			t.Fatal("a console outlived an emptied operators file")
		}
		if !strings.Contains(cn.text(), "access revoked") {
			t.Errorf("no clear message; output tail: %q", tail(cn.text(), 300))
		}
	}
	if _, err := ts.dial(ts.keys.alice, "alice"); err == nil {
		t.Error("a key was accepted after the operators file was emptied")
	}
	if err := os.WriteFile(ts.opsPath, []byte(ts.keys.operatorsText()), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := ts.dial(ts.keys.alice, "alice"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("alice's key written back was never let in")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRolesAsTheEngineSeesThem(t *testing.T) {
	ts := startServer(t, time.Hour)
	vic := ts.mustDial(ts.keys.vic)
	_, errs, code := run(t, vic, "topup")
	if code == 0 || !strings.Contains(errs, "vic is a viewer and may not top up") {
		t.Errorf("viewer top-up: exit %d %q", code, errs)
	}
	if n := ts.prov.topups.Load(); n != 0 {
		t.Errorf("provider saw %d top-ups from a viewer", n)
	}
	alice := ts.mustDial(ts.keys.alice)
	if _, errs, code := run(t, alice, "journal --reconcile"); code == 0 || !strings.Contains(errs, "alice is an agent and may not reconcile") {
		t.Errorf("agent reconcile: exit %d %q", code, errs)
	}
	sue := ts.mustDial(ts.keys.sue)
	if out, errs, code := run(t, sue, "journal --reconcile"); code != 0 {
		t.Errorf("supervisor reconcile: exit %d %q %q", code, out, errs)
	}
	if out, _, code := run(t, alice, "topup"); code != 0 || out != "ok as alice\n" {
		t.Errorf("agent top-up: exit %d %q", code, out)
	}
	entries := journalEntries(t, ts)
	if len(entries) != 2 || entries[0].Operator != "alice" || entries[1].Operator != "alice" {
		t.Errorf("journal does not name alice on the intent and outcome: %+v", entries)
	}
}

func TestTwoOperatorsRaceOneTopup(t *testing.T) {
	ts := startServer(t, time.Hour)
	clients := map[string]*gossh.Client{"alice": ts.mustDial(ts.keys.alice), "bob": ts.mustDial(ts.keys.bob)}
	type res struct {
		who, out, errs string
		code           int
	}
	results := make(chan res, 2)
	var start sync.WaitGroup
	start.Add(1)
	for who, c := range clients {
		go func() {
			start.Wait()
			out, errs, code := run(t, c, "topup")
			results <- res{who, out, errs, code}
		}()
	}
	start.Done()
	var ok, refused []res
	for range 2 {
		r := <-results
		if r.code == 0 {
			ok = append(ok, r)
		} else {
			refused = append(refused, r)
		}
	}
	if len(ok) != 1 || len(refused) != 1 {
		t.Fatalf("want exactly one top-up to proceed: ok %+v refused %+v\n%+v", ok, refused, journalEntries(t, ts))
	}
	if n := ts.prov.topups.Load(); n != 1 {
		t.Errorf("provider saw %d top-ups", n)
	}
	// The one refused is told who did it.
	if !strings.Contains(refused[0].errs, ok[0].who+" ") {
		t.Errorf("%s was refused without naming %s: %q", refused[0].who, ok[0].who, refused[0].errs)
	}
}

func TestSharedPollerCostsWhatOneSessionDoes(t *testing.T) {
	const every = 100 * time.Millisecond
	ts := startServer(t, every, func(o *Options, _ *fakeProv) { o.Rate = 1000; o.MaxSessionsPerOperator = 100 })
	count := func(n int) int64 {
		var cns []*console
		for range n {
			cns = append(cns, openConsole(t, ts.mustDial(ts.keys.alice), nil))
		}
		for _, cn := range cns {
			cn.waitFirst(30 * time.Second)
		}
		before := ts.prov.offers.Load()
		time.Sleep(10 * every)
		calls := ts.prov.offers.Load() - before
		for _, cn := range cns {
			cn.sess.Close()
		}
		return calls
	}
	one := count(1)
	fifty := count(50)
	t.Logf("stock calls in 10 intervals: 1 session %d, 50 sessions %d", one, fifty)
	// A loaded machine may delay polls, never add any: fifty sessions must
	// not cost more than one (a poll per session would be 50× here).
	if one < 1 || one > 11 || fifty < 1 || fifty > 11 {
		t.Fatalf("stock calls in 10 intervals: 1 session %d, 50 sessions %d; want at most 11 each", one, fifty)
	}
}

func TestShutdownLetsATopupInFlightFinish(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, p *fakeProv) {
		p.gate, p.started = make(chan struct{}), make(chan struct{}, 1)
	})
	watcher := openConsole(t, ts.mustDial(ts.keys.vic), nil)
	watcher.waitFirst(10 * time.Second)
	alice := ts.mustDial(ts.keys.alice)
	type res struct {
		out  string
		code int
	}
	done := make(chan res, 1)
	go func() {
		out, _, code := run(t, alice, "topup")
		done <- res{out, code}
	}()
	<-ts.prov.started
	shut := make(chan error, 1)
	began := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	if !watcher.waitFor("shutting down", 5*time.Second) {
		t.Errorf("the open console was not told: %q", tail(watcher.text(), 300))
	}
	if _, err := ts.dial(ts.keys.sue, "sue"); err == nil {
		t.Error("a new connection was accepted while shutting down")
	}
	select {
	case err := <-shut:
		t.Fatalf("shutdown returned (%v) with a top-up in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(ts.prov.gate)
	r := <-done
	if r.code != 0 || r.out != "ok as alice\n" {
		t.Errorf("top-up in flight: exit %d %q", r.code, r.out)
	}
	if err := <-shut; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	if !watcher.ended(5 * time.Second) {
		t.Error("console still open after shutdown")
	}
	entries := journalEntries(t, ts)
	if len(entries) != 2 || entries[1].Phase != journal.PhaseOutcome || entries[1].Status != journal.StatusOK {
		t.Errorf("journal after shutdown: %+v", entries)
	}
}

func TestMaxSessionsAndRateRefusePolitely(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.MaxSessions = 1; o.Rate = 3 })
	c := ts.mustDial(ts.keys.alice)
	cn := openConsole(t, c, nil)
	cn.waitFirst(10 * time.Second)
	_, errs, code := run(t, ts.mustDial(ts.keys.bob), "stock")
	if code != 1 || !strings.Contains(errs, "all 1 sessions are in use") {
		t.Errorf("max_sessions: exit %d %q", code, errs)
	}
	run(t, ts.mustDial(ts.keys.bob), "stock") // the last of the 3 a minute
	_, errs, code = run(t, ts.mustDial(ts.keys.bob), "stock")
	if code != 1 || !strings.Contains(errs, "too many new sessions from your address") {
		t.Errorf("rate: exit %d %q", code, errs)
	}
}

func TestAccessLogAttributesLookups(t *testing.T) {
	ts := startServer(t, time.Hour)
	a := ts.eng.As(engine.Actor{Operator: "alice", Role: topup.RoleAgent, Addr: "10.0.0.7:5555"})
	id := mustID(t, "0611111111")
	if _, err := a.Lookup(context.Background(), id, ""); err != nil {
		t.Fatal(err)
	}
	recs := findLog(readLog(t, ts, "access.log"), "lookup", map[string]string{"operator": "alice", "role": "agent", "addr": "10.0.0.7:5555",
		"action": "lookup", "provider": "fk", "target": "0611111111", "result": "found"})
	// A console's action (no request id from the server) gets its own.
	if len(recs) != 1 || len(recs[0].str("request")) != 16 || recs[0]["session"] != nil {
		t.Errorf("access log: %v", readLog(t, ts, "access.log"))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func TestConsoleHonoursPTYSizeTermAndNoColor(t *testing.T) {
	ts := startServer(t, time.Hour)
	colour := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	if !colour.waitFor("alice", 5*time.Second) {
		t.Fatalf("no console: %q", colour.text())
	}
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(colour.text(), "\x1b[38;") && !strings.Contains(colour.text(), "\x1b[48;") {
		t.Errorf("xterm-256color console has no colour")
	}
	plain := openConsoleSized(t, ts.mustDial(ts.keys.bob), map[string]string{"NO_COLOR": "1"}, 100, 30)
	if !plain.waitFor("bob", 5*time.Second) {
		t.Fatalf("no console: %q", plain.text())
	}
	time.Sleep(300 * time.Millisecond)
	out := plain.text()
	if strings.Contains(out, "\x1b[38;") || strings.Contains(out, "\x1b[48;") {
		t.Errorf("NO_COLOR console writes colours: %q", tail(out, 200))
	}
	if !strings.Contains(out, strings.Repeat("─", 100)) || strings.Contains(out, strings.Repeat("─", 101)) {
		t.Errorf("the 100-column PTY does not get a 100-column rule")
	}
}

func TestIdleConsoleIsClosedWithAMessage(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.IdleTimeout = 300 * time.Millisecond })
	cn := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	cn.waitFirst(5 * time.Second)
	if !cn.ended(5 * time.Second) {
		t.Fatal("idle console still open")
	}
	if !strings.Contains(cn.text(), "no key pressed for 300ms: session closed") {
		t.Errorf("no message: %q", tail(cn.text(), 200))
	}
}
