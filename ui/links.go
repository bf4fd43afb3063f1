package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/config"
	"simdesk/model"
	"simdesk/present"
)

// Links to the team's tools ([[links]] in the config): o on a line, a
// bucket's detail or a journal entry lists the links the row can fill, and
// a link's key shows its URL as a terminal hyperlink (OSC 8) and copies it
// (OSC 52). Both are escape sequences written to the operator's terminal,
// so they work over SSH, and nothing is ever run on the server.

// linksKey opens the links menu.
var linksKey = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "links"))

// offeredLink is a link filled for the row under the cursor.
type offeredLink struct {
	config.Link
	url     string // the expanded URL: the hyperlink's target and the copy
	display string // what the screen shows of it: identifiers masked when the console masks them
}

// linkValues are the placeholders' values of the row under the cursor: the
// open line (also under its bucket detail) or the journal entry.
func (m *Model) linkValues() (vals map[string]string, what string) {
	switch m.top().(type) {
	case journalScreen:
		a, ok := m.journal.current()
		if !ok {
			return nil, ""
		}
		vals = map[string]string{"journal_id": a.Intent.JournalID, "provider": a.Intent.Provider}
		setID(vals, model.IDType(a.Intent.TargetType), a.Intent.TargetID)
		if a.Outcome != nil {
			vals["transaction"] = a.Outcome.TransactionID
		}
		return vals, "journal entry " + a.Intent.JournalID
	case panesScreen:
		p := m.activePane()
		if p == nil || p.line() == nil {
			return nil, ""
		}
		l := p.line()
		vals = map[string]string{"provider": p.name, "account": l.Account, "msisdn": l.MSISDN, "sim": l.SimID, "transaction": l.TransactionID}
		setID(vals, l.Type, l.ID)
		return vals, string(l.Type) + " " + present.MaskID(m.c.mask, l.Type, l.ID)
	}
	return nil, ""
}

func setID(vals map[string]string, t model.IDType, id string) {
	switch t {
	case model.MSISDN, model.SIM, model.Subscription:
		vals[string(t)] = id
	case model.Transaction:
		vals["transaction"] = id
	}
}

// offerLinks fills every configured link the row can fill, in config order.
// Provider text in the values is escaped into the URL, never shown raw.
func offerLinks(links []config.Link, vals map[string]string, mask bool) []offeredLink {
	var out []offeredLink
	for _, l := range links {
		u, ok := l.Expand(vals)
		if !ok {
			continue
		}
		shown := u
		if mask {
			shown = maskURL(l, vals)
		}
		out = append(out, offeredLink{Link: l, url: u, display: shown})
	}
	return out
}

// maskURL is the URL with every identifier masked as the screen masks it,
// for consoles that are screen-shared: the clipboard still gets the real one.
func maskURL(l config.Link, vals map[string]string) string {
	masked := map[string]string{}
	for k, v := range vals {
		masked[k] = v
		switch k {
		case "msisdn", "sim", "subscription":
			masked[k] = present.MaskID(true, model.IDType(k), v)
		}
	}
	u, _ := l.Expand(masked)
	return u
}

// hyperlink wraps text in an OSC 8 hyperlink to url. url is an expanded
// link: printable ASCII by construction (config validates the template,
// Expand escapes every value), so it cannot end the sequence early.
func hyperlink(url, text string) string {
	return ansi.SetHyperlink(url) + text + ansi.ResetHyperlink()
}

// linksDialog is the links menu of one row.
type linksDialog struct {
	what   string
	links  []offeredLink
	picked int // -1 until a key picked a link
}

var _ Dialog = (*linksDialog)(nil)

func (d *linksDialog) ID() string { return "links" }

func (d *linksDialog) Keys(k KeyMap) []key.Binding {
	keys := make([]string, len(d.links))
	for i, l := range d.links {
		keys[i] = l.Key
	}
	return []key.Binding{key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), "show and copy")), k.Nav.Back}
}

// HandleKey closes the menu on esc or q; a link's key is handled by the
// root (linkDialogKey), which alone may return the clipboard command.
func (d *linksDialog) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	if key.Matches(msg, c.keys.Nav.Back, c.keys.Global.Quit, linksKey) {
		return cancelAction{}
	}
	return nil
}

func (d *linksDialog) View(c *common, w, h int) string {
	inner := max(20, min(100, w)-4)
	out := []string{c.st.Title.Render(present.Clip("Links · "+d.what, inner))}
	for i, l := range d.links {
		mark := "  "
		if i == d.picked {
			mark = "▸ "
		}
		out = append(out, present.Fit(mark+c.st.Key.Render(l.Key)+" "+l.Name, inner))
	}
	if d.picked >= 0 {
		l := d.links[d.picked]
		out = append(out, "", hyperlink(l.url, c.st.Accent.Render(present.Clip(l.display, inner))),
			c.st.Muted.Render(present.Clip("copied (OSC 52) · ctrl/cmd+click opens it in your terminal", inner)))
	}
	return c.st.Dialog.Render(strings.Join(out, "\n"))
}

// openLinks is o: the links menu of the row under the cursor, when links
// are configured (otherwise o is not taken, and falls through).
func (m *Model) openLinks(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if len(m.opts.Links) == 0 || !key.Matches(msg, linksKey) {
		return nil, false
	}
	vals, what := m.linkValues()
	if vals == nil {
		m.setStatus("links: open a line or a journal entry first", statusInfo)
		return nil, true
	}
	offered := offerLinks(m.opts.Links, vals, m.c.mask)
	if len(offered) == 0 {
		m.setStatus("no link fits this row (each needs its placeholders)", statusInfo)
		return nil, true
	}
	m.dialogs.push(&linksDialog{what: what, links: offered, picked: -1})
	return nil, true
}

// linkDialogKey handles a link's key in the open links menu: it shows the
// link and copies it.
func (m *Model) linkDialogKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	d, ok := m.dialogs.top().(*linksDialog)
	if !ok {
		return nil, false
	}
	for i, l := range d.links {
		if msg.Text == l.Key {
			d.picked = i
			m.setStatus("copied the "+l.Name+" link (OSC 52)", statusOK)
			return tea.SetClipboard(l.url), true
		}
	}
	return nil, false
}

// withLinksHint adds "o links" to the status line's keys where o opens the
// links menu of a row (an open line, its bucket detail, the journal), when
// links are configured: third, so that it shows on a narrow screen too.
func (m *Model) withLinksHint(hs []key.Binding) []key.Binding {
	if len(m.opts.Links) == 0 || m.dialogs.top() != nil {
		return hs
	}
	if vals, _ := m.linkValues(); vals == nil {
		return hs
	}
	at := min(2, len(hs))
	out := make([]key.Binding, 0, len(hs)+1)
	out = append(append(append(out, hs[:at]...), linksKey), hs[at:]...)
	return out
}
