package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"simdesk/present"
)

// HelpDialog is the `?` screen. Its key table is generated from the same
// KeyMap the Updates match against, and its command list from the same
// command table the palette runs, so neither can drift from behaviour.
type HelpDialog struct {
	cmds []paletteCommand
}

var _ Dialog = (*HelpDialog)(nil)

// NewHelpDialog opens the help over the palette's commands.
func NewHelpDialog(cmds []paletteCommand) *HelpDialog { return &HelpDialog{cmds: cmds} }

// ID implements Dialog.
func (d *HelpDialog) ID() string { return "help" }

// Keys implements Dialog.
func (d *HelpDialog) Keys(k KeyMap) []key.Binding { return []key.Binding{k.Nav.Back, k.Global.Help} }

// HandleKey implements Dialog: esc, ? or q close the help.
func (d *HelpDialog) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	if key.Matches(msg, c.keys.Nav.Back, c.keys.Global.Help, c.keys.Global.Quit) {
		return cancelAction{}
	}
	return nil
}

// helpModel is the help bubble dressed in the console's styles.
func helpModel(c *common, w int) help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis: c.st.Muted, ShortKey: c.st.Key, ShortDesc: c.st.Desc, ShortSeparator: c.st.Subtle,
		FullKey: c.st.Key, FullDesc: c.st.Desc, FullSeparator: c.st.Subtle,
	}
	h.SetWidth(w)
	return h
}

// View implements Dialog.
func (d *HelpDialog) View(c *common, w, h int) string {
	st := c.st
	inner := max(20, min(100, w)-4)
	hm := helpModel(c, 0) // measured unbounded, then laid out to fit
	hm.FullSeparator = "   "
	groups := c.keys.FullHelp()
	keys := hm.FullHelpView(groups)
	if lipgloss.Width(keys) > inner {
		// Too narrow for one row of columns: two rows of two.
		keys = hm.FullHelpView(groups[:2]) + "\n\n" + hm.FullHelpView(groups[2:])
	}
	out := []string{st.Title.Render("Keys")}
	out = append(out, strings.Split(keys, "\n")...)
	out = append(out, "", st.Title.Render("Commands")+st.Muted.Render("  (press : then type; fuzzy matching)"))
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
	out = append(out, wrap(strings.Join(cmds, " · "), inner)...)
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(limitLines(out, h-2), "\n"))
}
