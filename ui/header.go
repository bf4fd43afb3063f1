package ui

import (
	"strings"

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

// unnamedOperator is the operator name the config falls back to when
// neither the operator key nor $USER gives one.
const unnamedOperator = "operator"

// headerView is the first line: product, environment, operator, call
// reference, and every provider's health on the right (as detailed as fits).
func (m *Model) headerView(w int) string {
	st := m.c.st
	left := st.Title.Render(" simdesk") + "  " + m.envMarker()
	if op := m.eng.Options().Operator; op == unnamedOperator {
		// The config's fallback when neither operator nor $USER is set:
		// "operator operator" would read like a stutter, and the journal
		// will not say who topped up.
		left += "  " + st.Warn.Render("unnamed operator")
	} else if op != "" {
		left += "  " + st.Muted.Render("operator ") + op
		if m.opts.Role != "" {
			left += st.Muted.Render(" (" + string(m.opts.Role) + ")")
		}
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
	right := m.healthView(w - present.Width(left) - 1)
	if present.Width(left)+1+present.Width(right) > w {
		// The left side gives way before the health does: the reference
		// and the operator are on the journal lines too.
		left = present.Clip(left, max(10, w-1-present.Width(right)))
	}
	return present.SpreadLine(left, right, w)
}

// tabsView is the second line: the panes, the active one bracketed (a text
// marker that survives NO_COLOR), each with its state marker.
func (m *Model) tabsView(w int) string {
	st := m.c.st
	right := ""
	if t := m.top().tab(); t != "" {
		right = st.TabActive.Render(t) + " "
	}
	// Degrade deliberately: narrower gaps, then the inactive tabs keep
	// their number and marker only; the active tab always keeps its name.
	var left string
	for level := 0; level < 3; level++ {
		left = m.tabs(level)
		if present.Width(left)+1+present.Width(right) <= w {
			break
		}
	}
	return present.SpreadLine(left, right, w)
}

// tabs renders the tab bar at a level of detail: 0 names with wide gaps,
// 1 names with narrow gaps, 2 only the active tab named.
func (m *Model) tabs(level int) string {
	st := m.c.st
	parts := make([]string, 0, len(m.panes))
	for i, p := range m.panes {
		active := i == m.active && m.onPanes()
		label := itoa(i+1) + " " + p.name
		if level == 2 && !active {
			label = itoa(i + 1)
		}
		if mk := p.tabMarker(&m.c); mk != "" {
			label += " " + mk
		}
		switch {
		case active:
			parts = append(parts, st.TabActive.Render("["+label+"]"))
		case level == 0:
			parts = append(parts, st.Tab.Render(" "+label+" "))
		default:
			parts = append(parts, st.Tab.Render(label))
		}
	}
	sep := "  "
	if level > 0 {
		sep = " "
	}
	return " " + strings.Join(parts, sep)
}

// ruleView separates the header from the body; production gets a heavy,
// danger-coloured rule (on top of the frame around the whole screen).
func (m *Model) ruleView(w int) string {
	if m.frame() {
		return m.c.st.ProdBorder.Render(strings.Repeat("━", w))
	}
	return m.c.st.Border.Render(strings.Repeat("─", w))
}

// healthView is every provider's health in at most room cells, as detailed
// as fits: glyph, latency and age; glyph and latency; glyph alone; then a
// compact summary ("4● 1✖ 1○") that never cuts a provider name. A
// summary names the providers that are not healthy while they fit.
func (m *Model) healthView(room int) string {
	for detail := 2; detail >= 0; detail-- {
		parts := make([]string, len(m.panes))
		for i, p := range m.panes {
			parts[i] = m.healthText(p.name, detail)
		}
		if s := strings.Join(parts, "  ") + " "; present.Width(s) <= room {
			return s
		}
	}
	st := m.c.st
	counts := map[string]int{}
	var bad []string
	for _, p := range m.panes {
		h := m.health[p.name]
		if h.State == "" {
			h.State = "unknown"
		}
		counts[h.State]++
		if h.State == "failing" || h.State == "degraded" {
			bad = append(bad, p.name+" "+healthGlyph(st, h))
		}
	}
	var sum []string
	for _, k := range []string{"ok", "degraded", "failing", "unknown"} {
		if n := counts[k]; n > 0 {
			sum = append(sum, itoa(n)+healthGlyph(st, engine.Health{State: k}))
		}
	}
	compact := strings.Join(sum, " ") + " "
	if withBad := strings.Join(bad, "  ") + "  " + compact; len(bad) > 0 && present.Width(withBad) <= room {
		return withBad
	}
	return compact
}
