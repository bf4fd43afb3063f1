package serve

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/topup"
)

// Reasons a key is refused, for the log (a reason attribute, snake_case):
// metrics count refusals by them.
const (
	ReasonUnknownKey      = "unknown_key"
	ReasonRevoked         = "revoked"
	ReasonCertNotUser     = "cert_not_user" // a host certificate offered as a user's
	ReasonCertWrongCA     = "cert_wrong_ca"
	ReasonCertNotYetValid = "cert_not_yet_valid"
	ReasonCertExpired     = "cert_expired"
	ReasonCertNoPrincipal = "cert_no_principal"
	ReasonCertBadName     = "cert_bad_name" // the principal or key id is not a valid operator name
	ReasonCertOption      = "cert_critical_option"
	ReasonCertSource      = "cert_source_address"
	ReasonCertInvalid     = "cert_invalid"
	// The certificate names an operator a plain key line lists with
	// another role.
	ReasonCertRoleConflict = "cert_role_conflict"
)

// Refusal says why a key may not log in.
type Refusal struct {
	Reason string // one of the Reason constants
	Detail string // one line for the log; never shown to the client
}

func (r *Refusal) Error() string { return r.Reason + ": " + r.Detail }

// refusalReason is err's Reason, or "error".
func refusalReason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return "error"
}

// sourceAddressOption is the one critical option simdesk understands (and
// honours); a certificate with any other is refused, since a restriction
// the server cannot apply must not be silently dropped.
const sourceAddressOption = "source-address"

// isCALine reports a cert-authority line.
func isCALine(opts []string) bool {
	for _, opt := range opts {
		if opt == "cert-authority" {
			return true
		}
	}
	return false
}

// addCA adds a cert-authority line: cert-authority, role="…" and, maybe,
// operator-from="principal|key-id". operator="…" is refused: the
// certificate names its operator.
func (o *Operators) addCA(n int, key gossh.PublicKey, opts []string) error {
	role, from, err := caOptions(opts)
	if err != nil {
		return err
	}
	o.cas[string(key.Marshal())] = authority{role: role, from: from, fingerprint: gossh.FingerprintSHA256(key), line: n}
	return nil
}

func caOptions(opts []string) (topup.Role, string, error) {
	var role, from string
	var seenCA, seenRole, seenFrom bool
	for _, opt := range opts {
		if opt == "cert-authority" {
			if seenCA {
				return "", "", errors.New("cert-authority given twice")
			}
			seenCA = true
			continue
		}
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			return "", "", fmt.Errorf("option %q is not supported on a cert-authority line (only role=\"ROLE\" and operator-from=\"principal|key-id\")", clip(opt))
		}
		uq, err := unquote(v)
		if err != nil {
			return "", "", fmt.Errorf("option %s: %v", clip(k), err)
		}
		switch {
		case k == "role" && !seenRole:
			role, seenRole = uq, true
		case k == "operator-from" && !seenFrom:
			from, seenFrom = uq, true
		case k == "role" || k == "operator-from":
			return "", "", fmt.Errorf("%s given twice", k)
		case k == "operator":
			return "", "", errors.New(`a cert-authority line names no operator: the certificate does (its first principal, or its key id with operator-from="key-id")`)
		default:
			return "", "", fmt.Errorf("option %q is not supported on a cert-authority line (only role=\"ROLE\" and operator-from=\"principal|key-id\")", clip(k))
		}
	}
	if !seenRole {
		return "", "", errors.New(`no role="viewer|agent|supervisor" option`)
	}
	r, err := topup.ParseRole(role)
	if err != nil {
		return "", "", err
	}
	switch from {
	case "":
		from = fromPrincipal
	case fromPrincipal, fromKeyID:
	default:
		return "", "", fmt.Errorf("operator-from %q: must be \"principal\" or \"key-id\"", clip(from))
	}
	return r, from, nil
}

// certCheck is what certOperator checks beyond the CA, type, principals,
// critical options and name, which it checks every time.
type certCheck struct {
	now    time.Time // the validity period against now; zero: not checked (a session outlives its certificate)
	remote net.Addr  // source-address against remote; nil: not checked
	// signature: the CA's signature verifies. An open session's check
	// leaves it out: the same certificate bytes verified at login under
	// the same CA key bytes (the CA is found by them), and verifying on
	// every key press cost 0.13 ms.
	signature bool
}

