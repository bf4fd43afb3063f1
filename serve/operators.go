package serve

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/model"
	"simdesk/topup"
)

// Operator is one key of the operators file: who holds it and what they
// may do. Identity comes only from here, through the key the SSH handshake
// verified, never from the user name the client sends.
type Operator struct {
	Name        string
	Role        topup.Role
	Fingerprint string // SHA256:… of the key, for logs and messages
	Line        int    // where the key (or the certificate's CA) is in the file
	// For a certificate: the CA's fingerprint, and the certificate's key id
	// and serial, so a log line names which certificate logged in.
	CA     string
	KeyID  string
	Serial uint64
}

// Operators is a parsed operators file: authorized_keys lines with the
// options operator="NAME" and role="viewer|agent|supervisor", and
// cert-authority lines (cert-authority,role="…" CA-KEY) whose user
// certificates log in as the operator their first principal (or, with
// operator-from="key-id", their key id) names.
type Operators struct {
	byKey map[string]Operator  // key: the key's wire form
	cas   map[string]authority // key: the CA key's wire form
	// names is each plain-key operator's first line: a certificate may
	// not name one of them with another role.
	names map[string]Operator
}

// authority is one cert-authority line.
type authority struct {
	role        topup.Role
	from        string // fromPrincipal or fromKeyID: what names the operator
	fingerprint string
	line        int
}

// What names the operator of a certificate (never the SSH user name).
const (
	fromPrincipal = "principal" // the certificate's first principal
	fromKeyID     = "key-id"    // the certificate's key id
)

// OperatorsError lists every bad line of an operators file, one
// FILE:LINE: message each, so all of them can be fixed in one go. Empty
// says the file is sound but holds no key: refused at start (nobody could
// log in, surely a mistake), while a reload takes it as "revoke everyone".
type OperatorsError struct {
	Problems []string
	Empty    bool
}

func (e *OperatorsError) Error() string { return strings.Join(e.Problems, "\n") }

// Len is the number of lines that let someone in: keys and CAs.
func (o *Operators) Len() int { return len(o.byKey) + len(o.cas) }

// CAs is the number of cert-authority lines.
func (o *Operators) CAs() int { return len(o.cas) }

// Lookup returns the operator holding key: a listed key, or a user
// certificate of a listed CA (Authenticate says why one is refused). A
// certificate's validity period is not checked here, only at login
// (Authenticate): a session outlives its certificate, as with OpenSSH.
func (o *Operators) Lookup(key gossh.PublicKey) (Operator, bool) {
	if o == nil || key == nil {
		return Operator{}, false
	}
	if cert, ok := key.(*gossh.Certificate); ok {
		op, err := o.certOperator(cert, certCheck{signature: true})
		return op, err == nil
	}
	op, ok := o.byKey[string(key.Marshal())]
	return op, ok
}

// recheck is Lookup for the key of an open session, which Authenticate
// admitted: a certificate's CA signature is not verified again.
func (o *Operators) recheck(key gossh.PublicKey) (Operator, bool) {
	if cert, ok := key.(*gossh.Certificate); ok && o != nil {
		op, err := o.certOperator(cert, certCheck{})
		return op, err == nil
	}
	return o.Lookup(key)
}

// Authenticate resolves the key a client offers from remote at now: a
// listed key, or a user certificate of a listed CA that is valid now. A
// refusal is a *Refusal whose Reason goes to the log.
func (o *Operators) Authenticate(key gossh.PublicKey, now time.Time, remote net.Addr) (Operator, error) {
	if o == nil || key == nil {
		return Operator{}, &Refusal{Reason: ReasonUnknownKey, Detail: "no key"}
	}
	if cert, ok := key.(*gossh.Certificate); ok {
		return o.certOperator(cert, certCheck{now: now, remote: remote, signature: true})
	}
	op, ok := o.byKey[string(key.Marshal())]
	if !ok {
		return Operator{}, &Refusal{Reason: ReasonUnknownKey, Detail: "not in the operators file"}
	}
	return op, nil
}

// LoadOperators reads and parses the operators file at path.
func LoadOperators(path string) (*Operators, error) {
	data, err := readOperatorsFile(path) // refused unless only its owner may write it
	if err != nil {
		return nil, err
	}
	return ParseOperators(path, data)
}

// maxOperatorName bounds a name, which is shown on every screen and
// written to every journal line.
const maxOperatorName = 64

