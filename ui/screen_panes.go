package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/model"
	"simdesk/present"
)

// panesScreen is the provider panes: the active pane's search state, line
// picker, open line or bucket detail. It is the bottom of the stack.
type panesScreen struct{}

func (panesScreen) name(m *Model) string {
	p := m.activePane()
	switch {
	case p != nil && p.view != nil && p.view.detail != nil:
		return "bucket detail"
	case p != nil && p.view != nil:
		return "line"
	case p != nil && p.status == paneDone && len(p.lines) > 1:
		return "line picker"
	}
	return "panes"
}

func (panesScreen) handleKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	p := m.activePane()
	return p != nil && p.HandleKey(msg, &m.c), nil
}

func (panesScreen) view(m *Model, w, h int) string {
	p := m.activePane()
	if p == nil {
		return m.c.st.Muted.Render("no provider is configured: add [[provider]] sections to the config file")
	}
	return p.View(&m.c, w, h)
}

func (panesScreen) copyBody(m *Model, c *common, w, tall int) (string, string, copied) {
	p := m.activePane()
	if p == nil {
		return "", "", copied{}
	}
	var k copied
	switch {
	case p.view != nil && p.view.detail != nil:
		return strings.Join(p.view.detail.content(c, w), "\n"), p.name, k
	case p.view != nil:
		v := *p.view
		if v.filter != "" {
			k.left += " (filter \"" + v.filter + "\" of " + present.Int(len(v.line.Buckets)) + ")"
		}
		if v.folded > 0 {
			k.left += " (" + present.Int(v.folded) + " empty folded: z shows them)"
		}
		k = copyTable(&v.list, "buckets", k.left)
		v.wide, v.rows, v.copying = 0, rowCache{}, true
		return v.View(c, w, tall), p.name, k
	}
	cp := *p
	k = copyTable(&cp.picker, "lines", "")
	return cp.View(c, w, tall), p.name, k
}

func (panesScreen) currentID(m *Model) (string, string) {
	p := m.activePane()
	if p == nil {
		return "", ""
	}
	l := p.line()
	if l == nil && p.status == paneDone && p.picker.cursor < len(p.lines) {
		l = &p.lines[p.picker.cursor]
	}
	if l == nil {
		return "", ""
	}
	if l.Type == model.Transaction || (l.TransactionID != "" && p.view == nil) {
		return l.TransactionID, "transaction id"
	}
	v := present.MaskID(m.c.mask, l.Type, l.ID)
	if l.Account != "" && p.showsAccount() {
		v += "@" + l.Account
	}
	return v, l.Type.Label()
}

func (panesScreen) hints(m *Model) []key.Binding {
	k := m.c.keys
	p := m.activePane()
	if p != nil && p.view != nil && p.view.detail != nil {
		return []key.Binding{k.Nav.Back, k.Nav.Up, k.Nav.Down, k.Global.Copy, k.Global.Help}
	}
	if p != nil && p.view != nil {
		return []key.Binding{k.Global.Search, k.Nav.Open, k.Line.Topup, k.Global.Stock, k.Global.Refresh, k.Global.Copy, k.Line.CopyID, k.Line.Zero, k.Line.SortNext, k.Line.Wide, k.Global.Palette, k.Global.Help, k.Global.Quit}
	}
	return []key.Binding{k.Global.Search, k.Panes.Next, k.Global.Stock, k.Global.Palette, k.Global.Help, k.Global.Quit}
}

func (panesScreen) refresh(m *Model) tea.Cmd {
	p := m.activePane()
	if p == nil || p.query.Value == "" || p.status == paneSkipped || p.status == paneLoading {
		m.setStatus("nothing to refresh: press / to search", statusInfo)
		return nil
	}
	return m.refreshPane(p, false)
}

func (panesScreen) tab() string { return "" }
