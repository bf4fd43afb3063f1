package serve

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/engine"
)

// certNow is the injected clock of the certificate tests.
var certNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// userCert is a user certificate of user's key signed by ca, valid an hour
// either side of certNow for the principal carol; edit changes it before
// it is signed. It returns the signer a client logs in with.
func userCert(t testing.TB, ca, user gossh.Signer, edit func(*gossh.Certificate)) gossh.Signer {
	t.Helper()
	c := &gossh.Certificate{
		Key:             user.PublicKey(),
		Serial:          7,
		CertType:        gossh.UserCert,
		KeyId:           "carol@laptop",
		ValidPrincipals: []string{"carol", "root"},
		ValidAfter:      uint64(certNow.Add(-time.Hour).Unix()),
		ValidBefore:     uint64(certNow.Add(time.Hour).Unix()),
		Permissions:     gossh.Permissions{Extensions: map[string]string{"permit-pty": ""}},
	}
	if edit != nil {
		edit(c)
	}
	signCert(t, c, ca)
	s, err := gossh.NewCertSigner(c, user)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signCert signs c as Certificate.SignCert does, minus its refusal of a
// certificate without principals (which ssh-keygen -s makes when -n is
// left out): the server must refuse those itself.
func signCert(t testing.TB, c *gossh.Certificate, ca gossh.Signer) {
	t.Helper()
	c.Nonce = make([]byte, 32)
	rand.Read(c.Nonce)
	c.SignatureKey, c.Signature = ca.PublicKey(), nil
	b := c.Marshal()
	sig, err := ca.Sign(rand.Reader, b[:len(b)-4]) // without the empty signature's length
	if err != nil {
		t.Fatal(err)
	}
	c.Signature = sig
}

// withLines appends lines to the test server's operators file before it
// starts.
func withLines(lines ...string) serverOpt {
	return func(o *Options, _ *fakeProv) {
		f, err := os.OpenFile(o.Operators, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		for _, l := range lines {
			fmt.Fprintln(f, l)
		}
	}
}

func atCertNow(o *Options, _ *fakeProv) { o.Clock = func() time.Time { return certNow } }

// withRevoked gives the server a revoked_keys file with text.
func withRevoked(text string) serverOpt {
	return func(o *Options, _ *fakeProv) {
		o.RevokedKeys = filepath.Join(filepath.Dir(o.Operators), "revoked_keys")
		if err := os.WriteFile(o.RevokedKeys, []byte(text), 0o644); err != nil {
			panic(err)
		}
	}
}

func fp(s gossh.Signer) string { return gossh.FingerprintSHA256(s.PublicKey()) }

func TestCertificateLogsInAsItsFirstPrincipal(t *testing.T) {
	ca := newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withLines(authLine(`cert-authority,role="agent"`, ca)+" ca@corp"))
	carol := newSigner(t)
	c, err := ts.dial(userCert(t, ca, carol, nil), "alice") // the SSH user name names nobody
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if out, errs, code := run(t, c, "topup"); code != 0 || out != "ok as carol\n" {
		t.Fatalf("topup: %q %q exit %d, want carol as an agent", out, errs, code)
	}
	start := waitLog(t, ts, "serve.log", "session start", map[string]string{"operator": "carol", "role": "agent"})
	if start.str("key") != fp(carol) || start.str("ca") != fp(ca) || start.str("key_id") != "carol@laptop" || fmt.Sprint(start["serial"]) != "7" {
		t.Errorf("session start %v: want carol's key, the CA, key id and serial", start)
	}
	// Plain key lines work beside the CA line.
	if out, _, code := run(t, ts.mustDial(ts.keys.vic), "stock"); code != 0 || out != "stock as vic (viewer)\n" {
		t.Errorf("plain key beside a CA: %q exit %d", out, code)
	}
	// The validity bounds are ValidAfter ≤ now < ValidBefore.
	edge := userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
		c.ValidAfter, c.ValidBefore = uint64(certNow.Unix()), uint64(certNow.Unix()+1)
	})
	if _, err := ts.dial(edge, "x"); err != nil {
		t.Errorf("a certificate valid from now for one second: %v", err)
	}
}

