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

func (m *Model) bodyView(w, h int) string { return m.top().view(m, w, h) }

// overlay draws dialog d over the body: centred, or at the top for inputs.
func (m *Model) overlay(body string, d Dialog, w, h int) (string, *tea.Cursor) {
	dv := d.View(&m.c, max(10, w-2), h)
	dw, dh := lipgloss.Size(dv)
	x, y := max(0, (w-dw)/2), max(0, (h-dh)/2)
	if t, ok := d.(topDialog); ok && t.AtTop() {
		y = 0
	}
	out := m.compose(body, dv, x, y, dw, dh, w, h)
	var cur *tea.Cursor
	if in, ok := d.(inputDialog); ok {
		cx, cy := in.CursorAt()
		cur = tea.NewCursor(x+min(cx, dw-3), y+cy)
	}
	return block(out, w, h), cur
}

// composedBody is a body drawn alone by the compositor, and the body it was
// drawn from.
type composedBody struct {
	body, out string
}

// compose lays dialog dv (dw×dh cells at x, y) over body (h lines of w
// cells) exactly as one compositor over both would, but draws through
// the compositor only the rows down to the dialog's last: the compositor
// renders every line on its own (uv's renderLine starts each line with a
// blank pen) and trims each line alone, so the rows under the dialog's
// bottom are the body drawn alone, which is kept until the body changes.
// Typing into the search box then costs the compositor a few rows instead
// of the whole screen (it was most of a keystroke's CPU).
func (m *Model) compose(body, dv string, x, y, dw, dh, w, h int) string {
	cut := y + dh
	if cut >= h || x+dw > w || x < 0 || y < 0 {
		return lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
	}
	i := nthNewline(body, cut)
	if i < 0 {
		return lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
	}
	top := lipgloss.NewCompositor(lipgloss.NewLayer(body[:i]), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
	if m.under.body != body || m.under.out == "" {
		m.under = composedBody{body: body, out: lipgloss.NewCompositor(lipgloss.NewLayer(body)).Render()}
	}
	j := nthNewline(m.under.out, cut)
	if j < 0 {
		return lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(dv).X(x).Y(y).Z(1)).Render()
	}
	return top + m.under.out[j:]
}

// nthNewline is the index of the n-th "\n" in s (n ≥ 1), or -1.
func nthNewline(s string, n int) int {
	at := -1
	for ; n > 0; n-- {
		k := strings.IndexByte(s[at+1:], '\n')
		if k < 0 {
			return -1
		}
		at += 1 + k
	}
	return at
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
