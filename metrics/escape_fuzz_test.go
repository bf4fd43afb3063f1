package metrics

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzDesc = &desc{name: "simdesk_fuzz_total", typ: counterType, help: "Fuzzed label values.", labels: []string{"provider", "offer"}}

// FuzzLabelEscaping: any string as a label value gives an exposition that
// Prometheus's parser reads back to the same value (invalid UTF-8, which
// the parser refuses, as U+FFFD), beside a second label and a histogram's
// le, whatever the value holds (quotes, backslashes, newlines, braces,
// '#', NUL).
func FuzzLabelEscaping(f *testing.F) {
	for _, s := range []string{"", "data-1gb", `a"b`, `a\b`, "a\nb", `\"`, `\n`, "}{,=", "# HELP x", "\x00\r\t", "bad-\xff\xfe", "é€😀", `\\\"\\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s := newSink()
		s.add(fuzzDesc, series{value: 1}, []string{v, "o"})
		s.add(descLatency, series{value: 0.5, count: 1, bounds: []float64{1}, counts: []float64{1}}, []string{v, "lookup"})
		var b []byte
		for _, f := range s.sorted() {
			b = appendFamily(b, f)
		}
		want := v
		if !utf8.ValidString(v) {
			want = strings.ToValidUTF8(v, "\ufffd")
		}
		fams := parseText(t, string(b))
		if len(fams) != 2 {
			t.Fatalf("%d families from %q", len(fams), b)
		}
		for _, fam := range fams {
			for _, m := range fam.Metric {
				labels := map[string]string{}
				for _, l := range m.Label {
					labels[l.GetName()] = l.GetValue()
				}
				if labels["provider"] != want {
					t.Fatalf("%s: provider %q read back as %q from\n%s", fam.GetName(), v, labels["provider"], b)
				}
			}
		}
	})
}
