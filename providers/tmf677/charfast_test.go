package tmf677

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// charBoth reads one characteristic list twice: as sent, and with a space
// after every opening brace, which no fast path accepts (the general
// member loop reads it). It returns both results, the fast reader's
// position after the list and whether the whole input was consumed.
func charBoth(t *testing.T, list string) (fast, slow []rawChar, fastErr, slowErr error) {
	t.Helper()
	read := func(body string) ([]rawChar, error) {
		r := newReader(scanner{b: []byte(body)}, msisdn("1"))
		sp := r.charList()
		if r.err == nil && r.ws() {
			r.fail("data after the list")
		}
		return append([]rawChar(nil), r.chars[sp.lo:sp.hi]...), r.err
	}
	fast, fastErr = read(list)
	slow, slowErr = read(strings.ReplaceAll(list, "{", "{ "))
	return
}

// TestCharFastMatchesTheMemberLoop: the one-pass reader of the common
// characteristic shapes gives exactly what the member loop gives, for the
// shapes it takes and for every near miss it must leave to the loop
// (escapes, non-ASCII, numbers, extra or repeated members, truncation).
func TestCharFastMatchesTheMemberLoop(t *testing.T) {
	cases := []string{
		`[{"value":"1024","name":"AvailableAmount"},{"name":"IsPrepaid","value":"true"}]`,
		`[{"value":"","name":""},{"value":"x","name":""},{"name":"","value":"y"}]`,
		`[{"value":"a\"b","name":"n"},{"value":"a\\u00e9","name":"n"},{"value":"é","name":"n"}]`,
		`[{"value":1024,"name":"n"},{"name":"n","value":null},{"name":"n","value":true}]`,
		`[{"value":"v","name":"n","extra":1},{"value":"v","value":"w"},{"name":"n","name":"m"}]`,
		`[{"value":"v","name":"n"} ,{"value":"v" ,"name":"n"}]`,
		`[{"value":"v","name":"n"`,
		`[{"value":"v","name":"n}]`,
		`[{"value":"v","nam":"n"}]`,
		`{"name":"lone","value":"object"}`,
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", "0", " ", "-", ":", `\"`, `\\`, "é", "\t", `\u0041`, "}", ",", `"`} // no "{": the slow reading spaces every one
	for range 3000 {
		var b strings.Builder
		b.WriteByte('[')
		for k := range 1 + rng.IntN(4) {
			if k > 0 {
				b.WriteByte(',')
			}
			str := func() string {
				var s strings.Builder
				for range rng.IntN(6) {
					s.WriteString(alphabet[rng.IntN(len(alphabet))])
				}
				return s.String()
			}
			if rng.IntN(2) == 0 {
				b.WriteString(`{"value":"` + str() + `","name":"` + str() + `"}`)
			} else {
				b.WriteString(`{"name":"` + str() + `","value":"` + str() + `"}`)
			}
		}
		b.WriteByte(']')
		cases = append(cases, b.String())
	}
	taken := 0
	for _, c := range cases {
		fast, slow, fe, se := charBoth(t, c)
		if (fe == nil) != (se == nil) || len(fast) != len(slow) {
			t.Fatalf("%s:\nfast %q (%v)\nslow %q (%v)", c, fast, fe, slow, se)
		}
		for i := range fast {
			if fast[i] != slow[i] {
				t.Fatalf("%s: characteristic %d: fast %q, slow %q", c, i, fast[i], slow[i])
			}
		}
		r := newReader(scanner{b: []byte(strings.TrimPrefix(c, "["))}, msisdn("1"))
		if _, ok := r.charFast(); ok {
			taken++
		}
	}
	if taken < 300 {
		t.Fatalf("the fast path took only %d of %d lists' first characteristic", taken, len(cases))
	}
}

// TestPeriodFastMatchesTheMemberLoop: periods, the other shape pairFast
// takes, read the same through it as through the member loop.
func TestPeriodFastMatchesTheMemberLoop(t *testing.T) {
	read := func(body string) (rawPeriod, error) {
		r := newReader(scanner{b: []byte(body)}, msisdn("1"))
		p := r.period()
		if r.err == nil && r.ws() {
			r.fail("data after the period")
		}
		return p, r.err
	}
	cases := []string{
		`{"startDateTime":"2026-11-19T00:00:00.000Z","endDateTime":"2026-12-19T00:00:00.000Z"}`,
		`{"endDateTime":"2026-12-19","startDateTime":"2026-11-19"}`,
		`{"startDateTime":"a","endDateTime":"b","x":1}`,
		`{"startDateTime":"a","startDateTime":"b"}`,
		`{"startDateTime":"\u0041","endDateTime":"b"}`,
		`{"startDateTime":1,"endDateTime":"b"}`,
		`{"startDateTime":"a","endDateTime":"b"`,
		`{"startDateTime":"","endDateTime":""}`,
		`"2026-11-19"`,
	}
	taken := 0
	for _, c := range cases {
		fast, fe := read(c)
		slow, se := read(strings.ReplaceAll(c, "{", "{ "))
		if fast != slow || (fe == nil) != (se == nil) {
			t.Fatalf("%s: fast %+v (%v), slow %+v (%v)", c, fast, fe, slow, se)
		}
		r := newReader(scanner{b: []byte(c)}, msisdn("1"))
		if _, _, ok := r.pairFast(&periodPair); ok {
			taken++
		}
	}
	if taken != 3 {
		t.Fatalf("the fast path took %d of the periods, want 3", taken)
	}
}

// TestValueFastMatchesTheMemberLoop: amounts with and without their unit
// read the same through valueFast as through the member loop.
func TestValueFastMatchesTheMemberLoop(t *testing.T) {
	read := func(body string) (rawValue, error) {
		r := newReader(scanner{b: []byte(body)}, msisdn("1"))
		v := r.value()
		if r.err == nil && r.ws() {
			r.fail("data after the value")
		}
		return v, r.err
	}
	cases := []string{
		`{"amount":1024,"units":"megabytes"}`, `{"amount":0}`, `{"amount":-2.5,"units":"USD"}`, `{"amount":0.125}`,
		`{"amount":12345678901234567890,"units":"B"}`,
		`{"amount":1e3,"units":"MB"}`, `{"amount":01,"units":"MB"}`, `{"amount":1.,"units":"MB"}`, `{"amount":-,"units":"MB"}`,
		`{"amount":"5","units":"MB"}`, `{"amount":5,"unit":"MB"}`, `{"amount":5,"units":"MB","x":1}`, `{"amount":5,"units":"M\"B"}`,
		`{"amount":5,"units":"MB"`, `{"amount":5`, `{"amount":1e999,"units":"MB"}`, `{"amount":5,"units":""}`, `{"amount":null}`,
	}
	taken := 0
	for _, c := range cases {
		fast, fe := read(c)
		slow, se := read(strings.ReplaceAll(c, "{", "{ "))
		if fast.units != slow.units || fast.set != slow.set || fast.amount != slow.amount || (fe == nil) != (se == nil) {
			t.Fatalf("%s: fast %+v (%v), slow %+v (%v)", c, fast, fe, slow, se)
		}
		r := newReader(scanner{b: []byte(c)}, msisdn("1"))
		if _, ok := r.valueFast(); ok {
			taken++
		}
	}
	if taken != 6 {
		t.Fatalf("the fast path took %d of the values, want 6", taken)
	}
}

// TestOneRefFastMatchesTheListLoop: a product list reads the same through
// oneRefFast as through list and object.
func TestOneRefFastMatchesTheListLoop(t *testing.T) {
	read := func(body string) (string, error) {
		r := newReader(scanner{b: []byte(body)}, msisdn("1"))
		v := r.firstID("publicIdentifier")
		if r.err == nil && r.ws() {
			r.fail("data after the list")
		}
		return v, r.err
	}
	cases := []string{
		`[{"publicIdentifier":"7870060000"}]`, `[{"publicIdentifier":""}]`, `[{"publicIdentifier":"S-10000"}]`,
		`[{"publicIdentifier":"a"},{"publicIdentifier":"b"}]`, `[{"id":"x"}]`, `[{"publicIdentifier":"","id":"x"}]`,
		`[{"publicIdentifier":"a\"b"}]`, `[{"publicIdentifier":"é"}]`, `[{"publicIdentifier":1}]`, `[{"publicIdentifier":"a"}`,
		`[{"publicIdentifier":"a"]`, `{"publicIdentifier":"a"}`, `[{"publicIdentifie":"a"}]`, `[]`, `null`,
	}
	taken := 0
	for _, c := range cases {
		fast, fe := read(c)
		slow, se := read(strings.ReplaceAll(c, "{", "{ "))
		if fast != slow || (fe == nil) != (se == nil) {
			t.Fatalf("%s: fast %q (%v), slow %q (%v)", c, fast, fe, slow, se)
		}
		r := newReader(scanner{b: []byte(c)}, msisdn("1"))
		if _, ok := r.oneRefFast("publicIdentifier"); ok {
			taken++
		}
	}
	if taken != 3 {
		t.Fatalf("the fast path took %d of the lists, want 3", taken)
	}
}
