package model

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Usage is the provider-neutral class of a bucket.
type Usage string

// The usage classes of the contract.
const (
	UsageData  Usage = "data"
	UsageVoice Usage = "voice"
	UsageSMS   Usage = "sms"
	UsageMoney Usage = "money"
	UsageFlag  Usage = "flag"
	UsageOther Usage = "other"
)

// Canonical units.
const (
	UnitMB  = "MB"
	UnitSec = "s"
	UnitSMS = "sms"
)

// Quantity is an amount in a canonical unit. Amount is nil when the provider
// said "infinity" (then Unlimited is true) or gave no amount at all. Text keeps
// the provider's own display string.
type Quantity struct {
	Amount    *float64 `json:"amount"`
	Unit      string   `json:"unit"`
	Unlimited bool     `json:"unlimited"`
	Text      string   `json:"text"`
	// Invalid says why the provider's amount could not be used ("provider
	// sent NaN"); Amount is then nil. Front ends show it as invalid, never
	// as 0, empty or a made-up number.
	Invalid string `json:"invalid,omitempty"`
}

// MaxAmount bounds the amounts simdesk shows: past it (money in cents no
// longer fits an int64 a little above 9e16) a number is out of range, shown
// as invalid rather than wrapped into a negative figure.
const MaxAmount = 1e15

// CheckAmount says why v cannot be shown as an amount ("provider sent
// NaN", "provider sent Infinity", "provider sent an out-of-range amount
// (1e+17)"), or "" when it can. Formatting calls it before any arithmetic
// that could overflow.
func CheckAmount(v float64) string {
	switch {
	case math.IsNaN(v):
		return "provider sent NaN"
	case math.IsInf(v, 1):
		return "provider sent Infinity"
	case math.IsInf(v, -1):
		return "provider sent -Infinity"
	case math.Abs(v) > MaxAmount:
		return "provider sent an out-of-range amount (" + strconv.FormatFloat(v, 'g', 3, 64) + ")"
	}
	return ""
}

// invalidText is CheckAmount for a provider's literal that ParseFloat
// refused or turned into NaN/±Inf: 1e999 is out of range, not infinite.
func invalidText(s string, f float64, err error) string {
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return "provider sent an out-of-range amount (" + OneLine(s, 24) + ")"
		}
		return ""
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return CheckAmount(f)
	}
	return ""
}

// The "no limit" rule. Providers say "infinity", or send a number no line
// can use up instead. A quantity means no limit (NoLimit) when:
//   - the provider said "infinity" (Unlimited);
//   - or its amount is a whole number of six or more nines (999999,
//     999999999999) in its canonical unit or in the unit the provider most
//     likely used (minutes or hours for voice, bytes, KB or GB for data);
//   - or it reaches the unit's ceiling: voice at or above 10⁹ minutes
//     (NoLimitSeconds, 1 900 years), data at or above 10¹⁵ bytes (a
//     petabyte, NoLimitMB; 2 TB is a real bucket), an SMS count or an
//     amount in any other unit (or none) at or above 10⁹ (NoLimitCount).
//
// Money is never "no limit": a balance of 999 999.00 is money. A validity
// end on or after 9999-12-31 is the dates' sentinel (Time.Far).
const (
	NoLimitSeconds = 60 * 1e9
	NoLimitMB      = 1e15 / (1024 * 1024)
	NoLimitCount   = 1e9
)

// NoLimit reports whether q means "no limit" (the rule above).
func (q Quantity) NoLimit() bool {
	if q.Unlimited {
		return true
	}
	if q.Amount == nil || q.Invalid != "" || CurrencyCode(q.Unit) != "" {
		return false
	}
	v := *q.Amount
	cands := []float64{v}
	ceiling := float64(NoLimitCount)
	switch q.Unit {
	case UnitSec:
		cands = append(cands, v/60, v/3600)
		ceiling = NoLimitSeconds
	case UnitMB:
		cands = append(cands, v*1024, v/1024, v*1024*1024)
		ceiling = NoLimitMB
	}
	if v >= ceiling {
		return true
	}
	for _, c := range cands {
		if allNines(c) {
			return true
		}
	}
	return false
}

// quantityJSON is Quantity without its MarshalJSON.
type quantityJSON Quantity

// MarshalJSON writes "unlimited" as the no-limit rule reads the quantity
// (a sentinel amount too, which stays in "amount" as the provider sent
// it), so that a script never sees a sentinel as a number to add up.
func (q Quantity) MarshalJSON() ([]byte, error) {
	j := quantityJSON(q)
	j.Unlimited = q.NoLimit()
	return json.Marshal(j)
}

