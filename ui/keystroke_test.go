package ui

import "testing"

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
