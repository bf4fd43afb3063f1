package httpx

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveRedact is Redact without the prefilter: every secret searched for.
func naiveRedact(r *Redactor, s string) string {
	for _, sec := range r.state.Load().secrets {
		s = strings.ReplaceAll(s, sec, Mask)
	}
	return s
}

// TestRedactPrefilterMissesNothing: the length and three-byte prefilter
// never lets a secret through, wherever it sits in the text (start, middle,
// end, whole, repeated, overlapping another), for short and Basic secrets.
//
// Three sets of secrets, for three strides of the prefilter: with a
// 4-byte secret (step 2), with a 13-byte token the shortest (step 11),
// and one 40-byte token alone (step 16, the bound).
func TestRedactPrefilterMissesNothing(t *testing.T) {
	long := NewRedactor("tok3nABCDEFGH-0123456789-abcdefghs3crtvlu")
	basic := NewRedactor()
	basic.AddBasic("client-id", "s3cr3t-value-xyz")
	basic.AddBearer("tok3nABCDEFGH")
	short := NewRedactor()
	short.AddBasic("client-id", "s3cr3t-value-xyz")
	short.AddBearer("tok3nABCDEFGH")
	short.Add("abcd")
	for _, c := range []struct {
		r    *Redactor
		step int
	}{{short, 2}, {basic, 11}, {long, maxStep}} {
		if got := c.r.state.Load().step; got != c.step {
			t.Fatalf("step %d, want %d", got, c.step)
		}
		testPrefilter(t, c.r)
	}
}

func testPrefilter(t *testing.T, r *Redactor) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "abcdefghs3crtvluxyzTOKABCDEFGH-+/=_ 0123456789"
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			if rng.IntN(8) == 0 {
				b.WriteString(r.state.Load().secrets[rng.IntN(len(r.state.Load().secrets))])
			} else {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		}
		s := b.String()
		if got, want := r.Redact(s), naiveRedact(r, s); got != want {
			t.Fatalf("Redact(%q) = %q, want %q", s, got, want)
		}
	}
	for _, sec := range r.state.Load().secrets {
		for _, s := range []string{sec, "x" + sec, sec + "y", "ab " + sec + " cd"} {
			if strings.Contains(r.Redact(s), sec) {
				t.Fatalf("secret %q left in %q", sec, r.Redact(s))
			}
		}
	}
	if got := r.Redact("abc"); got != "abc" {
		t.Fatalf("a string shorter than every secret changed: %q", got)
	}
}

// BenchmarkRedactShort is the common case: short strings with no secret.
func BenchmarkRedactShort(b *testing.B) {
	r := NewRedactor()
	r.AddBasic("client-id", "s3cr3t-value-xyz")
	in := []string{"Pass 00001 - Prepaid", "megabytes", "2026-11-29T00:00:00Z", "1024", "Data", "ACTIVE", "IsCurrentPeriod"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = r.Redact(in[i%len(in)])
	}
}