// ParseOperators parses an operators file. Blank lines and # comments are
// skipped; every other line must be a public key with both options. Any
// bad line makes the whole file refused.
func ParseOperators(file string, data []byte) (*Operators, error) {
	o := &Operators{byKey: map[string]Operator{}, cas: map[string]authority{}, names: map[string]Operator{}}
	var probs []string
	bad := func(n int, format string, a ...any) {
		probs = append(probs, fmt.Sprintf("%s:%d: %s", file, n, model.OneLine(fmt.Sprintf(format, a...), 200)))
	}
	roles := map[string]topup.Role{}
	for n, raw := range bytes.Split(data, []byte("\n")) {
		n++
		line := bytes.TrimSpace(raw)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if !utf8.Valid(line) {
			bad(n, "not UTF-8 text")
			continue
		}
		key, _, opts, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			bad(n, "not a public key in authorized_keys format (options key-type base64 [comment])")
			continue
		}
		if err := o.dup(key); err != nil {
			bad(n, "%v", err)
			continue
		}
		if _, isCert := key.(*gossh.Certificate); isCert {
			bad(n, "a certificate is not an operator key: list its CA on a cert-authority line")
			continue
		}
		if isCALine(opts) {
			if err := o.addCA(n, key, opts); err != nil {
				bad(n, "%v", err)
			}
			continue
		}
		name, role, err := operatorOptions(opts)
		if err != nil {
			bad(n, "%v", err)
			continue
		}
		if r, ok := roles[name]; ok && r != role {
			bad(n, "operator %s has role %s on an earlier line: one role per operator", name, r)
			continue
		}
		roles[name] = role
		op := Operator{Name: name, Role: role, Fingerprint: gossh.FingerprintSHA256(key), Line: n}
		o.byKey[string(key.Marshal())] = op
		if _, ok := o.names[name]; !ok {
			o.names[name] = op
		}
	}
	if len(probs) > 0 {
		return nil, &OperatorsError{Problems: probs}
	}
	if o.Len() == 0 {
		return o, &OperatorsError{Problems: []string{file + ":1: no operator keys: nobody could log in"}, Empty: true}
	}
	return o, nil
}

// dup refuses a key already on an earlier line, as an operator's key or
// as a CA.
func (o *Operators) dup(key gossh.PublicKey) error {
	k := string(key.Marshal())
	fp := gossh.FingerprintSHA256(key)
	if prev, ok := o.byKey[k]; ok {
		return fmt.Errorf("key %s is already given to %s on line %d", fp, prev.Name, prev.Line)
	}
	if prev, ok := o.cas[k]; ok {
		return fmt.Errorf("key %s is already a CA on line %d", fp, prev.line)
	}
	return nil
}

// operatorOptions reads operator="…" and role="…"; any other option is
// refused, since simdesk would not honour it (no-pty, command=, from=).
func operatorOptions(opts []string) (string, topup.Role, error) {
	var name, role string
	var seenName, seenRole bool
	for _, opt := range opts {
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			return "", "", fmt.Errorf("option %q is not supported (only operator=\"NAME\" and role=\"ROLE\")", clip(opt))
		}
		uq, err := unquote(v)
		if err != nil {
			return "", "", fmt.Errorf("option %s: %v", clip(k), err)
		}
		switch k {
		case "operator":
			if seenName {
				return "", "", errors.New("operator given twice")
			}
			name, seenName = uq, true
		case "role":
			if seenRole {
				return "", "", errors.New("role given twice")
			}
			role, seenRole = uq, true
		default:
			return "", "", fmt.Errorf("option %q is not supported (only operator=\"NAME\" and role=\"ROLE\")", clip(k))
		}
	}
	if !seenName {
		return "", "", errors.New(`no operator="NAME" option`)
	}
	if err := checkName(name); err != nil {
		return "", "", err
	}
	if !seenRole {
		return "", "", errors.New(`no role="viewer|agent|supervisor" option`)
	}
	r, err := topup.ParseRole(role)
	if err != nil {
		return "", "", err
	}
	return name, r, nil
}

func unquote(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", errors.New("value must be in double quotes")
	}
	v = v[1 : len(v)-1]
	if strings.ContainsAny(v, `"\`) {
		return "", errors.New("value must not contain quotes or backslashes")
	}
	return v, nil
}

// checkName keeps names printable and short: they appear on screens, in
// the journal and in the duplicate guard's message.
func checkName(s string) error {
	if s == "" {
		return errors.New("operator name is empty")
	}
	if len(s) > maxOperatorName {
		return fmt.Errorf("operator name longer than %d bytes", maxOperatorName)
	}
	for _, r := range s {
		ok := r == '.' || r == '-' || r == '_' || r == '@' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return fmt.Errorf("operator name %q: only letters, digits and . - _ @", clip(s))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
