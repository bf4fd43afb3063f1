package cli

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"simdesk/model"
)

// FuzzTermWriter: whatever bytes a command writes, and however they are
// split across writes (a UTF-8 sequence cut in two included), the terminal
// gets the same sanitised text as one write would give, with no raw
// control, C1 or bidi character.
func FuzzTermWriter(f *testing.F) {
	f.Add([]byte("ok \x1b]52;c;eA==\x07 \u009b2J \u202eabc\n"), uint8(3))
	f.Add([]byte("é\u202e"), uint8(1))
	f.Add([]byte{0xe2, 0x80, 0xae, 0xc2}, uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		var whole, parts bytes.Buffer
		w1 := newTermWriter(&whole)
		w1.Write(in)
		w1.Close()
		w2 := newTermWriter(&parts)
		n := int(step%7) + 1
		for i := 0; i < len(in); i += n {
			w2.Write(in[i:min(i+n, len(in))])
		}
		w2.Close()
		if whole.String() != parts.String() {
			t.Fatalf("split writes differ:\n%q\n%q", whole.String(), parts.String())
		}
		if want := model.Sanitize(string(in)); whole.String() != want {
			t.Fatalf("writer %q, Sanitize %q", whole.String(), want)
		}
		out := whole.String()
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out: %q", out)
		}
		for _, r := range out {
			if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("raw %U in %q", r, out)
			}
		}
	})
}
