package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"simdesk/present"
)

// Minimum usable size; below it the console says so instead of drawing.
const (
	minWidth  = 40
	minHeight = 10
)

// View renders the whole screen. It reads the model only.
func (m *Model) View() tea.View {
	content, cur := m.render()
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "simdesk · " + strings.ToUpper(m.c.env)
	v.Cursor = cur
	return v
}

// render draws header, tab bar, rule, body (with the top dialog over it)
// and status line, framed in production; it returns the terminal cursor
// for an input dialog.
func (m *Model) render() (string, *tea.Cursor) {
	w, h := m.innerSize()
	if w < minWidth || h < minHeight {
		return present.Clip("simdesk needs at least "+itoa(minWidth+2)+"×"+itoa(minHeight+2)+"; the terminal is "+itoa(m.c.width)+"×"+itoa(m.c.height), max(1, m.c.width)), nil
	}
	bw, bh := m.bodySize()
	body := block(m.bodyView(bw, bh), bw, bh)
	var cur *tea.Cursor
	if d := m.dialogs.top(); d != nil {
		body, cur = m.overlay(body, d, bw, bh)
	}
	out := strings.Join([]string{m.headerView(w), m.tabsView(w), m.ruleView(w), body, present.Fit(m.statusView(w), w)}, "\n")
	offX, offY := 0, 3
	if m.frame() {
		out = m.c.st.ProdBorder.Border(lipgloss.ThickBorder()).Render(out)
		offX, offY = 1, 4
	}
	if cur != nil {
		cur.X += offX
		cur.Y += offY
	}
	return out, cur
}

func (m *Model) bodyView(w, h int) string {
	switch m.screen {
	case screenStock:
		return m.stock.View(&m.c, w, h)
	case screenJournal:
		return m.journal.View(&m.c, w, h)
	}
	p := m.activePane()
	if p == nil {
		return m.c.st.Muted.Render("no provider is configured: add [[provider]] sections to the config file")
	}
	return p.View(&m.c, w, h)
}

// overlay draws dialog d over the body: centred, or at the top for inputs.
func (m *Model) overlay(body string, d Dialog, w, h int) (string, *tea.Cursor) {
	dv := d.View(&m.c, max(10, w-2), h)
	dw, dh := lipgloss.Size(dv)
	x, y := max(0, (w-dw)/2), max(0, (h-dh)/2)
	if t, ok := d.(topDialog); ok && t.AtTop() {
		y = 0
	}
	out := lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
	var cur *tea.Cursor
	if in, ok := d.(inputDialog); ok {
		cx, cy := in.CursorAt()
		cur = tea.NewCursor(x+min(cx, dw-3), y+cy)
	}
	return block(out, w, h), cur
}

// block makes s exactly h lines of exactly w cells.
func block(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = present.Fit(lines[i], w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}