func TestKeyIDOptionNamesTheOperator(t *testing.T) {
	ca := newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withLines(authLine(`cert-authority,role="viewer",operator-from="key-id"`, ca)))
	cert := userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.KeyId, c.ValidPrincipals = "dave", []string{"ops", "root"} })
	c, err := ts.dial(cert, "root")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if out, _, code := run(t, c, "stock"); code != 0 || out != "stock as dave (viewer)\n" {
		t.Fatalf("got %q exit %d, want the key id dave", out, code)
	}
	// A viewer's certificate does not top up.
	if _, errs, code := run(t, c, "topup"); code == 0 || !strings.Contains(errs, "dave is a viewer") {
		t.Errorf("viewer topup: %q exit %d", errs, code)
	}
}

func TestCertificatesRefusedWithAReason(t *testing.T) {
	ca, other := newSigner(t), newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withLines(authLine(`cert-authority,role="agent"`, ca)))
	cases := []struct {
		name, reason string
		cert         gossh.Signer
	}{
		{"expired", ReasonCertExpired, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidBefore = uint64(certNow.Unix()) })},
		{"not yet valid", ReasonCertNotYetValid, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidAfter = uint64(certNow.Unix() + 1) })},
		{"valid after the end of time", ReasonCertNotYetValid, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidAfter = 1 << 63 })},
		{"wrong CA", ReasonCertWrongCA, userCert(t, other, newSigner(t), nil)},
		{"wrong CA for a listed key", ReasonCertWrongCA, userCert(t, other, ts.keys.alice, nil)},
		{"host certificate", ReasonCertNotUser, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.CertType = gossh.HostCert })},
		{"no principal", ReasonCertNoPrincipal, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidPrincipals = nil })},
		{"empty first principal", ReasonCertBadName, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidPrincipals = []string{"", "carol"} })},
		{"principal not a name", ReasonCertBadName, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) { c.ValidPrincipals = []string{"carol\x1b[2J"} })},
		{"force-command", ReasonCertOption, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"force-command": "stock"}
		})},
		{"verify-required", ReasonCertOption, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"verify-required": ""}
		})},
		{"source-address elsewhere", ReasonCertSource, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "10.0.0.0/8,192.168.1.1"}
		})},
		{"source-address malformed", ReasonCertSource, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "127.0.0.1/99"}
		})},
		{"source-address empty", ReasonCertSource, userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": ""}
		})},
		{"principals changed after signing", ReasonCertInvalid, forged(t, ca, newSigner(t))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ts.dial(tc.cert, "carol")
			if err == nil {
				c.Close()
				t.Fatal("logged in")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Fatalf("err %v, want an authentication failure", err)
			}
			cert := tc.cert.PublicKey().(*gossh.Certificate)
			waitLog(t, ts, "serve.log", "refused", map[string]string{"reason": tc.reason, "key": gossh.FingerprintSHA256(cert.Key)})
		})
	}
	// And a source-address that names the client lets it in.
	here := userCert(t, ca, newSigner(t), func(c *gossh.Certificate) {
		c.CriticalOptions = map[string]string{"source-address": "10.0.0.0/8,127.0.0.0/8"}
	})
	if c, err := ts.dial(here, "carol"); err != nil {
		t.Errorf("source-address 127.0.0.0/8 from 127.0.0.1: %v", err)
	} else {
		c.Close()
	}
}

