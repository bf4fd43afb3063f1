package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// openConfirm searches the Welcome Travelers SIM, presses t, and picks the
// offer under the cursor after typing filter.
func (h *harness) openConfirm(filter string) *Confirm {
	h.t.Helper()
	if h.m.panes[0].line() == nil {
		h.search("sim:1956392841179")
	}
	h.settle(h.press("t"))
	if _, ok := h.m.dialogs.top().(*offerPicker); !ok {
		h.t.Fatalf("no offer picker; status %q", h.m.status.text)
	}
	h.typeText(filter)
	h.settle(h.press("enter")) // the duplicate check reads the journal in a command
	c, ok := h.m.dialogs.top().(*Confirm)
	if !ok {
		h.t.Fatalf("no confirmation; top %T", h.m.dialogs.top())
	}
	return c
}

func TestOfferPickerShowsOnlyFittingOffersAndDisablesEmpty(t *testing.T) {
	h := newHarness(t)
	h.search("sim:1956392841179")
	h.settle(h.press("t"))
	op, ok := h.m.dialogs.top().(*offerPicker)
	if !ok {
		t.Fatalf("top %T status %q", h.m.dialogs.top(), h.m.status.text)
	}
	h.mustSee("Recharge Holiday Data 1 GB", "EUR 27.50", "LOW 6", "EMPTY 0", "Recharge Holiday Voix 30 min")
	h.mustNotSee("Orange France 10 EUR") // another supplier's offer
	h.typeText("5gb")
	if o, _ := op.Selected(); o.ID != "off-empty" {
		t.Fatalf("filter selected %q", o.ID)
	}
	h.press("enter")
	if _, ok := h.m.dialogs.top().(*offerPicker); !ok {
		t.Fatal("an EMPTY offer was accepted")
	}
	h.mustSee("is EMPTY: out of stock")
}

func TestConfirmShowsEverythingAndEnterDoesNotSubmit(t *testing.T) {
	h := newHarness(t)
	h.m.Update(runCommandAction{}) // no-op message: not an action the root knows
	h.m.runCommand("ref", "INC-4411")
	h.openConfirm("voix")
	h.mustSee("Confirm top-up", "DEMO", "orange (orange-travel)", "SIM 1956392841179 (Welcome Travelers)",
		"Recharge Holiday Voix 30 min", "EUR 9.90", "Stock after", "123", "INC-4411", "[ No ]", "y confirm")
	h.clk.Advance(time.Second)
	cmd := h.press("enter")
	h.settle(cmd)
	if h.orange.topups != 0 {
		t.Fatal("enter on the default button submitted a top-up")
	}
	if h.m.dialogs.top() != nil || h.m.topup != nil {
		t.Fatal("enter on No should close the dialog and end the flow")
	}
	if !strings.Contains(h.m.status.text, "nothing was sent") {
		t.Fatalf("status %q", h.m.status.text)
	}
}

func TestConfirmIgnoresTypedAheadKeys(t *testing.T) {
	h := newHarness(t)
	c := h.openConfirm("voix")
	// Keys arriving within the grace period (typed before the dialog showed).
	for _, k := range []string{"y", "enter", "right", "y"} {
		if cmd := h.press(k); cmd != nil {
			h.settle(cmd)
		}
	}
	h.clk.Advance(ConfirmGrace - time.Millisecond)
	h.settle(h.press("y"))
	if h.orange.topups != 0 || c.Submitting() || c.focusYes {
		t.Fatalf("typed-ahead keys acted: topups %d submitting %v focusYes %v", h.orange.topups, c.Submitting(), c.focusYes)
	}
	if h.m.dialogs.top() != c {
		t.Fatal("the dialog was closed by typed-ahead keys")
	}
	// The keyboard must then be quiet: the same key again needs the longer
	// repeat quiet period (see TestHeldYNeverConfirms).
	h.clk.Advance(ConfirmRepeatQuiet)
	h.settle(h.press("y"))
	if h.orange.topups != 1 {
		t.Fatalf("y after the grace period: topups %d", h.orange.topups)
	}
}

func TestBurstOfYSubmitsOnce(t *testing.T) {
	h := newHarness(t)
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	var cmds []tea.Cmd
	for i := 0; i < 5; i++ {
		if cmd := h.press("y"); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	for _, c := range cmds {
		h.settle(c)
	}
	for i := 0; i < 5; i++ { // and more after the outcome arrived
		h.settle(h.press("y"))
	}
	if h.orange.topups != 1 {
		t.Fatalf("a burst of y submitted %d top-ups", h.orange.topups)
	}
	att, _, err := h.eng.Attempts(10)
	if err != nil || len(att) != 1 {
		t.Fatalf("journal attempts %d (%v)", len(att), err)
	}
}

func TestTopupOutcomeAndBalanceDifference(t *testing.T) {
	h := newHarness(t)
	h.openConfirm("data 1")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.mustSee("✔ OK", "transaction trx-1", "stock left 5", "Balances refreshed:", "Data Europe: 2.0 GB → 3.0 GB (+1.0 GB)")
	// The line view shows the change column.
	h.clk.Advance(time.Second)
	h.press("esc")
	if h.m.dialogs.top() != nil {
		t.Fatal("esc did not close the outcome")
	}
	h.mustSee("CHANGE", "+1.0 GB", "3.0 GB")
}

func TestRejectedOutcomeShowsReason(t *testing.T) {
	h := newHarness(t)
	h.orange.reject = "bucket empty for offer off-voice"
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.mustSee("REJECTED by orange: bucket empty for offer off-voice", "stock is unchanged")
}

func TestDuplicateNeedsSecondConfirmation(t *testing.T) {
	h := newHarness(t)
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.clk.Advance(time.Second)
	h.press("esc")
	h.clk.Advance(time.Minute)

	c := h.openConfirm("voix")
	if !c.NeedSecond {
		t.Fatal("the recent attempt was not detected")
	}
	h.mustSee("DUPLICATE", "Topping up again")
	h.clk.Advance(time.Second)
	if cmd := h.press("y"); cmd != nil {
		h.settle(cmd)
	}
	if h.orange.topups != 1 {
		t.Fatal("one y submitted a duplicate")
	}
	h.mustSee("press y again", "AGAIN")
	h.press("y") // too soon after arming: ignored
	if h.orange.topups != 1 || c.Submitting() {
		t.Fatal("a fast second y submitted the duplicate")
	}
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	if h.orange.topups != 2 {
		t.Fatalf("topups %d after the second confirmation", h.orange.topups)
	}
	att, _, _ := h.eng.Attempts(10)
	if len(att) != 2 || !att[0].Intent.Forced {
		t.Fatalf("the second attempt should be forced: %+v", att[0].Intent)
	}
}

func TestReadOnlyRefusesTopup(t *testing.T) {
	h := newHarness(t, readOnly())
	h.search("sim:1956392841179")
	if cmd := h.press("t"); cmd != nil {
		t.Fatal("t in read-only mode sent something")
	}
	if h.m.dialogs.top() != nil {
		t.Fatal("a dialog opened in read-only mode")
	}
	h.mustSee("top-up disabled: read-only mode")
	h.mustSee("READ-ONLY")
}

func TestTopupNeedsAnOpenLineAndATopupProvider(t *testing.T) {
	h := newHarness(t)
	if cmd := h.press("t"); cmd != nil {
		t.Fatal("t without a line sent something")
	}
	h.mustSee("search and open a line first")
}
