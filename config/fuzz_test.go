package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse: any file contents yield a Config or a *Error whose every line is
// FILE:LINE: KEY: message, never a panic, and never the secret.
func FuzzParse(f *testing.F) {
	if ex, err := os.ReadFile("../config.example.toml"); err == nil {
		f.Add(ex)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(""))
	f.Add([]byte("[[provider]]\n[[provider]]\nname = 1\n[provider.x]\n"))
	f.Add([]byte("a = \"\"\"\nb\n\"\"\"\nprovider = [{name = \"x\"}]\n"))
	f.Add([]byte("client_secret = zzz\n"))
	const canary = "fuzz-canary-secret-4711"
	env := func(string) string { return canary }
	lineRE := regexp.MustCompile(`^fz\.toml:[1-9][0-9]*: `)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fz.toml", data, env)
		if err != nil {
			if c != nil {
				t.Fatal("both a config and an error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			for _, l := range strings.Split(err.Error(), "\n") {
				if !lineRE.MatchString(l) {
					t.Fatalf("malformed problem line %q", l)
				}
			}
			if !strings.Contains(string(data), "4711") && strings.Contains(err.Error(), "4711") {
				t.Fatalf("secret in error: %v", err)
			}
			return
		}
		if len(c.Providers) == 0 {
			t.Fatal("accepted a config without providers")
		}
		for _, p := range c.Providers {
			if p.Name == "" || p.BaseURL == "" || p.ClientSecret == "" || p.Timeout <= 0 {
				t.Fatalf("incomplete provider accepted: %+v", p)
			}
		}
	})
}
