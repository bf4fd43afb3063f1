package model

import (
	"errors"
	"math"
	"strings"
	"testing"
)

var usdRules = AmountRules{Currency: "USD", Max: 100, Presets: []float64{5, 10}}

func TestAmountRulesParse(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    float64
		err     string
	}{
		{"10", "", 10, ""},
		{" 12.5 ", "usd", 12.5, ""},
		{"0.01", "USD", 0.01, ""},
		{"100", "", 100, ""},
		{".5", "", 0.5, ""},
		{"0", "", 0, "more than zero"},
		{"-5", "", 0, "not an amount"},
		{"100.01", "", 0, "maximum top-up of USD 100.00"},
		{"10.005", "", 0, "at most 2 decimals"},
		{"1e2", "", 0, "not an amount"},
		{"10.", "", 0, "not an amount"},
		{"1.2.3", "", 0, "not an amount"},
		{"", "", 0, "type an amount"},
		{"NaN", "", 0, "not an amount"},
		{"10", "EUR", 0, "tops up in USD, not EUR"},
		{"9999999999999999", "", 0, "over the maximum"},
	} {
		m, err := usdRules.ParseAmount(tc.in, tc.cur)
		switch {
		case tc.err == "" && (err != nil || m.Amount != tc.want || m.Currency != "USD"):
			t.Errorf("%q: %+v %v", tc.in, m, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalidInput)):
			t.Errorf("%q: want %q, got %v", tc.in, tc.err, err)
		}
	}
	jpy := AmountRules{Currency: "JPY", Max: 10000}
	if _, err := jpy.ParseAmount("10.5", ""); err == nil || !strings.Contains(err.Error(), "no decimals") {
		t.Errorf("JPY decimals: %v", err)
	}
	if m, err := jpy.ParseAmount("500", ""); err != nil || FormatMoney(m) != "JPY 500" {
		t.Errorf("JPY: %v %v", m, err)
	}
	if m, err := (AmountRules{Currency: "BHD", Max: 50}).ParseAmount("1.125", ""); err != nil || FormatMoney(m) != "BHD 1.125" {
		t.Errorf("BHD: %v %v", m, err)
	}
}

func TestCheckMoney(t *testing.T) {
	if m, err := usdRules.Check(Money{Amount: 10.1 + 0.2, Currency: "USD"}); err != nil || m.Amount != 10.3 {
		t.Errorf("float noise: %v %v", m, err)
	}
	for _, m := range []Money{{Amount: math.NaN(), Currency: "USD"}, {Amount: math.Inf(1), Currency: "USD"}, {Amount: -1, Currency: "USD"}, {Amount: 1, Currency: "usd"}, {Amount: 0.001, Currency: "USD"}} {
		if _, err := usdRules.Check(m); err == nil {
			t.Errorf("%v accepted", m)
		}
	}
	if !ValidCurrency("USD") || ValidCurrency("usd") || ValidCurrency("US") || ValidCurrency("USDX") {
		t.Error("ValidCurrency")
	}
}

func TestOfferWithoutStockLimitIsNeverEmpty(t *testing.T) {
	if !(Offer{Stock: 0}).Empty() || (Offer{Stock: 0, Unlimited: true}).Empty() || (Offer{Stock: 3}).Empty() {
		t.Error("Empty")
	}
}

// FuzzParseAmount: any text gives an amount within the rules or an input
// error, never a panic.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"10", "12.50", "0", "-1", "1e9", "100.001", ".5", "5.", "", "NaN", "99999999999999999999"} {
		f.Add(s, "")
		f.Add(s, "EUR")
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		m, err := usdRules.ParseAmount(s, cur)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		if m.Currency != "USD" || !(m.Amount > 0) || m.Amount > usdRules.Max || math.Abs(m.Amount*100-math.Round(m.Amount*100)) > 1e-6 {
			t.Fatalf("%q → %+v", s, m)
		}
	})
}
