package model

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// appendJSONStringBytewise is AppendJSONString as it was before its
// eight-byte fast path: the reference the fast path must match.
func appendJSONStringBytewise(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if needsEscape(r) {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, r)
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

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
