package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

// hostileText tries every way provider text can drive a terminal: hidden
// text (ESC[8m), an OSC 52 clipboard write, an OSC 8 link, clear screen and
// cursor home, BEL, a C1 CSI, a window title and a bidi override.
const hostileText = "Voix \x1b[8mHIDDEN\x1b[0m\x1b]52;c;cm0gLXJm\x07\x1b]8;;http://evil.example\x1b\\L\x1b]8;;\x1b\\\x1b[2J\x1b[H\a\u009b31m\x1b]0;title\x07\u202eevil"

// ownSGR is the only escape sequence the console itself writes in a View.
var ownSGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// mustBeInert fails when the view holds anything but our own SGR styling:
// another ESC sequence, BEL, a C1 control or a bidi control.
func (h *harness) mustBeInert(where string) {
	h.t.Helper()
	v := ownSGR.ReplaceAllString(h.m.View().Content, "")
	for _, r := range v {
		if r == '\n' || r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			h.t.Fatalf("%s: the view holds a foreign %U:\n%q", where, r, v)
		}
	}
}

// TestConsoleShowsProviderTextInert: hostile offer names, bucket names,
// rejected reasons and journal entries reach the screen only as visible
// escapes.
func TestConsoleShowsProviderTextInert(t *testing.T) {
	h := newHarness(t)
	h.m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	for i := range h.orange.offers {
		h.orange.offers[i].Name = hostileText + " " + h.orange.offers[i].Name
		h.orange.offers[i].Description = hostileText
	}
	l := h.orange.lines["1956392841179"][0]
	l.Buckets[0].Name = hostileText
	l.Status = hostileText
	h.orange.lines["1956392841179"][0] = l
	h.orange.reject = "refused: " + hostileText

	h.search("sim:1956392841179")
	h.mustSee(`\x1b[8mHIDDEN`)
	h.mustBeInert("line view")
	h.settle(h.press("s"))
	h.mustBeInert("stock")
	h.press("esc")

	h.openConfirm("voix")
	h.mustBeInert("confirmation")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.mustSee("REJECTED")
	h.mustBeInert("rejected outcome")
	h.clk.Advance(time.Second)
	h.press("esc")

	h.press(":")
	h.typeText("journal")
	h.settle(h.press("enter"))
	if !isScreen[journalScreen](h.m) {
		t.Fatal(":journal did not open the journal")
	}
	h.mustBeInert("journal")
	if !strings.Contains(h.screen(), `\x1b`) {
		t.Errorf("the journal shows no visible escape:\n%s", h.screen())
	}
}

// TestRefWithControlsRefusedInConsole: :ref with a control or bidi
// character is refused like bad input and the reference is not kept.
func TestRefWithControlsRefusedInConsole(t *testing.T) {
	h := newHarness(t)
	// The input drops C0 and C1 controls as they are typed or pasted; bidi
	// controls get through it and are refused when the command runs.
	for _, ref := range []string{"T-\u202e1", "x\u2066y", "T-1\u009b2J", "a\x1b]52;c;x\x07"} {
		h.press(":")
		h.typeText("ref ")
		h.m.Update(tea.PasteMsg{Content: ref})
		h.settle(h.press("enter"))
		if !model.SafeText(h.m.ref) {
			t.Errorf(":ref %q: kept %q, status %q", ref, h.m.ref, h.m.status.text)
		}
		if strings.ContainsAny(ref, "\u202e\u2066") && (h.m.ref != "" || h.m.status.kind != statusError) {
			t.Errorf(":ref %q: not refused: kept %q, status %q", ref, h.m.ref, h.m.status.text)
		}
		h.mustBeInert(":ref " + ref)
		h.m.ref = ""
	}
	h.press(":")
	h.typeText("ref TICKET-42")
	h.settle(h.press("enter"))
	if h.m.ref != "TICKET-42" {
		t.Errorf("a plain reference was not kept: %q", h.m.ref)
	}
}
