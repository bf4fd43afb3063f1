package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// stockScreen is the stock watch (`s`); its state is the model's
// stockWatch, which keeps polling while another screen is on show.
type stockScreen struct{}

func (stockScreen) name(*Model) string { return "stock watch" }

func (stockScreen) handleKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if m.stock.HandleKey(msg, &m.c) {
		return true, m.searchFrom(&m.stock.filter)
	}
	return false, nil
}

func (stockScreen) view(m *Model, w, h int) string { return m.stock.View(&m.c, w, h) }

func (stockScreen) copyBody(m *Model, c *common, w, tall int) (string, string, copied) {
	s := *m.stock
	k := copyTable(&s.list, "offers", "")
	s.wide, s.xoff = true, 0
	return s.View(c, w, tall), "stock", k
}

func (stockScreen) currentID(m *Model) (string, string) {
	if r, ok := m.stock.current(); ok {
		return r.offer.ID, "offer id"
	}
	return "", ""
}

func (stockScreen) hints(m *Model) []key.Binding {
	k := m.c.keys
	return []key.Binding{filterKey(k, "filter"), k.Line.SortNext, k.Global.Refresh, k.Global.Copy, k.Line.CopyID, k.Line.Wide, k.Nav.Back, k.Global.Help, k.Global.Quit}
}

func (stockScreen) refresh(m *Model) tea.Cmd { return m.stock.refreshAll(m.eng, m.opts.Now) }

func (stockScreen) tab() string { return "[s stock]" }
