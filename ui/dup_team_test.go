package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/topup"
)

// TestDuplicateNamesTheColleague: two operators share one engine, as
// sessions of simdesk serve do. alice tops up USD 10.00 on 9077613; vic's
// console, asked for the same amount on the same line, warns with alice's
// name and when, as the headless refusal does.
func TestDuplicateNamesTheColleague(t *testing.T) {
	eng := amountDemoEngine(t)
	alice := eng.As(engine.Actor{Operator: "alice", Role: topup.RoleAgent})
	ten := topup.MustParse("10", "USD")
	out, err := alice.Topup(context.Background(), engine.TopupInput{Provider: "lla-topup", Amount: &ten, Bucket: "B-9077613-1",
		Target: model.Identifier{Type: model.MSISDN, Value: "9077613"}})
	if err != nil || out.Result.Status != "ok" {
		t.Fatalf("alice's top-up: %+v %v", out, err)
	}
	m := New(Options{Engine: eng.As(engine.Actor{Operator: "vic", Role: topup.RoleAgent}), Demo: true, NoColor: true, Operator: "vic", Role: topup.RoleAgent})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	screenHas(t, tm, "DEMO", "lla-topup")
	tm.Type("/9077613")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "found in cvp-pr, lla-topup")
	tm.Type("5")
	tm.Type("t")
	screenHas(t, tm, "Other amount")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown}) // USD 10.00
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	screenHas(t, tm, "DUPLICATE: alice topped up this line with this amount")
	time.Sleep(ConfirmGrace)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestTeamFeedNamesTheDuplicated: a colleague's top-up confirmed past the
// duplicate guard is announced with whose attempt it repeated, and when.
func TestTeamFeedNamesTheDuplicated(t *testing.T) {
	h := newHarness(t, noColor())
	ok := &journal.Entry{Phase: journal.PhaseOutcome, Status: journal.StatusOK}
	first := journal.Attempt{Intent: journal.Entry{JournalID: "j1", TS: t0.Add(-2 * time.Minute), Operator: "alice", Provider: "orange", OfferID: "off-voice", OfferName: "Voix 30", TargetType: "sim", TargetID: "1956392841179"}, Outcome: ok}
	again := journal.Attempt{Intent: journal.Entry{JournalID: "j2", TS: t0.Add(-10 * time.Second), Operator: "vic", Provider: "orange", OfferID: "off-voice", OfferName: "Voix 30", TargetType: "sim", TargetID: "1956392841179", Forced: true}, Outcome: ok}
	h.m.onAttempts(attemptsMsg{attempts: []journal.Attempt{again, first}, at: t0})
	news := h.m.teamNews([]journal.Attempt{again})
	if want := "vic topped up 1956392841179 with Voix 30, confirmed past the duplicate guard: alice topped up this line with this offer 2 min ago"; news != "team: "+want {
		t.Fatalf("team news %q", news)
	}
}
