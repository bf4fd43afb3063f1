package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/live"
	"simdesk/model"
	"simdesk/providers/sim"
	"simdesk/serve"
)

// sshServe starts simdesk serve on the demo simulator on 127.0.0.1, with
// alice (agent), vic (viewer) and sue (supervisor), and returns a dialer per operator.
func sshServe(t *testing.T) (dial func(who string) *gossh.Client) {
	t.Helper()
	return sshServeWith(t, isolated(t), common{demo: true}, nil)
}

// sshServeWith serves the config c opens under env, with tweak applied to
// the server's options.
func sshServeWith(t *testing.T, env map[string]string, c common, tweak func(*serve.Options)) (dial func(who string) *gossh.Client) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	s, err := open(Env{Getenv: os.Getenv}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	keys := map[string]gossh.Signer{}
	var ops strings.Builder
	for _, who := range []string{"alice:agent", "vic:viewer", "sue:supervisor"} {
		name, role, _ := strings.Cut(who, ":")
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		sg, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = sg
		fmt.Fprintf(&ops, "operator=%q,role=%q %s", name, role, gossh.MarshalAuthorizedKey(sg.PublicKey()))
	}
	dir := t.TempDir()
	opsPath := filepath.Join(dir, "operators")
	os.WriteFile(opsPath, []byte(ops.String()), 0o600)
	hub := live.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	wait := hub.Run(ctx, s.engine)
	o := serve.Options{Engine: s.engine, Hub: hub, HostKey: filepath.Join(dir, "hk", "key"), Operators: opsPath,
		StateDir: filepath.Join(dir, "state"), Demo: s.demo, Headless: headless(s), Parse: probeCommand}
	if tweak != nil {
		tweak(&o)
	}
	srv, err := serve.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		srv.Shutdown(sctx)
		<-served
		cancel()
		wait()
	})
	return func(who string) *gossh.Client {
		c, err := gossh.Dial("tcp", ln.Addr().String(), &gossh.ClientConfig{User: "root", Auth: []gossh.AuthMethod{gossh.PublicKeys(keys[who])},
			HostKeyCallback: gossh.FixedHostKey(srv.HostPublicKey()), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
}

func sshRun(t *testing.T, c *gossh.Client, cmd string) (int, string, string) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(cmd)
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitStatus(), out.String(), errb.String()
	case err != nil:
		t.Fatalf("%s: %v", cmd, err)
	}
	return 0, out.String(), errb.String()
}

func TestServeHeadlessCommandsOverSSH(t *testing.T) {
	dial := sshServe(t)
	alice, vic := dial("alice"), dial("vic")

	code, out, errs := sshRun(t, vic, "lookup --format json 9077613")
	if code != ExitOK || !json.Valid([]byte(out)) || !strings.Contains(out, "9077613") {
		t.Fatalf("lookup: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := sshRun(t, vic, "lookup 33699999999"); code != ExitNotFound {
		t.Errorf("unknown line: exit %d %q, want %d", code, errs, ExitNotFound)
	}
	if code, _, errs := sshRun(t, vic, "lookup --format xml 9077613"); code != ExitUsage || !strings.HasPrefix(errs, "simdesk: --format") {
		t.Errorf("bad flag: exit %d %q", code, errs)
	}
	code, out, errs = sshRun(t, vic, "stock --format json")
	var st stockJSON
	if code != ExitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("stock: exit %d %q", code, errs)
	}
	var offer model.Offer
	for _, o := range st.Offers {
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock > 20 && o.Provider == "orange" {
			offer = o
			break
		}
	}
	if offer.ID == "" {
		t.Fatalf("no offer in %+v", st.Offers)
	}
	topup := "topup --provider orange --offer " + offer.ID + " --yes --format json 33612345678"
	if code, _, errs := sshRun(t, vic, topup); code != ExitForbidden || !strings.Contains(errs, "vic is a viewer and may not top up") {
		t.Errorf("viewer top-up: exit %d %q", code, errs)
	}
	code, out, errs = sshRun(t, alice, topup)
	var tj topupJSON
	if code != ExitOK || json.Unmarshal([]byte(out), &tj) != nil || tj.Status != "ok" {
		t.Fatalf("agent top-up: exit %d %q %q", code, out, errs)
	}
	// Again by a colleague: the guard names alice; by alice herself, "you".
	code, _, errs = sshRun(t, dial("sue"), topup)
	if code != ExitUsage || !strings.Contains(errs, "alice topped up this line with this offer just now") {
		t.Errorf("duplicate: exit %d %q", code, errs)
	}
	if code, _, errs = sshRun(t, alice, topup); code != ExitUsage || !strings.Contains(errs, "you topped up this line with this offer just now") {
		t.Errorf("alice's own duplicate: exit %d %q", code, errs)
	}
	// The viewer is told about the role, not about alice's top-up.
	if code, _, errs := sshRun(t, vic, topup); code != ExitForbidden || !strings.Contains(errs, "vic is a viewer and may not top up") {
		t.Errorf("viewer top-up after alice's: exit %d %q", code, errs)
	}
	if code, _, errs := sshRun(t, vic, "journal --reconcile"); code != ExitForbidden || !strings.Contains(errs, "vic is a viewer and may not reconcile") {
		t.Errorf("viewer reconcile: exit %d %q", code, errs)
	}
	code, out, _ = sshRun(t, vic, "journal")
	if code != ExitOK || !strings.Contains(out, "alice") || !strings.Contains(out, offer.Name) {
		t.Errorf("journal does not show alice's attempt: exit %d\n%s", code, out)
	}
}

