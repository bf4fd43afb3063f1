// Package model is the provider-neutral domain of simdesk: identifiers, lines,
// buckets, quantities in canonical units, offers, top-ups and typed errors.
// It does no I/O and knows nothing of JSON dialects or the UI.
package model

import (
	"errors"
	"fmt"
	"strings"
)

// IDType is the kind of identifier an operator typed.
type IDType string

// The identifier types of the contract.
const (
	MSISDN       IDType = "msisdn"
	SIM          IDType = "sim"
	Subscription IDType = "subscription"
	Transaction  IDType = "transaction"
)

// IDTypes lists every identifier type, in the order the help shows them.
var IDTypes = []IDType{MSISDN, SIM, Subscription, Transaction}

// Identifier is a validated, normalised identifier plus the optional billing
// account (relatedParty.id) that the cvp API needs for CWC postpaid lines.
type Identifier struct {
	Type    IDType
	Value   string
	Account string
}

// String renders the identifier the way an operator would type it back.
func (id Identifier) String() string {
	if id.Account != "" {
		return id.Value + "@" + id.Account
	}
	return id.Value
}

// Label is a short human label such as "MSISDN 9077613".
func (id Identifier) Label() string {
	return id.Type.Label() + " " + id.String()
}

// Label is the display name of the type.
func (t IDType) Label() string {
	switch t {
	case MSISDN:
		return "MSISDN"
	case SIM:
		return "SIM"
	case Subscription:
		return "Subscription"
	case Transaction:
		return "Transaction"
	}
	return string(t)
}

// ErrInvalidInput marks every identifier, account or flag error: nothing was sent.
var ErrInvalidInput = errors.New("invalid input")

// InputError is a one-line explanation of why operator input was refused.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, ErrInvalidInput) identify input errors.
func (e *InputError) Unwrap() error { return ErrInvalidInput }

func inputErr(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

// ParseIDType reads a --type value; the empty string means "detect".
func ParseIDType(s string) (IDType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "msisdn":
		return MSISDN, nil
	case "sim", "iccid", "simid":
		return SIM, nil
	case "subscription", "sub":
		return Subscription, nil
	case "transaction", "trx":
		return Transaction, nil
	}
	return "", inputErr("unknown identifier type %q (use msisdn, sim, subscription or transaction)", clip(s))
}

var prefixes = []struct {
	p string
	t IDType
}{{"msisdn:", MSISDN}, {"sim:", SIM}, {"sub:", Subscription}, {"trx:", Transaction}}

// maxInput bounds what we even look at; real identifiers are far shorter.
const maxInput = 128

// ParseIdentifier validates raw operator input. forced, when not empty, is the
// type from --type; a prefix (msisdn:, sim:, sub:, trx:) also forces a type, and
// a suffix @ACCOUNT carries the billing account. account, when not empty, is
// the --account flag. Without a forced type the type is detected.
func ParseIdentifier(raw string, forced IDType, account string) (Identifier, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Identifier{}, inputErr("empty identifier: type a MSISDN, SIM id, subscription id or transaction id")
	}
	if len(s) > maxInput {
		return Identifier{}, inputErr("identifier too long (%d characters, at most %d)", len(s), maxInput)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return Identifier{}, inputErr("identifier %q contains a character that is not printable ASCII", clip(s))
		}
	}
	lower := strings.ToLower(s)
	prefix := ""
	for _, p := range prefixes {
		if strings.HasPrefix(lower, p.p) {
			if forced != "" && forced != p.t {
				return Identifier{}, inputErr("prefix %q contradicts --type %s", p.p, forced)
			}
			forced, prefix = p.t, p.p
			s = strings.TrimSpace(s[len(p.p):])
			break
		}
	}
	hadAt := false
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		hadAt = true
		acc := s[i+1:]
		s = strings.TrimSpace(s[:i])
		if account != "" && account != acc {
			return Identifier{}, inputErr("account %q in the identifier contradicts --account %q", clip(acc), clip(account))
		}
		if acc == "" {
			return Identifier{}, inputErr("empty account after '@' (use ID@ACCOUNT)")
		}
		account = acc
	}
	if account != "" {
		if err := ValidateAccount(account); err != nil {
			return Identifier{}, err
		}
	}
	if s == "" {
		if prefix != "" && !hadAt {
			return Identifier{}, inputErr("nothing after the prefix %q: type the identifier after it", prefix)
		}
		return Identifier{}, inputErr("empty identifier before the account")
	}
	if forced == "" || forced == MSISDN || forced == SIM {
		s = cleanPasted(s)
	}
	t := forced
	if t == "" {
		t = DetectType(s)
	}
	v, err := validate(t, s)
	if err != nil {
		return Identifier{}, err
	}
	return Identifier{Type: t, Value: v, Account: account}, nil
}

