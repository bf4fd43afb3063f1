package model

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize: for any input, Sanitize never panics and leaves no raw
// control or bidi character and no invalid UTF-8; AppendJSONString yields
// valid JSON with no raw control byte that decodes to the input (invalid
// UTF-8 aside).
func FuzzSanitize(f *testing.F) {
	f.Add(hostile)
	f.Add("plain text")
	f.Add("\x1b]52;c;Zm9v\x07\u009d0;title\u009c")
	f.Add("\xc2")
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if needsEscape(r) {
				t.Fatalf("Sanitize(%q) = %q: raw %U", s, out, r)
			}
		}
		if clean(s) && out != s {
			t.Fatalf("clean text changed: %q -> %q", s, out)
		}
		b := AppendJSONString(nil, s)
		for _, r := range string(b) {
			if r < 0x20 || needsEscape(r) {
				t.Fatalf("AppendJSONString(%q) = %s: raw %U", s, b, r)
			}
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("AppendJSONString(%q) = %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("round trip %q -> %q", s, back)
		}
	})
}
