package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"simdesk/model"
	"simdesk/present"
)

// searchBox is the `/` input. As the operator types it shows the detected
// identifier type (prefixes msisdn:/sim:/sub:/trx: and ID@ACCOUNT included)
// and fuzzy matches from the history of past lookups. Invalid input is
// refused here with a one-line reason; nothing else changes.
type searchBox struct {
	in      lineInput
	hist    []string // newest first
	matches []string
	cursor  int // -1: the typed text; else the selected suggestion
	err     string
	// filterNote is set by the root while a line is open and the typed
	// text, without a type prefix, matches some of its buckets: the text
	// then filters them as it is typed, enter keeps that filter, and only
	// a prefix (sub:, msisdn:, …) or SearchInstead searches it.
	filterNote string
	searchNote string // how to search the text instead, under filterNote
}

// filterAction: the search input was submitted as a filter of the open
// line's buckets.
type filterAction struct{}

func (filterAction) isAction() {}

var _ inputDialog = (*searchBox)(nil)

// maxSuggestions is how many history matches the box lists.
const maxSuggestions = 6

// newSearchBox opens the search input over the history (newest first).
func newSearchBox(hist []string) *searchBox {
	s := &searchBox{hist: hist, in: lineInput{limit: 128}, cursor: -1}
	s.refilter()
	return s
}

// ID implements Dialog.
func (s *searchBox) ID() string { return "search" }

// AtTop places the search input at the top of the body.
func (s *searchBox) AtTop() bool { return true }

// Keys implements Dialog.
func (s *searchBox) Keys(k KeyMap) []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search (keeps a filter of the open line)")),
		k.Input.SearchInstead, k.Input.Up, k.Input.Down, k.Input.Complete, k.Input.Cancel,
	}
}

// Value is the text the search would run now: the selected suggestion, or
// what was typed.
func (s *searchBox) Value() string {
	if s.cursor >= 0 && s.cursor < len(s.matches) {
		return s.matches[s.cursor]
	}
	return s.in.Value()
}

func (s *searchBox) refilter() {
	s.matches = s.matches[:0]
	v := strings.TrimSpace(s.in.Value())
	if v == "" {
		s.matches = append(s.matches, s.hist[:min(len(s.hist), maxSuggestions)]...)
	} else {
		for _, m := range fuzzyOrAll(v, s.hist) {
			if m.Str == v {
				continue
			}
			s.matches = append(s.matches, m.Str)
			if len(s.matches) == maxSuggestions {
				break
			}
		}
	}
	s.cursor = -1
}

// Detected describes what the current text would be searched as, or why it
// would be refused.
func (s *searchBox) Detected() (string, bool) {
	v := s.Value()
	if strings.TrimSpace(v) == "" {
		return "type a MSISDN, SIM id, subscription id or transaction id", false
	}
	id, err := model.ParseIdentifier(v, "", "")
	if err != nil {
		var ie *model.InputError
		if errors.As(err, &ie) {
			return ie.Msg, false
		}
		return err.Error(), false
	}
	d := id.Type.Label()
	if id.Account != "" {
		d += " · account " + id.Account
	}
	return d, true
}

// HandlePaste implements inputDialog.
func (s *searchBox) HandlePaste(p string, c *common) {
	s.in.Insert(strings.TrimSpace(p))
	s.err = ""
	s.refilter()
}

// CursorAt implements inputDialog: after the border, padding and "/ ".
func (s *searchBox) CursorAt() (int, int) {
	if s.cursor >= 0 {
		return 2 + 2 + len([]rune(s.Value())), 1
	}
	x := s.in.cursorX()
	return 2 + 2 + x, 1
}

// HandleKey implements Dialog.
func (s *searchBox) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	k := c.keys.Input
	switch {
	case key.Matches(msg, k.Cancel):
		return cancelAction{}
	case key.Matches(msg, k.Up):
		s.cursor = max(-1, s.cursor-1)
	case key.Matches(msg, k.Down):
		s.cursor = min(len(s.matches)-1, s.cursor+1)
	case key.Matches(msg, k.Complete):
		if s.cursor >= 0 {
			s.in.SetValue(s.Value())
			s.refilter()
		}
	case key.Matches(msg, k.Submit) && s.filterNote != "":
		return filterAction{}
	case key.Matches(msg, k.Submit, k.SearchInstead):
		v := s.Value()
		if _, err := model.ParseIdentifier(v, "", ""); err != nil {
			s.err, _ = s.Detected()
			return nil
		}
		return searchAction{Raw: strings.TrimSpace(v)}
	default:
		if s.in.HandleKey(msg) {
			s.err = ""
			s.refilter()
		}
	}
	return nil
}

// View implements Dialog.
func (s *searchBox) View(c *common, w, h int) string {
	st := c.st
	inner := max(10, min(72, w)-4)
	txt, _ := s.in.View(inner - 2)
	if s.cursor >= 0 {
		txt = present.Fit(s.Value(), inner-2)
	}
	out := []string{st.Key.Render("/") + " " + txt}
	det, ok := s.Detected()
	// A validation message is wrapped, never cut: its end often says
	// what to type instead.
	say := func(sty lipgloss.Style, text string) {
		for _, l := range wrap(text, inner) {
			out = append(out, sty.Render(l))
		}
	}
	switch {
	case s.filterNote != "":
		say(st.OK, "→ "+s.filterNote)
		if s.searchNote != "" {
			say(st.Muted, "  "+s.searchNote)
		}
	case s.err != "":
		say(st.Danger, "✖ "+s.err)
	case ok:
		say(st.OK, "→ "+det+" · enter searches")
	default:
		say(st.Muted, "  "+det)
	}
	if len(s.matches) > 0 && h > 5 {
		out = append(out, st.ColumnHeader.Render("history"))
		for i, m := range s.matches[:min(len(s.matches), h-5)] {
			shown := m
			if c.mask {
				shown = maskSearch(m)
			}
			if i == s.cursor {
				out = append(out, st.Selected.Render(present.Fit("▸ "+shown, inner)))
			} else {
				out = append(out, "  "+shown)
			}
		}
	}
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(out, "\n"))
}

// maskSearch masks a history entry that is a MSISDN or SIM id.
func maskSearch(raw string) string {
	id, err := model.ParseIdentifier(raw, "", "")
	if err != nil {
		return present.Mask(raw)
	}
	return present.MaskID(true, id.Type, raw)
}
