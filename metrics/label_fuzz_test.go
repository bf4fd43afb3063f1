package metrics

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLabelValue: whatever a provider sends as an offer id, the label is
// valid UTF-8 of at most maxLabel bytes, a prefix of the id when the id was
// valid UTF-8, and the id itself when it was valid and short.
func FuzzLabelValue(f *testing.F) {
	f.Add("data-1gb")
	f.Add("bad-\xff\xfe")
	f.Add(strings.Repeat("é", 100))
	f.Add(strings.Repeat("x", 127) + "€")
	f.Fuzz(func(t *testing.T, s string) {
		got := labelValue(s)
		if !utf8.ValidString(got) || len(got) > maxLabel {
			t.Fatalf("labelValue(%q) = %q", s, got)
		}
		if utf8.ValidString(s) && !strings.HasPrefix(s, got) {
			t.Fatalf("labelValue(%q) = %q, not a prefix", s, got)
		}
		if utf8.ValidString(s) && len(s) <= maxLabel && got != s {
			t.Fatalf("labelValue(%q) = %q, changed", s, got)
		}
	})
}
