package model

import (
	"strings"
	"unicode/utf8"
)

// OneLine makes provider or operator text safe for one line of a screen, a
// message or a log: whitespace collapsed, control characters dropped, at most
// max bytes, cut on a rune boundary with "..." when longer.
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		for _, r := range s {
			if r >= 0x20 && r != 0x7f {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if max > 3 && len(s) > max {
		cut := max - 3
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
