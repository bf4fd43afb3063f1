package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/model"
)

func TestSearchShowsDetectedTypeAsYouType(t *testing.T) {
	h := newHarness(t)
	h.press("/")
	h.typeText("9077613")
	h.mustSee("/ 9077613", "→ MSISDN")
	h.press("ctrl+u")
	h.m.Update(kp("backspace"))
	h.typeText("sub:S-1001@150015680000")
	h.mustSee("→ Subscription · account 150015680000")
	sb := h.m.dialogs.top().(*searchBox)
	sb.in.SetValue("")
	h.typeText("8944500102198304827")
	h.mustSee("wrong check digit")
}

func TestSearchAsksAcceptingPanesAndShowsEachResult(t *testing.T) {
	h := newHarness(t)
	h.search("sim:1956392841179") // a SIM id: only orange accepts sims
	p := h.m.panes[0]
	if p.status != paneDone || p.line() == nil {
		t.Fatalf("orange pane: status %v line %v", p.status, p.line())
	}
	if q := h.m.panes[1]; q.status != paneSkipped {
		t.Fatalf("cvp-pr should not be asked for a SIM, status %v", q.status)
	}
	h.mustSee("SIM 1956392841179", "Data Europe", "2.0 GB", "30 min", "50 SMS", "never")

	// An MSISDN goes to both; each pane shows its own error.
	h.lla.errs = map[string]*model.Error{"9077613": {Kind: model.ErrNotImplemented, Status: 501, Message: "operation not implemented for CL", CorrelationID: "c-501"}}
	h.search("9077613")
	if h.m.panes[0].status != paneFailed || h.m.panes[1].status != paneFailed {
		t.Fatalf("statuses %v %v", h.m.panes[0].status, h.m.panes[1].status)
	}
	// No pane found the line: the pane with the real error comes forward,
	// and a retry is not offered for a 501.
	if h.m.active != 1 {
		t.Fatalf("the 501 pane did not come forward: active %d", h.m.active)
	}
	h.mustSee("not offered for this market: operation not implemented for CL", "HTTP 501", "correlation id c-501")
	h.mustNotSee("r retries")
	h.press("tab")
	h.mustSee("not found: subscriber not found", "HTTP 404", "correlation id corr-9077613")
}

func TestInvalidSearchChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.search("1956392841179")
	before := h.m.panes[0].line()
	h.press("/")
	h.typeText("12ab!")
	cmd := h.press("enter")
	if cmd != nil {
		t.Fatal("an invalid search must not send anything")
	}
	if h.m.panes[0].line() != before || h.m.panes[0].status != paneDone {
		t.Fatal("an invalid search changed the pane")
	}
	h.mustSee("✖", "not a valid identifier")
	// The palette's search command validates the same way.
	h.press("esc", ":")
	h.typeText("search +12")
	if cmd := h.press("enter"); cmd != nil {
		t.Fatal("palette search of invalid input sent something")
	}
	if !strings.Contains(h.m.status.text, "not a valid identifier") && !strings.Contains(h.m.status.text, "not a MSISDN") {
		t.Fatalf("status %q", h.m.status.text)
	}
}

func TestLateResultOfOldSearchIsDropped(t *testing.T) {
	h := newHarness(t)
	h.press("/")
	h.typeText("1956392841179")
	h.press("enter") // request 1, not run
	old := h.m.panes[0].want
	h.press("/")
	h.typeText("8944500102198304826")
	h.press("enter") // request 2
	p := h.m.panes[0]
	if p.want == old || p.status != paneLoading {
		t.Fatalf("second search not in flight: want %d status %v", p.want, p.status)
	}
	// The answer to the first search arrives late: it must be ignored.
	h.m.Update(lookupMsg{pane: "orange", req: old, res: engine.Result{Provider: "orange", Lines: []model.Line{orangeLine()}}})
	if p.status != paneLoading || p.line() != nil {
		t.Fatalf("late answer overwrote the newer search: status %v", p.status)
	}
	nf := &model.Error{Kind: model.ErrNotFound, Message: "no such sim"}
	h.m.Update(lookupMsg{pane: "orange", req: p.want, res: engine.Result{Provider: "orange", Err: nf}})
	if p.status != paneFailed || p.err != nf {
		t.Fatalf("current answer not shown: %v", p.status)
	}
	// And an answer for another pane's request never lands here.
	h.m.Update(lookupMsg{pane: "orange", req: 999, res: engine.Result{Lines: []model.Line{orangeLine()}}})
	if p.status != paneFailed {
		t.Fatal("a stray answer changed the pane")
	}
}

