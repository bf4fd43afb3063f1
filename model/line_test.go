package model

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTimeJSON(t *testing.T) {
	cases := []struct {
		t    Time
		want string
	}{
		{Time{}, `""`},
		{Time{time.Date(2023, 1, 7, 7, 47, 32, 0, time.UTC)}, `"2023-01-07T07:47:32Z"`},
		{Time{time.Date(2023, 1, 17, 0, 29, 41, 693_000_000, time.UTC)}, `"2023-01-17T00:29:41.693Z"`},
		{Time{time.Date(2023, 1, 17, 0, 29, 41, 500, time.UTC)}, `"2023-01-17T00:29:41.0000005Z"`},
		{Time{time.Date(2023, 1, 17, 0, 29, 41, 0, time.FixedZone("", -5*3600))}, `"2023-01-17T00:29:41-05:00"`},
		{Time{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}, `"9999-12-31T00:00:00Z"`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.t)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.t.Time, b, err, tc.want)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tc.t.Time) {
			t.Errorf("round trip %s → %v, %v", b, back.Time, err)
		}
		if s := tc.t.String(); `"`+s+`"` != tc.want {
			t.Errorf("String() = %q, want %s", s, tc.want)
		}
	}
	// Inside a struct, a zero Time is "" too (never "0001-01-01…").
	b, _ := json.Marshal(Cycle{})
	if string(b) != `{"start":"","end":""}` {
		t.Errorf("zero cycle: %s", b)
	}
}

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	cases := []struct {
		in   string
		want time.Time // zero: not a time
		off  int       // expected zone offset in seconds
	}{
		{"2023-01-17T00:29:41.693Z", utc(2023, 1, 17, 0, 29, 41, 693_000_000), 0},
		{"2023-01-17T00:29:41Z", utc(2023, 1, 17, 0, 29, 41, 0), 0},
		{"2023-01-17T00:29:41", utc(2023, 1, 17, 0, 29, 41, 0), 0}, // zoneless: UTC
		{"2023-01-17T00:29:41.5", utc(2023, 1, 17, 0, 29, 41, 500_000_000), 0},
		{"2023-01-17 00:29:41", utc(2023, 1, 17, 0, 29, 41, 0), 0},
		{"2023-01-17 00:29:41.25", utc(2023, 1, 17, 0, 29, 41, 250_000_000), 0},
		{"2023-01-17T00:29", utc(2023, 1, 17, 0, 29, 0, 0), 0},
		{"2023-01-17", utc(2023, 1, 17, 0, 0, 0, 0), 0},
		{" 2023-01-17 ", utc(2023, 1, 17, 0, 0, 0, 0), 0},
		{"9999-12-31", utc(9999, 12, 31, 0, 0, 0, 0), 0},
		{"2023-01-17T05:29:41+05:00", utc(2023, 1, 17, 0, 29, 41, 0), 5 * 3600},
		{"2023-01-17T05:29:41+0500", utc(2023, 1, 17, 0, 29, 41, 0), 5 * 3600},
		{"2023-01-16T19:29:41.1-05:00", utc(2023, 1, 17, 0, 29, 41, 100_000_000), -5 * 3600},
		{"2023-01-17 05:29:41+05:00", utc(2023, 1, 17, 0, 29, 41, 0), 5 * 3600},
		{"2023-01-17T05:29+05:00", utc(2023, 1, 17, 0, 29, 0, 0), 5 * 3600},
		{"", time.Time{}, 0},
		{"   ", time.Time{}, 0},
		{"null", time.Time{}, 0},
		{"yesterday", time.Time{}, 0},
		{"2023-13-01", time.Time{}, 0},
		{"2023-02-30", time.Time{}, 0},
		{"17/01/2023", time.Time{}, 0},
		{"1673915381", time.Time{}, 0},
		{"2023-01-17T25:00:00Z", time.Time{}, 0},
		{"2023-01-17T00:29:41Z" + strings.Repeat(" ", 60) + "x", time.Time{}, 0},
	}
	for _, tc := range cases {
		got := ParseTime(tc.in)
		if !got.Equal(tc.want) || got.IsZero() != tc.want.IsZero() {
			t.Errorf("ParseTime(%q) = %v, want %v", tc.in, got.Time, tc.want)
			continue
		}
		if !got.IsZero() {
			if _, off := got.Zone(); off != tc.off {
				t.Errorf("ParseTime(%q) offset %d, want %d", tc.in, off, tc.off)
			}
		}
	}
	// JSON: null, "" and unreadable strings are the zero time, never an error.
	for _, in := range []string{`null`, `""`, `"soon"`, `"2023-01-17"`} {
		var v struct{ T Time }
		if err := json.Unmarshal([]byte(`{"T":`+in+`}`), &v); err != nil {
			t.Errorf("%s: %v", in, err)
		}
		if (in == `"2023-01-17"`) == v.T.IsZero() {
			t.Errorf("%s → %v", in, v.T.Time)
		}
	}
}