// DetectType applies the contract's rules: UUID → transaction; 89… with 19–20
// digits → sim; 7–15 digits with optional + → msisdn; otherwise subscription.
// An ICCID-shaped number with a wrong check digit still detects as sim, so that
// validation can say what is wrong with it instead of guessing another type.
func DetectType(s string) IDType {
	switch {
	case IsUUID(s):
		return Transaction
	case allDigits(s) && strings.HasPrefix(s, "89") && (len(s) == 19 || len(s) == 20):
		return SIM
	case isMSISDN(s):
		return MSISDN
	}
	return Subscription
}

func validate(t IDType, s string) (string, error) {
	switch t {
	case MSISDN:
		if !isMSISDN(s) {
			return "", inputErr("%q is not a MSISDN: expected 7 to 15 digits, optionally after +", clip(s))
		}
		return stripIntl(strings.TrimPrefix(s, "+")), nil
	case SIM:
		if !allDigits(s) || len(s) < 6 || len(s) > 22 {
			return "", inputErr("%q is not a SIM id: expected an ICCID (89…, 19–20 digits) or a 6–22 digit SIM id", clip(s))
		}
		if strings.HasPrefix(s, "89") && (len(s) == 19 || len(s) == 20) && !LuhnValid(s) {
			return "", inputErr("ICCID %s has a wrong check digit (Luhn); check for a mistyped digit", s)
		}
		return s, nil
	case Transaction:
		if !IsUUID(s) {
			return "", inputErr("%q is not a transaction id: expected a UUID like 123e4567-e89b-12d3-a456-426614174000", clip(s))
		}
		return strings.ToLower(s), nil
	case Subscription:
		if len(s) > 64 {
			return "", inputErr("subscription id too long (%d characters, at most 64)", len(s))
		}
		alnum := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case IsAlnum(c):
				alnum = true
			case c == '-' || c == '_' || c == '.':
			default:
				return "", inputErr("%q is not a valid identifier: only letters, digits, '-', '_' and '.' may appear in a subscription id", clip(s))
			}
		}
		if !alnum {
			return "", inputErr("%q is not a valid identifier", clip(s))
		}
		return s, nil
	}
	return "", inputErr("unknown identifier type %q", t)
}

// ValidateAccount checks a billing account id (relatedParty.id).
func ValidateAccount(a string) error {
	if len(a) == 0 || len(a) > 32 {
		return inputErr("account %q must be 1 to 32 characters", clip(a))
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; !IsAlnum(c) && c != '-' && c != '_' {
			return inputErr("account %q may contain only letters, digits, '-' and '_'", clip(a))
		}
	}
	return nil
}

// cleanPasted turns a number pasted from a ticket or a web page ("+1 (876)
// 791-1940", "06.12.34.56.78", "8901 4103 …") into its digits, keeping a
// leading '+'. Anything else (a letter, another symbol, a '+' elsewhere)
// leaves s as it is, so subscription ids such as S-1001 are untouched and
// junk is still refused by validation.
func cleanPasted(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '.' || c == '-' || c == '(' || c == ')':
		case c == '+' && i == 0 && len(s) > 1 && (s[1] >= '0' && s[1] <= '9' || s[1] == ' ' || s[1] == '('):
		default:
			return s
		}
	}
	if digits == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c == '+' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripIntl drops the international call prefix 00 from a MSISDN when what
// is left is still a MSISDN: 0033612345678 is 33612345678.
func stripIntl(d string) string {
	if rest, ok := strings.CutPrefix(d, "00"); ok && allDigits(rest) && len(rest) >= 7 && !strings.HasPrefix(rest, "0") {
		return rest
	}
	return d
}

// NormalLine is the one form in which two targets are compared (duplicate
// guard, history, reconciliation): for a MSISDN (or an untyped value that
// looks like one) the digits without '+', separators or the 00 prefix, so
// 0033612345678, +33 6 12 34 56 78 and 33612345678 are one line; other
// identifiers trimmed (transaction ids lower-cased). The journal keeps the
// value as sent; only comparisons use this form.
func NormalLine(t IDType, v string) string {
	v = strings.TrimSpace(v)
	switch t {
	case MSISDN, "":
		c := cleanPasted(v)
		if t == "" && !isMSISDN(c) {
			return v
		}
		return stripIntl(strings.TrimPrefix(c, "+"))
	case Transaction:
		return strings.ToLower(v)
	}
	return v
}

func isMSISDN(s string) bool {
	d := strings.TrimPrefix(s, "+")
	return allDigits(d) && len(d) >= 7 && len(d) <= 15
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsAlnum reports whether c is an ASCII letter or digit.
func IsAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// LuhnValid reports whether a digit string has a valid Luhn check digit.
func LuhnValid(s string) bool {
	if !allDigits(s) || len(s) < 2 {
		return false
	}
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// IsUUID reports whether s is a canonical 8-4-4-4-12 hexadecimal UUID.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// clip keeps error messages one short line even for absurd input.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