// allNines: a whole number written with six or more nines only.
func allNines(v float64) bool {
	r := math.Round(v)
	if math.Abs(v-r) > 1e-6*math.Max(1, math.Abs(v)) || r < 999999 || r > 1e18 {
		return false
	}
	s := strconv.FormatFloat(r, 'f', 0, 64)
	return strings.Trim(s, "9") == ""
}

// Known reports whether the quantity has a finite amount.
func (q Quantity) Known() bool { return q.Amount != nil }

// Value is the amount, or 0 when there is none.
func (q Quantity) Value() float64 {
	if q.Amount == nil {
		return 0
	}
	return *q.Amount
}

// Amount is a raw provider amount: a JSON number, a numeric string, or
// "infinity" in any case. Absent means no value.
type Amount struct {
	Value     float64
	Unlimited bool
	Present   bool
	// Invalid says why a value the provider did send is unusable (NaN,
	// ±Inf, out of float64 range); Present is then false.
	Invalid string
}

// UnmarshalJSON accepts numbers, numeric strings, "infinity" and null, and
// never fails on a string: an unreadable string is simply "not present".
func (a *Amount) UnmarshalJSON(b []byte) error {
	*a = Amount{}
	s := strings.TrimSpace(string(b))
	if s == "null" || s == "" {
		return nil
	}
	if s[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*a = ParseAmount(str)
		return nil
	}
	if s == "true" || s == "false" || s[0] == '{' || s[0] == '[' {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		// Out of float64 range (1e999), or a literal ParseFloat reads but
		// JSON has no such number ("inf", "NaN"): no usable value, and the
		// operator is told so. An infinite amount would also make the
		// lookup JSON unencodable.
		a.Invalid = invalidText(s, f, err)
		return nil
	}
	a.Value, a.Present = f, true
	return nil
}

// ParseAmount reads a textual amount such as "202.2", "infinity" or "".
func ParseAmount(s string) Amount {
	s = strings.TrimSpace(s)
	if s == "" {
		return Amount{}
	}
	if strings.EqualFold(s, "infinity") {
		return Amount{Unlimited: true, Present: true}
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return Amount{Invalid: invalidText(s, f, err)}
	}
	return Amount{Value: f, Present: true}
}

// unit conversion tables, keyed by the lower-cased provider unit.
var dataUnits = map[string]float64{
	"b": 1.0 / (1024 * 1024), "byte": 1.0 / (1024 * 1024), "bytes": 1.0 / (1024 * 1024),
	"kb": 1.0 / 1024, "kbs": 1.0 / 1024, "kbyte": 1.0 / 1024, "kbytes": 1.0 / 1024, "kilobyte": 1.0 / 1024, "kilobytes": 1.0 / 1024, "kib": 1.0 / 1024,
	"mb": 1, "mbs": 1, "mbyte": 1, "mbytes": 1, "megabyte": 1, "megabytes": 1, "mib": 1, "meg": 1, "megs": 1,
	"gb": 1024, "gbs": 1024, "gbyte": 1024, "gbytes": 1024, "gigabyte": 1024, "gigabytes": 1024, "gib": 1024, "gig": 1024, "gigs": 1024,
	"tb": 1024 * 1024, "tbs": 1024 * 1024, "tbyte": 1024 * 1024, "tbytes": 1024 * 1024, "terabyte": 1024 * 1024, "terabytes": 1024 * 1024, "tib": 1024 * 1024,
}

var timeUnits = map[string]float64{
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "mn": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
}

var smsUnits = map[string]bool{"sms": true, "smss": true, "message": true, "messages": true, "msg": true, "msgs": true, "text": true, "texts": true}

// currencyNames maps currency names providers use as units or usage types to
// ISO 4217 codes.
var currencyNames = map[string]string{
	"united states dollar": "USD", "us dollar": "USD", "us dollars": "USD", "dollar": "USD", "dollars": "USD",
	"jamaican dollar": "JMD", "bahamian dollar": "BSD", "euro": "EUR", "euros": "EUR",
	"trinidad and tobago dollar": "TTD", "barbados dollar": "BBD", "barbadian dollar": "BBD",
	"east caribbean dollar": "XCD", "cayman islands dollar": "KYD", "panamanian balboa": "PAB", "balboa": "PAB",
	"costa rican colon": "CRC", "chilean peso": "CLP", "pound sterling": "GBP", "british pound": "GBP",
}

