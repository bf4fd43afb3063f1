package serve

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestCertificateMayNotTakeAPlainOperatorsNameWithAnotherRole: a viewer
// CA's certificate whose principal is sue, a supervisor listed by a plain
// key, is refused (cert_role_conflict): before, it logged in as "sue
// (viewer)", so whoever holds a certificate of the wallboard CA was sue in
// every log and journal line, and held sue's places under
// max_sessions_per_operator (her own consoles then refused). A certificate
// for an operator whose plain line has the CA's role still logs in: the
// same person moving from a key to certificates.
func TestCertificateMayNotTakeAPlainOperatorsNameWithAnotherRole(t *testing.T) {
	viewers, agents := newSigner(t), newSigner(t)
	ts := startServer(t, time.Hour, atCertNow, withLines(
		authLine(`cert-authority,role="viewer"`, viewers)+" wallboard-ca",
		authLine(`cert-authority,role="agent"`, agents)+" noc-ca"))
	asSue := userCert(t, viewers, newSigner(t), func(c *gossh.Certificate) { c.ValidPrincipals = []string{"sue"} })
	if c, err := ts.dial(asSue, "sue"); err == nil {
		out, _, code := run(t, c, "stock")
		c.Close()
		t.Fatalf("a viewer CA's certificate for supervisor sue logged in: %q exit %d", out, code)
	} else if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("err %v, want an authentication failure", err)
	}
	rec := waitLog(t, ts, "serve.log", "refused", map[string]string{"reason": ReasonCertRoleConflict,
		"key": gossh.FingerprintSHA256(asSue.PublicKey().(*gossh.Certificate).Key)})
	if d := rec.str("detail"); !strings.Contains(d, "sue") || !strings.Contains(d, "supervisor") {
		t.Errorf("refusal detail %q: want it to name sue and her role", d)
	}
	// The agent CA's certificate for alice, an agent by her plain key too.
	asAlice := userCert(t, agents, newSigner(t), func(c *gossh.Certificate) { c.ValidPrincipals = []string{"alice"} })
	c, err := ts.dial(asAlice, "x")
	if err != nil {
		t.Fatalf("an agent CA's certificate for agent alice: %v", err)
	}
	defer c.Close()
	if out, _, code := run(t, c, "stock"); code != 0 || out != "stock as alice (agent)\n" {
		t.Errorf("got %q exit %d, want alice as an agent", out, code)
	}
	// By key id too.
	ops, err := ParseOperators("ops", []byte(ts.keys.operatorsText()+
		authLine(`cert-authority,role="agent",operator-from="key-id"`, viewers)+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	vicByID := userCert(t, viewers, newSigner(t), func(c *gossh.Certificate) { c.KeyId = "vic" })
	if op, err := ops.Authenticate(vicByID.PublicKey(), certNow, nil); refusalReason(err) != ReasonCertRoleConflict {
		t.Errorf("an agent CA's certificate with key id vic (a viewer): %v %v", op, err)
	}
}
