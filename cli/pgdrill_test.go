package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	gossh "golang.org/x/crypto/ssh"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/journal/pgtest"
	"simdesk/live"
	"simdesk/model"
	"simdesk/providers/sim"
	"simdesk/topup"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// startSimPG is startSim with the journal in a fresh PostgreSQL database.
func startSimPG(t *testing.T, o sim.Options) (*sim.Server, map[string]string, string) {
	t.Helper()
	dsn := pgtest.NewDB(t)
	s := sim.New(o)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	env := isolated(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := strings.Replace(s.ConfigTOML(), "readonly = false\n", "readonly = false\njournal = \""+dsn+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env["SIMDESK_CONFIG"] = path
	env["SIMDESK_SIM_SECRET"] = sim.ClientSecret
	return s, env, dsn
}

// TestCrashDuringTopupPG is the crash drill against the PostgreSQL journal:
// the real binary SIGKILLed at random moments of a top-up, then
// `journal --reconcile`: every attempt ends with exactly one definitive
// outcome and the ok outcomes equal the provider's new transactions.
func TestCrashDuringTopupPG(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := binary(t)
	s, env, dsn := startSimPG(t, sim.Options{Latency: 300 * time.Millisecond, Seed: 7})
	offer := plentyOffer(t, env)
	before := s.OkTransactions(offer.ID)
	ctx := context.Background()
	store, err := journal.OpenPG(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	pendingNow := func() int {
		list, err := store.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	rng := rand.New(rand.NewSource(43))
	topup := killableTopup(t, bin, env, offer.ID)
	start := time.Now()
	topup(0)
	whole := time.Since(start)
	if h, _ := store.Head(ctx); h == 0 {
		t.Fatal("a top-up left alone wrote nothing to the PostgreSQL journal")
	}
	runs := 1
	for ; runs < 40 && (runs < 11 || pendingNow() < 3); runs++ {
		topup(whole/4 + time.Duration(rng.Int63n(int64(whole))))
	}
	pending := pendingNow()
	// The simulator's list does not lag: no settle time to wait before an
	// absent attempt may be concluded "not found".
	cfgText, _ := os.ReadFile(env["SIMDESK_CONFIG"])
	os.WriteFile(env["SIMDESK_CONFIG"], []byte(strings.Replace(string(cfgText), "readonly = false\n", "readonly = false\nsettle_time = \"0s\"\n", 1)), 0o600)
	code, out, errs := run(t, env, "", "journal", "--reconcile", "--format", "json")
	if code != 0 {
		t.Fatalf("reconcile: %d %s %s", code, out, errs)
	}
	var doc journalJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("journal json: %v", err)
	}
	recs, _, err := store.Since(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	intents, outcomes, ok := map[string]bool{}, map[string]int{}, 0
	for _, r := range recs {
		e := r.Entry
		switch e.Phase {
		case journal.PhaseIntent:
			intents[e.JournalID] = true
		case journal.PhaseOutcome:
			if e.Status.Definitive() {
				outcomes[e.JournalID]++
			}
			if e.Status == journal.StatusOK {
				ok++
			}
		}
	}
	for id := range intents {
		if outcomes[id] != 1 {
			t.Errorf("attempt %s has %d definitive outcomes", id, outcomes[id])
		}
	}
	if got := s.OkTransactions(offer.ID) - before; got != ok {
		t.Fatalf("journal has %d ok outcomes, the provider holds %d new transactions", ok, got)
	}
	if pending == 0 {
		t.Error("no kill left an attempt pending: the drill did not test reconciliation")
	}
	if rep, err := store.Verify(ctx); err != nil || !rep.OK {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	t.Logf("%d runs: %d attempts journalled in PostgreSQL, %d left pending by SIGKILL, after reconciliation %d ok", runs, len(intents), pending, ok)
}

// TestJournalExportImportVerifyPG drives --import, --verify and --export
// through the command line, and shows --verify naming a line a superuser
// altered behind the triggers' back.
func TestJournalExportImportVerifyPG(t *testing.T) {
	_, env, dsn := startSimPG(t, sim.Options{Seed: 3})
	dir := t.TempDir()
	src := filepath.Join(dir, "file.jsonl")
	j, err := journal.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		if _, err := j.Append(ctx, journal.Entry{JournalID: id, Phase: journal.PhaseIntent, Provider: "orange", OfferID: "o", TargetType: "msisdn", TargetID: "33612345678"}); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	if code, out, errs := run(t, env, "", "journal", "--import", src); code != 0 || !strings.Contains(out, "imported 3 entries") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, env, "", "journal", "--verify"); code != 0 || !strings.Contains(out, "3 entries, hash chain intact") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	back := filepath.Join(dir, "back.jsonl")
	if code, out, errs := run(t, env, "", "journal", "--export", back); code != 0 || !strings.Contains(out, "exported 3 entries") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(back)
	if string(a) != string(b) {
		t.Fatal("export of an import is not the same file")
	}
	code, _, errs := run(t, env, "", "journal", "--verify")
	if code != 0 {
		t.Fatalf("verify before tampering: %d %s", code, errs)
	}
	// Only a superuser who disables the triggers can change a line.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		"ALTER TABLE simdesk_journal DISABLE TRIGGER USER",
		`UPDATE simdesk_journal SET line = replace(line, '"orange"', '"orang3"') WHERE seq = 2`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs = run(t, env, "", "journal", "--verify")
	if code == 0 || !strings.Contains(errs, "line 2") {
		t.Fatalf("verify after tampering: %d %q", code, errs)
	}
}

// TestPGJournalDown: a journal database nobody serves stops top-ups with
// one line (no password in it) and leaves lookups working.
func TestPGJournalDown(t *testing.T) {
	s := sim.New(sim.Options{Seed: 5})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := isolated(t)
	dsn := fmt.Sprintf("postgres://simdesk:hunter2-pw@127.0.0.1:%d/journal?sslmode=disable", pgtest.FreePort(t))
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := strings.Replace(s.ConfigTOML(), "readonly = false\n", "readonly = false\njournal = \""+dsn+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env["SIMDESK_CONFIG"] = path
	env["SIMDESK_SIM_SECRET"] = sim.ClientSecret
	if code, _, errs := run(t, env, "", "lookup", "--format", "json", "9077613"); code != 0 {
		t.Fatalf("lookup with the journal down: %d %s", code, errs)
	}
	offer := plentyOffer(t, env)
	code, out, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", offer.ID, "--yes", "--format", "json", "33612345678")
	if code == 0 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "journal") {
		t.Fatalf("top-up with the journal down: exit %d, stdout %q, stderr %q: want a refusal in one line", code, out, errs)
	}
	t.Logf("top-up refused (exit %d): %s", code, strings.TrimSpace(errs))
	if strings.Contains(errs+out, "hunter2") {
		t.Fatalf("the DSN's password leaked: %q", errs+out)
	}
	if got := s.OkTransactions(offer.ID); got != 0 {
		t.Fatalf("a top-up was sent without a journal (%d transactions)", got)
	}
}

// TestPGRestartUnderOpenSession: a session (as the console holds one) keeps
// its PostgreSQL journal open while the database restarts: a top-up during
// the outage is refused with nothing sent, the next ones after it work, and
// a feed opened before the outage delivers every entry once.
func TestPGRestartUnderOpenSession(t *testing.T) {
	cl := pgtest.Get(t)
	if !cl.Owned {
		t.Skip("the server of $" + pgtest.EnvURL + " is not restarted by tests")
	}
	srv, env, _ := startSimPG(t, sim.Options{Seed: 11})
	offer := plentyOffer(t, env)
	for k, v := range env {
		t.Setenv(k, v)
	}
	s, err := open(Env{Getenv: os.Getenv}, common{config: env["SIMDESK_CONFIG"]})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pg, ok := s.journal.(*journal.PG)
	if !ok {
		t.Fatalf("the session's journal is %T, not PostgreSQL", s.journal)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fed := make(chan journal.Record, 100)
	go live.PGFeed(ctx, pg.DSN(), pg, 0, func(rs []journal.Record) {
		for _, r := range rs {
			fed <- r
		}
	}, nil)
	in := func() engine.TopupInput {
		return engine.TopupInput{Provider: "orange", Offer: offer, Target: model.Identifier{Type: model.MSISDN, Value: "33612345678"}, Force: true}
	}
	if out, err := s.engine.Topup(ctx, in()); err != nil || out.Result.Status != topup.OK {
		t.Fatalf("top-up before the outage: %+v %v", out, err)
	}
	if err := cl.Stop(); err != nil {
		t.Fatal(err)
	}
	before := srv.OkTransactions(offer.ID)
	tctx, tcancel := context.WithTimeout(ctx, 20*time.Second)
	out, err := s.engine.Topup(tctx, in())
	tcancel()
	if err == nil {
		t.Fatalf("a top-up went through with the journal's database down: %+v", out)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("refusal is not one line: %q", err)
	}
	if got := srv.OkTransactions(offer.ID); got != before {
		t.Fatal("a top-up was sent while its intent could not be journalled")
	}
	if err := cl.Start(); err != nil {
		t.Fatal(err)
	}
	if out, err := s.engine.Topup(ctx, in()); err != nil || out.Result.Status != topup.OK {
		t.Fatalf("top-up after the restart: %+v %v", out, err)
	}
	ids := map[string]int{}
	deadline := time.After(20 * time.Second)
	for total := 0; total < 4; total++ {
		select {
		case r := <-fed:
			ids[r.Entry.JournalID]++
		case <-deadline:
			t.Fatalf("the feed delivered %v; want two attempts of two entries each", ids)
		}
	}
	select {
	case r := <-fed:
		t.Fatalf("the feed delivered an extra entry %+v", r.Entry)
	case <-time.After(300 * time.Millisecond):
	}
	for id, n := range ids {
		if n != 2 {
			t.Fatalf("the feed delivered %d entries of %s, want intent and outcome once each", n, id)
		}
	}
}

// TestTwoServeHostsPollOnce runs two real `simdesk serve` processes on one
// PostgreSQL journal: the provider gets one host's stock polls per
// interval, not two; after the leading process is SIGKILLed the other one
// takes over and the stored reading never gets older than two intervals.
func TestTwoServeHostsPollOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two servers for ~20 s")
	}
	bin := binary(t)
	srv, env, dsn := startSimPG(t, sim.Options{Seed: 21})
	cfgText, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	cfg := regexp.MustCompile(`(?m)^stock_refresh.*\n`).ReplaceAllString(string(cfgText), "")
	cfg = regexp.MustCompile(`(?m)^kind += "orange-travel"\n`).ReplaceAllStringFunc(cfg, func(k string) string { return k + "stock_refresh = \"1s\"\n" })
	if err := os.WriteFile(env["SIMDESK_CONFIG"], []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(nil)
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	ops := filepath.Join(dir, "operators")
	line := `operator="alice",role="agent" ` + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	if err := os.WriteFile(ops, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func(name string) *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", pgtest.FreePort(t)),
			"--host-key", filepath.Join(dir, name+".key"), "--operators", ops)
		cmd.Env = envList(env)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			if t.Failed() {
				t.Logf("serve %s said: %s", name, out.String())
			}
		})
		return cmd
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	reading := func() (leader string, age time.Duration) {
		var secs float64
		err := conn.QueryRow(ctx, `SELECT leader, extract(epoch FROM clock_timestamp() - taken_at)::float8 FROM simdesk_stock WHERE provider = 'orange'`).Scan(&leader, &secs)
		if err != nil {
			return "", time.Hour
		}
		return leader, time.Duration(secs * float64(time.Second))
	}
	const window = 6 * time.Second
	count := func() int64 {
		n0 := srv.Requests()
		time.Sleep(window)
		return srv.Requests() - n0
	}
	a := start("a")
	waitFor := func(cond func() bool) {
		t.Helper()
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatal("timed out")
	}
	waitFor(func() bool { l, _ := reading(); return strings.HasSuffix(l, fmt.Sprintf("/%d", a.Process.Pid)) })
	time.Sleep(time.Second)
	one := count()
	b := start("b")
	time.Sleep(2 * time.Second) // b starts, follows
	two := count()
	if l, _ := reading(); !strings.HasSuffix(l, fmt.Sprintf("/%d", a.Process.Pid)) {
		t.Fatalf("leader %q, want the first process", l)
	}
	if one < 3 || two > one+one/3+2 {
		t.Fatalf("provider requests in %v: %d with one host, %d with two: want about the same", window, one, two)
	}
	a.Process.Signal(syscall.SIGKILL)
	a.Wait()
	killed := time.Now()
	var worst time.Duration
	n0 := srv.Requests()
	for time.Since(killed) < window {
		if _, age := reading(); age > worst {
			worst = age
		}
		time.Sleep(100 * time.Millisecond)
	}
	after := srv.Requests() - n0
	l, _ := reading()
	if !strings.HasSuffix(l, fmt.Sprintf("/%d", b.Process.Pid)) {
		t.Fatalf("after the kill the leader is %q, want the second process", l)
	}
	if worst > 2*time.Second+500*time.Millisecond {
		t.Fatalf("the stock reading got %v old after the leader was killed (refresh 1s)", worst)
	}
	if after < 3 || after > one+one/3+2 {
		t.Fatalf("provider requests in %v after the takeover: %d (one host: %d)", window, after, one)
	}
	t.Logf("provider requests per %v: one host %d, two hosts %d, after killing the leader %d; oldest reading after the kill %v", window, one, two, after, worst.Round(time.Millisecond))
}
