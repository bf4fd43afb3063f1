package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Which pane a search brings forward is decided once, by a rule the
// operator can predict: the first pane in forward order that found the
// line, as soon as every pane before it has answered, or, when one of
// those is slow, forwardWait after the search began (then the first that
// has found it, in that order). Forward order is the configured order with
// the top-up targets (a TMF654 balance pane, config key topup_target) after
// the others, so a usage pane that found the same line comes first. Once
// decided, or once the operator picks a pane, nothing moves under the cursor.
const forwardWait = 1500 * time.Millisecond

// forwardMsg says forwardWait has passed for search req.
type forwardMsg struct{ req int }

// forwardCmd starts the bound of search req.
func (m *Model) forwardCmd(req int) tea.Cmd {
	return m.after(forwardWait, func(time.Time) tea.Msg { return forwardMsg{req} })
}

// forwardOrder lists pane indexes in forward order.
func (m *Model) forwardOrder() []int {
	out := make([]int, 0, len(m.panes))
	for _, target := range []bool{false, true} {
		for i, p := range m.panes {
			if p.topupTarget == target {
				out = append(out, i)
			}
		}
	}
	return out
}

// firstAsked is the first pane in forward order that search req asks, or -1.
func (m *Model) firstAsked(asks map[string]bool) int {
	for _, i := range m.forwardOrder() {
		if asks[m.panes[i].name] {
			return i
		}
	}
	return -1
}

// onForward marks the bound of a search as passed and decides.
func (m *Model) onForward(msg forwardMsg) {
	if msg.req == m.autoReq {
		m.forwardLate = true
		m.decideForward()
	}
}

// decideForward brings forward the pane the rule picks, if it can be
// picked yet; the decision ends automatic switching for the search.
func (m *Model) decideForward() {
	if m.autoReq == 0 {
		return
	}
	for _, i := range m.forwardOrder() {
		p := m.panes[i]
		switch {
		case p.status == paneDone && len(p.lines) > 0:
			m.active, m.autoReq = i, 0
			return
		case p.status == paneLoading && !m.forwardLate:
			return // a pane before the others has not answered yet
		}
	}
}
