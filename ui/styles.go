package ui

import (
	"image/color"
	"strings"

	"simdesk/present"

	"charm.land/lipgloss/v2"
)

// Palette is the set of colours a theme provides, one per semantic role. A nil
// palette (see NoColorPalette) means "no colour at all": components never
// pick colours themselves, so NO_COLOR and light/dark are choices made here.
type Palette struct {
	Fg, Muted, Subtle       color.Color
	Accent, Title           color.Color
	OK, Warn, Danger        color.Color
	Demo, Sandbox, Prod     color.Color
	SelectedFg, SelectedBg  color.Color
	Border, BarFill, BarOff color.Color
}

// darkPalette is used on dark terminal backgrounds (the default until the
// terminal answers the background-colour query).
func darkPalette() *Palette {
	return &Palette{
		Fg: lipgloss.Color("#dddddd"), Muted: lipgloss.Color("#8a8a8a"), Subtle: lipgloss.Color("#5f5f5f"),
		Accent: lipgloss.Color("#5fafff"), Title: lipgloss.Color("#ffffff"),
		OK: lipgloss.Color("#5fd75f"), Warn: lipgloss.Color("#ffaf00"), Danger: lipgloss.Color("#ff5f5f"),
		Demo: lipgloss.Color("#af87ff"), Sandbox: lipgloss.Color("#5fafaf"), Prod: lipgloss.Color("#ff5f5f"),
		SelectedFg: lipgloss.Color("#ffffff"), SelectedBg: lipgloss.Color("#3a3a5f"),
		Border: lipgloss.Color("#5f5f87"), BarFill: lipgloss.Color("#5fafff"), BarOff: lipgloss.Color("#444444"),
	}
}

// lightPalette is used when the terminal reports a light background.
func lightPalette() *Palette {
	return &Palette{
		Fg: lipgloss.Color("#1c1c1c"), Muted: lipgloss.Color("#6c6c6c"), Subtle: lipgloss.Color("#a8a8a8"),
		Accent: lipgloss.Color("#005fd7"), Title: lipgloss.Color("#000000"),
		OK: lipgloss.Color("#008700"), Warn: lipgloss.Color("#af5f00"), Danger: lipgloss.Color("#d70000"),
		Demo: lipgloss.Color("#8700af"), Sandbox: lipgloss.Color("#008787"), Prod: lipgloss.Color("#d70000"),
		SelectedFg: lipgloss.Color("#000000"), SelectedBg: lipgloss.Color("#d7d7ff"),
		Border: lipgloss.Color("#8787af"), BarFill: lipgloss.Color("#005fd7"), BarOff: lipgloss.Color("#c6c6c6"),
	}
}

// noColorPalette is the NO_COLOR theme: nil, which NewStyles turns into
// styles that emit no escape codes at all. Meaning then rests on the text
// markers (LOW, EMPTY, ●/✖, ▸) that every component writes anyway.
func noColorPalette() *Palette { return nil }

// Styles is the one semantic style sheet of the console. Components ask for
// roles (Danger, Warn, Selected…), never for colours.
type Styles struct {
	// Plain is true for the NO_COLOR theme; components may use it to skip
	// purely decorative rendering work.
	Plain bool

	Normal, Muted, Subtle, Title, Accent lipgloss.Style
	OK, Warn, Danger                     lipgloss.Style
	Selected                             lipgloss.Style
	Demo, Sandbox, Production            lipgloss.Style
	Border, ProdBorder                   lipgloss.Style
	TabActive, Tab                       lipgloss.Style
	ColumnHeader                         lipgloss.Style
	BarFill, BarOff                      lipgloss.Style
	Key, Desc                            lipgloss.Style
	Dialog, DangerDialog                 lipgloss.Style
	ButtonFocused, Button                lipgloss.Style
	Match                                lipgloss.Style
}

// newStyles builds the style sheet from a palette; a nil palette yields the
// colourless sheet.
func newStyles(p *Palette) *Styles {
	n := lipgloss.NewStyle()
	if p == nil {
		return &Styles{
			Plain: true, Normal: n, Muted: n, Subtle: n, Title: n, Accent: n, OK: n, Warn: n, Danger: n,
			Selected: n, Demo: n, Sandbox: n, Production: n, Border: n, ProdBorder: n,
			TabActive: n, Tab: n, ColumnHeader: n, BarFill: n, BarOff: n, Key: n, Desc: n,
			Dialog:        n.Border(lipgloss.NormalBorder()).Padding(0, 1),
			DangerDialog:  n.Border(lipgloss.ThickBorder()).Padding(0, 1),
			ButtonFocused: n, Button: n, Match: n,
		}
	}
	fg := func(c color.Color) lipgloss.Style { return n.Foreground(c) }
	return &Styles{
		Normal: fg(p.Fg), Muted: fg(p.Muted), Subtle: fg(p.Subtle), Title: fg(p.Title).Bold(true), Accent: fg(p.Accent),
		OK: fg(p.OK), Warn: fg(p.Warn).Bold(true), Danger: fg(p.Danger).Bold(true),
		Selected:     n.Foreground(p.SelectedFg).Background(p.SelectedBg),
		Demo:         n.Foreground(p.SelectedFg).Background(p.Demo).Bold(true),
		Sandbox:      n.Foreground(p.SelectedFg).Background(p.Sandbox).Bold(true),
		Production:   n.Foreground(p.SelectedFg).Background(p.Prod).Bold(true),
		Border:       fg(p.Border),
		ProdBorder:   fg(p.Prod),
		TabActive:    fg(p.Accent).Bold(true),
		Tab:          fg(p.Muted),
		ColumnHeader: fg(p.Muted).Bold(true),
		BarFill:      fg(p.BarFill), BarOff: fg(p.BarOff),
		Key: fg(p.Accent).Bold(true), Desc: fg(p.Muted),
		Dialog:        n.Border(lipgloss.RoundedBorder()).BorderForeground(p.Border).Padding(0, 1),
		DangerDialog:  n.Border(lipgloss.ThickBorder()).BorderForeground(p.Danger).Padding(0, 1),
		ButtonFocused: n.Foreground(p.SelectedFg).Background(p.Danger).Bold(true),
		Button:        fg(p.Muted),
		Match:         fg(p.Accent).Underline(true),
	}
}

// Env returns the marker style for an environment name.
func (s *Styles) Env(env string) lipgloss.Style {
	switch env {
	case "production":
		return s.Production
	case "sandbox":
		return s.Sandbox
	}
	return s.Demo
}

// bar renders a progress bar of width cells for a fraction in [0,1], its
// filled and empty runs in the palette's bar styles.
func bar(st *Styles, frac float64, width int) string {
	fill, off := present.BarCells(frac, width)
	return st.BarFill.Render(strings.Repeat("█", fill)) + st.BarOff.Render(strings.Repeat("░", off))
}
