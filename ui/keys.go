package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the console, grouped by screen area. The
// status line, the `?` help and every Update read the same bindings, so the
// help can never drift from behaviour.
type KeyMap struct {
	Global  globalKeys
	Panes   paneKeys
	Nav     navKeys
	Line    lineKeys
	Journal journalKeys
	Dialog  dialogKeys
	Input   inputKeys
}

// globalKeys work on every screen unless an input or dialog has the focus.
type globalKeys struct {
	Search, Palette, Help, Quit, ForceQuit, Stock, Copy, Refresh, Messages key.Binding
}

// paneKeys switch between provider panes.
type paneKeys struct{ Next, Prev, Jump key.Binding }

// navKeys move in lists and tables and open or leave what is selected.
type navKeys struct {
	Up, Down, Top, Bottom, PageUp, PageDown, Open, Back key.Binding
}

// lineKeys act on the open line and its bucket table (Sort*, Wide and
// Scroll* work in the stock watch too).
type lineKeys struct {
	Topup, Zero, SortNext, SortPrev, Wide, ScrollLeft, ScrollRight, CopyID key.Binding
}

// journalKeys act in the journal view.
type journalKeys struct{ Reconcile key.Binding }

// dialogKeys answer a dialog. Yes is deliberately a letter, never enter:
// enter acts on the focused button, and "No" has the focus by default.
type dialogKeys struct{ Yes, No, Switch, Enter key.Binding }

// inputKeys drive the search and palette inputs.
type inputKeys struct{ Submit, Cancel, Up, Down, Complete, SearchInstead key.Binding }

// defaultKeyMap is the contract's key map (CONTRACT.md, Keys).
func defaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Global: globalKeys{
			Search:    b([]string{"/"}, "/", "search"),
			Palette:   b([]string{":"}, ":", "commands"),
			Help:      b([]string{"?"}, "?", "help"),
			Quit:      b([]string{"q"}, "q", "quit"),
			ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit now"),
			Stock:     b([]string{"s"}, "s", "stock"),
			Copy:      b([]string{"y"}, "y", "copy"),
			Refresh:   b([]string{"r"}, "r", "refresh"),
			Messages:  b([]string{"m"}, "m", "last messages, whole"),
		},
		Panes: paneKeys{
			Next: b([]string{"tab"}, "tab", "next pane"),
			Prev: b([]string{"shift+tab"}, "shift+tab", "prev pane"),
			Jump: b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1–9", "jump to pane"),
		},
		Nav: navKeys{
			Up:       b([]string{"up", "k"}, "↑/k", "up"),
			Down:     b([]string{"down", "j"}, "↓/j", "down"),
			Top:      b([]string{"g", "home"}, "g", "top"),
			Bottom:   b([]string{"G", "end"}, "G", "bottom"),
			PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
			PageDown: b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
			Open:     b([]string{"enter"}, "enter", "open"),
			Back:     b([]string{"esc"}, "esc", "back, cancel"),
		},
		Line: lineKeys{
			Topup:       b([]string{"t"}, "t", "top-up"),
			Zero:        b([]string{"z"}, "z", "show/fold empty buckets"),
			SortNext:    b([]string{">"}, ">", "sort by next column"),
			SortPrev:    b([]string{"<"}, "<", "sort by previous column"),
			Wide:        b([]string{"w"}, "w", "wide: every column whole"),
			ScrollLeft:  b([]string{"left", "h"}, "←/h", "scroll left (wide)"),
			ScrollRight: b([]string{"right", "l"}, "→/l", "scroll right (wide)"),
			CopyID:      b([]string{"Y"}, "Y", "copy the identifier"),
		},
		Journal: journalKeys{Reconcile: b([]string{"r"}, "r", "reconcile")},
		Dialog: dialogKeys{
			Yes:    b([]string{"y", "Y"}, "y", "confirm"),
			No:     b([]string{"n", "N", "esc"}, "n/esc", "cancel"),
			Switch: b([]string{"left", "right", "h", "l", "tab", "shift+tab"}, "←/→", "switch"),
			Enter:  b([]string{"enter"}, "enter", "press button"),
		},
		Input: inputKeys{
			Submit:   b([]string{"enter"}, "enter", "run"),
			Cancel:   b([]string{"esc"}, "esc", "close"),
			Up:       b([]string{"up", "ctrl+p"}, "↑", "previous match"),
			Down:     b([]string{"down", "ctrl+n"}, "↓", "next match"),
			Complete: b([]string{"tab"}, "tab", "complete"),
			// SearchInstead searches the typed text where enter would keep
			// it as a filter (an open line, the stock watch, the journal).
			SearchInstead: b([]string{"ctrl+s"}, "ctrl+s", "search it instead of filtering"),
		},
	}
}

// helpSection is one area of the `?` screen: a heading and its keys.
type helpSection struct {
	Title string
	Keys  []key.Binding
}

// Sections are the `?` screen's areas, from the same bindings every Update
// matches against.
func (k KeyMap) Sections() []helpSection {
	return []helpSection{
		{"Everywhere", []key.Binding{k.Global.Search, k.Global.Palette, k.Global.Stock, k.Global.Refresh, k.Global.Copy, k.Line.CopyID, k.Global.Messages, k.Global.Help, k.Global.Quit, k.Global.ForceQuit}},
		{"Panes", []key.Binding{k.Panes.Next, k.Panes.Prev, k.Panes.Jump}},
		{"Lists and tables", []key.Binding{k.Nav.Up, k.Nav.Down, k.Nav.Top, k.Nav.Bottom, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Open, k.Nav.Back}},
		{"Line and stock tables", []key.Binding{k.Line.Topup, k.Line.Zero, k.Line.SortNext, k.Line.SortPrev, k.Line.Wide, k.Line.ScrollLeft, k.Line.ScrollRight}},
		{"Journal", []key.Binding{k.Journal.Reconcile}},
		{"Confirmations", []key.Binding{k.Dialog.Yes, k.Dialog.No, k.Dialog.Switch, k.Dialog.Enter}},
	}
}

// FullHelp is every binding of the `?` screen, one group per area.
func (k KeyMap) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, s := range k.Sections() {
		out = append(out, s.Keys)
	}
	return out
}

// ShortHelp is the default status-line hint.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Global.Search, k.Nav.Open, k.Line.Topup, k.Global.Stock, k.Global.Refresh, k.Global.Copy, k.Global.Palette, k.Global.Help, k.Global.Quit}
}
