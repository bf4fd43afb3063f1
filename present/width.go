package present

import (
	"sync"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The runes the fast width path knows are in [narrowLo, narrowHi) but not in
// [scriptLo, scriptHi): Latin letters and signs, then general punctuation,
// arrows, mathematical operators, box drawing, blocks, geometric shapes,
// miscellaneous symbols and dingbats. The scripts in between are left out:
// their combining and spacing marks join the rune before them into one
// grapheme, which a rune-by-rune count would get wrong.
const (
	narrowLo = 0x00A0
	scriptLo = 0x0300
	scriptHi = 0x2010
	narrowHi = 0x2C00
)

// narrowRunes marks the known runes that lipgloss measures as exactly one
// cell on their own. It is computed once, from the very width function it
// stands in for, so the fast path cannot disagree with it about any rune; it
// never changes afterwards.
var narrowRunes = sync.OnceValue(func() *[narrowHi - narrowLo]bool {
	var t [narrowHi - narrowLo]bool
	var buf [utf8.UTFMax]byte
	for r := rune(narrowLo); r < narrowHi; r++ {
		if r >= scriptLo && r < scriptHi {
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		t[r-narrowLo] = ansi.StringWidth(string(buf[:n])) == 1
	}
	return &t
})

// cellWidth is lipgloss.Width for the text the console draws on every frame
// (table rows: printable ASCII, colour sequences, bars, arrows, the cursor
// mark), counted in one pass without grapheme segmentation, which costs
// ~1.5 µs per 100-cell row and made a keystroke's View grow with the number
// of rows on screen. Anything else (wide, combining or joining characters,
// other escape sequences, control characters, line breaks) goes to
// lipgloss.Width, so the result is always lipgloss.Width's (FuzzCellWidth).
func cellWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// CSI: parameter bytes 0x30–0x3f, intermediate bytes 0x20–0x2f,
			// one final byte 0x40–0x7e; it takes no cell.
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return lipgloss.Width(s)
			}
			i = j + 1
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r < narrowLo || r >= narrowHi || !narrowRunes()[r-narrowLo] {
				return lipgloss.Width(s)
			}
			n++
			i += size
		default:
			return lipgloss.Width(s)
		}
	}
	return n
}
