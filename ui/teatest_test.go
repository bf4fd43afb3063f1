package ui

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/journal"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

// demoEngine is the demo's engine: the simulator on loopback and real
// clients of every kind, as `go run .` builds it.
func demoEngine(t *testing.T) *engine.Engine { return simEngine(t, engine.Options{}) }

// simEngine builds the demo's engine over a fresh simulator and journal:
// real clients of every registered kind, each with a redactor knowing the
// simulator's credentials (as the console's setup builds them), the demo's
// stock_low, operator alice. o adds engine options (a duplicate window, …).
func simEngine(tb testing.TB, o engine.Options) *engine.Engine {
	tb.Helper()
	s := sim.New(sim.Options{})
	if err := s.Start(""); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	j, err := journal.Open(filepath.Join(tb.TempDir(), "journal.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	red := httpx.NewRedactor()
	red.AddBasic(sim.ClientID, sim.ClientSecret)
	var regs []engine.Registered
	for _, d := range providers.DemoProviders(s.URL()) {
		c, err := providers.Build(providers.Settings{Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Values: d.Values},
			providers.Deps{HTTP: httpx.New(d.Name, 10*time.Second, red)})
		if err != nil {
			tb.Fatal(err)
		}
		low, _ := d.Values["stock_low"].(int64)
		regs = append(regs, engine.Registered{Provider: c, StockLow: int(low), StockRefresh: time.Hour, TopupTarget: config.DefaultTopupTarget(d.Kind)})
	}
	o.Operator, o.Environment, o.Journal, o.Redactor = "alice", "demo", j, red
	return engine.New(o, regs...)
}

// screenHas waits until the program's output, stripped of escape codes,
// contains every string.
func screenHas(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	var seen bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen.Write(b)
		plain := ansi.Strip(seen.String())
		for _, w := range want {
			if !strings.Contains(plain, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestEndToEndDemo drives the real program loop (teatest) over the real
// clients and the simulator: search, bucket detail, help, stock, a full
// top-up through the confirmation, and quit.
func TestEndToEndDemo(t *testing.T) {
	m := New(Options{Engine: demoEngine(t), Demo: true, NoColor: true, HistoryPath: filepath.Join(t.TempDir(), "history")})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	screenHas(t, tm, "DEMO", "orange")

	tm.Type("/9077613")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("3") // cvp-pr: the lla-topup pane may find the line first and come forward
	screenHas(t, tm, "cvp-pr", "Included Minutes - Prepaid", "unlimited")

	tm.Type("jjjj")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "PERIODS", "past (was current)") // the seed's 2023 period, read in a later year
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("?")
	screenHas(t, tm, "Keys", "top-up")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("s")
	screenHas(t, tm, "STOCK", "EMPTY", "LOW")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("/sim:1956392841179")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "SIM 1956392841179", "Carte Holiday Tourist LS")
	tm.Type("t")
	screenHas(t, tm, "Recharge Holiday Voix 30 min")
	tm.Type("Voix 30")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "Confirm top-up", "[ No ]")
	time.Sleep(ConfirmGrace + 50*time.Millisecond) // keys typed before the grace period are ignored
	tm.Type("y")
	screenHas(t, tm, "OK", "transaction", "journal")
	time.Sleep(ConfirmGrace) // the outcome dialog has its own grace period too
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
