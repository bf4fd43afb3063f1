package ui

import (
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestOperatorScreenFlows drives the real program loop at 80×24 over the
// simulator and the real clients: the SIM-id hint and its one-key retry,
// the stock watch filtered as typed, and the help's legend.
func TestOperatorScreenFlows(t *testing.T) {
	m := New(Options{Engine: demoEngine(t), Demo: true, NoColor: true, HistoryPath: filepath.Join(t.TempDir(), "history")})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	screenHas(t, tm, "DEMO", "orange")

	tm.Type("/1956392841179")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "did you mean sim:1956392841179?")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "SIM 1956392841179", "Welcome Travelers")

	tm.Type("s")
	screenHas(t, tm, "STOCK", "Recharge Holiday Voix 120 min")
	tm.Type("/voix")
	screenHas(t, tm, "of 20 match")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Type("?")
	screenHas(t, tm, "Keys here (stock watch)", "↓ more")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestOneWordFilterOverTheDemo: the steps over the simulator:
// search 9077613, pane 3, `/data`, enter: the line stays, filtered.
func TestOneWordFilterOverTheDemo(t *testing.T) {
	m := New(Options{Engine: demoEngine(t), Demo: true, NoColor: true, HistoryPath: filepath.Join(t.TempDir(), "history")})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	screenHas(t, tm, "DEMO", "orange")
	tm.Type("/9077613")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "found in")
	tm.Type("3") // applied before the next key: Update runs in order
	tm.Type("/data")
	screenHas(t, tm, "enter keeps this filter", "buckets match")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, `"data": 2 of 9 match`)
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	fm := tm.FinalModel(t).(*Model)
	p := fm.activePane()
	if p.name != "cvp-pr" || p.view == nil || p.view.filter != "data" || p.query.Value != "9077613" {
		t.Fatalf("after enter: pane %s query %q filter %+v", p.name, p.query.Value, p.view)
	}
}
