package topup

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseIsExact(t *testing.T) {
	for _, tc := range []struct {
		text, cur string
		minor     int64
		err       error
	}{
		{"10", "USD", 1000, nil},
		{"12.5", "USD", 1250, nil},
		{"12.50", "USD", 1250, nil},
		{".5", "USD", 50, nil},
		{"0.01", "EUR", 1, nil},
		{"500", "JPY", 500, nil},
		{"1.125", "BHD", 1125, nil},
		{"0.001", "KWD", 1, nil},
		{"92233720368547758.07", "USD", 1<<63 - 1, nil}, // the largest amount there is
		{"10.005", "USD", 0, ErrPrecision},
		{"10.000", "USD", 0, ErrPrecision}, // a person's text: one decimal too many
		{"10.5", "JPY", 0, ErrPrecision},
		{"1.1250", "BHD", 0, ErrPrecision},
		{"92233720368547758.08", "USD", 0, ErrRange},
		{"99999999999999999999", "USD", 0, ErrRange},
		{strings.Repeat("9", 100), "USD", 0, ErrRange},
		{"-5", "USD", 0, ErrSyntax}, // a person's amount has no sign
		{"+5", "USD", 0, ErrSyntax},
		{"1e2", "USD", 0, ErrSyntax},
		{"5.", "USD", 0, ErrSyntax},
		{"1.2.3", "USD", 0, ErrSyntax},
		{"", "USD", 0, ErrSyntax},
		{".", "USD", 0, ErrSyntax},
		{"NaN", "USD", 0, ErrSyntax},
		{"1 000", "USD", 0, ErrSyntax},
		{"١٢", "USD", 0, ErrSyntax}, // Arabic-Indic digits are not ASCII digits
	} {
		m, err := Parse(tc.text, tc.cur)
		if !errors.Is(err, tc.err) || err == nil && (m.Minor != tc.minor || m.Currency != tc.cur) {
			t.Errorf("Parse(%q, %s) = %+v, %v; want %d, %v", tc.text, tc.cur, m, err, tc.minor, tc.err)
		}
	}
}

func TestFromNumberReadsJSONNumbersExactly(t *testing.T) {
	for _, tc := range []struct {
		num, cur string
		minor    int64
		err      error
	}{
		{"10", "USD", 1000, nil},
		{"10.000", "USD", 1000, nil}, // trailing zeros are the same amount
		{"1e2", "USD", 10000, nil},
		{"1.5E+1", "USD", 1500, nil},
		{"1e-2", "USD", 1, nil},
		{"-2.5", "USD", -250, nil},
		{"0.30000000000000004", "USD", 0, ErrPrecision}, // a float's noise is not a price
		{"1e-3", "USD", 0, ErrPrecision},
		{"1e400", "USD", 0, ErrRange},
		{"1e17", "USD", 0, ErrRange},
		{".5", "USD", 0, ErrSyntax},
		{"1e", "USD", 0, ErrSyntax},
		{"--1", "USD", 0, ErrSyntax},
		{"0e99", "USD", 0, nil}, // zero whatever its exponent: no digit to scale
		{"0.000e-50", "USD", 0, nil},
		{"-0", "USD", 0, nil},
		{"1e999999999", "USD", 0, ErrRange}, // refused from the exponent's length, nothing allocated
		{"٥", "USD", 0, ErrSyntax},          // ARABIC-INDIC DIGIT FIVE is not a digit of an amount
	} {
		m, err := FromNumber(tc.num, tc.cur)
		if !errors.Is(err, tc.err) || err == nil && m.Minor != tc.minor {
			t.Errorf("FromNumber(%q, %s) = %+v, %v; want %d, %v", tc.num, tc.cur, m, err, tc.minor, tc.err)
		}
	}
}

// TestAmountsFloatsGetWrong: what float64 arithmetic gets wrong comes out
// exact, in text and in the contract's JSON.
func TestAmountsFloatsGetWrong(t *testing.T) {
	sum, err := MustParse("0.1", "USD").Add(MustParse("0.2", "USD"))
	if err != nil || sum != MustParse("0.3", "USD") || sum.String() != "USD 0.30" || sum.Number() != "0.3" {
		t.Errorf("0.1 + 0.2 = %v (%s), %v", sum, sum.Number(), err) // float64: 0.30000000000000004
	}
	three, err := MustParse("19.99", "USD").Times(3)
	if err != nil || three.String() != "USD 59.97" {
		t.Errorf("19.99 × 3 = %v, %v", three, err) // float64: 59.970000000000006
	}
	for _, tc := range []struct {
		m    Money
		text string
		js   string
	}{
		{Money{Minor: 123456789012345, Currency: "USD"}, "USD 1234567890123.45", `{"amount":1234567890123.45,"currency":"USD"}`},
		{Money{Minor: 12345678901234567, Currency: "USD"}, "USD 123456789012345.67", `{"amount":123456789012345.67,"currency":"USD"}`},
		{Money{Minor: 1 << 53, Currency: "USD"}, "USD 90071992547409.92", `{"amount":90071992547409.92,"currency":"USD"}`},
		{Money{Minor: 1<<53 + 1, Currency: "USD"}, "USD 90071992547409.93", `{"amount":90071992547409.93,"currency":"USD"}`},
		{MustParse("500", "JPY"), "JPY 500", `{"amount":500,"currency":"JPY"}`},
		{MustParse("1.125", "BHD"), "BHD 1.125", `{"amount":1.125,"currency":"BHD"}`},
		{MustParse("1.1", "BHD"), "BHD 1.100", `{"amount":1.1,"currency":"BHD"}`},
		{MustParse("10", "USD"), "USD 10.00", `{"amount":10,"currency":"USD"}`},
		{MustParse("12.5", "USD"), "USD 12.50", `{"amount":12.5,"currency":"USD"}`},
		{Money{Minor: -5, Currency: "USD"}, "USD -0.05", `{"amount":-0.05,"currency":"USD"}`},
		{Money{Currency: "USD", Invalid: "provider sent NaN"}, "USD 0.00", `{"amount":0,"currency":"USD","invalid":"provider sent NaN"}`},
	} {
		b, err := json.Marshal(tc.m)
		if err != nil || string(b) != tc.js || tc.m.String() != tc.text {
			t.Errorf("%+v: %s %q, %v; want %s %q", tc.m, b, tc.m.String(), err, tc.js, tc.text)
			continue
		}
		var back Money
		if err := json.Unmarshal(b, &back); err != nil || back != tc.m {
			t.Errorf("%s read back as %+v, %v", b, back, err)
		}
	}
}

