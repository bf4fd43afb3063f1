package model

import (
	"errors"
	"strings"
	"testing"

	"simdesk/topup"
)

var usdRules = AmountRules{Currency: "USD", Max: topup.MustParse("100", "USD"), Presets: []Money{topup.MustParse("5", "USD"), topup.MustParse("10", "USD")}}

func TestAmountRulesParse(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    string // the exact amount, as topup.Parse reads it
		err     string
	}{
		{"10", "", "10", ""},
		{" 12.5 ", "usd", "12.5", ""},
		{"0.01", "USD", "0.01", ""},
		{"100", "", "100", ""},
		{".5", "", "0.5", ""},
		{"0", "", "0", "more than zero"},
		{"-5", "", "0", "not an amount"},
		{"100.01", "", "0", "maximum top-up of USD 100.00"},
		{"10.005", "", "0", "at most 2 decimals"},
		{"1e2", "", "0", "not an amount"},
		{"10.", "", "0", "not an amount"},
		{"1.2.3", "", "0", "not an amount"},
		{"", "", "0", "type an amount"},
		{"NaN", "", "0", "not an amount"},
		{"10", "EUR", "0", "tops up in USD, not EUR"},
		{"9999999999999999", "", "0", "over the maximum"},
	} {
		m, err := usdRules.ParseAmount(tc.in, tc.cur)
		switch {
		case tc.err == "" && (err != nil || m != topup.MustParse(tc.want, "USD") || m.Currency != "USD"):
			t.Errorf("%q: %+v %v", tc.in, m, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalidInput)):
			t.Errorf("%q: want %q, got %v", tc.in, tc.err, err)
		}
	}
	jpy := AmountRules{Currency: "JPY", Max: topup.MustParse("10000", "JPY")}
	if _, err := jpy.ParseAmount("10.5", ""); err == nil || !strings.Contains(err.Error(), "no decimals") {
		t.Errorf("JPY decimals: %v", err)
	}
	if m, err := jpy.ParseAmount("500", ""); err != nil || FormatMoney(m) != "JPY 500" {
		t.Errorf("JPY: %v %v", m, err)
	}
	if m, err := (AmountRules{Currency: "BHD", Max: topup.MustParse("50", "BHD")}).ParseAmount("1.125", ""); err != nil || FormatMoney(m) != "BHD 1.125" {
		t.Errorf("BHD: %v %v", m, err)
	}
}

func TestCheckMoney(t *testing.T) {
	// 10.1 + 0.2 in minor units is 10.30 exactly: no float noise to tolerate.
	sum, err := topup.MustParse("10.1", "USD").Add(topup.MustParse("0.2", "USD"))
	if m, cerr := usdRules.Check(sum); err != nil || cerr != nil || m != topup.MustParse("10.3", "USD") {
		t.Errorf("10.1 + 0.2: %v %v %v", m, err, cerr)
	}
	for _, m := range []Money{{Minor: 0, Currency: "USD"}, {Minor: -100, Currency: "USD"}, {Minor: 100, Currency: "usd"},
		{Currency: "USD", Invalid: "provider sent NaN"}, {Minor: 10001, Currency: "USD"}} {
		if _, err := usdRules.Check(m); err == nil {
			t.Errorf("%v accepted", m)
		}
	}
	if !topup.ValidCurrency("USD") || topup.ValidCurrency("usd") || topup.ValidCurrency("US") || topup.ValidCurrency("USDX") {
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
		if c, err := m.Cmp(usdRules.Max); m.Currency != "USD" || !m.Positive() || err != nil || c > 0 {
			t.Fatalf("%q → %+v", s, m)
		}
	})
}
