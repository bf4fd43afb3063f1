package model

import "testing"

// TestCleanIsTheByteLoop: clean's eight-bytes-at-a-time pass answers as
// the byte-by-byte test does, for every byte value at every position of
// strings of up to 33 bytes.
func TestCleanIsTheByteLoop(t *testing.T) {
	slow := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
				return false
			}
		}
		return true
	}
	base := "abcdefghijklmnopqrstuvwxyz0123456"
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(base[:n])
				b[pos] = byte(c)
				if got, want := clean(string(b)), slow(string(b)); got != want {
					t.Fatalf("clean(%q) = %v, the byte loop %v", b, got, want)
				}
			}
		}
	}
}
