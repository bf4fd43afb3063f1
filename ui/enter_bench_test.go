package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/audit"
	"simdesk/engine"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

// simEngine is demoEngine for benchmarks: the simulator on loopback and
// real clients of every kind, each with a redactor knowing its secret (as
// the console's setup builds them).
func simEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	s := sim.New(sim.Options{})
	if err := s.Start(""); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	j, err := audit.Open(filepath.Join(tb.TempDir(), "journal.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	red := httpx.NewRedactor()
	red.AddBasic(sim.ClientID, sim.ClientSecret)
	var regs []engine.Registered
	for _, d := range providers.DemoProviders(s.URL()) {
		hc := httpx.New(d.Name, 10*time.Second, red)
		c, err := providers.Build(providers.Settings{Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Values: d.Values},
			providers.Deps{HTTP: hc})
		if err != nil {
			tb.Fatal(err)
		}
		regs = append(regs, engine.Registered{Provider: c, StockRefresh: time.Hour})
	}
	return engine.New(engine.Options{Operator: "alice", Environment: "demo", Journal: j, Redactor: red}, regs...)
}

// BenchmarkEnterS10000 is the console's Enter on the 10,000-bucket
// subscription S-10000 until its table is on screen, in process: the lookup
// across every provider that takes a subscription id (the simulator's 23 MB
// Matrixx answer among them), the engine's boundary redaction, the
// console's storage of the answer and the first frame of the table
// (bench/run.sh measures the same through tmux, with the process).
func BenchmarkEnterS10000(b *testing.B) {
	eng := simEngine(b)
	h := &harness{t: b, eng: eng}
	for b.Loop() {
		h.m = New(Options{Engine: eng})
		h.m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		h.m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		h.search("S-10000")
		if s := ansi.Strip(h.m.View().Content); !strings.Contains(s, "Pass 0000") {
			b.Fatalf("no table on screen:\n%s", s)
		}
	}
}