func TestTimeFar(t *testing.T) {
	if !ParseTime("9999-12-31").Far() || !ParseTime("9000-01-01T00:00:00Z").Far() {
		t.Error("far-future sentinel not recognised")
	}
	if ParseTime("2099-12-31").Far() || (Time{}).Far() {
		t.Error("ordinary or zero time taken as far")
	}
}

// TestBucketJSONShape checks the keys the contract's lookup JSON fixes.
func TestBucketJSONShape(t *testing.T) {
	days := 20
	used := 0.0
	b := Bucket{
		ID: "5", Name: "Included Minutes - Prepaid", Usage: UsageVoice, UsageRaw: "Voice",
		Remaining: Normalize(ParseAmount("999999"), "minutes", UsageVoice, "999999 minutes"),
		ValidFrom: ParseTime("2023-01-07T07:47:32Z"), DaysLeft: &days,
		Periods:    []Period{{Current: true, Remaining: Normalize(amt(0), "minutes", UsageVoice, "")}},
		Counters:   []Counter{{Type: "used", Amount: &used, Unit: "s"}},
		Attributes: Attrs{{"AvailableAmount", "88888"}},
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(jsonString(t, b)), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "usage", "usage_raw", "shared", "status", "remaining", "valid_from", "valid_to", "days_left", "periods", "counters", "attributes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("bucket JSON lacks %q", k)
		}
	}
	for k, want := range map[string]string{
		"valid_to": `""`, "days_left": `20`, "usage": `"voice"`, "shared": `false`,
		"remaining": `{"amount":59999940,"unit":"s","unlimited":true,"text":"999999 minutes"}`, // a sentinel reads unlimited, its amount kept
		"periods":   `[{"start":"","end":"","current":true,"remaining":{"amount":0,"unit":"s","unlimited":false,"text":""}}]`,
		"counters":  `[{"type":"used","amount":0,"unit":"s","start":"","end":"","name":""}]`,
	} {
		if string(m[k]) != want {
			t.Errorf("%s = %s, want %s", k, m[k], want)
		}
	}
	b.DaysLeft = nil
	if !strings.Contains(jsonString(t, b), `"days_left":null`) {
		t.Error("days_left not null when unknown")
	}
}

