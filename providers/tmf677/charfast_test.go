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
