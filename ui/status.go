package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/present"
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusWarn
	statusError
	statusAlert // a stock alert: stays longer
)

// statusLine is the last message for the operator, shown in place of the key
// hints for a while.
type statusLine struct {
	text string
	kind statusKind
	at   time.Time
}

// How long messages stay on the status line.
const (
	statusTTL = 10 * time.Second
	alertTTL  = 60 * time.Second
)

func (m *Model) setStatus(text string, kind statusKind) {
	m.status = statusLine{text: text, kind: kind, at: m.c.now}
	m.logMessage(m.status)
}

// hints lists the keys that work in the current context, from the key map.
func (m *Model) hints() []key.Binding {
	k := m.c.keys
	if d := m.dialogs.top(); d != nil {
		return d.Keys(k)
	}
	return m.top().hints(m)
}

// statusView renders the status line: a fresh message, else the key hints.
func (m *Model) statusView(w int) string {
	st := m.c.st
	ttl := statusTTL
	if m.status.kind == statusAlert {
		ttl = alertTTL
	}
	if m.status.text != "" && m.c.now.Sub(m.status.at) < ttl {
		text := m.status.text
		if present.Width(text) > w {
			// Cut, it says where to read it whole.
			more := " · " + m.c.keys.Global.Messages.Help().Key + " shows it whole"
			text = present.Clip(text, max(1, w-present.Width(more))) + more
		}
		text = present.Clip(text, w)
		switch m.status.kind {
		case statusOK:
			return st.OK.Render(text)
		case statusWarn:
			return st.Warn.Render(text)
		case statusError, statusAlert:
			return st.Danger.Render(text)
		}
		return st.Normal.Render(text)
	}
	// The help key always shows (it explains the rest); the others in
	// order of importance while they fit.
	var parts []string
	used := 0
	var help *key.Binding
	hs := m.withLinksHint(m.hints())
	for i, b := range hs {
		if key.Matches(tea.KeyPressMsg{Code: '?', Text: "?"}, b) {
			help = &hs[i]
			used += len([]rune(b.Help().Key)) + 1 + len([]rune(b.Help().Desc)) + 2
		}
	}
	for _, b := range hs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		if help != nil && h.Key == help.Help().Key {
			continue
		}
		n := len([]rune(h.Key)) + 1 + len([]rune(h.Desc)) + 2
		if used+n > w {
			continue
		}
		used += n
		parts = append(parts, st.Key.Render(h.Key)+" "+st.Desc.Render(h.Desc))
	}
	if help != nil {
		parts = append(parts, st.Key.Render(help.Help().Key)+" "+st.Desc.Render(help.Help().Desc))
	}
	return strings.Join(parts, "  ")
}

// where names the current screen, for the help's "Keys here".
func (m *Model) where() string { return m.top().name(m) }

// filterKey is `/` as the lists that filter describe it.
func filterKey(k KeyMap, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k.Global.Search.Keys()...), key.WithHelp(k.Global.Search.Help().Key, desc))
}

// openKey is enter as a list describes it.
func openKey(k KeyMap, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k.Nav.Open.Keys()...), key.WithHelp(k.Nav.Open.Help().Key, desc))
}
