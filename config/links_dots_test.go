package config

import (
	"net/url"
	"strings"
	"testing"
)

// TestLinkValueMayNotClimbThePath: a value that is a dot segment ("." or
// "..") in a path position is not offered: path escaping leaves dots alone,
// so an account ".." from a provider made
// https://crm.example/customers/{account}/notes into
// https://crm.example/customers/../notes, which every browser opens as
// https://crm.example/notes (and %2E%2E is a dot segment to a browser too).
// In the query and the fragment, where nothing resolves dots, it is a plain
// value.
func TestLinkValueMayNotClimbThePath(t *testing.T) {
	path := Link{URL: "https://crm.example/customers/{account}/notes"}
	for _, v := range []string{"..", ".", " .. "} {
		if got, ok := path.Expand(map[string]string{"account": v}); ok {
			u, _ := url.Parse(got)
			t.Errorf("account %q offered %q (a browser opens %s)", v, got, u.ResolveReference(&url.URL{}).Path)
		}
	}
	for _, v := range []string{"...", "..x", "a..", "../x"} {
		got, ok := path.Expand(map[string]string{"account": v})
		if !ok || strings.Contains(got, "/../") {
			t.Errorf("account %q: %q %v, want it offered as one segment", v, got, ok)
		}
	}
	query := Link{URL: "https://crm.example/search?a={account}#{provider}"}
	if got, ok := query.Expand(map[string]string{"account": "..", "provider": ".."}); !ok || got != "https://crm.example/search?a=..#.." {
		t.Errorf("in the query and fragment: %q %v", got, ok)
	}
}

// TestLinkURLBounded: an expanded URL longer than MaxLinkURL bytes is not
// offered: it is written to the terminal in an OSC 8 hyperlink on every
// frame and in an OSC 52 copy, and terminals drop longer ones (VTE: 2083
// bytes) or, worse, cut them. Before, a provider's 100 KB account went
// into both.
func TestLinkURLBounded(t *testing.T) {
	l := Link{URL: "https://crm.example/c/{account}"}
	if _, ok := l.Expand(map[string]string{"account": strings.Repeat("A", 100_000)}); ok {
		t.Error("a 100 KB URL offered")
	}
	fits := strings.Repeat("A", MaxLinkURL-len("https://crm.example/c/"))
	if got, ok := l.Expand(map[string]string{"account": fits}); !ok || len(got) != MaxLinkURL {
		t.Errorf("a URL of exactly %d bytes: %d %v", MaxLinkURL, len(got), ok)
	}
	if _, ok := l.Expand(map[string]string{"account": fits + "A"}); ok {
		t.Errorf("a URL of %d bytes offered", MaxLinkURL+1)
	}
	// Escaping counts: 700 spaces are 2100 bytes in the path.
	if _, ok := l.Expand(map[string]string{"account": "x" + strings.Repeat(" ", 700) + "x"}); ok {
		t.Error("a value that escapes past the bound offered")
	}
}