// forged is a certificate of user by ca whose principals were changed
// after the CA signed it: the CA's signature no longer verifies.
func forged(t testing.TB, ca, user gossh.Signer) gossh.Signer {
	t.Helper()
	cert := *userCert(t, ca, user, nil).PublicKey().(*gossh.Certificate)
	cert.ValidPrincipals = []string{"sue"}
	f, err := gossh.NewCertSigner(&cert, user)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRevokedKeysAndCAsRefused(t *testing.T) {
	ca, otherCA := newSigner(t), newSigner(t)
	dave := newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withRevoked(""), withLines(
		authLine(`cert-authority,role="agent"`, ca),
		authLine(`cert-authority,role="viewer"`, otherCA)))
	// ssh-keygen -lf's spelling, a bare fingerprint with a comment, and a
	// comment line.
	writeRevoked(t, ts, "# revoked\n256 "+fp(otherCA)+" old-ca@corp (ED25519)\n"+fp(dave)+" dave's laptop, stolen\n\n"+fp(ts.keys.bob)+"\n")
	cases := []struct {
		name string
		key  gossh.Signer
	}{
		{"certificate of a revoked key", userCert(t, ca, dave, nil)},
		{"certificate of a revoked CA", userCert(t, otherCA, newSigner(t), nil)},
		{"plain revoked key", ts.keys.bob},
	}
	for _, tc := range cases {
		c, err := ts.dial(tc.key, "root")
		if err == nil {
			c.Close()
			t.Errorf("%s: logged in", tc.name)
		}
	}
	refused := findLog(readLog(t, ts, "serve.log"), "refused", map[string]string{"reason": ReasonRevoked})
	if len(refused) != 3 {
		t.Errorf("%d refusals with reason revoked, want 3: %v", len(refused), refused)
	}
	// Others are not touched.
	if _, err := ts.dial(userCert(t, ca, newSigner(t), nil), "root"); err != nil {
		t.Errorf("a certificate of the other CA: %v", err)
	}
	if _, err := ts.dial(ts.keys.alice, "root"); err != nil {
		t.Errorf("alice: %v", err)
	}
}

// writeRevoked replaces the server's revoked_keys file (creating it) and
// waits until the server has applied it.
func writeRevoked(t testing.TB, ts *testServer, text string) {
	t.Helper()
	path := ts.srv.o.RevokedKeys
	if path == "" {
		t.Fatal("the server has no revoked_keys file")
	}
	before := len(findLog(readLog(t, ts, "serve.log"), "revoked_keys reloaded", nil)) + len(findLog(readLog(t, ts, "serve.log"), "revoked_keys changed but cannot be used: every key is refused until it is fixed", nil))
	// The new text is written outside the watched directory and renamed
	// in: a temporary file beside it changed the directory, which the
	// watcher may take (and log) as a reload of the old text before the
	// rename, and the wait below then ended too early (seen once under -race).
	tmp := filepath.Join(t.TempDir(), "revoked_keys.new")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		lines := readLog(t, ts, "serve.log")
		if len(findLog(lines, "revoked_keys reloaded", nil))+len(findLog(lines, "revoked_keys changed but cannot be used: every key is refused until it is fixed", nil)) > before {
			return
		}
	}
	t.Fatal("revoked_keys not reloaded")
}

func TestRevokingEndsOpenSessions(t *testing.T) {
	ca := newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withLines(authLine(`cert-authority,role="agent"`, ca)), withRevoked("# nothing yet\n"))
	carol := openConsole(t, ts.mustDial(userCert(t, ca, newSigner(t), nil)), nil)
	alice := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	bob := openConsole(t, ts.mustDial(ts.keys.bob), nil)
	for _, cn := range []*console{carol, alice, bob} {
		cn.waitFirst(5 * time.Second)
	}
	writeRevoked(t, ts, fp(ca)+"\n"+fp(ts.keys.alice)+"\n")
	for name, cn := range map[string]*console{"carol": carol, "alice": alice} {
		if !cn.ended(5 * time.Second) {
			t.Fatalf("%s's console still open after the revocation", name)
		}
		if !strings.Contains(cn.text(), "access revoked: the key of "+name+" is on the server's revoked keys list") {
			t.Errorf("%s: no message: %q", name, tail(cn.text(), 300))
		}
		waitLog(t, ts, "serve.log", "session ended", map[string]string{"operator": name, "reason": ReasonRevoked})
	}
	if bob.ended(100 * time.Millisecond) {
		t.Errorf("bob's console ended: %q", tail(bob.text(), 200))
	}
	if _, err := ts.dial(userCert(t, ca, newSigner(t), nil), "root"); err == nil {
		t.Error("a new certificate of the revoked CA logs in")
	}
}

