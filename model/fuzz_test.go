package model

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// FuzzParseIdentifier: any input is accepted or refused with a one-line
// ErrInvalidInput, never a panic; an accepted identifier re-parses to itself
// from its String() with its type forced.
func FuzzParseIdentifier(f *testing.F) {
	for _, s := range []string{"9077613", "+33612345678", "S-1001", "8201", "89014103211118510720", "sim:1956392841179",
		"123E4567-E89B-12D3-A456-426614174000", "4933562@150015680000", "trx:123", "a@b@", "msisdn: +9077613 @ x"} {
		f.Add(s, uint8(0), "")
	}
	f.Add("9077613", uint8(3), "150015680000")
	f.Add("+1 (876) 791-1940", uint8(0), "")
	f.Add("0033 6.12.34.56.78", uint8(1), "")
	f.Add("sub:x", uint8(1), "")
	for _, s := range malformed()[:40] {
		f.Add(s, uint8(2), "")
	}
	types := []IDType{"", MSISDN, SIM, Subscription, Transaction}
	f.Fuzz(func(t *testing.T, raw string, typ uint8, account string) {
		forced := types[int(typ)%len(types)]
		id, err := ParseIdentifier(raw, forced, account)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("message not one line: %q", msg)
			}
			return
		}
		if forced != "" && id.Type != forced {
			t.Fatalf("forced %q, got %q", forced, id.Type)
		}
		if id.Value == "" || len(id.String()) > maxInput {
			t.Fatalf("accepted %+v", id)
		}
		// A parsed MSISDN is already in the one form lines compare in.
		if id.Type == MSISDN && NormalLine(MSISDN, id.Value) != id.Value {
			t.Fatalf("%q parsed to %q, whose normal form is %q", raw, id.Value, NormalLine(MSISDN, id.Value))
		}
		if n := NormalLine(id.Type, raw); NormalLine(id.Type, n) != n {
			t.Fatalf("NormalLine not idempotent on %q: %q then %q", raw, n, NormalLine(id.Type, n))
		}
		again, err := ParseIdentifier(id.String(), id.Type, "")
		if err != nil || again != id {
			t.Fatalf("%q → %+v → %q → %+v, %v", raw, id, id.String(), again, err)
		}
	})
}

// FuzzAmount: Amount.UnmarshalJSON never panics, and what it accepts is
// consistent: unlimited implies present, a present finite amount is a real
// number.
func FuzzAmount(f *testing.F) {
	for _, s := range []string{`12`, `"12"`, `"infinity"`, `"INFINITY"`, `null`, `""`, `1e999`, `-1e999`, `"1e999"`,
		`true`, `{}`, `[1]`, `"NaN"`, `"1,5"`, `"abc`, `0x10`, `"  7 "`, `-0`, `1e-400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a Amount
		if err := a.UnmarshalJSON(b); err != nil {
			return
		}
		if a.Unlimited && !a.Present {
			t.Fatalf("unlimited but not present: %+v", a)
		}
		if a.Present && !a.Unlimited && (math.IsNaN(a.Value) || math.IsInf(a.Value, 0)) {
			t.Fatalf("present amount not finite: %+v", a)
		}
		if a.Unlimited && a.Value != 0 {
			t.Fatalf("unlimited with a value: %+v", a)
		}
		q := Normalize(a, "GB", UsageData, "")
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("normalised quantity does not encode: %+v: %v", q, err)
		}
		// Through encoding/json (valid JSON only) the result is the same.
		if json.Valid(b) {
			var v struct{ A Amount }
			if err := json.Unmarshal([]byte(`{"A":`+string(b)+`}`), &v); err == nil && v.A != a && !(math.IsNaN(v.A.Value) && math.IsNaN(a.Value)) {
				t.Fatalf("json.Unmarshal %+v, UnmarshalJSON %+v", v.A, a)
			}
		}
	})
}

// FuzzParseTime: any string is a time or the zero Time, never a panic; a
// time re-reads to the same instant from its String() and its JSON.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2023-01-17T00:29:41.693Z", "2023-01-17T00:29:41", "2023-01-17", "9999-12-31",
		"2023-01-17T05:29:41+0500", "2023-01-17 00:29:41.25", "", "null", "0000-01-01", "2023-01-17T00:29:41,5Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm := ParseTime(s)
		if tm.IsZero() {
			if tm.String() != "" {
				t.Fatalf("zero time prints %q", tm.String())
			}
			return
		}
		again := ParseTime(tm.String())
		if !again.Equal(tm.Time) {
			t.Fatalf("%q → %v → %q → %v", s, tm.Time, tm.String(), again.Time)
		}
		b, err := json.Marshal(tm)
		if err != nil {
			t.Fatal(err)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tm.Time) {
			t.Fatalf("JSON %s → %v, %v", b, back.Time, err)
		}
	})
}
