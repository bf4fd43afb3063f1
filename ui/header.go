package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"simdesk/engine"
	"simdesk/present"
)

// envMarker is the environment as text (DEMO, SANDBOX, PRODUCTION).
func (m *Model) envMarker() string {
	return m.c.st.Env(m.c.env).Render(" " + strings.ToUpper(m.c.env) + " ")
}

// healthGlyph is the provider's state as a text marker: ● healthy,
// ! failed lately, ✖ failing (calls held back), ○ not called yet.
func healthGlyph(st *Styles, h engine.Health) string {
	switch h.State {
	case "ok":
		return st.OK.Render("●")
	case "degraded":
		return st.Warn.Render("!")
	case "failing":
		return st.Danger.Render("✖")
	}
	return st.Muted.Render("○")
}

// healthText renders one provider's status at a level of detail: 2 = glyph,
// latency and age; 1 = glyph and latency; 0 = glyph only.
func (m *Model) healthText(name string, detail int) string {
	st := m.c.st
	h := m.health[name]
	s := name + " " + healthGlyph(st, h)
	if detail == 0 || h.State == "unknown" || h.State == "" {
		return s
	}
	switch h.State {
	case "failing":
		return s + st.Danger.Render(" "+itoa(h.Failures)+" errors")
	case "degraded":
		what := " " + itoa(h.Failures) + " errors"
		if h.Failures == 1 {
			what = " 1 error"
		}
		if h.LastErr != nil && h.Failures <= 1 {
			what = " " + strings.ReplaceAll(string(h.LastErr.Kind), "_", " ")
		}
		return s + st.Warn.Render(what)
	}
	s += st.Muted.Render(" " + present.FormatMillis(h.LastLatency))
	if detail == 2 && !h.LastOK.IsZero() {
		s += st.Muted.Render(" " + present.FormatAge(h.LastOK, m.c.now))
	}
	return s
}

// headerView is the first line: product, environment, operator, call
// reference, and every provider's health on the right (as detailed as fits).
func (m *Model) headerView(w int) string {
	st := m.c.st
	left := st.Title.Render(" simdesk") + "  " + m.envMarker()
	if op := m.eng.Options().Operator; op != "" {
		left += "  " + st.Muted.Render("operator ") + op
	}
	if m.ref != "" {
		left += st.Muted.Render(" · ref ") + m.ref
	}
	if m.eng.Options().ReadOnly {
		left += "  " + st.Warn.Render("READ-ONLY")
	}
	if n := m.journal.pending(); n > 0 {
		left += "  " + st.Danger.Render(itoa(n)+" UNKNOWN")
	}
	var right string
	for detail := 2; detail >= 0; detail-- {
		parts := make([]string, len(m.panes))
		for i, p := range m.panes {
			parts[i] = m.healthText(p.name, detail)
		}
		right = strings.Join(parts, "  ") + " "
		if lipgloss.Width(left)+1+lipgloss.Width(right) <= w {
			break
		}
	}
	return present.SpreadLine(left, right, w)
}

// tabsView is the second line: the panes, the active one bracketed (a text
// marker that survives NO_COLOR), each with its state marker.
func (m *Model) tabsView(w int) string {
	st := m.c.st
	var parts []string
	for i, p := range m.panes {
		label := itoa(i+1) + " " + p.name
		if mk := p.tabMarker(&m.c); mk != "" {
			label += " " + mk
		}
		if i == m.active && m.screen == screenPanes {
			parts = append(parts, st.TabActive.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Tab.Render(" "+label+" "))
		}
	}
	left := " " + strings.Join(parts, "  ")
	right := ""
	switch m.screen {
	case screenStock:
		right = st.TabActive.Render("[s stock]") + " "
	case screenJournal:
		right = st.TabActive.Render("[:journal]") + " "
	}
	return present.SpreadLine(left, right, w)
}

// ruleView separates the header from the body; production gets a heavy,
// danger-coloured rule (on top of the frame around the whole screen).
func (m *Model) ruleView(w int) string {
	if m.frame() {
		return m.c.st.ProdBorder.Render(strings.Repeat("━", w))
	}
	return m.c.st.Border.Render(strings.Repeat("─", w))
}
