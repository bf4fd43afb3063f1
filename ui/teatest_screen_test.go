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