// isoCurrencies lists the ISO 4217 codes we recognise as money units.
var isoCurrencies = map[string]bool{
	"USD": true, "EUR": true, "JMD": true, "BSD": true, "TTD": true, "BBD": true, "XCD": true, "KYD": true,
	"PAB": true, "CRC": true, "CLP": true, "GBP": true, "ANG": true, "AWG": true, "BZD": true, "BMD": true,
	"GYD": true, "HTG": true, "DOP": true, "SRD": true, "COP": true, "MXN": true, "CAD": true, "CHF": true,
	"HNL": true, "NIO": true, "GTQ": true, "PEN": true, "ARS": true, "BRL": true, "UYU": true, "PYG": true,
	"BOB": true, "VES": true, "XAF": true, "XOF": true, "MAD": true, "TND": true, "JPY": true, "CNY": true,
}

// CurrencyCode returns the ISO 4217 code for a unit or currency name, or "".
func CurrencyCode(s string) string {
	t := strings.TrimSpace(s)
	if len(t) == 3 && isoCurrencies[strings.ToUpper(t)] {
		return strings.ToUpper(t)
	}
	return currencyNames[strings.ToLower(t)]
}

func normUnit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	u = strings.TrimSuffix(u, ".")
	return u
}

// ClassifyUsage maps a provider's usage type (and, when that says nothing
// useful, its unit) to a usage class.
func ClassifyUsage(usageRaw, unit string) Usage {
	u := strings.ToLower(strings.TrimSpace(usageRaw))
	switch u {
	case "data", "volume", "internet", "mobile data", "mobile internet", "bytes", "gprs", "social media", "roaming data":
		return UsageData
	case "voice", "duration", "minutes", "airtime", "calls", "voice minutes", "time":
		return UsageVoice
	case "text", "sms", "texts", "messages", "message":
		return UsageSMS
	case "flag":
		return UsageFlag
	case "money", "monetary", "currency", "balance", "core", "cash", "credit":
		if unitUsage(unit) == UsageMoney || unit == "" || CurrencyCode(unit) != "" {
			return UsageMoney
		}
	}
	if CurrencyCode(usageRaw) != "" {
		return UsageMoney
	}
	if uu := unitUsage(unit); uu != "" {
		return uu
	}
	switch {
	case strings.Contains(u, "data") || strings.Contains(u, "internet"):
		return UsageData
	case strings.Contains(u, "voice") || strings.Contains(u, "minute"):
		return UsageVoice
	case strings.Contains(u, "sms") || strings.Contains(u, "text"):
		return UsageSMS
	case strings.Contains(u, "flag"):
		return UsageFlag
	}
	return UsageOther
}

func unitUsage(unit string) Usage {
	n := normUnit(unit)
	switch {
	case n == "":
		return ""
	case dataUnits[n] != 0:
		return UsageData
	case timeUnits[n] != 0 && n != "m":
		return UsageVoice
	case smsUnits[n]:
		return UsageSMS
	case CurrencyCode(unit) != "":
		return UsageMoney
	}
	return ""
}

// roundAmount trims binary noise such as 13516.799999999999 to 1e-6.
// Whole numbers are left alone: f*1e6 loses precision past 2^53, which turned
// sentinels such as 999999999999 into 999999999999.0001. Past 1e9 a fraction
// is trimmed to 15 significant digits instead, the most float64 resolves
// (16666666666.39 min × 60 → 999999999983.4 s, not …83.3999).
func roundAmount(f float64) float64 {
	a := math.Abs(f)
	switch {
	case f == math.Trunc(f) || a >= 1e15:
		return f
	case a < 1e9:
		return math.Round(f*1e6) / 1e6
	}
	if g, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64); err == nil {
		return g
	}
	return f
}

// Normalize converts a raw provider amount in unit for a bucket of the given
// usage into the canonical unit of the contract: data in MB (1024 steps),
// voice in s, SMS in sms, money in its ISO code; other units are kept.
// text is the provider's own display string.
func Normalize(a Amount, unit string, usage Usage, text string) Quantity {
	return normalizeIn(nil, a, unit, usage, text)
}

// Floats hands out the amounts of normalised quantities from shared chunks:
// a decoder that normalises tens of thousands of amounts makes one
// allocation per chunk instead of one per amount (a third of a large
// Matrixx report's allocations). The zero value is ready; a nil *Floats
// allocates each amount on its own. Not safe for concurrent use.
type Floats struct {
	buf []float64
	// units remembers the last few CanonicalUnit answers: a report uses a
	// handful of units, and each answer costs lower-casing (an allocation
	// for "MB") and up to four map lookups, for every amount.
	units [8]unitMemo
	next  int
}

