package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/present"
)

// listFilter is `/` inside a list (the stock watch, the journal): it
// filters the rows as the operator types, k9s-style, with the match count;
// enter keeps the filter, esc clears it. As in an open line, searching
// from here is explicit: text with a type prefix (sub:…, msisdn:…) or
// SearchInstead hands the text to the search (searchFor) instead.
type listFilter struct {
	in      lineInput
	editing bool
	// searchFor is text the operator asked to search; the root takes it
	// (takeSearch) after the key.
	searchFor string
}

// takeSearch returns and forgets the search the filter asked for.
func (f *listFilter) takeSearch() string {
	s := f.searchFor
	f.searchFor = ""
	return s
}

// searches reports whether enter would search the typed text.
func (f *listFilter) searches() bool { return typedPrefix(strings.TrimSpace(f.in.Value())) }

// text is the filter in force, lower-cased; "" keeps every row.
func (f *listFilter) text() string { return strings.ToLower(strings.TrimSpace(f.in.Value())) }

// active reports whether the filter is being typed or in force.
func (f *listFilter) active() bool { return f.editing || f.text() != "" }

// match reports whether a row's text contains the filter.
func (f *listFilter) match(s string) bool {
	t := f.text()
	return t == "" || strings.Contains(strings.ToLower(s), t)
}

// HandleKey takes `/` to start, keys while editing, and esc to clear. It
// reports whether it used the key and whether the filter changed.
func (f *listFilter) HandleKey(msg tea.KeyPressMsg, c *common) (used, changed bool) {
	switch {
	case !f.editing && key.Matches(msg, c.keys.Global.Search):
		f.editing = true
		return true, false
	case !f.editing && f.text() != "" && key.Matches(msg, c.keys.Nav.Back):
		f.in.SetValue("")
		return true, true
	case !f.editing:
		return false, false
	case key.Matches(msg, c.keys.Input.Cancel):
		f.editing = false
		f.in.SetValue("")
		return true, true
	case key.Matches(msg, c.keys.Input.SearchInstead), key.Matches(msg, c.keys.Input.Submit) && f.searches():
		if t := strings.TrimSpace(f.in.Value()); t != "" {
			f.searchFor = t
			f.editing = false
			f.in.SetValue("")
			return true, true
		}
		return true, false
	case key.Matches(msg, c.keys.Input.Submit), key.Matches(msg, c.keys.Nav.Up, c.keys.Nav.Down) && msg.Text == "":
		f.editing = false
		return true, false
	}
	before := f.in.Value()
	f.in.HandleKey(msg)
	return true, f.in.Value() != before
}

// view is the filter line: what is typed, the match count and the keys.
func (f *listFilter) view(c *common, n, total, w int) string {
	txt := f.in.Value()
	if f.editing {
		txt += "▏"
	}
	info := "  " + present.Int(n) + " of " + present.Int(total) + " match"
	switch {
	case f.editing && f.searches():
		info = "  enter searches " + strings.TrimSpace(f.in.Value()) + " · esc clears"
	case f.editing:
		info += " · enter keeps this filter · " + c.keys.Input.SearchInstead.Help().Key + " searches · esc clears"
	default:
		info += " · esc clears"
	}
	return c.st.Accent.Render(present.Clip("/ "+txt, max(10, w-present.Width(info)))) + c.st.Muted.Render(info)
}
