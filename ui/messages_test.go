package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

// TestLongMessagesCanBeReadWhole: a status message wider than the line is
// cut with a pointer to `m`, which shows the last messages whole, newest
// first; the same message twice is kept once.
func TestLongMessagesCanBeReadWhole(t *testing.T) {
	h := newHarness(t, noColor())
	long := "top-ups go through a distributor provider: this line's pane cannot top up, so open the orange pane (1) or the lla-topup pane and press t there; the end of this sentence matters"
	h.m.setStatus("first message", statusInfo)
	h.m.setStatus(long, statusWarn)
	h.m.setStatus(long, statusWarn)
	h.mustSee("m shows it whole")
	h.mustNotSee("the end of this sentence matters")
	h.press("m")
	h.mustSee("Messages", "the end of this sentence matters", "first message")
	if strings.Count(h.screen(), "00:30:00 top-ups go through") != 1 {
		t.Fatalf("a repeated message is listed twice:\n%s", h.screen())
	}
	s := h.screen()
	if strings.Index(s, "00:30:00 top-ups go through") > strings.Index(s, "00:30:00 first message") {
		t.Fatalf("not newest first:\n%s", s)
	}
	h.press("esc")
	if h.m.dialogs.top() != nil {
		t.Fatal("esc did not close the messages")
	}
}

// TestRefusalSaysNothingSentOnce: the engine's "journal … not writable,
// nothing sent: …" under the console's "REFUSED, nothing was sent:" says
// it once.
func TestRefusalSaysNothingSentOnce(t *testing.T) {
	for _, err := range []error{
		errors.New("journal postgres://db/simdesk not writable, nothing sent: connection refused"),
		errors.New("journal unavailable: dial tcp 127.0.0.1:5432: connect: connection refused; nothing sent"),
	} {
		lines, _ := outcomeLines(&topupFlow{}, topupMsg{err: err})
		if n := strings.Count(strings.Join(lines, " "), "nothing"); n != 1 {
			t.Errorf("%q says nothing sent %d times: %q", err, n, lines)
		}
	}
}

// TestJournalErrorIsWrappedNotCut: the journal view's error is wrapped to
// the width, its end (what to fix) on screen.
func TestJournalErrorIsWrappedNotCut(t *testing.T) {
	h := newHarness(t, noColor())
	h.settle(h.m.runCommand("journal", ""))
	h.m.onAttempts(attemptsMsg{err: errors.New("journal postgres://simdesk@db.internal:5432/simdesk: permission denied for table journal: grant INSERT, SELECT to the simdesk role")})
	h.mustSee("grant INSERT, SELECT to the simdesk role")
}

// TestUnnamedOperatorHeader: without operator or $USER the config names
// the operator "operator"; the header says "unnamed operator", not
// "operator operator".
func TestUnnamedOperatorHeader(t *testing.T) {
	h := newHarness(t, noColor(), func(e *engine.Options, _ *Options) { e.Operator = "operator" })
	h.mustSee("unnamed operator")
	h.mustNotSee("operator operator")
}

// TestPeriodLabelsFollowTheClock: S-1001's period the provider marks
// current reads CURRENT while it runs and "past (was current)" once it has
// ended; the periods after it are labelled by the clock.
func TestPeriodLabelsFollowTheClock(t *testing.T) {
	ls := seedLines(t, "S-1001.json")
	var b *model.Bucket
	for i := range ls[0].Buckets {
		if ls[0].Buckets[i].Name == "Included Data - Prepaid" {
			b = &ls[0].Buckets[i]
		}
	}
	labels := func(now time.Time) []string {
		c := &common{now: now}
		var out []string
		for i := range b.Periods {
			out = append(out, periodLabel(b, i, c))
		}
		return out
	}
	during := labels(time.Date(2023, 3, 20, 0, 0, 0, 0, time.UTC))
	later := labels(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	if !slices.Contains(during, "CURRENT") || slices.Contains(later, "CURRENT") || !slices.Contains(later, "past (was current)") {
		t.Fatalf("during %q, later %q", during, later)
	}
}

// TestEveryPaletteCommandCarriesItsAction: each entry of the palette
// carries the function it runs (no name is dispatched by a second switch),
// and choosing one runs it.
func TestEveryPaletteCommandCarriesItsAction(t *testing.T) {
	h := newHarness(t, noColor())
	for _, c := range h.m.commands() {
		if c.Run == nil {
			t.Errorf("%s has no action", c.label())
		}
	}
	h.press(":")
	h.typeText("messages")
	h.press("enter")
	if _, ok := h.m.dialogs.top().(*messagesDialog); !ok {
		t.Fatalf(":messages opened %T", h.m.dialogs.top())
	}
}
