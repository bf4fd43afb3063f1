package ui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// lineInput is a minimal one-line editor. The console renders its own input
// instead of the textinput bubble so that the text is exactly what the
// operator typed (no virtual cursor styling in NO_COLOR mode, stable golden
// files); the terminal's real cursor is placed on it through tea.View.Cursor.
type lineInput struct {
	value []rune
	pos   int
	limit int
}

// Value is the current text.
func (in *lineInput) Value() string { return string(in.value) }

// SetValue replaces the text and moves the cursor to its end.
func (in *lineInput) SetValue(s string) {
	in.value = []rune(s)
	if in.limit > 0 && len(in.value) > in.limit {
		in.value = in.value[:in.limit]
	}
	in.pos = len(in.value)
}

// Insert types s at the cursor, dropping control characters.
func (in *lineInput) Insert(s string) {
	s = ansi.Strip(s)
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		if in.limit > 0 && len(in.value) >= in.limit {
			return
		}
		in.value = append(in.value[:in.pos], append([]rune{r}, in.value[in.pos:]...)...)
		in.pos++
	}
}

// HandleKey applies an editing key and reports whether it was one.
func (in *lineInput) HandleKey(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "left", "ctrl+b":
		in.pos = max(0, in.pos-1)
	case "right", "ctrl+f":
		in.pos = min(len(in.value), in.pos+1)
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "ctrl+u":
		in.value = in.value[in.pos:]
		in.pos = 0
	case "ctrl+k":
		in.value = in.value[:in.pos]
	case "ctrl+w", "alt+backspace":
		i := in.pos
		for i > 0 && in.value[i-1] == ' ' {
			i--
		}
		for i > 0 && in.value[i-1] != ' ' {
			i--
		}
		in.value = append(in.value[:i], in.value[in.pos:]...)
		in.pos = i
	case "space":
		in.Insert(" ")
	default:
		k := msg.Key()
		if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper|tea.ModHyper) != 0 {
			return false
		}
		in.Insert(k.Text)
	}
	return true
}

// cursorX is the cursor's column within the whole text: what View reports
// for an unbounded width, without rendering (and allocating) a line of that
// width on every frame, which was a third of a keystroke's CPU.
func (in *lineInput) cursorX() int {
	return ansi.StringWidth(string(in.value[:in.pos]))
}

// View renders the text within w cells, scrolled so the cursor stays
// visible, and returns the cursor's column within the rendered text.
func (in *lineInput) View(w int) (string, int) {
	if w <= 1 {
		return "", 0
	}
	start := 0
	if in.pos >= w {
		start = in.pos - w + 1
	}
	end := min(len(in.value), start+w)
	s := string(in.value[start:end])
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))), ansi.StringWidth(string(in.value[start:in.pos]))
}
