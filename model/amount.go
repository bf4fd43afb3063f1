package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"simdesk/topup"
)

// AmountRules are what a provider that tops up by amount accepts: checked
// before anything is journaled or sent, so bad input costs nothing. The
// amounts are exact (topup.Money); their JSON is the numbers it has always
// been ({"currency": "USD", "presets": [5, 10], "max": 100}).
type AmountRules struct {
	Currency  string        // ISO 4217; the only currency accepted
	Presets   []topup.Money // the amounts offered first in the console
	Max       topup.Money   // a larger amount is refused
	UsageType string
}

// MarshalJSON writes the rules with their amounts as JSON numbers.
func (r AmountRules) MarshalJSON() ([]byte, error) {
	presets := make([]json.Number, len(r.Presets))
	for i, p := range r.Presets {
		presets[i] = json.Number(p.Number())
	}
	return json.Marshal(struct {
		Currency  string        `json:"currency"`
		Presets   []json.Number `json:"presets,omitempty"`
		Max       json.Number   `json:"max"`
		UsageType string        `json:"usage_type,omitempty"`
	}{r.Currency, presets, json.Number(r.Max.Number()), r.UsageType})
}

// ParseAmount reads an amount typed by an operator ("10", "12.50") and checks
// it against the rules: positive, at most Max, no more decimals than the
// currency has, and in the rules' currency when currency is given. The
// digits are the amount (topup.Parse): nothing goes through a float. The
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
	m, err := topup.Parse(s, r.Currency)
	if whole, _, _ := strings.Cut(s, "."); len(whole) > 12 && err == nil {
		err = topup.ErrRange // more than a trillion: no top-up, whatever the ceiling
	}
	switch {
	case errors.Is(err, topup.ErrPrecision):
		return Money{}, r.decimalsError()
	case errors.Is(err, topup.ErrRange):
		return Money{}, &InputError{Msg: fmt.Sprintf("amount %s is over the maximum of %s", clipText(s), r.Max)}
	case err != nil:
		return Money{}, &InputError{Msg: fmt.Sprintf("%q is not an amount: use digits and at most one '.' (e.g. 10 or 12.50)", clipText(s))}
	}
	return r.Check(m)
}

func (r AmountRules) decimalsError() error {
	if d := topup.MinorDigits(r.Currency); d > 0 {
		return &InputError{Msg: fmt.Sprintf("%s amounts have at most %d decimals", r.Currency, d)}
	}
	return &InputError{Msg: fmt.Sprintf("%s amounts have no decimals", r.Currency)}
}

// Check refuses an amount the rules do not allow (used for amounts that did
// not come from text, e.g. a preset or a journal entry): another currency,
// zero or less, over Max, or one a provider marked invalid.
func (r AmountRules) Check(m Money) (Money, error) {
	switch {
	case m.Currency != r.Currency:
		return Money{}, &InputError{Msg: fmt.Sprintf("this provider tops up in %s, not %s", r.Currency, clipText(m.Currency))}
	case m.Invalid != "":
		return Money{}, &InputError{Msg: "the amount is unusable: " + clipText(m.Invalid)}
	case !m.Positive():
		return Money{}, &InputError{Msg: "the amount must be more than zero"}
	}
	if c, err := m.Cmp(r.Max); err == nil && c > 0 && r.Max.Positive() {
		return Money{}, &InputError{Msg: fmt.Sprintf("%s is over this provider's maximum top-up of %s", m, r.Max)}
	}
	return m, nil
}

func clipText(s string) string { return OneLine(s, 24) }

// FormatMoney writes an amount currency first with its currency's
// decimals, "USD 10.00": m.String(), kept for the callers that format
// prices beside other model values.
func FormatMoney(m Money) string { return m.String() }