func TestEscCancelsInFlightSearch(t *testing.T) {
	h := newHarness(t)
	h.orange.block = make(chan struct{})
	h.orange.ctxDone = make(chan error, 1)
	h.press("/")
	h.typeText("1956392841179")
	cmd := h.press("enter")
	done := make(chan []any, 1)
	go func() {
		var out []any
		for _, m := range collect(cmd, 5*time.Second) {
			out = append(out, m)
		}
		done <- out
	}()
	time.Sleep(50 * time.Millisecond)
	h.mustSee("asking orange")
	h.press("esc")
	select {
	case err := <-h.orange.ctxDone:
		if err != context.Canceled {
			t.Fatalf("provider saw %v, want context.Canceled", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("esc did not cancel the lookup's context")
	}
	p := h.m.panes[0]
	if p.status != paneCancelled {
		t.Fatalf("pane status %v, want cancelled", p.status)
	}
	for _, msg := range <-done {
		h.m.Update(msg)
	}
	if p.status != paneCancelled {
		t.Fatalf("the cancelled answer changed the pane: %v", p.status)
	}
	h.mustSee("cancelled")
}

func TestOtherPanesGoOnWhileOneIsSlow(t *testing.T) {
	h := newHarness(t)
	h.lla.lines["33612345678"] = []model.Line{{ID: "33612345678", Type: model.MSISDN, Payment: "postpaid", Status: "active"}}
	h.orange.block = make(chan struct{})
	h.press("/")
	h.typeText("33612345678")
	cmd := h.press("enter")
	go func() { time.Sleep(100 * time.Millisecond); close(h.orange.block) }()
	h.settle(cmd)
	if h.m.panes[1].status != paneDone {
		t.Fatalf("cvp-pr: %v", h.m.panes[1].status)
	}
}

func TestHistoryPersistedAndSuggested(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "history")
	h := newHarness(t, historyAt(path))
	h.search("1956392841179")
	h.search("9077613")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "1956392841179\n9077613\n" {
		t.Fatalf("history file %q", b)
	}
	// A new console reads it back; the box suggests fuzzy matches, newest first.
	h2 := newHarness(t, historyAt(path))
	h2.press("/")
	h2.mustSee("history", "9077613", "1956392841179")
	h2.typeText("1956")
	sb := h2.m.dialogs.top().(*searchBox)
	if len(sb.matches) != 1 || sb.matches[0] != "1956392841179" {
		t.Fatalf("matches %v", sb.matches)
	}
	h2.press("down")
	h2.settle(h2.press("enter"))
	if h2.m.panes[0].line() == nil {
		t.Fatal("choosing a suggestion did not search it")
	}
}

func TestHistoryCapped(t *testing.T) {
	var hs history
	for i := 0; i < historyCap+50; i++ {
		hs.add("S-" + itoa(i))
	}
	hs.add("S-10")
	if len(hs.entries) != historyCap || hs.entries[len(hs.entries)-1] != "S-10" {
		t.Fatalf("len %d last %q", len(hs.entries), hs.entries[len(hs.entries)-1])
	}
}

func TestFirstPaneToFindComesForward(t *testing.T) {
	h := newHarness(t)
	h.lla.lines["9077613"] = []model.Line{{ID: "9077613", Type: model.MSISDN, Payment: "prepaid", Status: "active"}}
	h.search("9077613")
	if h.m.active != 1 {
		t.Fatalf("active pane %d; orange found nothing, cvp-pr found the line", h.m.active)
	}
	if !strings.Contains(h.m.status.text, "found in cvp-pr") || !strings.Contains(h.m.status.text, "not found in orange") {
		t.Fatalf("summary %q", h.m.status.text)
	}
}

func TestBucketDiffWithRepeatedNames(t *testing.T) {
	before := orangeLine()
	before.Buckets = []model.Bucket{
		{Name: "Carte", Usage: model.UsageData, Remaining: model.Quantity{Amount: num(1024), Unit: "MB"}},
		{Name: "Carte", Usage: model.UsageVoice, Remaining: model.Quantity{Amount: num(600), Unit: "s"}},
	}
	after := before
	after.Buckets = []model.Bucket{
		before.Buckets[0],
		{Name: "Carte", Usage: model.UsageVoice, Remaining: model.Quantity{Amount: num(2400), Unit: "s"}},
		{Name: "Voix 30", Usage: model.UsageData, Remaining: model.Quantity{Amount: num(0), Unit: "MB"}},
		{Name: "Voix 30", Usage: model.UsageVoice, Remaining: model.Quantity{Amount: num(1800), Unit: "s"}},
	}
	deltas, summary := bucketDiff(&before, &after)
	if deltas[0] != "" || deltas[1] != "+30 min" || deltas[2] != "" || deltas[3] != "new" {
		t.Fatalf("deltas %v", deltas)
	}
	if len(summary) != 2 || summary[0] != "Carte: 10 min → 40 min (+30 min)" || summary[1] != "Voix 30 (voice): new, 30 min" {
		t.Fatalf("summary %q", summary)
	}
}

func TestPasteStartsASearch(t *testing.T) {
	h := newHarness(t)
	h.m.Update(tea.PasteMsg{Content: " 9077613\n"})
	sb, ok := h.m.dialogs.top().(*searchBox)
	if !ok || sb.Value() != "9077613" {
		t.Fatalf("paste: top %T", h.m.dialogs.top())
	}
	h.mustSee("→ MSISDN")
}
