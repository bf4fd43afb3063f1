package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/journal"
	"simdesk/model"
)

func lipglossWidth(s string) int { return lipgloss.Width(s) }
func ansiStrip(s string) string  { return ansi.Strip(s) }

// colorWhite is a white terminal background.
type colorWhite struct{}

func (colorWhite) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestUnknownOutcomeThenJournalAndReconcile(t *testing.T) {
	h := newHarness(t)
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.orange.unknown = true
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.mustSee("? OUTCOME UNKNOWN", "pending in the journal", ":journal, then reconcile (r)")
	h.clk.Advance(time.Second)
	h.press("esc")

	h.press(":")
	h.typeText("journal")
	h.settle(h.press("enter"))
	if !isScreen[journalScreen](h.m) {
		t.Fatal(":journal did not open the journal")
	}
	h.mustSee("JOURNAL", "1 pending", "PENDING", "Recharge Holiday Voix 30 min", "by alice")

	h.settle(h.press("r"))
	h.mustSee("0 pending", "ok", "trx-reconciled", "reconciled")
	if !strings.Contains(h.m.journal.note, "reconciled 1") {
		t.Fatalf("note %q", h.m.journal.note)
	}
	h.press("esc")
	if !isScreen[panesScreen](h.m) {
		t.Fatal("esc did not leave the journal")
	}
}

func TestCopyUsesOSC52WithPlainText(t *testing.T) {
	h := newHarness(t)
	h.search("sim:1956392841179")
	msgs := collect(h.press("y"), time.Second)
	var got string
	for _, m := range msgs {
		if fmt.Sprintf("%T", m) == "tea.setClipboardMsg" {
			got = fmt.Sprint(m)
		}
	}
	if got == "" {
		t.Fatalf("y produced no clipboard message: %#v", msgs)
	}
	if strings.Contains(got, "\x1b") {
		t.Fatal("the copy carries escape codes")
	}
	for _, want := range []string{"simdesk DEMO · orange", "SIM 1956392841179", "Data Europe", "2.0 GB"} {
		if !strings.Contains(got, want) {
			t.Errorf("copy lacks %q:\n%s", want, got)
		}
	}
	h.mustSee("copied", "OSC 52")
}

func TestCopyTakesEveryRowNotOnlyTheVisibleOnes(t *testing.T) {
	h := newHarness(t)
	h.orange.lines["1956392841179"] = []model.Line{bigLine(300)}
	h.search("sim:1956392841179")
	txt := h.m.copyText()
	if !strings.Contains(txt, "bucket 0299") || !strings.Contains(txt, "bucket 0000") {
		t.Fatal("copy lacks rows outside the window")
	}
}

func TestNoColorMeansNoEscapeCodes(t *testing.T) {
	h := newHarness(t, noColor())
	h.search("sim:1956392841179")
	check := func(where string) {
		t.Helper()
		if c := h.m.View().Content; strings.Contains(c, "\x1b") {
			i := strings.Index(c, "\x1b")
			t.Fatalf("%s: escape code in NO_COLOR output near %q", where, c[max(0, i-20):min(len(c), i+20)])
		}
	}
	check("line view")
	h.press("enter")
	check("bucket detail")
	h.press("esc", "?")
	check("help")
	h.press("esc")
	h.settle(h.press("s"))
	check("stock")
	h.mustSee("LOW", "EMPTY", "✖ ")
	h.press("s")
	h.openConfirm("voix")
	check("confirm")
	h.mustSee("[ No ]")
}

func TestResizeKeepsEveryLineWithinTheWidth(t *testing.T) {
	h := newHarness(t)
	h.search("sim:1956392841179")
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {100, 30}, {60, 15}, {200, 60}, {81, 25}} {
		h.m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, setup := range []func(){func() {}, func() { h.press("enter") }, func() { h.press("esc", "?") }} {
			setup()
			lines := strings.Split(h.m.View().Content, "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%dx%d: %d lines", sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := lipglossWidth(l); w > sz[0] {
					t.Fatalf("%dx%d: line %d is %d wide: %q", sz[0], sz[1], i, w, l)
				}
			}
		}
		h.press("esc")
	}
	h.m.Update(tea.WindowSizeMsg{Width: 30, Height: 8})
	h.mustSee("simdesk needs at least")
}

func TestLightBackgroundSwitchesPalette(t *testing.T) {
	h := newHarness(t)
	dark := h.m.View().Content
	h.m.Update(tea.BackgroundColorMsg{Color: colorWhite{}})
	light := h.m.View().Content
	if dark == light || !bytes.Contains([]byte(light), []byte("\x1b[")) {
		t.Fatal("a light background did not change the palette")
	}
	if ansiStrip(dark) != ansiStrip(light) {
		t.Fatal("the palette changed the text")
	}
}

// TestPendingAttemptsAnnouncedAtStart: an intent without an outcome (a crash
// in an earlier session) shows as outcome unknown from the start, until it
// is reconciled.
func TestPendingAttemptsAnnouncedAtStart(t *testing.T) {
	h := newHarness(t)
	j := h.eng.Options().Journal
	if _, err := j.Append(context.Background(), journal.Entry{JournalID: journal.NewID(), Phase: journal.PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: "off-voice", TargetType: "sim", TargetID: "1956392841179"}); err != nil {
		t.Fatal(err)
	}
	h.settle(h.m.Init())
	h.mustSee("1 UNKNOWN", "1 top-up attempt(s) with outcome unknown")
	h.orange.mu.Lock()
	h.orange.reject = "" // the fake's Reconcile finds no transaction: rejected
	h.orange.mu.Unlock()
	h.press(":")
	h.typeText("journal")
	h.settle(h.press("enter"))
	h.settle(h.press("r"))
	h.mustNotSee("1 UNKNOWN")
}
