package model

import (
	"math/rand/v2"
	"testing"
)

// appendJSONStringBytewise is AppendJSONString without its eight-byte
// fast path: the reference the fast path must match.
func appendJSONStringBytewise(dst []byte, s string) []byte { return appendJSONString(dst, s, false) }

// TestAppendJSONStringFastPathIsBytewise: every byte value at every position
// of strings up to 33 bytes, and random mixes of ASCII, escapes, bidi
// controls, multi-byte and invalid UTF-8, encode as the byte loop does.
func TestAppendJSONStringFastPathIsBytewise(t *testing.T) {
	base := "abcdefghijklmnopqrstuvwxyz0123456"
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(base[:n])
				b[pos] = byte(c)
				if got, want := string(AppendJSONString(nil, string(b))), string(appendJSONStringBytewise(nil, string(b))); got != want {
					t.Fatalf("%q: got %s, want %s", b, got, want)
				}
			}
		}
	}
	parts := []string{"a", "Prepaid ", "\"", "\\", "\n", "\x7f", "\x1b[2J", "é", "€", "\u202e", "\xff", "\xe2\x82", "0123456789"}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		var s string
		for k := rng.IntN(12); k > 0; k-- {
			s += parts[rng.IntN(len(parts))]
		}
		if got, want := string(AppendJSONString(nil, s)), string(appendJSONStringBytewise(nil, s)); got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}
