package topup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Money is an exact amount of an ISO 4217 currency, in the currency's minor
// units (cents for USD, yen for JPY, fils for BHD): USD 12.50 is
// Money{Minor: 1250, Currency: "USD"}. Two amounts are equal exactly when
// the values are (==), so a Money can be a map key or part of one.
//
// Its JSON is what the contract has always shown, the decimal amount as a
// number and the currency: {"amount": 12.5, "currency": "USD"}, written from
// the digits, never through a float.
type Money struct {
	Minor    int64  // the amount in minor units of Currency
	Currency string // ISO 4217, upper case
	// Invalid says why a provider's figure is unusable ("provider sent
	// NaN"); Minor is then 0 and must not be shown as a price.
	Invalid string
}

// Parse errors, for errors.Is.
var (
	// ErrSyntax: the text is not a decimal number.
	ErrSyntax = errors.New("not an amount")
	// ErrPrecision: more decimals than the currency has.
	ErrPrecision = errors.New("more decimals than the currency has")
	// ErrRange: the amount does not fit (about 92 thousand trillion of minor units).
	ErrRange = errors.New("amount out of range")
	// ErrCurrency: two amounts of different currencies were combined, or
	// a currency is not an ISO 4217 code.
	ErrCurrency = errors.New("amounts in different currencies")
)

