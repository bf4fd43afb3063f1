package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
)

// forwardEngine has a usage pane and a top-up target that both know
// MSISDN 9077613; the target is configured first, so only forward order
// (targets last) puts the usage pane before it. The target reports the
// line with a billing account the operator never typed.
func forwardEngine(t *testing.T) (*engine.Engine, *fakeProvider, *fakeProvider) {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	line := func(acc string) model.Line {
		return model.Line{Type: model.MSISDN, ID: "9077613", Account: acc, Status: "active", Buckets: []model.Bucket{
			{ID: "b1", Name: "Prepaid Balance", Usage: model.UsageMoney, Remaining: model.Quantity{Amount: num(12.5), Unit: "USD"}}}}
	}
	accepts := map[model.IDType]bool{model.MSISDN: true}
	usage := &fakeProvider{name: "usage", kind: "tmf677-cvp", accepts: accepts, lines: map[string][]model.Line{"9077613": {line("")}}, block: make(chan struct{})}
	topup := &fakeProvider{name: "balance", kind: "tmf654", accepts: accepts, lines: map[string][]model.Line{"9077613": {line("PA-9077613")}}}
	eng := engine.New(engine.Options{Operator: "alice", Environment: "demo", Journal: j},
		engine.Registered{Provider: lookupOnly{topup}, StockRefresh: time.Hour, TopupTarget: true},
		engine.Registered{Provider: lookupOnly{usage}, StockRefresh: time.Hour},
	)
	return eng, usage, topup
}

// TestSlowUsagePaneStillComesForward: the top-up target answers at once,
// the usage pane later; the usage pane comes forward (it is first in
// forward order), the target never had the screen, and the header names
// no account the operator did not type.
func TestSlowUsagePaneStillComesForward(t *testing.T) {
	eng, usage, _ := forwardEngine(t)
	m := New(Options{Engine: eng, Demo: true, NoColor: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	screenHas(t, tm, "DEMO", "usage")
	tm.Type("/9077613")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "✓") // the target answered (its tab is marked); the usage pane still waits
	close(usage.block)
	screenHas(t, tm, "found in balance, usage")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	fm := tm.FinalModel(t).(*Model)
	if p := fm.activePane(); p.name != "usage" {
		t.Fatalf("the %s pane came forward; want usage (first in forward order)", p.name)
	}
	if s := ansi.Strip(fm.View().Content); !strings.Contains(s, "MSISDN 9077613 ·") || strings.Contains(s, "PA-9077613") {
		t.Fatalf("header:\n%s", s)
	}
}

// TestForwardDecidedOnceAndBounded: the target's early answer waits for
// the usage pane before it; after forwardWait the target that found the
// line comes forward, and the usage pane's later answer moves nothing.
func TestForwardDecidedOnceAndBounded(t *testing.T) {
	eng, usage, _ := forwardEngine(t)
	usage.block = nil
	h := &harness{t: t, m: New(Options{Engine: eng, Demo: true, NoColor: true})}
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	id := model.Identifier{Type: model.MSISDN, Value: "9077613"}
	answer := func(pane string, req int) {
		h.m.Update(lookupMsg{pane: pane, req: req, res: eng.LookupOne(context.Background(), pane, id)})
	}
	start := func() int {
		h.press("/")
		h.typeText("9077613")
		h.press("enter") // the lookups' commands are not run: answer feeds them
		if p := h.m.activePane(); p.name != "usage" {
			t.Fatalf("a search starts on the first pane in forward order, not %s", p.name)
		}
		return h.m.autoReq
	}

	req := start()
	answer("balance", req)
	if p := h.m.activePane(); p.name != "usage" {
		t.Fatalf("the target came forward before the usage pane answered: %s", p.name)
	}
	answer("usage", req)
	if p := h.m.activePane(); p.name != "usage" || h.m.autoReq != 0 {
		t.Fatalf("after both answered: %s on screen (decided %v)", p.name, h.m.autoReq == 0)
	}
	h.mustSee("MSISDN 9077613 ·")
	h.mustNotSee("PA-9077613")

	req = start()
	answer("balance", req)
	h.m.Update(forwardMsg{req})
	if p := h.m.activePane(); p.name != "balance" {
		t.Fatalf("after the bound: %s on screen, want balance", p.name)
	}
	answer("usage", req)
	if p := h.m.activePane(); p.name != "balance" {
		t.Fatalf("the late usage answer moved the screen to %s", p.name)
	}
	h.mustNotSee("PA-9077613")
	// A bound of an older search does nothing.
	req = start()
	h.m.Update(forwardMsg{req - 1})
	answer("balance", req)
	if p := h.m.activePane(); p.name != "usage" {
		t.Fatalf("a stale bound let the target forward: %s", p.name)
	}
}