func TestUnreadableRevokedKeysOnReloadRefusesEveryone(t *testing.T) {
	ts := startServer(t, time.Hour, withRevoked(""))
	alice := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	alice.waitFirst(5 * time.Second)
	writeRevoked(t, ts, "SHA256:not-a-fingerprint\n")
	if !alice.ended(5 * time.Second) {
		t.Fatal("console still open while the revoked_keys file cannot be read")
	}
	if _, err := ts.dial(ts.keys.bob, "root"); err == nil {
		t.Fatal("bob logs in while the revoked_keys file cannot be read")
	}
	bad := waitLog(t, ts, "serve.log", "revoked_keys changed but cannot be used: every key is refused until it is fixed", nil)
	if !strings.Contains(bad.str("error"), "revoked_keys:1:") || bad.str("level") != "ERROR" {
		t.Errorf("log %v: want the file's line and level ERROR", bad)
	}
	writeRevoked(t, ts, "# fixed\n")
	if _, err := ts.dial(ts.keys.bob, "root"); err != nil {
		t.Fatalf("bob after the fix: %v", err)
	}
	// A removed file is not an empty one.
	os.Remove(ts.srv.o.RevokedKeys)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if len(findLog(readLog(t, ts, "serve.log"), "revoked_keys changed but cannot be used: every key is refused until it is fixed", nil)) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the removal of revoked_keys was not noticed")
		}
	}
	if _, err := ts.dial(ts.keys.bob, "root"); err == nil {
		t.Fatal("bob logs in after the revoked_keys file was removed")
	}
}

func TestBadRevokedKeysFileRefusesToStart(t *testing.T) {
	good := fp(newSigner(t))
	for name, tc := range map[string]struct {
		text string
		mode os.FileMode
		want string
	}{
		"malformed":          {"# c\n" + good + "\nSHA256:abc\nMD5:12:34\n", 0o600, "revoked_keys:3:"},
		"writable by others": {good + "\n", 0o666, "lets others write it"},
		"missing":            {"", 0, "no such file"},
		"too large":          {strings.Repeat("# "+strings.Repeat("x", 1021)+"\n", 4096) + good + "\n", 0o600, "larger than 4194304 bytes"},
		"a directory":        {"dir", 0o700, "not a regular file"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ops := filepath.Join(dir, "ops")
			os.WriteFile(ops, []byte(authLine(`operator="a",role="agent"`, newSigner(t))), 0o600)
			rev := filepath.Join(dir, "revoked_keys")
			switch {
			case tc.text == "dir":
				os.Mkdir(rev, tc.mode)
			case tc.mode != 0:
				os.WriteFile(rev, []byte(tc.text), tc.mode)
				os.Chmod(rev, tc.mode)
			}
			_, err := New(Options{Engine: engine.New(engine.Options{}), Hub: nilHub(), Operators: ops, RevokedKeys: rev, HostKey: filepath.Join(dir, "k"), StateDir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want %q", err, tc.want)
			}
		})
	}
	_, err := ParseRevoked("rk", []byte("# c\n"+good+"\nSHA256:abc\nMD5:12:34\n256 "+good+" x (ED25519)\n12 nothing\n"))
	var re *RevokedError
	if !errors.As(err, &re) || len(re.Problems) != 3 || !strings.HasPrefix(re.Problems[1], "rk:4: an MD5 fingerprint") || !strings.HasPrefix(re.Problems[2], "rk:6:") {
		t.Fatalf("problems %v", err)
	}
}

