package serve

import (
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/topup"
)

// FuzzParseOperators: any bytes give either keys with a valid name and
// role, or problems that each start with FILE:LINE:, never a panic.
func FuzzParseOperators(f *testing.F) {
	k := newSigner(f)
	good := authLine(`operator="alice",role="agent"`, k)
	f.Add([]byte(good + " alice@laptop\n"))
	f.Add([]byte("# c\n\n" + good + "\n" + good + "\n"))
	f.Add([]byte(`operator="a b",role="agent" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ`))
	f.Add([]byte(`operator="x",role="agent",command="sh" ` + strings.SplitN(good, " ", 2)[1]))
	f.Add([]byte("\xff\xfe\n"))
	ca := strings.SplitN(authLine("x", newSigner(f)), " ", 2)[1]
	f.Add([]byte(`cert-authority,role="agent" ` + ca + " ca@corp\n" + good + "\n"))
	f.Add([]byte(`cert-authority,role="viewer",operator-from="key-id" ` + ca + "\n"))
	f.Add([]byte(`cert-authority,role="viewer",operator="x" ` + ca + "\n"))
	f.Add([]byte(`cert-authority,cert-authority,role="agent",operator-from="principal" ` + ca + "\n"))
	f.Add([]byte(`role="agent",cert-authority ` + ca + "\n" + `operator="x",role="agent" ` + ca))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := ParseOperators("f", data)
		if err != nil {
			oe, ok := err.(*OperatorsError)
			if !ok || len(oe.Problems) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, p := range oe.Problems {
				if !strings.HasPrefix(p, "f:") || strings.ContainsAny(p, "\n\r") {
					t.Fatalf("problem %q", p)
				}
			}
			return
		}
		for _, a := range ops.cas {
			if _, err := topup.ParseRole(string(a.role)); err != nil || (a.from != fromPrincipal && a.from != fromKeyID) {
				t.Fatalf("bad CA line accepted: %+v", a)
			}
		}
		if ops.Len() == 0 {
			t.Fatal("a file without keys accepted")
		}
		for _, op := range ops.byKey {
			if checkName(op.Name) != nil {
				t.Fatalf("bad name accepted: %q", op.Name)
			}
			if _, err := topup.ParseRole(string(op.Role)); err != nil {
				t.Fatalf("bad role accepted: %q", op.Role)
			}
		}
	})
}

// FuzzParseRevoked: any bytes give canonical SHA256 fingerprints or
// problems that each start with FILE:LINE:, never a panic.
func FuzzParseRevoked(f *testing.F) {
	k := newSigner(f).PublicKey()
	fp := gossh.FingerprintSHA256(k)
	f.Add([]byte("# c\n\n" + fp + "\n256 " + fp + " a@b (ED25519)\n"))
	f.Add([]byte(fp + " comment with SHA256:x\n"))
	f.Add([]byte("MD5:aa:bb\nSHA256:\n1 2\n\xff\n"))
	f.Add([]byte(strings.ToLower(fp)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRevoked("f", data)
		if err != nil {
			re, ok := err.(*RevokedError)
			if !ok || len(re.Problems) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, p := range re.Problems {
				if !strings.HasPrefix(p, "f:") || strings.ContainsAny(p, "\n\r") {
					t.Fatalf("problem %q", p)
				}
			}
			return
		}
		for fp := range r.fps {
			sum, err := base64.RawStdEncoding.Strict().DecodeString(strings.TrimPrefix(fp, "SHA256:"))
			if !strings.HasPrefix(fp, "SHA256:") || err != nil || len(sum) != 32 {
				t.Fatalf("fingerprint %q kept", fp)
			}
		}
	})
}

// FuzzAuthenticateKey: whatever key a client offers (a certificate with
// any fields, signed or not), Authenticate never panics, and accepts only
// a listed key or a certificate whose CA signature verifies, naming a
// valid operator.
func FuzzAuthenticateKey(f *testing.F) {
	ca, user, listed := newSigner(f), newSigner(f), newSigner(f)
	ops, err := ParseOperators("ops", []byte(authLine(`cert-authority,role="agent"`, ca)+"\n"+authLine(`operator="al",role="viewer"`, listed)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(userCert(f, ca, user, nil).PublicKey().Marshal())
	f.Add(userCert(f, ca, user, func(c *gossh.Certificate) { c.ValidPrincipals = nil }).PublicKey().Marshal())
	f.Add(userCert(f, ca, user, func(c *gossh.Certificate) { c.CriticalOptions = map[string]string{"source-address": "::1/128,x"} }).PublicKey().Marshal())
	f.Add(listed.PublicKey().Marshal())
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := gossh.ParsePublicKey(data)
		if err != nil {
			return
		}
		op, err := ops.Authenticate(key, certNow, remote)
		op2, ok := ops.Lookup(key)
		if err != nil {
			if refusalReason(err) == "error" {
				t.Fatalf("refusal without a reason: %v", err)
			}
			return
		}
		if !ok || op2.Name != op.Name || checkName(op.Name) != nil {
			t.Fatalf("accepted %+v, Lookup %+v %v", op, op2, ok)
		}
		if cert, isCert := key.(*gossh.Certificate); isCert {
			c := &gossh.CertChecker{SupportedCriticalOptions: []string{"source-address"}, Clock: func() time.Time { return certNow }}
			if err := c.CheckCert(cert.ValidPrincipals[0], cert); err != nil {
				t.Fatalf("accepted a certificate x/crypto refuses: %v", err)
			}
		}
	})
}
