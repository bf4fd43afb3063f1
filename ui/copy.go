package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/model"
	"simdesk/present"
)

// maxCopyLines bounds a copy: OSC 52 payloads pass through terminals and
// tmux, which cap them; thousands of lines are already more than a ticket
// needs.
const maxCopyLines = 5000

// copyView is `y`: the current view, complete (every row, not only the
// visible ones) and as plain text, to the clipboard through OSC 52, which
// works over SSH and, with set-clipboard on, in tmux.
func (m *Model) copyView() tea.Cmd {
	text := m.copyText()
	n := strings.Count(text, "\n") + 1
	m.setStatus("copied "+itoa(n)+" lines to the clipboard (OSC 52; in tmux: set -g set-clipboard on)", statusOK)
	return tea.SetClipboard(text)
}

// copyText renders the current screen's content with the colourless
// styles and every row, masked like the screen.
func (m *Model) copyText() string {
	c := m.c
	c.st = c.plain
	// Full width: every value whole (ids, offer names, amounts), not the
	// cut screen; trailing spaces are trimmed below.
	const w = 1000
	const tall = maxCopyLines + 50
	var body, where string
	switch m.screen {
	case screenStock:
		s := *m.stock
		s.list.height, s.list.offset = tall, 0
		s.wide, s.xoff = true, 0
		body, where = s.View(&c, w, tall), "stock"
	case screenJournal:
		j := *m.journal
		j.list.height, j.list.offset = tall, 0
		body, where = j.View(&c, w, tall), "journal"
	default:
		p := m.activePane()
		if p == nil {
			break
		}
		where = p.name
		switch {
		case p.view != nil && p.view.detail != nil:
			body = strings.Join(p.view.detail.content(&c, w), "\n")
		case p.view != nil:
			v := *p.view
			v.list.height, v.list.offset = tall, 0
			v.wide, v.rows, v.copying = 0, rowCache{}, true
			body = v.View(&c, w, tall)
		default:
			cp := *p
			cp.picker.height, cp.picker.offset = tall, 0
			body = cp.View(&c, w, tall)
		}
	}
	head := "simdesk " + strings.ToUpper(m.c.env) + " · " + where + " · " + present.FormatTime(m.c.now)
	if m.ref != "" {
		head += " · ref " + m.ref
	}
	lines := strings.Split(ansi.Strip(body), "\n")
	if len(lines) > maxCopyLines {
		lines = append(lines[:maxCopyLines], "… "+itoa(len(lines)-maxCopyLines)+" more lines not copied")
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return head + "\n" + strings.Join(lines, "\n")
}

// copyID is `Y`: only the identifier under the cursor — the open line's
// id, the line picked in a list, the journal id, the offer id — so that a
// ticket gets the id whole, masked like the screen.
func (m *Model) copyID() tea.Cmd {
	id, what := m.currentID()
	if id == "" {
		m.setStatus("nothing to copy here: Y copies the identifier under the cursor", statusInfo)
		return nil
	}
	m.setStatus("copied "+what+" "+id+" (OSC 52)", statusOK)
	return tea.SetClipboard(id)
}

// currentID is the identifier under the cursor on the current screen.
func (m *Model) currentID() (id, what string) {
	switch m.screen {
	case screenStock:
		if r, ok := m.stock.current(); ok {
			return r.offer.ID, "offer id"
		}
		return "", ""
	case screenJournal:
		if a, ok := m.journal.current(); ok {
			return a.Intent.JournalID, "journal id"
		}
		return "", ""
	}
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
