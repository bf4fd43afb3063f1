package tmf677

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"simdesk/model"
	"simdesk/seeds"
)

// one decodes a body that must yield exactly one line with one bucket.
func one(t *testing.T, body string) model.Bucket {
	t.Helper()
	lines, err := Decode([]byte(body), msisdn("1"))
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if len(lines) != 1 || len(lines[0].Buckets) != 1 {
		t.Fatalf("%s: %d lines", body, len(lines))
	}
	return lines[0].Buckets[0]
}

func TestWrongTypesDecodeLeniently(t *testing.T) {
	b := one(t, `[{"bucket":[{"id":5,"name":123,"isShared":"true","usageType":"Data",
		"remainingValue":{"amount":"40.5","units":"GB"},"remainingValueName":null,
		"bucketBalance":{"remainingValue":{"amount":"1"},"daysLeft":"20","validFor":{"startDateTime":"2023-01-01T00:00:00","endDateTime":null}}}]}]`)
	if b.ID != "5" || b.Name != "123" || !b.Shared || b.Usage != model.UsageData {
		t.Errorf("scalars: %+v", b)
	}
	checkQty(t, "string amount", b.Remaining, qty{40.5 * 1024, "MB", false, ""})
	if len(b.Periods) != 1 || !b.Periods[0].Current || intp(b.DaysLeft) != "20" {
		t.Errorf("lone object as a list of periods: %+v", b.Periods)
	}
	checkTime(t, "valid_from from the period", b.ValidFrom, "2023-01-01T00:00:00Z")
	checkTime(t, "null end", b.ValidTo, "")

	// Containers where scalars belong, scalars where containers belong.
	b = one(t, `{"bucket":{"id":["x"],"name":{"a":1},"isShared":1,"usageType":"Voice",
		"remainingValue":90,"characteristic":{"name":"A","value":7},"bucketBalance":"none","bucketCounter":[1,"x",null,{"counterType":"used","value":"60"}]}}`)
	if b.ID != "" || b.Name != "" || !b.Shared || b.Attributes.Value("A") != "7" || len(b.Periods) != 0 || len(b.Counters) != 1 {
		t.Errorf("mixed: %+v", b)
	}
	checkQty(t, "bare amount", b.Remaining, qty{90, "", false, ""})
	if b.Counters[0].Amount == nil || *b.Counters[0].Amount != 60 {
		t.Errorf("bare counter value: %+v", b.Counters[0])
	}

	// Nulls everywhere.
	lines, err := Decode([]byte(`[{"id":null,"effectiveDate":null,"bucket":null,"usageConsumption":null,"relatedParty":null,"searchCriteria":null}]`), msisdn("1"))
	if err != nil || len(lines) != 1 || lines[0].Buckets == nil || len(lines[0].Buckets) != 0 {
		t.Fatalf("nulls: %v %+v", err, lines)
	}
}

func TestAmounts(t *testing.T) {
	cases := []struct {
		amount string
		want   qty
	}{
		{`"infinity"`, qty{null, "MB", true, ""}},
		{`"INFINITY"`, qty{null, "MB", true, ""}},
		{`" Infinity "`, qty{null, "MB", true, ""}},
		{`999999999999`, qty{999999999999, "MB", false, ""}}, // a sentinel is a number
		{`1e400`, qty{null, "MB", false, ""}},                // out of range: no amount
		{`1e-400`, qty{0, "MB", false, ""}},
		{`123456789012345678901234567890`, qty{123456789012345678901234567890, "MB", false, ""}},
		{`-5`, qty{-5, "MB", false, ""}},
		{`"12,288.5"`, qty{12288.5, "MB", false, ""}},
		{`"lots"`, qty{null, "MB", false, ""}},
		{`"NaN"`, qty{null, "MB", false, ""}},
		{`true`, qty{null, "MB", false, ""}},
		{`null`, qty{null, "MB", false, ""}},
		{`{"x":1}`, qty{null, "MB", false, ""}},
	}
	for _, c := range cases {
		b := one(t, `[{"bucket":[{"usageType":"Data","remainingValue":{"amount":`+c.amount+`,"units":"MB"}}]}]`)
		checkQty(t, c.amount, b.Remaining, c.want)
	}
}