func TestServeRefusesBadLogFormatAndRevokedKeys(t *testing.T) {
	env := isolated(t)
	for _, v := range []string{"yaml", "", "json\n", "\x1b[2J"} {
		code, out, errs := run(t, env, "", "serve", "--demo", "--log-format", v)
		if v == "" {
			continue // the default
		}
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "\x1b") || !strings.Contains(errs, "must be json or text") {
			t.Errorf("--log-format %q: exit %d stdout %q stderr %q", v, code, out, errs)
		}
	}
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sg, _ := gossh.NewSignerFromKey(priv)
	ops := filepath.Join(dir, "operators")
	os.WriteFile(ops, []byte(`operator="alice",role="agent" `+string(gossh.MarshalAuthorizedKey(sg.PublicKey()))), 0o600)
	rev := filepath.Join(dir, "revoked_keys")
	os.WriteFile(rev, []byte("# lost laptops\n"+gossh.FingerprintSHA256(sg.PublicKey())+"\nMD5:aa:bb\n"), 0o600)
	code, out, errs := run(t, env, "", "serve", "--demo", "--listen", "127.0.0.1:0", "--operators", ops, "--revoked-keys", rev,
		"--host-key", filepath.Join(dir, "hk", "key"))
	if code != ExitUsage || out != "" || !strings.HasPrefix(errs, rev+":3: an MD5 fingerprint") || !strings.Contains(errs, "1 bad line(s) in the revoked_keys file: not started") {
		t.Errorf("bad revoked_keys: exit %d stdout %q stderr %q", code, out, errs)
	}
}

// TestServeLogsCarryNoSecret serves a shift whose providers take the
// canary secret, runs lookups, stock and top-ups over SSH (and a refused
// login), and decodes serve.log and access.log: JSON lines with the
// session's ids, and the canary in neither.
func TestServeLogsCarryNoSecret(t *testing.T) {
	simSrv := sim.New(sim.Options{ClientSecret: canary})
	if err := simSrv.Start(""); err != nil {
		t.Fatal(err)
	}
	defer simSrv.Close()
	env := secretConfig(t, simSrv)
	for k, v := range env {
		t.Setenv(k, v)
	}
	s, err := open(Env{Getenv: os.Getenv}, common{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	alice, _ := gossh.NewSignerFromKey(priv)
	dir := t.TempDir()
	ops := filepath.Join(dir, "operators")
	os.WriteFile(ops, []byte(`operator="alice",role="agent" `+string(gossh.MarshalAuthorizedKey(alice.PublicKey()))), 0o600)
	hub := live.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	wait := hub.Run(ctx, s.engine)
	defer func() { cancel(); wait() }()
	state := filepath.Join(dir, "state")
	srv, err := serve.New(serve.Options{Engine: s.engine, Hub: hub, HostKey: filepath.Join(dir, "hk", "key"), Operators: ops,
		StateDir: state, Headless: headless(s)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	dial := func(user string, k gossh.Signer) (*gossh.Client, error) {
		return gossh.Dial("tcp", ln.Addr().String(), &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(k)},
			HostKeyCallback: gossh.FixedHostKey(srv.HostPublicKey()), Timeout: 5 * time.Second})
	}
	for _, cmd := range []string{"lookup --format json 9077613", "lookup 33612345678", "stock --format json",
		"topup --provider orange --offer 00000000-0000-0000-0000-000000000000 --yes 33612345678", "journal --format json"} {
		c, err := dial("root", alice)
		if err != nil {
			t.Fatal(err)
		}
		sshRun(t, c, cmd)
		c.Close()
	}
	_, evil, _ := ed25519.GenerateKey(rand.Reader)
	eve, _ := gossh.NewSignerFromKey(evil)
	if _, err := dial("eve", eve); err == nil {
		t.Fatal("an unknown key logged in")
	}
	sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
	defer c()
	srv.Shutdown(sctx)
	<-served
	sessions := map[string]bool{}
	records := 0
	for _, name := range []string{"serve.log", "access.log"} {
		data, err := os.ReadFile(filepath.Join(state, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %q is not JSON: %v", name, line, err)
			}
			if name == "serve.log" && rec["msg"] == "session start" {
				sessions[rec["session"].(string)] = true
			}
			if name == "access.log" {
				records++
			}
			if name == "access.log" && (rec["operator"] != "alice" || !sessions[fmt.Sprint(rec["session"])] || rec["request"] == nil) {
				t.Errorf("access record %v: want alice, a session of serve.log and a request", rec)
			}
		}
		if strings.Contains(string(data), canary) {
			t.Errorf("%s holds the canary secret:\n%s", name, data)
		}
		if strings.Contains(strings.ToLower(string(data)), "bearer ") {
			t.Errorf("%s holds a bearer token", name)
		}
	}
	if len(sessions) != 5 || records < 4 {
		t.Errorf("%d sessions in serve.log, want 5; %d access records, want at least 4", len(sessions), records)
	}
}
