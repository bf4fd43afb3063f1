package ui

import (
	"math/rand/v2"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// TestCursorXIsViewsColumn: the cursor column the input dialogs place the
// terminal cursor on is what View reports for an unbounded width, for wide
// runes and every cursor position.
func TestCursorXIsViewsColumn(t *testing.T) {
	for _, v := range []string{"", "9077613", "msisdn:+33 6 12", "日本語abc", "a😀b"} {
		in := lineInput{limit: 128}
		in.SetValue(v)
		for pos := 0; pos <= len(in.value); pos++ {
			in.pos = pos
			_, want := in.View(1 << 20)
			if got := in.cursorX(); got != want {
				t.Errorf("%q at %d: cursorX %d, View says %d", v, pos, got, want)
			}
		}
	}
}

// TestComposeIsOneCompositor: the dialog over the body drawn in two parts
// (the rows down to the dialog's bottom, then the body drawn alone, kept)
// is byte for byte what one compositor over both draws, for styled bodies
// (styles left open across lines included), wide runes, dialogs at the
// top and centred, and a body that changes under the same dialog.
func TestComposeIsOneCompositor(t *testing.T) {
	bold, red := lipgloss.NewStyle().Bold(true), lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Background(lipgloss.Color("4"))
	const w, h = 40, 12
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		switch rnd.IntN(6) {
		case 0:
			return bold.Render("bold")
		case 1:
			return red.Render("red 日本")
		case 2:
			return "\x1b[7mopen" // left open across the line's end
		case 3:
			return "\x1b[0m"
		case 4:
			return "😀"
		}
		return "plain"
	}
	m := &Model{}
	for range 300 {
		var lines []string
		for range h {
			var b strings.Builder
			for range rnd.IntN(6) {
				b.WriteString(word() + " ")
			}
			lines = append(lines, b.String())
		}
		body := block(strings.Join(lines, "\n"), w, h)
		var dl []string
		for range 1 + rnd.IntN(h+2) {
			dl = append(dl, word()+" "+word())
		}
		dv := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Render(strings.Join(dl, "\n"))
		dw, dh := lipgloss.Size(dv)
		x, y := max(0, (w-dw)/2), 0
		if rnd.IntN(2) == 0 {
			y = max(0, (h-dh)/2)
		}
		want := lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
		for range 2 { // drawn, then drawn from the kept body
			if got := m.compose(body, dv, x, y, dw, dh, w, h); got != want {
				t.Fatalf("compose differs from one compositor\nbody:\n%q\ndialog:\n%q\ngot:\n%q\nwant:\n%q", body, dv, got, want)
			}
		}
	}
}