func TestUnitsFromEveryDialect(t *testing.T) {
	cases := []struct {
		usage, units string
		amount       float64
		want         qty
	}{
		{"Data", "GB", 1.5, qty{1536, "MB", false, ""}},
		{"Data", "Gb", 2, qty{2048, "MB", false, ""}},
		{"Volume", "MBS", 10, qty{10, "MB", false, ""}},
		{"Data", "megabytes", 10, qty{10, "MB", false, ""}},
		{"Internet", "KB", 512, qty{0.5, "MB", false, ""}},
		{"Data", "TB", 1, qty{1048576, "MB", false, ""}},
		{"Duration", "MINS", 2, qty{120, "s", false, ""}},
		{"Voice", "mins", 2, qty{120, "s", false, ""}},
		{"Voice", "minutes", 2, qty{120, "s", false, ""}},
		{"Voice", "seconds", 7, qty{7, "s", false, ""}},
		{"Sms", "SMS", 3, qty{3, "sms", false, ""}},
		{"Text", "", 3, qty{3, "sms", false, ""}},
		{"United States dollar", "", 4.5, qty{4.5, "USD", false, ""}},
		{"monetary", "BSD", 1, qty{1, "BSD", false, ""}},
		{"Core", "JMD", 1, qty{1, "JMD", false, ""}},
		{"Picture", "", 9, qty{9, "", false, ""}},
		{"Tokens", "points", 9, qty{9, "points", false, ""}},
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]any{"bucket": []any{map[string]any{
			"usageType": c.usage, "remainingValue": map[string]any{"amount": c.amount, "units": c.units}}}})
		b := one(t, string(body))
		checkQty(t, c.usage+"/"+c.units, b.Remaining, c.want)
	}
}