// certOperator resolves a user certificate to its operator.
func (o *Operators) certOperator(cert *gossh.Certificate, check certCheck) (Operator, error) {
	refuse := func(reason, format string, a ...any) (Operator, error) {
		return Operator{}, &Refusal{Reason: reason, Detail: fmt.Sprintf(format, a...)}
	}
	if cert.CertType != gossh.UserCert {
		return refuse(ReasonCertNotUser, "certificate of type %d is not a user certificate", cert.CertType)
	}
	if cert.SignatureKey == nil {
		return refuse(ReasonCertWrongCA, "certificate has no CA key")
	}
	caFP := gossh.FingerprintSHA256(cert.SignatureKey)
	ca, ok := o.cas[string(cert.SignatureKey.Marshal())]
	if !ok {
		return refuse(ReasonCertWrongCA, "certificate signed by %s, not a CA of the operators file", caFP)
	}
	if !check.now.IsZero() {
		if err := certTime(cert, check.now); err != nil {
			return Operator{}, err
		}
	}
	if len(cert.ValidPrincipals) == 0 {
		return refuse(ReasonCertNoPrincipal, "certificate %q has no principal", clip(cert.KeyId))
	}
	for opt, v := range cert.CriticalOptions {
		if opt != sourceAddressOption {
			return refuse(ReasonCertOption, "certificate carries the critical option %q, which simdesk does not apply", clip(opt))
		}
		if check.remote != nil && !sourceAllowed(check.remote, v) {
			return refuse(ReasonCertSource, "source-address %q does not allow %s", clip(v), check.remote)
		}
	}
	name := cert.ValidPrincipals[0]
	if ca.from == fromKeyID {
		name = cert.KeyId
	}
	if err := checkName(name); err != nil {
		return refuse(ReasonCertBadName, "certificate's %s: %v", ca.from, err)
	}
	if check.signature {
		if err := verifyCert(cert, check.now); err != nil {
			return refuse(ReasonCertInvalid, "%v", err)
		}
	}
	// After the signature: a forged certificate is cert_invalid.
	if err := o.roleConflict(name, ca); err != nil {
		return Operator{}, err
	}
	return Operator{Name: name, Role: ca.role, Fingerprint: gossh.FingerprintSHA256(cert.Key), Line: ca.line,
		CA: caFP, KeyID: cert.KeyId, Serial: cert.Serial}, nil
}

// roleConflict refuses a certificate naming an operator that a plain key
// line lists with another role: one role per operator, as between plain
// lines. Before, a viewer CA's certificate for a supervisor's name acted,
// and was logged, journalled and counted, as that supervisor.
func (o *Operators) roleConflict(name string, ca authority) error {
	plain, ok := o.names[name]
	if !ok || plain.Role == ca.role {
		return nil
	}
	return &Refusal{Reason: ReasonCertRoleConflict, Detail: fmt.Sprintf("certificate names operator %s, listed on line %d as %s; CA line %d gives %s",
		name, plain.Line, plain.Role, ca.line, ca.role)}
}

// certTime checks ValidAfter ≤ now < ValidBefore, with OpenSSH's "forever".
func certTime(cert *gossh.Certificate, now time.Time) error {
	t := now.Unix()
	if after := int64(cert.ValidAfter); after < 0 || t < after {
		return &Refusal{Reason: ReasonCertNotYetValid, Detail: fmt.Sprintf("certificate %q is valid from %s", clip(cert.KeyId), certStamp(cert.ValidAfter))}
	}
	if cert.ValidBefore != gossh.CertTimeInfinity {
		if before := int64(cert.ValidBefore); before < 0 || t >= before {
			return &Refusal{Reason: ReasonCertExpired, Detail: fmt.Sprintf("certificate %q expired at %s", clip(cert.KeyId), certStamp(cert.ValidBefore))}
		}
	}
	return nil
}

func certStamp(v uint64) string {
	if int64(v) < 0 {
		return "never"
	}
	return time.Unix(int64(v), 0).UTC().Format(time.RFC3339)
}

// verifyCert runs x/crypto's own certificate check as the last gate (it
// verifies the CA's signature, the principal set, the critical options and
// the time): whatever the checks above missed, it refuses. With a zero now
// its clock stands at the start of the validity period, so that only the
// time is not checked.
func verifyCert(cert *gossh.Certificate, now time.Time) error {
	if now.IsZero() {
		now = time.Unix(int64(cert.ValidAfter), 0)
	}
	c := &gossh.CertChecker{
		SupportedCriticalOptions: []string{sourceAddressOption},
		Clock:                    func() time.Time { return now },
	}
	if err := c.CheckCert(cert.ValidPrincipals[0], cert); err != nil {
		return fmt.Errorf("certificate %q: %v", clip(cert.KeyId), err)
	}
	return nil
}

// sourceAllowed applies a source-address option (a comma-separated list of
// addresses and CIDR blocks, as OpenSSH reads it) to the client's address.
// Anything that does not parse allows nobody.
func sourceAllowed(remote net.Addr, list string) bool {
	ap, err := netip.ParseAddrPort(remote.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, item := range strings.Split(list, ",") {
		if a, err := netip.ParseAddr(item); err == nil {
			if a.Unmap() == ip {
				return true
			}
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return false
		}
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