func TestUnmarshalKeepsUnusableAmountsInvalid(t *testing.T) {
	var m Money
	if err := json.Unmarshal([]byte(`{"amount": 0.30000000000000004, "currency": "USD"}`), &m); err != nil || m.Minor != 0 || !strings.Contains(m.Invalid, "more decimals") {
		t.Errorf("%+v %v", m, err)
	}
	for _, bad := range []string{`{"amount": "ten", "currency": "USD"}`, `{"amount": true}`, `[]`, `{"amount": 1e, "currency": "USD"}`} {
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("%s accepted as %+v", bad, m)
		}
	}
}

func TestCompareAndArithmeticRefuseWhatTheyCannotDo(t *testing.T) {
	if c, err := MustParse("10", "USD").Cmp(MustParse("9.99", "USD")); err != nil || c != 1 {
		t.Errorf("10 vs 9.99: %d %v", c, err)
	}
	if _, err := MustParse("10", "USD").Cmp(MustParse("10", "EUR")); !errors.Is(err, ErrCurrency) {
		t.Errorf("USD vs EUR: %v", err)
	}
	if _, err := MustParse("10", "USD").Add(MustParse("10", "EUR")); !errors.Is(err, ErrCurrency) {
		t.Errorf("USD + EUR: %v", err)
	}
	big := Money{Minor: 1<<63 - 1, Currency: "USD"}
	if _, err := big.Add(Money{Minor: 1, Currency: "USD"}); !errors.Is(err, ErrRange) {
		t.Errorf("overflowing sum: %v", err)
	}
	if _, err := big.Times(2); !errors.Is(err, ErrRange) {
		t.Errorf("overflowing product: %v", err)
	}
	if MinorDigits("jpy") != 0 || MinorDigits("BHD") != 3 || MinorDigits("XYZ") != 2 {
		t.Error("MinorDigits")
	}
	if !ValidCurrency("USD") || ValidCurrency("usd") || ValidCurrency("US") || ValidCurrency("USDX") {
		t.Error("ValidCurrency")
	}
}

// FuzzParse: any text and currency give an exact amount or a typed error,
// never a panic; what parses formats back to itself, and its JSON reads
// back to the same amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"10", "12.50", ".5", "0", "0.001", "1e9", "100.001", "5.", "", "NaN", "-1",
		"99999999999999999999", "92233720368547758.07", "92233720368547758.08", "1.1.1", "0x10", "１０"} {
		for _, cur := range []string{"USD", "JPY", "BHD"} {
			f.Add(s, cur)
		}
	}
	f.Add("0", "\x96") // not a currency: once formatted as U+FFFD
	f.Add("1e-2", "USD")
	f.Add("-1.5E+1", "BHD")
	f.Fuzz(func(t *testing.T, s, cur string) {
		if n, err := FromNumber(s, cur); err == nil {
			if again, err := FromNumber(n.Number(), cur); err != nil || again != n {
				t.Fatalf("number %q → %s → %+v, %v", s, n.Number(), again, err)
			}
		}
		m, err := Parse(s, cur)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrPrecision) && !errors.Is(err, ErrRange) && !errors.Is(err, ErrCurrency) {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		if m.Minor < 0 || m.Currency != cur || !ValidCurrency(cur) {
			t.Fatalf("%q → %+v", s, m)
		}
		if again, err := Parse(m.Decimal(), cur); err != nil || again != m {
			t.Fatalf("%q → %s → %+v, %v", s, m.Decimal(), again, err)
		}
		if again, err := FromNumber(m.Number(), cur); err != nil || again != m {
			t.Fatalf("%q → %s → %+v, %v", s, m.Number(), again, err)
		}
		b, err := json.Marshal(m)
		var back Money
		if err != nil || json.Unmarshal(b, &back) != nil || back != m {
			t.Fatalf("%q → %s → %+v, %v", s, b, back, err)
		}
	})
}