func TestMalformedBodiesAreBadResponses(t *testing.T) {
	cases := map[string]string{
		"empty":            ``,
		"blank":            " \n\t ",
		"html":             `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
		"text":             `Service Unavailable`,
		"string":           `"report"`,
		"number":           `42`,
		"null":             `null`,
		"truncated":        `[{"bucket":[{"id":"1","name":"Prepaid Bal`,
		"truncated number": `[{"bucket":[{"remainingValue":{"amount":12`,
		"truncated true":   `[{"bucket":[{"isShared":tr`,
		"trailing comma":   `[{"bucket":[{"id":"1",}]}]`,
		"missing colon":    `[{"bucket" []}]`,
		"single quotes":    `[{'bucket':[]}]`,
		"bad literal":      `[{"bucket":[{"isShared":yes}]}]`,
		"bad number":       `[{"bucket":[{"remainingValue":{"amount":01}}]}]`,
		"bad number 2":     `[{"bucket":[{"remainingValue":{"amount":1.}}]}]`,
		"bad escape":       `[{"bucket":[{"name":"a\qb"}]}]`,
		"bad unicode":      `[{"bucket":[{"name":"a\u12G4"}]}]`,
		"control char":     "[{\"bucket\":[{\"name\":\"a\nb\"}]}]",
		"garbage after":    `[] x`,
		"two values":       `[{"bucket":[]}] [{"bucket":[]}]`,
		"no report":        `[1, "x", null, true]`,
		"empty object":     `{}`,
		"unknown object":   `{"hello":"world"}`,
		"list of empties":  `[{}, {}]`,
		"words only":       `{"@type":"UsageConsumptionReport","id":"1","description":"nothing else"}`,
		"deep nesting":     strings.Repeat("[", 100000),
		"deep in member":   `[{"x":` + strings.Repeat(`{"a":`, 600) + `1` + strings.Repeat("}", 600) + `}]`,
		"broken 405 seed":  string(seeds.MustRead("cvp_error_405_malformed.txt")),
	}
	for name, body := range cases {
		_, err := Decode([]byte(body), msisdn("1"))
		wantKind(t, name, err, model.ErrBadResponse)
	}
	_, err := Decode([]byte(cases["html"]), msisdn("1"))
	if !strings.Contains(err.Error(), "HTML page instead of JSON: 502 Bad Gateway") {
		t.Errorf("html: %v", err)
	}
	_, err = Decode([]byte(cases["truncated"]), msisdn("1"))
	if !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated: %v", err)
	}
}

// TestEveryPrefixOfEverySeedFails: a body cut anywhere is an error, never a
// partial line and never a panic.
func TestEveryPrefixOfEverySeedFails(t *testing.T) {
	for _, n := range seeds.Names() {
		body := bytes.TrimSpace(seeds.MustRead(n))
		step := 1
		if len(body) > 8<<10 {
			step = 5 // the large reports repeat one shape; every fifth cut covers it
		}
		for i := 0; i < len(body); i += step {
			lines, err := Decode(body[:i], msisdn("1"))
			if err == nil {
				t.Fatalf("%s cut at %d decoded to %d lines", n, i, len(lines))
			}
		}
	}
}

func TestEmptyListIsNotFound(t *testing.T) {
	for _, body := range []string{`[]`, ` [ ] `, "[\n]\n", "\xef\xbb\xbf[]"} {
		_, err := Decode([]byte(body), msisdn("9077613"))
		me := wantKind(t, body, err, model.ErrNotFound)
		if !strings.Contains(me.Message, "MSISDN 9077613") {
			t.Errorf("not found message %q", me.Message)
		}
	}
}

func TestErrorEnvelopeInASuccessAnswer(t *testing.T) {
	cases := map[string]model.ErrorKind{
		"dxp_error_404_subscriber.json": model.ErrNotFound,
		"cvp_error_501.json":            model.ErrNotImplemented,
		"cvp_error_401.json":            model.ErrUnauthorized,
		"cvp_error_503.json":            model.ErrUnavailable,
	}
	for n, kind := range cases {
		_, err := Decode(seeds.MustRead(n), msisdn("1"))
		me := wantKind(t, n, err, kind)
		var env struct {
			Errors []struct{ Description string } `json:"errors"`
		}
		_ = json.Unmarshal(seeds.MustRead(n), &env)
		if !strings.Contains(me.Message, env.Errors[0].Description) {
			t.Errorf("%s: message %q lacks the seed's description", n, me.Message)
		}
	}
	_, err := Decode([]byte(`{"code":404,"message":"Not Found","description":"no line 1 here"}`), msisdn("1"))
	if me := wantKind(t, "flat envelope", err, model.ErrNotFound); !strings.Contains(me.Message, "no line 1 here (Not Found)") {
		t.Errorf("flat envelope: %q", me.Message)
	}
	_, err = Decode([]byte(`{"errors":[{"code":"E12","message":"odd"}]}`), msisdn("1"))
	if me := wantKind(t, "odd code", err, model.ErrBadResponse); !strings.Contains(me.Message, "odd") {
		t.Errorf("odd code: %q", me.Message)
	}
}

func TestStringsAndEscapes(t *testing.T) {
	b := one(t, `[{"bucket":[{"name":"caf\u00e9 \ud83d\ude00 \ud800 \"q\" \\ \/ \t","description":"`+"\xff\xfe ok"+`","status":"ACTIVE"}]}]`)
	if b.Name != "café 😀 \uFFFD \"q\" \\ / \t" {
		t.Errorf("escapes: %q", b.Name)
	}
	if !utf8.ValidString(b.Description) || !strings.HasSuffix(b.Description, " ok") {
		t.Errorf("invalid UTF-8 must be replaced: %q", b.Description)
	}
	// Duplicate members: the last one wins, as in encoding/json.
	b = one(t, `{"bucket":[{"name":"a","name":"b"}]}`)
	if b.Name != "b" {
		t.Errorf("duplicate: %q", b.Name)
	}
}

func TestLineStatusFromBuckets(t *testing.T) {
	cases := map[string]string{
		`[]`: "active",
		`[{"status":"Active"},{"status":"ACTIVE"}]`:  "active",
		`[{"status":"Suspended"},{}]`:                "suspended",
		`[{"status":"expired"},{"status":"active"}]`: "active",
		`[{"status":"expired"},{"status":"barred"}]`: "expired",
	}
	for buckets, want := range cases {
		lines, err := Decode([]byte(`{"usageConsumption":[{"bucketRefOrValue":`+buckets+`}]}`), msisdn("1"))
		if err != nil {
			t.Fatal(err)
		}
		if lines[0].Status != want {
			t.Errorf("%s: status %q, want %q", buckets, lines[0].Status, want)
		}
	}
}

func TestPeriodsWithoutMarker(t *testing.T) {
	// Two periods, none marked: neither is current, remaining stays unknown
	// unless the bucket states it.
	b := one(t, `{"bucket":[{"usageType":"Data","bucketBalance":[{"remainingValue":{"amount":1,"units":"GB"}},{"remainingValue":{"amount":2,"units":"GB"}}]}]}`)
	if b.CurrentPeriod() != -1 || b.Remaining.Amount != nil || b.Remaining.Unit != "MB" {
		t.Errorf("unmarked periods: %+v", b)
	}
	checkQty(t, "second period", b.Periods[1].Remaining, qty{2048, "MB", false, ""})
	if b.Periods[0].Attributes == nil {
		t.Error("period attributes must not be nil")
	}
}

func TestDecodeReaderPassesReadErrorsThrough(t *testing.T) {
	boom := errReader{}
	_, err := DecodeReader(boom, msisdn("1"))
	if err != errBoom {
		t.Fatalf("read error replaced: %v", err)
	}
	lines, err := DecodeReader(bytes.NewReader(seeds.MustRead("cvp_pr_9077613.json")), msisdn("9077613"))
	if err != nil || len(lines[0].Buckets) != 9 {
		t.Fatalf("reader: %v", err)
	}
}

type errReader struct{}

var errBoom = &model.Error{Kind: model.ErrUnavailable, Message: "boom"}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

// TestOutputAlwaysEncodes: whatever the amounts, the lines encode as JSON
// (no NaN or infinities leak into the model).
func TestOutputAlwaysEncodes(t *testing.T) {
	body := `{"bucket":[{"usageType":"Data","remainingValue":{"amount":1.7976931348623157e308,"units":"TB"},
		"bucketCounter":[{"value":{"amount":-1.7976931348623157e308,"units":"GB"}}]}]}`
	lines, err := Decode([]byte(body), msisdn("1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(lines); err != nil {
		t.Fatalf("encode: %v", err)
	}
	if a := lines[0].Buckets[0].Remaining.Amount; a != nil && (math.IsInf(*a, 0) || math.IsNaN(*a)) {
		t.Fatalf("non-finite amount %v", *a)
	}
}

func TestUnreadableAvailableAmountFallsBackToThePeriod(t *testing.T) {
	b := one(t, `{"bucket":[{"usageType":"Data","characteristic":[{"name":"AvailableAmount","value":"n/a"}],
		"bucketBalance":[{"remainingValue":{"amount":3,"units":"GB"},"remainingValueName":"3 GB","characteristic":[{"name":"IsCurrentPeriod","value":"TRUE"}]}]}]}`)
	checkQty(t, "fallback", b.Remaining, qty{3072, "MB", false, "3 GB"})
	if b.Attributes.Value("AvailableAmount") != "n/a" || b.CurrentPeriod() != 0 {
		t.Errorf("attributes %v current %d", b.Attributes, b.CurrentPeriod())
	}
}