// unitMemo is one remembered CanonicalUnit answer.
type unitMemo struct {
	unit   string
	usage  Usage
	cu     string
	factor float64
	set    bool
}

// canonical is CanonicalUnit, remembered.
func (f *Floats) canonical(unit string, usage Usage) (string, float64) {
	if f == nil {
		return CanonicalUnit(unit, usage)
	}
	for i := range f.units {
		if m := &f.units[i]; m.set && m.unit == unit && m.usage == usage {
			return m.cu, m.factor
		}
	}
	cu, factor := CanonicalUnit(unit, usage)
	f.units[f.next] = unitMemo{unit: unit, usage: usage, cu: cu, factor: factor, set: true}
	f.next = (f.next + 1) % len(f.units)
	return cu, factor
}

// floatsChunk is how many amounts one Floats allocation holds.
const floatsChunk = 512

// New returns a pointer to a fresh amount holding v.
func (f *Floats) New(v float64) *float64 {
	if f == nil {
		p := new(float64) // not &v: that would move v to the heap on every call
		*p = v
		return p
	}
	if len(f.buf) == 0 {
		f.buf = make([]float64, floatsChunk)
	}
	p := &f.buf[0]
	f.buf = f.buf[1:]
	*p = v
	return p
}

// normalizeIn is Normalize with the amount taken from f.
func normalizeIn(f *Floats, a Amount, unit string, usage Usage, text string) Quantity {
	q := Quantity{Text: text}
	cu, factor := f.canonical(unit, usage)
	q.Unit = cu
	if a.Unlimited {
		q.Unlimited = true
		return q
	}
	if !a.Present {
		q.Invalid = a.Invalid
		return q
	}
	v := roundAmount(a.Value * factor)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		// 1e308 GB overflows: no amount rather than one JSON cannot
		// encode, and the operator is told why.
		q.Invalid = "provider sent an out-of-range amount (" + strconv.FormatFloat(a.Value, 'g', 3, 64) + " " + OneLine(unit, 16) + ")"
		return q
	}
	q.Amount = f.New(v)
	return q
}

// CanonicalUnit returns the canonical unit for a provider unit within a usage
// class, and the factor that converts amounts into it.
func CanonicalUnit(unit string, usage Usage) (string, float64) {
	n := normUnit(unit)
	if f, ok := dataUnits[n]; ok && (usage == UsageData || usage == UsageOther || usage == "") {
		return UnitMB, f
	}
	if f, ok := timeUnits[n]; ok && (usage == UsageVoice || (usage != UsageData && n != "m")) {
		return UnitSec, f
	}
	if smsUnits[n] {
		return UnitSMS, 1
	}
	if c := CurrencyCode(unit); c != "" {
		return c, 1
	}
	switch usage {
	case UsageSMS:
		if n == "" || n == "none" || n == "units" || n == "unit" || n == "count" {
			return UnitSMS, 1
		}
	case UsageData:
		if f, ok := dataUnits[n]; ok {
			return UnitMB, f
		}
	case UsageVoice:
		if f, ok := timeUnits[n]; ok {
			return UnitSec, f
		}
	}
	return strings.TrimSpace(unit), 1
}

// NormalizeInUsage is Normalize with the unit of money buckets defaulting to a
// currency derived from the usage type ("United States dollar" → USD).
func NormalizeInUsage(a Amount, unit, usageRaw string, usage Usage, text string) Quantity {
	return NormalizeInUsageFrom(nil, a, unit, usageRaw, usage, text)
}

// NormalizeInUsageFrom is NormalizeInUsage with the amount carved from f
// (see Floats); the result is the same.
func NormalizeInUsageFrom(f *Floats, a Amount, unit, usageRaw string, usage Usage, text string) Quantity {
	if usage == UsageMoney && strings.TrimSpace(unit) == "" || usage == UsageMoney && CurrencyCode(unit) == "" && CurrencyCode(usageRaw) != "" && normUnit(unit) == "none" {
		if c := CurrencyCode(usageRaw); c != "" {
			unit = c
		}
	}
	return normalizeIn(f, a, unit, usage, text)
}

// InvalidNumber says why a provider's numeric text is unusable ("NaN",
// "Infinity", "1e999" out of float64 range), or "" when it is a usable
// number or no number at all. Decoders call it when their own parsing
// refused a value, so that the operator sees "provider sent NaN" instead of
// a missing or zero amount.
func InvalidNumber(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	f, err := strconv.ParseFloat(s, 64)
	return invalidText(s, f, err)
}
