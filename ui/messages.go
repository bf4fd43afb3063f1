package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/present"
)

// maxMessages is how many of the last status messages `m` keeps.
const maxMessages = 50

// loggedStatus is a status message as it was said, whole.
type loggedStatus struct {
	at   time.Time
	text string
	kind statusKind
}

// logMessage keeps a status message for the messages dialog; the same
// message twice in a row is kept once.
func (m *Model) logMessage(s statusLine) {
	if n := len(m.msgLog); n > 0 && m.msgLog[n-1].text == s.text {
		m.msgLog[n-1].at = s.at
		return
	}
	if len(m.msgLog) == maxMessages {
		copy(m.msgLog, m.msgLog[1:])
		m.msgLog = m.msgLog[:maxMessages-1]
	}
	m.msgLog = append(m.msgLog, loggedStatus{at: s.at, text: s.text, kind: s.kind})
}

// messagesDialog is `m`: the last status messages, newest first, each one
// whole (wrapped, never cut), so a message longer than the status line
// can always be read.
type messagesDialog struct {
	msgs   []loggedStatus
	offset int
}

var _ Dialog = (*messagesDialog)(nil)

func newMessagesDialog(log []loggedStatus) *messagesDialog {
	msgs := make([]loggedStatus, len(log))
	for i, l := range log {
		msgs[len(log)-1-i] = l
	}
	return &messagesDialog{msgs: msgs}
}

// ID implements Dialog.
func (d *messagesDialog) ID() string { return "messages" }

// Keys implements Dialog.
func (d *messagesDialog) Keys(k KeyMap) []key.Binding {
	return []key.Binding{k.Nav.Down, k.Nav.Up, k.Nav.Back}
}

// HandleKey implements Dialog: esc, m or q close it; ↑↓ scroll it.
func (d *messagesDialog) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	return scrollKey(msg, c, &d.offset, c.keys.Global.Messages)
}

// scrollKey is the keys of a dialog that only scrolls (the help, the
// messages): esc, q or its own key close it, ↑↓ scroll it.
func scrollKey(msg tea.KeyPressMsg, c *common, offset *int, own key.Binding) Action {
	k := c.keys.Nav
	switch {
	case key.Matches(msg, k.Back, own, c.keys.Global.Quit):
		return cancelAction{}
	case key.Matches(msg, k.Down, k.PageDown):
		*offset++
	case key.Matches(msg, k.Up, k.PageUp):
		*offset = max(0, *offset-1)
	}
	return nil
}

// View implements Dialog.
func (d *messagesDialog) View(c *common, w, h int) string {
	st := c.st
	inner := max(20, min(100, w)-4)
	out := []string{st.Title.Render("Messages") + st.Muted.Render("  newest first · the last "+itoa(maxMessages)+" are kept")}
	if len(d.msgs) == 0 {
		out = append(out, st.Muted.Render("  no message yet"))
	}
	for _, l := range d.msgs {
		sty := st.Normal
		switch l.kind {
		case statusOK:
			sty = st.OK
		case statusWarn:
			sty = st.Warn
		case statusError, statusAlert:
			sty = st.Danger
		}
		stamp := l.at.UTC().Format("15:04:05") + " "
		for i, part := range wrap(l.text, inner-len(stamp)) {
			lead := stamp
			if i > 0 {
				lead = strings.Repeat(" ", len(stamp))
			}
			out = append(out, st.Muted.Render(lead)+sty.Render(part))
		}
	}
	out = scrollWindow(c, out, &d.offset, max(3, h-2))
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(out, "\n"))
}

// scrollWindow shows room lines of out from *offset (clamped), the last
// one saying where the window is: "↓ more · lines 1–20 of 33" while more
// follows, "↑ end · lines 14–33 of 33" at the end.
func scrollWindow(c *common, out []string, offset *int, room int) []string {
	if len(out) <= room {
		return out
	}
	rows := room - 1
	*offset = max(0, min(*offset, len(out)-rows))
	from, to := *offset, *offset+rows
	where := "lines " + itoa(from+1) + "–" + itoa(to) + " of " + itoa(len(out))
	foot := "↓ more · " + where
	if to == len(out) {
		foot = "↑ end · " + where
	}
	return append(append([]string(nil), out[from:to]...), c.st.Muted.Render(foot))
}
