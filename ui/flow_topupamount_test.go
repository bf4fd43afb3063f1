package ui

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"simdesk/engine"
)

// amountDemoEngine is the demo's engine (every registered kind over the
// simulator) with the duplicate window of a default config.
func amountDemoEngine(t *testing.T) *engine.Engine {
	return simEngine(t, engine.Options{DuplicateWindow: 10 * time.Minute})
}

// TestAmountTopupFlow drives the real program loop over the simulator's
// TMF654 endpoint and the real tmf654 client: the line found by one search
// in the TMF677 and TMF654 panes, `t` offering the preset amounts and a
// custom amount checked as it is typed, the confirmation with amount,
// currency and balance, the outcome and the balance's difference.
// It runs at 110×34 and at the 80×24 every screen must fit.
func TestAmountTopupFlow(t *testing.T) {
	for _, size := range [][2]int{{110, 34}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) { amountTopupFlow(t, size[0], size[1]) })
	}
}

func amountTopupFlow(t *testing.T, w, h int) {
	m := New(Options{Engine: amountDemoEngine(t), Demo: true, NoColor: true, HistoryPath: filepath.Join(t.TempDir(), "history")})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	screenHas(t, tm, "DEMO", "lla-topup")

	tm.Type("/9077613")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "found in cvp-pr, lla-topup")
	showTopupPane(tm)
	screenHas(t, tm, "Prepaid Balance", "Data Pass")

	tm.Type("t")
	screenHas(t, tm, "lla-topup top-up", "USD 5.00", "USD 50.00", "Other amount", "up to USD 100.00")
	tm.Type("12.345") // typing goes to the custom field, checked as typed
	screenHas(t, tm, "USD amounts have at most 2 decimals")
	for range 6 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type("250")
	screenHas(t, tm, "over this provider's maximum top-up of USD 100.00")
	for range 3 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp}) // the 20.00 preset
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp}) // 10.00
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "Confirm top-up", "USD 10.00", "Prepaid Balance (B-9077613-1)", "USD 12.50 → USD 22.50 after", "[ No ]")
	time.Sleep(ConfirmGrace + 50*time.Millisecond)
	tm.Type("y")
	screenHas(t, tm, "OK", "journal", "Balances refreshed", "(+USD 10.00)")
	time.Sleep(ConfirmGrace)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	// The same amount on the same line again: the confirmation warns and
	// needs a second confirmation; esc sends nothing.
	tm.Type("t")
	screenHas(t, tm, "Other amount")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown}) // USD 10.00
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "DUPLICATE", "you topped up this line with this amount")
	time.Sleep(ConfirmGrace)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	screenHas(t, tm, "nothing was sent")

	// A line without a monetary balance: refused before anything is sent.
	tm.Type("/4933562")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "found in", "lla-topup")
	showTopupPane(tm)
	screenHas(t, tm, "Voice Bundle")
	tm.Type("t")
	screenHas(t, tm, "no monetary balance", "nothing sent")

	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// showTopupPane brings the lla-topup pane (5) forward so that it is drawn
// anew: whichever pane answered first came forward, and the renderer sends
// only what changed.
func showTopupPane(tm *teatest.TestModel) {
	tm.Type("1")
	time.Sleep(300 * time.Millisecond)
	tm.Type("5")
}
