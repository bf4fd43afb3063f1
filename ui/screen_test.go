package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// noteScreen is a screen defined here alone, as a new screen would be in
// its own file: pushing it is all the root needs to route its keys, draw
// it, copy it, list its keys and mark it in the tab bar.
type noteScreen struct{ pressed *string }

func (noteScreen) name(*Model) string { return "notes" }
func (s noteScreen) handleKey(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if msg.Text == "x" {
		*s.pressed += "x"
		return true, nil
	}
	return false, nil
}
func (noteScreen) view(*Model, int, int) string { return "NOTE BODY" }
func (noteScreen) copyBody(*Model, *common, int, int) (string, string, copied) {
	return "NOTE COPY", "notes", copied{}
}
func (noteScreen) currentID(*Model) (string, string) { return "note-1", "note id" }
func (noteScreen) hints(m *Model) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "mark a note")), m.c.keys.Nav.Back}
}
func (noteScreen) refresh(m *Model) tea.Cmd {
	m.setStatus("notes refreshed", statusInfo)
	return nil
}
func (noteScreen) tab() string { return "[notes]" }

func TestAScreenIsAValueOnTheStack(t *testing.T) {
	h := newHarness(t, noColor())
	var pressed string
	h.m.show(noteScreen{pressed: &pressed})
	h.mustSee("NOTE BODY", "[notes]", "x mark a note")
	h.press("x", "r")
	if pressed != "x" {
		t.Fatalf("the screen's key went elsewhere: %q", pressed)
	}
	h.mustSee("notes refreshed")
	if id, _ := h.m.currentID(); id != "note-1" || !strings.Contains(h.m.copyText(), "NOTE COPY") || h.m.where() != "notes" {
		t.Fatalf("Y %q, copy %q, where %q", id, h.m.copyText(), h.m.where())
	}
	h.press("esc")
	if !h.m.onPanes() || len(h.m.screens) != 1 {
		t.Fatalf("esc left %T on the stack (%d)", h.m.top(), len(h.m.screens))
	}
}
