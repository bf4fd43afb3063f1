package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"simdesk/present"
)

// cursorList is the virtualised part of every table: it knows how many rows
// there are, which one is selected and which window is visible, and nothing
// about their content. Moving costs O(1) whatever the row count, and views
// render only rows[offset:offset+height].
type cursorList struct {
	n, cursor, offset, height int
}

// SetLen sets the row count, keeping the cursor in range.
func (l *cursorList) SetLen(n int) {
	l.n = max(0, n)
	l.clamp()
}

// SetHeight sets how many rows are visible.
func (l *cursorList) SetHeight(h int) {
	l.height = max(1, h)
	l.clamp()
}

// Move moves the cursor by d rows.
func (l *cursorList) Move(d int) {
	l.cursor += d
	l.clamp()
}

// Select puts the cursor on row i.
func (l *cursorList) Select(i int) {
	l.cursor = i
	l.clamp()
}

func (l *cursorList) clamp() {
	if l.height <= 0 {
		l.height = 1
	}
	l.cursor = min(max(0, l.cursor), max(0, l.n-1))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = min(max(0, l.offset), max(0, l.n-l.height))
}

// Visible returns the half-open range of rows on screen.
func (l *cursorList) Visible() (from, to int) {
	return l.offset, min(l.n, l.offset+l.height)
}

// HandleKey applies a navigation key and reports whether it was one.
func (l *cursorList) HandleKey(msg tea.KeyPressMsg, k navKeys) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.Move(-1)
	case key.Matches(msg, k.Down):
		l.Move(1)
	case key.Matches(msg, k.Top):
		l.Select(0)
	case key.Matches(msg, k.Bottom):
		l.Select(l.n - 1)
	case key.Matches(msg, k.PageUp):
		l.Move(-l.height)
	case key.Matches(msg, k.PageDown):
		l.Move(l.height)
	default:
		return false
	}
	return true
}

// ScrollInfo is the "12–30 of 10 000" indicator, or "" when all rows fit.
func (l *cursorList) ScrollInfo() string {
	if l.n <= l.height {
		return ""
	}
	from, to := l.Visible()
	return present.Int64(int64(from+1)) + "–" + present.Int64(int64(to)) + " of " + present.Int64(int64(l.n))
}
