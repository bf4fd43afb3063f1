package present

import (
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
)

var widthSamples = []string{
	"",
	"plain ascii row",
	"  bucket 0031                        data            31 MB  2023-02-10 00:00    24  \x1b[38;2;95;175;255m███\x1b[38;2;68;68;68m░░░░░░░░\x1b[m 31%",
	"\x1b[1;38;5;196m✖ EMPTY\x1b[m · ▸ → ∞ — – … ● ○ ⚠ ✔ ━ ┏ ─",
	"Recharge Holiday Données 5 Go · Señal",
	"e\u0301 combining after ASCII",
	"█\u0301 combining after a block",
	"▸\ufe0f variation selector",
	"wide 日本語 and emoji 😀 and 👍🏽",
	"क\u0903 spacing mark",
	"\x1b]8;;https://example.com\x07link\x1b]8;;\x07",
	"\x1b[31", // an unfinished CSI
	"\x1b[31\x7f", "\x1b[?25l hidden cursor", "\x1bM reverse index",
	"tab\there", "two\nlines", "cr\r\n", "\x00nul", "\u00ad soft hyphen", "\u200d zwj", "\u2028 line separator",
	"#\u20e3 keycap", "🇫🇷 flag", string([]byte{0xff, 0xfe, 'a'}),
}

// TestCellWidthAgreesWithLipgloss: the fast path is an optimisation only.
func TestCellWidthAgreesWithLipgloss(t *testing.T) {
	for _, s := range widthSamples {
		if got, want := cellWidth(s), lipgloss.Width(s); got != want {
			t.Errorf("cellWidth(%q) = %d, lipgloss.Width = %d", s, got, want)
		}
	}
	// Every rune the fast path counts, alone and between ASCII letters.
	tab := narrowRunes()
	count := 0
	for i, ok := range tab {
		if !ok {
			continue
		}
		count++
		r := rune(narrowLo + i)
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + string(r)} {
			if got, want := cellWidth(s), lipgloss.Width(s); got != want {
				t.Fatalf("cellWidth(%q) = %d, lipgloss.Width = %d", s, got, want)
			}
		}
	}
	if count < 1000 {
		t.Fatalf("only %d runes on the fast path", count)
	}
}

// TestFitKeepsItsContract: Fit and FitRight still give exactly w cells.
func TestFitKeepsItsContract(t *testing.T) {
	for _, s := range widthSamples {
		// Control characters, invalid UTF-8 and an unfinished escape (which
		// swallows the padding) have no width to keep, before or after.
		if strings.ContainsAny(s, "\n\r\t\x00\x7f") || !utf8.ValidString(s) || strings.HasSuffix(s, "\x1b[31") {
			continue
		}
		for _, w := range []int{1, 5, 20, 120} {
			for name, f := range map[string]func(string, int) string{"Fit": Fit, "FitRight": FitRight} {
				if got := lipgloss.Width(f(s, w)); got != w {
					t.Errorf("%s(%q, %d) is %d cells wide", name, s, w, got)
				}
			}
			if got := lipgloss.Width(Clip(s, w)); got > w {
				t.Errorf("Clip(%q, %d) is %d cells wide", s, w, got)
			}
		}
	}
}

// FuzzCellWidth: for any string, the fast width equals lipgloss.Width.
func FuzzCellWidth(f *testing.F) {
	for _, s := range widthSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cellWidth(s), lipgloss.Width(s); got != want {
			t.Fatalf("cellWidth(%q) = %d, lipgloss.Width = %d", s, got, want)
		}
	})
}

func BenchmarkCellWidthRow(b *testing.B) {
	s := widthSamples[2]
	for b.Loop() {
		_ = cellWidth(s)
	}
}

func BenchmarkLipglossWidthRow(b *testing.B) {
	s := widthSamples[2]
	for b.Loop() {
		_ = lipgloss.Width(s)
	}
}
