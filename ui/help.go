package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/present"
)

// helpDialog is the `?` screen: the keys of the screen it was opened on
// first, then every area with a heading, a legend for every symbol the
// console draws, and the commands. Its keys come from the same KeyMap the
// Updates match against, and its commands from the palette's table, so
// neither can drift from behaviour. It scrolls when taller than the screen.
type helpDialog struct {
	cmds   []paletteCommand
	where  string
	here   []key.Binding
	offset int
}

var _ Dialog = (*helpDialog)(nil)

// newHelpDialog opens the help over the palette's commands, with the keys
// of the current screen (where) first.
func newHelpDialog(cmds []paletteCommand, where string, here []key.Binding) *helpDialog {
	return &helpDialog{cmds: cmds, where: where, here: here}
}

// ID implements Dialog.
func (d *helpDialog) ID() string { return "help" }

// Keys implements Dialog.
func (d *helpDialog) Keys(k KeyMap) []key.Binding {
	return []key.Binding{k.Nav.Down, k.Nav.Up, k.Nav.Back, k.Global.Help}
}

// HandleKey implements Dialog: esc, ? or q close the help; ↑↓ scroll it.
func (d *helpDialog) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	return scrollKey(msg, c, &d.offset, c.keys.Global.Help)
}

// legend explains every symbol the console draws; meaning is always also
// in text, so NO_COLOR loses nothing.
var legend = [][2]string{
	{"●", "provider healthy"}, {"!", "failed lately / stock LOW"}, {"✖", "failing, error or EMPTY"},
	{"○", "not called yet"}, {"∅", "not found"}, {"✓", "found (✓3: three lines)"}, {"▸", "cursor"},
	{"?", "top-up outcome unknown"}, {"LOW", "stock at or under the low mark"}, {"EMPTY", "no stock: cannot be sold"},
	{"unlimited", "no limit (the detail shows the provider's value)"}, {"never", "does not expire"},
}

// keyLine renders bindings as "key desc" items, wrapped to w.
func keyLine(c *common, bs []key.Binding, w int) []string {
	var items []string
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		items = append(items, h.Key+" "+h.Desc)
	}
	return wrapItems(items, w)
}

// wrapItems lays items out in lines of at most w cells, indented by two,
// breaking only between items so that no key or symbol is parted from its
// meaning.
func wrapItems(items []string, w int) []string {
	var out []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case present.Width(cur)+3+present.Width(it) <= w-2:
			cur += " · " + it
		default:
			out = append(out, "  "+cur)
			cur = it
		}
	}
	if cur != "" {
		out = append(out, "  "+cur)
	}
	return out
}

func (d *helpDialog) content(c *common, inner int) []string {
	st := c.st
	var out []string
	if len(d.here) > 0 {
		out = append(out, st.Title.Render("Keys here ("+d.where+")"))
		out = append(out, keyLine(c, d.here, inner)...)
	}
	for _, s := range c.keys.Sections() {
		out = append(out, st.Title.Render(s.Title))
		out = append(out, keyLine(c, s.Keys, inner)...)
	}
	for _, l := range wrap("/ filters as you type in the stock watch, the journal and an open line (its buckets), and enter keeps the filter; a type prefix (sub:, msisdn:, sim:, trx:) or ctrl+s searches instead; esc clears", inner-2) {
		out = append(out, st.Muted.Render("  "+l))
	}
	out = append(out, st.Title.Render("Symbols"))
	var items []string
	for _, l := range legend {
		items = append(items, l[0]+" "+l[1])
	}
	out = append(out, wrapItems(items, inner)...)
	out = append(out, st.Title.Render("Commands")+st.Muted.Render("  (press : then type; fuzzy matching)"))
	var cmds []string
	seen := map[string]bool{}
	for _, p := range d.cmds {
		u := p.Usage
		if p.Name == "pane" {
			u = "pane <name>"
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		cmds = append(cmds, u)
	}
	return append(out, wrapItems(cmds, inner)...)
}

// View implements Dialog.
func (d *helpDialog) View(c *common, w, h int) string {
	inner := max(20, min(100, w)-4)
	out := d.content(c, inner)
	out = scrollWindow(c, out, &d.offset, max(3, h-2))
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return c.st.Dialog.Render(strings.Join(out, "\n"))
}
