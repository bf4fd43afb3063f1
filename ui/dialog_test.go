package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// repeatDelay and repeatEvery model a terminal's auto-repeat: X11's default
// delay before repeats start, then 30 presses a second.
const (
	repeatDelay = 660 * time.Millisecond
	repeatEvery = 33 * time.Millisecond
)

// hold sends a held key: the press, then n auto-repeats. A terminal without
// the kitty keyboard protocol reports repeats as plain presses; with it they
// carry IsRepeat. Both are tried by the callers.
func (h *harness) hold(k string, n int, flagged bool) {
	h.t.Helper()
	if cmd := h.press(k); cmd != nil {
		h.settle(cmd)
	}
	h.clk.Advance(repeatDelay)
	for i := 0; i < n; i++ {
		msg := kp(k)
		msg.IsRepeat = flagged
		if _, cmd := h.m.Update(msg); cmd != nil {
			h.settle(cmd)
		}
		h.clk.Advance(repeatEvery)
	}
}

// openDuplicate tops up once, then opens the confirmation of the same top-up
// again: it needs a second confirmation.
func (h *harness) openDuplicate() *Confirm {
	h.t.Helper()
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.clk.Advance(time.Second)
	h.press("esc")
	h.clk.Advance(time.Minute)
	c := h.openConfirm("voix")
	if !c.NeedSecond {
		h.t.Fatal("the duplicate was not detected")
	}
	return c
}

// TestHeldYNeverConfirms: a y held from before the dialog appeared, in a
// terminal that reports repeats as presses or flags them, never submits.
func TestHeldYNeverConfirms(t *testing.T) {
	for _, flagged := range []bool{false, true} {
		h := newHarness(t)
		c := h.openConfirm("voix")
		h.hold("y", 30, flagged)
		if h.orange.topups != 0 || c.Submitting() {
			t.Fatalf("flagged=%v: a held y submitted (%d top-ups)", flagged, h.orange.topups)
		}
		h.clk.Advance(ConfirmRepeatQuiet)
		h.settle(h.press("y"))
		if h.orange.topups != 1 {
			t.Fatalf("flagged=%v: a deliberate y after the hold: %d top-ups", flagged, h.orange.topups)
		}
	}
}

// TestHeldYNeverConfirmsTheDuplicate: the y that arms the second
// confirmation, held, never submits the duplicate (the bug: 30 repeats 33 ms
// apart passed a grace window fixed from the dialog's opening).
func TestHeldYNeverConfirmsTheDuplicate(t *testing.T) {
	for _, flagged := range []bool{false, true} {
		h := newHarness(t)
		c := h.openDuplicate()
		h.clk.Advance(time.Second)
		h.hold("y", 30, flagged)
		if h.orange.topups != 1 || c.Submitting() {
			t.Fatalf("flagged=%v: a held y submitted the duplicate (%d top-ups)", flagged, h.orange.topups)
		}
		h.mustSee("AGAIN")
		h.clk.Advance(ConfirmRepeatQuiet)
		h.settle(h.press("y"))
		if h.orange.topups != 2 {
			t.Fatalf("flagged=%v: a deliberate second y: %d top-ups", flagged, h.orange.topups)
		}
	}
}

// TestHeldEnterNeverConfirms: the enter that picked the offer, held into the
// confirmation, neither submits nor closes it; with the focus on Yes, a held
// enter that armed a duplicate's second confirmation does not submit it.
func TestHeldEnterNeverConfirms(t *testing.T) {
	h := newHarness(t)
	c := h.openConfirm("voix")
	h.clk.Advance(repeatEvery)
	for i := 0; i < 30; i++ { // repeats of the picker's enter
		h.press("enter")
		h.clk.Advance(repeatEvery)
	}
	if h.orange.topups != 0 || h.m.dialogs.top() != c || c.Submitting() {
		t.Fatalf("a held enter acted: %d top-ups, top %T", h.orange.topups, h.m.dialogs.top())
	}

	h = newHarness(t)
	c = h.openDuplicate()
	h.clk.Advance(time.Second)
	h.press("right") // focus Yes
	h.clk.Advance(time.Second)
	for _, flagged := range []bool{false, true} {
		h.hold("enter", 30, flagged) // the first enter arms, the rest must not submit
		if h.orange.topups != 1 || c.Submitting() {
			t.Fatalf("flagged=%v: a held enter submitted the duplicate (%d top-ups)", flagged, h.orange.topups)
		}
	}
	if h.m.dialogs.top() != c {
		t.Fatal("the held enter closed the confirmation")
	}
}

// TestBurstConfirmsAtMostOnce: a burst typed into a fresh confirmation does
// nothing; a burst after a quiet period confirms once; on a duplicate, a
// burst arms the second confirmation and nothing more.
func TestBurstConfirmsAtMostOnce(t *testing.T) {
	burst := func(h *harness, keys ...string) {
		for _, k := range keys {
			if cmd := h.press(k); cmd != nil {
				h.settle(cmd)
			}
			h.clk.Advance(20 * time.Millisecond)
		}
	}
	h := newHarness(t)
	c := h.openConfirm("voix")
	burst(h, "x", "y", "right", "enter", "y", "y")
	if h.orange.topups != 0 || c.Submitting() || h.m.dialogs.top() != c {
		t.Fatalf("a burst on a fresh dialog acted: %d top-ups", h.orange.topups)
	}

	h = newHarness(t)
	c = h.openDuplicate()
	h.clk.Advance(time.Second)
	burst(h, "y", "y", "y", "enter", "y", "y")
	if h.orange.topups != 1 || c.Submitting() {
		t.Fatalf("a burst submitted the duplicate (%d top-ups)", h.orange.topups)
	}
	h.clk.Advance(ConfirmRepeatQuiet)
	burst(h, "y", "y", "y")
	if h.orange.topups != 2 {
		t.Fatalf("a deliberate y then a burst: %d top-ups, want 2", h.orange.topups)
	}
}

// TestConfirmCeiling: past the ceiling, a different key answers even within
// the quiet period (a chattering keyboard cannot lock the dialog), while a
// repeated key still does not.
func TestConfirmCeiling(t *testing.T) {
	h := newHarness(t)
	c := h.openConfirm("voix")
	for i := 0; i < int(ConfirmCeiling/(100*time.Millisecond))+2; i++ {
		h.press("x")
		h.clk.Advance(100 * time.Millisecond)
	}
	h.press("n")
	if h.m.dialogs.top() == c {
		t.Fatal("n past the ceiling did not cancel")
	}
	_ = tea.KeyPressMsg{}
}