func TestBucketHelpers(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	b := Bucket{
		Counters: []Counter{{Type: "Used", Amount: f(25), Unit: "MB"}, {Type: "allocated", Amount: f(100), Unit: "MB"}},
		Periods:  []Period{{}, {Current: true}, {}},
	}
	if fr, ok := b.UsedFraction(); !ok || fr != 0.25 {
		t.Errorf("UsedFraction = %v, %v", fr, ok)
	}
	if c, ok := b.CounterOf("USED"); !ok || *c.Amount != 25 || c.Quantity().Value() != 25 {
		t.Errorf("CounterOf = %+v, %v", c, ok)
	}
	if b.CurrentPeriod() != 1 || (&Bucket{}).CurrentPeriod() != -1 {
		t.Error("CurrentPeriod")
	}
	over := Bucket{Counters: []Counter{{Type: "used", Amount: f(150)}, {Type: "allocated", Amount: f(100)}}}
	if fr, _ := over.UsedFraction(); fr != 1 {
		t.Errorf("over-use clamps to 1, got %v", fr)
	}
	for _, bad := range []Bucket{
		{Counters: []Counter{{Type: "used", Amount: f(1)}}},
		{Counters: []Counter{{Type: "used", Amount: f(1)}, {Type: "allocated", Amount: f(0)}}},
		{Counters: []Counter{{Type: "used"}, {Type: "allocated", Amount: f(10)}}},
		{Counters: []Counter{{Type: "used", Amount: f(1)}, {Type: "allocated", Unlimited: true}}},
	} {
		if _, ok := bad.UsedFraction(); ok {
			t.Errorf("UsedFraction known for %+v", bad.Counters)
		}
	}
}

func TestErrors(t *testing.T) {
	for status, want := range map[int]ErrorKind{
		400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 405: ErrBadRequest,
		408: ErrTimeout, 410: ErrNotFound, 418: ErrBadRequest, 429: ErrRateLimited, 500: ErrUnavailable,
		501: ErrNotImplemented, 502: ErrUnavailable, 503: ErrUnavailable, 504: ErrTimeout, 200: ErrBadResponse,
	} {
		if got := KindForStatus(status); got != want {
			t.Errorf("KindForStatus(%d) = %q, want %q", status, got, want)
		}
	}
	e := &Error{Kind: ErrNotFound, Status: 404, Message: "subscriber not found", Provider: "cvp-pr"}
	if e.Error() != "cvp-pr: not_found (HTTP 404): subscriber not found" {
		t.Errorf("Error() = %q", e.Error())
	}
	wrapped := errors.Join(errors.New("ctx"), e)
	if KindOf(wrapped) != ErrNotFound || AsError(wrapped) != e {
		t.Error("typed error not found through wrapping")
	}
	plain := errors.New("connection refused")
	if KindOf(plain) != ErrUnavailable || AsError(plain).Kind != ErrUnavailable || !errors.Is(AsError(plain), plain) {
		t.Error("untyped errors are unavailable")
	}
	if KindOf(nil) != "" || AsError(nil) != nil {
		t.Error("nil error")
	}
	js := jsonString(t, &Error{Kind: ErrTimeout, Message: "m", CorrelationID: "c", Provider: "p", Err: plain})
	if js != `{"kind":"timeout","status":0,"message":"m","correlation_id":"c"}` {
		t.Errorf("error JSON %s", js)
	}
	for _, k := range []ErrorKind{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrBadRequest, ErrRateLimited, ErrUnavailable, ErrTimeout, ErrNotImplemented, ErrBadResponse} {
		if d := k.Describe(); d == "" || d == string(k) {
			t.Errorf("%q has no description", k)
		}
	}
}

func TestAttrsSortedUniqueAndEncoded(t *testing.T) {
	a := AttrsOf(Attr{"b", "1"}, Attr{"a", "2"}, Attr{"", "x"}, Attr{"b", "3"})
	if len(a) != 2 || a[0] != (Attr{"a", "2"}) || a[1] != (Attr{"b", "3"}) {
		t.Fatalf("AttrsOf: %v", a)
	}
	if v, ok := a.Get("b"); !ok || v != "3" {
		t.Fatalf("Get b: %q %v", v, ok)
	}
	if _, ok := a.Get("c"); ok {
		t.Fatal("Get c found")
	}
	b, err := json.Marshal(struct{ A, N Attrs }{a, nil})
	if err != nil || string(b) != `{"A":{"a":"2","b":"3"},"N":{}}` {
		t.Fatalf("encoded %s %v", b, err)
	}
	var back struct{ A Attrs }
	if err := json.Unmarshal(b, &back); err != nil || len(back.A) != 2 || back.A[1] != (Attr{"b", "3"}) {
		t.Fatalf("decoded %v %v", back.A, err)
	}
}