func TestCALinesParsed(t *testing.T) {
	ca, k := newSigner(t), newSigner(t)
	cert := userCert(t, ca, k, nil)
	lines := []string{
		authLine(`cert-authority,role="agent"`, ca),
		authLine(`cert-authority,role="viewer",operator="carol"`, newSigner(t)),
		authLine(`cert-authority,role="viewer",operator-from="user"`, newSigner(t)),
		authLine(`cert-authority`, newSigner(t)),
		authLine(`cert-authority,role="agent",principals="carol"`, newSigner(t)),
		authLine(`cert-authority,cert-authority,role="agent"`, newSigner(t)),
		authLine(`operator="ca",role="agent"`, ca),
		`operator="x",role="agent" ` + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(cert.PublicKey()))),
		authLine(`cert-authority,role="supervisor",operator-from="key-id",operator-from="key-id"`, newSigner(t)),
	}
	_, err := ParseOperators("ops", []byte(strings.Join(lines, "\n")))
	var oe *OperatorsError
	if !errors.As(err, &oe) {
		t.Fatalf("err %v", err)
	}
	want := []string{"ops:2: a cert-authority line names no operator", "ops:3: operator-from \"user\"", "ops:4: no role=", "ops:5: option \"principals\"",
		"ops:6: cert-authority given twice", "ops:7: key SHA256:", "ops:8: a certificate is not an operator key", "ops:9: operator-from given twice"}
	if len(oe.Problems) != len(want) {
		t.Fatalf("problems:\n%s", err)
	}
	for i, w := range want {
		if !strings.HasPrefix(oe.Problems[i], w) {
			t.Errorf("problem %d = %q, want prefix %q", i, oe.Problems[i], w)
		}
	}
	// A file with only a CA line is a file someone can log in with.
	ops, err := ParseOperators("ops", []byte(lines[0]))
	if err != nil || ops.Len() != 1 || ops.CAs() != 1 {
		t.Fatalf("CA only: %v len %d", err, ops.Len())
	}
	op, err := ops.Authenticate(cert.PublicKey(), certNow, nil)
	if err != nil || op.Name != "carol" || op.Role != "agent" || op.CA != fp(ca) {
		t.Errorf("Authenticate: %+v %v", op, err)
	}
	// Lookup (an open session) does not look at the time: a session
	// outlives its certificate, as with OpenSSH.
	if _, err := ops.Authenticate(cert.PublicKey(), certNow.Add(2*time.Hour), nil); refusalReason(err) != ReasonCertExpired {
		t.Errorf("two hours later: %v", err)
	}
	if op, ok := ops.Lookup(cert.PublicKey()); !ok || op.Name != "carol" {
		t.Errorf("Lookup: %+v %v", op, ok)
	}
}

