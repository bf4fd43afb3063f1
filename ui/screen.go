package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// screen is one of the console's screens as a value: it owns its keys, its
// body, its copy text, the identifier `Y` copies, the keys the status line
// and help list, what `r` refreshes and its mark in the tab bar. The root
// model holds a stack of them (the panes at the bottom); adding a screen is
// its own file implementing screen plus the one place that pushes it.
type screen interface {
	// name is the screen as the help's "Keys here (…)" names it.
	name(m *Model) string
	// handleKey takes a key before the global keys; used reports
	// whether it did.
	handleKey(m *Model, msg tea.KeyPressMsg) (used bool, cmd tea.Cmd)
	// view renders the body in w×h cells.
	view(m *Model, w, h int) string
	// copyBody renders every row (up to maxCopyRows) for `y`, with c's
	// plain styles at width w, and says what the copy holds.
	copyBody(m *Model, c *common, w, tall int) (body, where string, k copied)
	// currentID is the identifier under the cursor, for `Y`.
	currentID(m *Model) (id, what string)
	// hints are the keys that work here, for the status line and help.
	hints(m *Model) []key.Binding
	// refresh reloads what the screen shows (`r`).
	refresh(m *Model) tea.Cmd
	// tab is the screen's mark at the right of the tab bar ("" none).
	tab() string
}

var (
	_ screen = panesScreen{}
	_ screen = stockScreen{}
	_ screen = journalScreen{}
)

// top is the screen on show.
func (m *Model) top() screen {
	if len(m.screens) == 0 {
		return panesScreen{}
	}
	return m.screens[len(m.screens)-1]
}

// show puts s on top of the panes, in place of any other screen there
// (the stock watch and the journal replace each other).
func (m *Model) show(s screen) { m.screens = append(m.screens[:1], s) }

// toPanes goes back to the provider panes.
func (m *Model) toPanes() { m.screens = m.screens[:1] }

// onPanes reports whether the provider panes are on show.
func (m *Model) onPanes() bool { return isScreen[panesScreen](m) }

// isScreen reports whether the screen on show is a T.
func isScreen[T screen](m *Model) bool {
	_, ok := m.top().(T)
	return ok
}
