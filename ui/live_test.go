package ui

import (
	"strings"
	"testing"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/topup"
)

func withLive(h *live.Hub, op string, role topup.Role) harnessOpt {
	return func(_ *engine.Options, o *Options) { o.Live, o.Operator, o.Role = h, op, role }
}

func TestLiveHubFeedsStockTeamNewsAndJournal(t *testing.T) {
	hub := live.NewHub()
	h := newHarness(t, withLive(hub, "alice", topup.RoleAgent))
	defer h.m.Close()
	if hub.Sessions() != 1 {
		t.Fatalf("console not subscribed: %d sessions", hub.Sessions())
	}
	// With a hub the console polls nothing itself: Init's only stock
	// source is the mailbox.
	if h.m.stock.refreshAll(h.eng, h.clk.Now) != nil {
		t.Fatal("refreshAll polled with a hub")
	}
	now := h.clk.Now()
	bob := journal.Attempt{
		Intent:  journal.Entry{JournalID: "j1", Phase: journal.PhaseIntent, Operator: "bob", Provider: "orange", OfferID: "of", OfferName: "Data 10 GB", TargetType: "msisdn", TargetID: "33612345678", TS: now},
		Outcome: &journal.Entry{JournalID: "j1", Phase: journal.PhaseOutcome, Operator: "bob", Status: journal.StatusOK, TS: now},
	}
	cmd := h.m.onLive(liveMsg{u: live.Update{
		Stock:   []live.Stock{{Provider: "orange", Offers: orangeOffers(), At: now}},
		Journal: &live.Journal{Attempts: []journal.Attempt{bob}, At: now},
		News:    []journal.Attempt{bob},
	}})
	if cmd == nil {
		t.Fatal("no command to wait for the next update")
	}
	if s := h.screen(); !strings.Contains(s, "team: bob topped up 33612345678 with Data 10 GB") {
		t.Errorf("status line lacks the team news:\n%s", s)
	}
	if src := h.m.stock.source("orange"); src == nil || len(src.offers) != len(orangeOffers()) {
		t.Fatalf("stock not taken from the hub: %+v", src)
	}
	if len(h.m.journal.attempts) != 1 || h.m.journal.attempts[0].Intent.Operator != "bob" {
		t.Fatalf("journal not taken from the hub: %+v", h.m.journal.attempts)
	}
	// Its own top-ups are not news to alice.
	mine := bob
	mine.Intent.Operator = "alice"
	if got := h.m.teamNews([]journal.Attempt{mine}); got != "" {
		t.Errorf("own top-up announced as team news: %q", got)
	}
	// A notice (shutdown) reaches the status line.
	h.m.onLive(liveMsg{u: live.Update{Notice: "simdesk is shutting down"}})
	if !strings.Contains(h.screen(), "simdesk is shutting down") {
		t.Errorf("notice not shown:\n%s", h.screen())
	}
	h.m.Close()
	if hub.Sessions() != 0 {
		t.Error("Close did not leave the hub")
	}
}

func TestRolesGateTopupAndReconcile(t *testing.T) {
	h := newHarness(t, withLive(live.NewHub(), "vic", topup.RoleViewer))
	defer h.m.Close()
	if h.m.startTopup() != nil || !strings.Contains(h.m.status.text, "vic is a viewer: top-ups need the agent or supervisor role") {
		t.Errorf("viewer top-up: status %q", h.m.status.text)
	}
	a := newHarness(t, withLive(live.NewHub(), "alice", topup.RoleAgent))
	defer a.m.Close()
	if a.m.reconcile() != nil || !strings.Contains(a.m.status.text, "alice is an agent: reconciling needs the supervisor role") {
		t.Errorf("agent reconcile: status %q", a.m.status.text)
	}
	s := newHarness(t, withLive(live.NewHub(), "sue", topup.RoleSupervisor))
	defer s.m.Close()
	if s.m.reconcile() == nil {
		t.Error("supervisor refused reconciliation")
	}
}