// minorDigits are the ISO 4217 minor units of the currencies that do not
// have two; every other currency has two. Our own table rather than a
// dependency: it changes about once a decade and a wrong entry is caught
// by the provider refusing the amount, never by rounding.
var minorDigits = map[string]int{
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// MinorDigits is how many decimals an amount in the currency has, so that
// "10.005 USD" is refused instead of being rounded by someone else.
func MinorDigits(currency string) int {
	if d, ok := minorDigits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// ValidCurrency reports a three-letter ISO 4217-shaped code (upper case).
func ValidCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// maxText bounds what is parsed, so a hostile number costs nothing: no
// int64 amount needs more characters than this.
const maxText = 64

// Parse reads a decimal amount of the currency as a person or a
// configuration writes it: an optional '-', digits, and at most one '.'
// followed by at most the currency's minor digits ("10", "12.5", "0.125"
// for BHD). No exponent, no float on the way: the digits are the amount.
// The currency must be an ISO 4217 code (ErrCurrency otherwise).
func Parse(text, currency string) (Money, error) {
	if !ValidCurrency(currency) {
		return Money{}, fmt.Errorf("%w: %q is not an ISO 4217 code", ErrCurrency, clip(currency))
	}
	minor, err := parseDecimal(text, MinorDigits(currency), false)
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// FromNumber reads a JSON number's text (json.Number) as an amount of the
// currency, exactly: an exponent is applied to the digits, and decimals
// beyond the currency's are allowed only when they are zeros ("10.000"
// USD is 10.00; "10.005" is ErrPrecision).
func FromNumber(num string, currency string) (Money, error) {
	minor, err := parseDecimal(num, MinorDigits(currency), true)
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// parseDecimal turns decimal text into an integer count of 10^-digits.
// lenient (JSON numbers) accepts an exponent and trailing zero decimals.
func parseDecimal(s string, digits int, lenient bool) (int64, error) {
	switch {
	case len(s) > maxText:
		return 0, ErrRange
	case len(s) == 0:
		return 0, ErrSyntax
	}
	neg := lenient && s[0] == '-' // a person's amount has no sign
	if neg {
		s = s[1:]
	}
	mant, exp, err := splitExponent(s, lenient)
	if err != nil {
		return 0, err
	}
	whole, frac, dot := strings.Cut(mant, ".")
	if !allDigits(whole) || !allDigits(frac) || dot && frac == "" || whole == "" && (frac == "" || lenient) {
		return 0, ErrSyntax
	}
	// The value is int(whole frac) × 10^(exp - len(frac)); in minor units
	// it is × 10^(digits + exp - len(frac)).
	v, err := scaled(strings.TrimLeft(whole+frac, "0"), digits+exp-len(frac), lenient)
	if err != nil || !neg {
		return v, err
	}
	return -v, nil
}

// scaled is the integer of the digits all times 10^shift, exactly: a
// negative shift may only drop zeros (and only for lenient text), and the
// result must fit an int64.
func scaled(all string, shift int, lenient bool) (int64, error) {
	if shift < 0 {
		if !lenient {
			return 0, ErrPrecision // "10.000" USD: one more decimal than a dollar has
		}
		cut := max(len(all)+shift, 0)
		if strings.Trim(all[cut:], "0") != "" {
			return 0, ErrPrecision
		}
		all, shift = all[:cut], 0
	}
	if all == "" {
		return 0, nil // zero, whatever the exponent ("0e99")
	}
	if len(all)+shift > 19 {
		return 0, ErrRange
	}
	all += strings.Repeat("0", shift)
	v, err := strconv.ParseUint(all, 10, 64)
	if err != nil || v > 1<<63-1 {
		return 0, ErrRange
	}
	return int64(v), nil
}

// splitExponent separates "1.5e3" into "1.5" and 3; only lenient text may
// carry one.
func splitExponent(s string, lenient bool) (string, int, error) {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s, 0, nil
	}
	if !lenient {
		return "", 0, ErrSyntax
	}
	e := s[i+1:]
	if strings.HasPrefix(e, "+") {
		e = e[1:]
	}
	neg := strings.HasPrefix(e, "-")
	if neg {
		e = e[1:]
	}
	if e == "" || !allDigits(e) {
		return "", 0, ErrSyntax
	}
	if len(strings.TrimLeft(e, "0")) > 2 {
		return "", 0, ErrRange // no amount of ours is 10^100 minor units away
	}
	n, _ := strconv.Atoi(e)
	if neg {
		n = -n
	}
	return s[:i], n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Decimal writes the amount with exactly its currency's decimals: "12.50",
// "500" for JPY, "1.250" for BHD.
func (m Money) Decimal() string {
	d := MinorDigits(m.Currency)
	neg := m.Minor < 0
	u := uint64(m.Minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Number is the amount as the shortest decimal that says it, as the
// contract's JSON has always written it: 10.00 is "10", 12.50 "12.5".
func (m Money) Number() string {
	s := m.Decimal()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// String writes the amount currency first, with its currency's decimals,
// as prices are shown everywhere: "USD 10.00".
func (m Money) String() string { return m.Currency + " " + m.Decimal() }

// IsZero reports no amount at all (and no currency).
func (m Money) IsZero() bool { return m == Money{} }

// Positive reports an amount over zero.
func (m Money) Positive() bool { return m.Minor > 0 }

// Cmp compares two amounts of one currency: -1, 0 or +1; ErrCurrency when
// the currencies differ (they are not comparable).
func (m Money) Cmp(o Money) (int, error) {
	if m.Currency != o.Currency {
		return 0, fmt.Errorf("%w: %s and %s", ErrCurrency, m.Currency, o.Currency)
	}
	switch {
	case m.Minor < o.Minor:
		return -1, nil
	case m.Minor > o.Minor:
		return 1, nil
	}
	return 0, nil
}

// Add is m + o, exactly; ErrCurrency or ErrRange instead of a wrong sum.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s and %s", ErrCurrency, m.Currency, o.Currency)
	}
	s := m.Minor + o.Minor
	if (o.Minor > 0 && s < m.Minor) || (o.Minor < 0 && s > m.Minor) {
		return Money{}, ErrRange
	}
	return Money{Minor: s, Currency: m.Currency}, nil
}

// Times is m × n, exactly; ErrRange when it does not fit.
func (m Money) Times(n int64) (Money, error) {
	if n == 0 || m.Minor == 0 {
		return Money{Currency: m.Currency}, nil
	}
	p := m.Minor * n
	if p/n != m.Minor || (m.Minor == -1 && n == -1<<63) || (n == -1 && m.Minor == -1<<63) {
		return Money{}, ErrRange
	}
	return Money{Minor: p, Currency: m.Currency}, nil
}

// moneyJSON is the contract's shape.
type moneyJSON struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
	Invalid  string      `json:"invalid,omitempty"`
}

// MarshalJSON writes {"amount": 12.5, "currency": "USD"} from the digits.
func (m Money) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as the journal writes its lines
	if err := enc.Encode(moneyJSON{Amount: json.Number(m.Number()), Currency: m.Currency, Invalid: m.Invalid}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads the contract's shape exactly. An amount with more
// decimals than its currency has (a price some provider sent before
// amounts were exact) is kept as Invalid, not rounded and not refused: a
// journal line that holds one still opens.
func (m *Money) UnmarshalJSON(b []byte) error {
	var j moneyJSON
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&j); err != nil {
		return err
	}
	out := Money{Currency: j.Currency, Invalid: j.Invalid}
	if j.Amount != "" {
		v, err := FromNumber(string(j.Amount), j.Currency)
		switch {
		case errors.Is(err, ErrPrecision), errors.Is(err, ErrRange):
			if out.Invalid == "" {
				out.Invalid = "amount " + clip(string(j.Amount)) + " is not a " + clip(j.Currency) + " amount: " + err.Error()
			}
		case err != nil:
			return fmt.Errorf("amount %s: %w", clip(string(j.Amount)), err)
		default:
			out.Minor = v.Minor
		}
	}
	*m = out
	return nil
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// MustParse is Parse for amounts written in the code (tests, constants):
// it panics on text that is not an amount of the currency.
func MustParse(text, currency string) Money {
	m, err := Parse(text, currency)
	if err != nil {
		panic("topup.MustParse(" + strconv.Quote(text) + ", " + strconv.Quote(currency) + "): " + err.Error())
	}
	return m
}
