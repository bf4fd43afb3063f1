package model

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func amt(v float64) Amount { return Amount{Value: v, Present: true} }

func TestNormalizeUnits(t *testing.T) {
	cases := []struct {
		unit     string
		usage    Usage
		in       float64
		wantUnit string
		want     float64
	}{
		// Data in MB, 1024 steps (seed spellings: Gb, GB, MBS, megabytes, KB).
		{"Gb", UsageData, 1, "MB", 1024},
		{"GB", UsageData, 2.5, "MB", 2560},
		{"gb", UsageData, 12, "MB", 12288},
		{" GB ", UsageData, 1, "MB", 1024},
		{"MBS", UsageData, 100, "MB", 100},
		{"MB", UsageData, 7.25, "MB", 7.25},
		{"MB.", UsageData, 3, "MB", 3},
		{"megabytes", UsageData, 512, "MB", 512},
		{"Megabytes", UsageData, 1, "MB", 1},
		{"KB", UsageData, 2048, "MB", 2},
		{"KB", UsageData, 1, "MB", 0.000977}, // rounded to 1e-6
		{"kilobytes", UsageData, 512, "MB", 0.5},
		{"bytes", UsageData, 1048576, "MB", 1},
		{"B", UsageData, 524288, "MB", 0.5},
		{"TB", UsageData, 1, "MB", 1048576},
		{"GiB", UsageData, 1, "MB", 1024},
		{"GB", UsageOther, 1, "MB", 1024}, // a data unit names data even in an unclassified bucket
		{"GB", "", 2, "MB", 2048},
		// Voice in seconds (MINS, mins, minutes, seconds).
		{"MINS", UsageVoice, 10, "s", 600},
		{"mins", UsageVoice, 1.5, "s", 90},
		{"minutes", UsageVoice, 999999, "s", 59999940},
		{"Minutes", UsageVoice, 1, "s", 60},
		{"seconds", UsageVoice, 45, "s", 45},
		{"s", UsageVoice, 45, "s", 45},
		{"hours", UsageVoice, 2, "s", 7200},
		{"m", UsageVoice, 3, "s", 180},
		{"MINS", UsageData, 100, "MINS", 100}, // a data bucket in MINS (cvp Liberate seed): kept as given
		{"m", UsageData, 3, "m", 3},
		// SMS.
		{"SMS", UsageSMS, 100, "sms", 100},
		{"sms", UsageSMS, 1, "sms", 1},
		{"messages", UsageSMS, 4, "sms", 4},
		{"", UsageSMS, 5, "sms", 5},
		{"none", UsageSMS, 250, "sms", 250},
		{"SMS", UsageOther, 3, "sms", 3},
		// Money: ISO 4217 codes and names.
		{"USD", UsageMoney, 12.34, "USD", 12.34},
		{"usd", UsageMoney, 1, "USD", 1},
		{"JMD", UsageMoney, 1500, "JMD", 1500},
		{"BSD", UsageMoney, 0.5, "BSD", 0.5},
		{"EUR", UsageMoney, 27.5, "EUR", 27.5},
		{"United States dollar", UsageMoney, 5, "USD", 5},
		{"united states dollar", UsageOther, 5, "USD", 5},
		// Anything else keeps the provider's unit as given.
		{"", UsageFlag, 1, "", 1},
		{"", UsageData, 1, "", 1},
		{"none", UsageOther, 0, "none", 0}, // MMS ("Picture") buckets of the dxp seed
		{"", UsageOther, 2, "", 2},         // MMS bucket without a unit (cvp PR seed)
		{"widgets", UsageOther, 9, "widgets", 9},
		{"Calls", UsageOther, 3, "Calls", 3},
	}
	for _, tc := range cases {
		q := Normalize(amt(tc.in), tc.unit, tc.usage, "raw")
		if q.Unit != tc.wantUnit || q.Amount == nil || *q.Amount != tc.want || q.Unlimited || q.Text != "raw" {
			got := "nil"
			if q.Amount != nil {
				got = jsonString(t, *q.Amount)
			}
			t.Errorf("Normalize(%v, %q, %q) = %s %q (unlimited %v), want %v %q", tc.in, tc.unit, tc.usage, got, q.Unit, q.Unlimited, tc.want, tc.wantUnit)
		}
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNormalizeInUsage(t *testing.T) {
	cases := []struct {
		unit, usageRaw string
		usage          Usage
		wantUnit       string
	}{
		{"none", "United States dollar", UsageMoney, "USD"}, // dxp "Prepaid Balance"
		{"", "United States dollar", UsageMoney, "USD"},
		{"USD", "United States dollar", UsageMoney, "USD"},
		{"JMD", "Core", UsageMoney, "JMD"},
		{"BSD", "monetary", UsageMoney, "BSD"},
		{"", "monetary", UsageMoney, ""}, // no currency anywhere: nothing invented
		{"none", "Text", UsageSMS, "sms"},
		{"none", "Picture", UsageOther, "none"},
		{"megabytes", "Data", UsageData, "MB"},
	}
	for _, tc := range cases {
		q := NormalizeInUsage(amt(1), tc.unit, tc.usageRaw, tc.usage, "")
		if q.Unit != tc.wantUnit {
			t.Errorf("NormalizeInUsage(%q, %q, %q) unit %q, want %q", tc.unit, tc.usageRaw, tc.usage, q.Unit, tc.wantUnit)
		}
	}
}

// TestClassifySeedUsages covers every usageType/unit pair of the seeds.
func TestClassifySeedUsages(t *testing.T) {
	cases := []struct {
		usageRaw, unit string
		want           Usage
	}{
		{"United States dollar", "USD", UsageMoney},
		{"United States dollar", "none", UsageMoney},
		{"Flag", "", UsageFlag},
		{"Voice", "minutes", UsageVoice},
		{"Text", "", UsageSMS},
		{"Text", "none", UsageSMS},
		{"Data", "megabytes", UsageData},
		{"Picture", "", UsageOther},
		{"Picture", "none", UsageOther},
		{"Internet", "GB", UsageData},
		{"Internet", "KB", UsageData},
		{"Social Media", "GB", UsageData},
		{"Sms", "SMS", UsageSMS},
		{"Voice", "mins", UsageVoice},
		{"Core", "JMD", UsageMoney},
		{"monetary", "BSD", UsageMoney},
		{"Duration", "MINS", UsageVoice},
		{"Volume", "MBS", UsageData},
		{"Volume", "MINS", UsageData}, // the usage type wins over a wrong unit
		{"Number of Calls", "", UsageOther},
		{"", "GB", UsageData},
		{"", "USD", UsageMoney},
		{"", "", UsageOther},
		{"Roaming Data Pass", "", UsageData},
	}
	for _, tc := range cases {
		if got := ClassifyUsage(tc.usageRaw, tc.unit); got != tc.want {
			t.Errorf("ClassifyUsage(%q, %q) = %q, want %q", tc.usageRaw, tc.unit, got, tc.want)
		}
	}
}

func TestCurrencyCode(t *testing.T) {
	for in, want := range map[string]string{
		"USD": "USD", "usd": "USD", " JMD ": "JMD", "BSD": "BSD", "EUR": "EUR", "United States dollar": "USD",
		"UNITED STATES DOLLAR": "USD", "Jamaican Dollar": "JMD", "Bahamian dollar": "BSD", "euro": "EUR",
		"": "", "XYZ": "", "MB": "", "dollars and cents": "",
	} {
		if got := CurrencyCode(in); got != want {
			t.Errorf("CurrencyCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		want Amount
	}{
		{"202.2", Amount{Value: 202.2, Present: true}},
		{" 42 ", Amount{Value: 42, Present: true}},
		{"0", Amount{Value: 0, Present: true}},
		{"-5.5", Amount{Value: -5.5, Present: true}},
		{"1e3", Amount{Value: 1000, Present: true}},
		{"1,024", Amount{Value: 1024, Present: true}},
		{"999999", Amount{Value: 999999, Present: true}}, // a sentinel is not "unlimited"
		{"99999", Amount{Value: 99999, Present: true}},
		{"infinity", Amount{Unlimited: true, Present: true}},
		{"Infinity", Amount{Unlimited: true, Present: true}},
		{"INFINITY", Amount{Unlimited: true, Present: true}},
		{"iNfInItY", Amount{Unlimited: true, Present: true}},
		{" infinity ", Amount{Unlimited: true, Present: true}},
		{"", Amount{}},
		{"  ", Amount{}},
		{"abc", Amount{}},
		{"NaN", Amount{Invalid: "provider sent NaN"}},
		{"Inf", Amount{Invalid: "provider sent Infinity"}},
		{"+Inf", Amount{Invalid: "provider sent Infinity"}},
		{"-infinity", Amount{Invalid: "provider sent -Infinity"}},
		{"1e999", Amount{Invalid: "provider sent an out-of-range amount (1e999)"}},
		{"unlimited", Amount{}},
		{"12 MB", Amount{}},
	}
	for _, tc := range cases {
		if got := ParseAmount(tc.in); got != tc.want {
			t.Errorf("ParseAmount(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestAmountUnmarshalJSON(t *testing.T) {
	cases := []struct {
		in   string
		want Amount
	}{
		{`12`, Amount{Value: 12, Present: true}},
		{`-0.5`, Amount{Value: -0.5, Present: true}},
		{`1e2`, Amount{Value: 100, Present: true}},
		{`"12"`, Amount{Value: 12, Present: true}},
		{`"202.2"`, Amount{Value: 202.2, Present: true}},
		{`"infinity"`, Amount{Unlimited: true, Present: true}},
		{`"Infinity"`, Amount{Unlimited: true, Present: true}},
		{`"INFINITY"`, Amount{Unlimited: true, Present: true}},
		{`999999999`, Amount{Value: 999999999, Present: true}},
		{`null`, Amount{}},
		{`""`, Amount{}},
		{`"n/a"`, Amount{}},
		{`true`, Amount{}},
		{`false`, Amount{}},
		{`{}`, Amount{}},
		{`[1]`, Amount{}},
	}
	for _, tc := range cases {
		var got struct{ A Amount }
		if err := json.Unmarshal([]byte(`{"A":`+tc.in+`}`), &got); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got.A != tc.want {
			t.Errorf("%s → %+v, want %+v", tc.in, got.A, tc.want)
		}
	}
	// Absent field: not present.
	var got struct{ A Amount }
	if err := json.Unmarshal([]byte(`{}`), &got); err != nil || got.A != (Amount{}) {
		t.Errorf("absent: %+v %v", got.A, err)
	}
	// A number too large for float64, or a literal that strconv reads but
	// JSON has no such number, is no value: never an infinite one (which
	// would make the lookup JSON unencodable). Found by FuzzAmount.
	for _, in := range []string{"1e999", "-1e999", "inf ", "Inf", "+Inf", "-inf", "NaN", "nan", "infinity"} {
		var a Amount
		// ...and the operator is told why (provider sent NaN / out of range).
		if err := a.UnmarshalJSON([]byte(in)); err != nil || a.Present || a.Unlimited || a.Value != 0 || !strings.HasPrefix(a.Invalid, "provider sent ") {
			t.Errorf("UnmarshalJSON(%s) = %+v, %v; want no value, said invalid", in, a, err)
		}
	}
}

// TestQuantityJSON checks the contract's shape: amount is null when
// unlimited (or absent), and every key is always there.
func TestQuantityJSON(t *testing.T) {
	cases := []struct {
		q    Quantity
		want string
	}{
		{Normalize(ParseAmount("999999"), "minutes", UsageVoice, "999999 minutes"),
			`{"amount":59999940,"unit":"s","unlimited":true,"text":"999999 minutes"}`},
		{Normalize(ParseAmount("INFINITY"), "MBS", UsageData, "Unlimited"),
			`{"amount":null,"unit":"MB","unlimited":true,"text":"Unlimited"}`},
		{Normalize(Amount{}, "GB", UsageData, ""),
			`{"amount":null,"unit":"MB","unlimited":false,"text":""}`},
		{Normalize(amt(0), "SMS", UsageSMS, ""),
			`{"amount":0,"unit":"sms","unlimited":false,"text":""}`},
		{Normalize(amt(13.2), "GB", UsageData, ""),
			`{"amount":13516.8,"unit":"MB","unlimited":false,"text":""}`},
		{Quantity{}, `{"amount":null,"unit":"","unlimited":false,"text":""}`},
	}
	for _, tc := range cases {
		if got := jsonString(t, tc.q); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	u := Normalize(ParseAmount("infinity"), "GB", UsageData, "")
	if u.Known() || u.Value() != 0 || !u.Unlimited {
		t.Errorf("unlimited quantity: %+v", u)
	}
	k := Normalize(amt(2), "GB", UsageData, "")
	if !k.Known() || k.Value() != 2048 {
		t.Errorf("known quantity: %+v", k)
	}
}

func TestRoundAmount(t *testing.T) {
	for in, want := range map[float64]float64{
		13516.799999999999: 13516.8, 0.1 + 0.2: 0.3, 1e13 + 0.5: 1e13 + 0.5, -2.0000001: -2,
	} {
		if got := roundAmount(in); got != want || math.IsNaN(got) {
			t.Errorf("roundAmount(%v) = %v, want %v", in, got, want)
		}
	}
}
