package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// journalScreen is the journal view (`:journal`): recent attempts, one
// opened whole, reconciliation.
type journalScreen struct{}

func (journalScreen) name(*Model) string { return "journal" }

func (journalScreen) handleKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if key.Matches(msg, m.c.keys.Journal.Reconcile) {
		return true, m.reconcile()
	}
	if m.journal.HandleKey(msg, &m.c) {
		return true, m.searchFrom(&m.journal.filter)
	}
	return false, nil
}

func (journalScreen) view(m *Model, w, h int) string { return m.journal.View(&m.c, w, h) }

func (journalScreen) copyBody(m *Model, c *common, w, tall int) (string, string, copied) {
	j := *m.journal
	k := copyTable(&j.list, "attempts", "")
	return j.View(c, w, tall), "journal", k
}

func (journalScreen) currentID(m *Model) (string, string) {
	if a, ok := m.journal.current(); ok {
		return a.Intent.JournalID, "journal id"
	}
	return "", ""
}

func (journalScreen) hints(m *Model) []key.Binding {
	k := m.c.keys
	return []key.Binding{k.Journal.Reconcile, openKey(k, "details"), filterKey(k, "filter"), k.Global.Copy, k.Line.CopyID, k.Nav.Back, k.Global.Help, k.Global.Quit}
}

func (journalScreen) refresh(m *Model) tea.Cmd { return m.openJournal() }

func (journalScreen) tab() string { return "[:journal]" }
