package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AmountRules are what a provider that tops up by amount accepts: checked
// before anything is journaled or sent, so bad input costs nothing.
type AmountRules struct {
	Currency  string    `json:"currency"`          // ISO 4217; the only currency accepted
	Presets   []float64 `json:"presets,omitempty"` // the amounts offered first in the console
	Max       float64   `json:"max"`               // a larger amount is refused
	UsageType string    `json:"usage_type,omitempty"`
}

// minorUnits are the ISO 4217 decimals of the currencies that do not have
// two; every other currency has two.
var minorUnits = map[string]int{
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// CurrencyDecimals is how many decimals an amount in the currency may have,
// so that "10.005 USD" is refused instead of being rounded by someone else.
func CurrencyDecimals(currency string) int {
	if d, ok := minorUnits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// ValidCurrency reports a three-letter ISO 4217-shaped code.
func ValidCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// ParseAmount reads an amount typed by an operator ("10", "12.50") and checks
// it against the rules: positive, at most Max, no more decimals than the
// currency has, and in the rules' currency when currency is given. The
// message of the error says what to type instead.
func (r AmountRules) ParseAmount(text, currency string) (Money, error) {
	cur := strings.ToUpper(strings.TrimSpace(currency))
	if cur != "" && cur != r.Currency {
		return Money{}, &InputError{Msg: fmt.Sprintf("this provider tops up in %s, not %s", r.Currency, clipText(cur))}
	}
	s := strings.TrimSpace(text)
	if s == "" {
		return Money{}, &InputError{Msg: "type an amount"}
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot || !amountDigits(whole) || hasDot && (frac == "" || !amountDigits(frac)) || whole == "" && frac == "" {
		return Money{}, &InputError{Msg: fmt.Sprintf("%q is not an amount: use digits and at most one '.' (e.g. 10 or 12.50)", clipText(s))}
	}
	if dec := CurrencyDecimals(r.Currency); len(frac) > dec {
		if dec == 0 {
			return Money{}, &InputError{Msg: fmt.Sprintf("%s amounts have no decimals", r.Currency)}
		}
		return Money{}, &InputError{Msg: fmt.Sprintf("%s amounts have at most %d decimals", r.Currency, dec)}
	}
	if len(whole) > 12 {
		return Money{}, &InputError{Msg: fmt.Sprintf("amount %s is over the maximum of %s", clipText(s), r.Format(r.Max))}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Money{}, &InputError{Msg: fmt.Sprintf("%q is not an amount", clipText(s))}
	}
	return r.Check(Money{Amount: v, Currency: r.Currency})
}

// Check refuses an amount the rules do not allow (used for amounts that did
// not come from text, e.g. a preset or a journal entry).
func (r AmountRules) Check(m Money) (Money, error) {
	switch {
	case m.Currency != r.Currency:
		return Money{}, &InputError{Msg: fmt.Sprintf("this provider tops up in %s, not %s", r.Currency, clipText(m.Currency))}
	case math.IsNaN(m.Amount) || m.Amount <= 0:
		return Money{}, &InputError{Msg: "the amount must be more than zero"}
	case r.Max > 0 && m.Amount > r.Max:
		return Money{}, &InputError{Msg: fmt.Sprintf("%s is over this provider's maximum top-up of %s", r.Format(m.Amount), r.Format(r.Max))}
	}
	scale := math.Pow10(CurrencyDecimals(r.Currency))
	if v := m.Amount * scale; math.Abs(v-math.Round(v)) > 1e-6 {
		return Money{}, &InputError{Msg: fmt.Sprintf("%s amounts have at most %d decimals", r.Currency, CurrencyDecimals(r.Currency))}
	}
	m.Amount = math.Round(m.Amount*scale) / scale
	return m, nil
}

// Format writes an amount with its currency's decimals: "USD 10.00".
func (r AmountRules) Format(v float64) string {
	return FormatMoney(Money{Amount: v, Currency: r.Currency})
}

// FormatMoney writes an amount with its currency's decimals, currency
// first as prices are shown everywhere else: "USD 10.00".
func FormatMoney(m Money) string {
	return m.Currency + " " + strconv.FormatFloat(m.Amount, 'f', CurrencyDecimals(m.Currency), 64)
}

func amountDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clipText(s string) string { return OneLine(s, 24) }