// TestSSHKeygenCertificate is the README's example, with OpenSSH's own
// ssh-keygen: a CA, a certificate signed with ssh-keygen -s, and the CA's
// fingerprint from ssh-keygen -lf in revoked_keys.
func TestSSHKeygenCertificate(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("no ssh-keygen on this machine")
	}
	dir := t.TempDir()
	sh := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(keygen, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	sh("-q", "-t", "ed25519", "-N", "", "-C", "ca@corp", "-f", filepath.Join(dir, "ca"))
	sh("-q", "-t", "ed25519", "-N", "", "-C", "carol@laptop", "-f", filepath.Join(dir, "carol"))
	sh("-q", "-s", filepath.Join(dir, "ca"), "-I", "carol@laptop", "-n", "carol", "-V", "-5m:+8h", "-z", "42", filepath.Join(dir, "carol.pub"))
	caPub, _ := os.ReadFile(filepath.Join(dir, "ca.pub"))
	ts := startServer(t, time.Hour, withRevoked(""), withLines(`cert-authority,role="agent" `+strings.TrimSpace(string(caPub))))
	priv, _ := os.ReadFile(filepath.Join(dir, "carol"))
	certText, _ := os.ReadFile(filepath.Join(dir, "carol-cert.pub"))
	user, err := gossh.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := gossh.ParseAuthorizedKey(certText)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := gossh.NewCertSigner(pub.(*gossh.Certificate), user)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts.dial(cert, "root")
	if err != nil {
		t.Fatalf("ssh-keygen's certificate: %v", err)
	}
	if out, _, code := run(t, c, "stock"); code != 0 || out != "stock as carol (agent)\n" {
		t.Fatalf("got %q exit %d", out, code)
	}
	c.Close()
	writeRevoked(t, ts, sh("-lf", filepath.Join(dir, "ca.pub")))
	if _, err := ts.dial(cert, "root"); err == nil {
		t.Fatal("a certificate of a CA revoked with ssh-keygen -lf's line logs in")
	}
	waitLog(t, ts, "serve.log", "refused", map[string]string{"reason": ReasonRevoked, "key_id": "carol@laptop"})
}

func TestCALineRemovedOrChangedEndsCertificateSessions(t *testing.T) {
	ca := newSigner(t)
	line := authLine(`cert-authority,role="agent"`, ca)
	ts := startServer(t, time.Hour, atCertNow, withLines(line))
	open := func() *console {
		cn := openConsole(t, ts.mustDial(userCert(t, ca, newSigner(t), nil)), nil)
		cn.waitFirst(5 * time.Second)
		return cn
	}
	rewrite := func(text string) {
		if err := os.WriteFile(ts.opsPath, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	carol := open()
	rewrite(ts.keys.operatorsText() + authLine(`cert-authority,role="viewer"`, ca) + "\n")
	if !carol.ended(5*time.Second) || !strings.Contains(carol.text(), "access changed: this key is now carol (viewer)") {
		t.Fatalf("role changed: %q", tail(carol.text(), 300))
	}
	carol = open()
	rewrite(ts.keys.operatorsText())
	if !carol.ended(5*time.Second) || !strings.Contains(carol.text(), "access revoked: the CA of carol's certificate was removed from the operators file") {
		t.Fatalf("CA removed: %q", tail(carol.text(), 300))
	}
	if _, err := ts.dial(userCert(t, ca, newSigner(t), nil), "root"); err == nil {
		t.Error("a certificate of a removed CA logs in")
	}
}

// BenchmarkKeyCheck is what a console pays per key press (keyCheck: the
// revoked list, then recheck) and what a login pays (Authenticate, which
// verifies a certificate's CA signature), for a plain key and for a
// certificate, with 1,000 revoked fingerprints.
func BenchmarkKeyCheck(b *testing.B) {
	ca, plain := newSigner(b), newSigner(b)
	ops, err := ParseOperators("ops", []byte(authLine(`cert-authority,role="agent"`, ca)+"\n"+authLine(`operator="al",role="agent"`, plain)))
	if err != nil {
		b.Fatal(err)
	}
	var rev strings.Builder
	for range 1000 {
		rev.WriteString(fp(newSigner(b)) + "\n")
	}
	revoked, err := ParseRevoked("rk", []byte(rev.String()))
	if err != nil {
		b.Fatal(err)
	}
	cert := userCert(b, ca, newSigner(b), nil).PublicKey()
	for name, key := range map[string]gossh.PublicKey{"plain": plain.PublicKey(), "certificate": cert} {
		b.Run(name+"/keypress", func(b *testing.B) {
			for b.Loop() {
				if _, r := revoked.Refuses(key); r {
					b.Fatal("revoked")
				}
				if _, ok := ops.recheck(key); !ok {
					b.Fatal("lookup")
				}
			}
		})
		b.Run(name+"/login", func(b *testing.B) {
			for b.Loop() {
				if _, err := ops.Authenticate(key, certNow, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
