package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

func TestHeaderShowsEnvironmentOperatorRefAndHealth(t *testing.T) {
	h := newHarness(t)
	h.mustSee("simdesk", "DEMO", "operator alice", "orange ○", "cvp-pr ○")
	h.m.runCommand("ref", "INC-4411")
	h.search("sim:1956392841179")
	h.mustSee("ref INC-4411", "orange ●")

	p := newHarness(t, production())
	p.mustSee("PRODUCTION", "┏", "━")
	if strings.Contains(p.screen(), "DEMO") {
		t.Fatal("production console says DEMO")
	}
}

func TestFailingProviderShowsCross(t *testing.T) {
	h := newHarness(t)
	h.orange.errs = map[string]*model.Error{"1956392841179": {Kind: model.ErrUnavailable, Status: 503, Message: "down"}}
	for i := 0; i < 5; i++ {
		h.search("sim:1956392841179")
	}
	h.mustSee("orange ✖", "5 errors")
}

func TestPaneSwitchingKeys(t *testing.T) {
	h := newHarness(t)
	h.press("tab")
	if h.m.active != 1 {
		t.Fatalf("tab: active %d", h.m.active)
	}
	h.press("tab")
	if h.m.active != 0 {
		t.Fatalf("tab wraps: active %d", h.m.active)
	}
	h.press("shift+tab")
	if h.m.active != 1 {
		t.Fatalf("shift+tab: active %d", h.m.active)
	}
	h.press("1")
	if h.m.active != 0 {
		t.Fatalf("1: active %d", h.m.active)
	}
	h.press("9") // no ninth pane: nothing happens
	if h.m.active != 0 {
		t.Fatalf("9: active %d", h.m.active)
	}
	h.press("2")
	h.mustSee("[2 cvp-pr]")
}

func TestHelpIsGeneratedFromTheKeyMap(t *testing.T) {
	h := newHarness(t)
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.press("?")
	if _, ok := h.m.dialogs.top().(*helpDialog); !ok {
		t.Fatal("? did not open the help")
	}
	s := h.screen()
	for _, group := range h.m.c.keys.FullHelp() {
		for _, b := range group {
			if !strings.Contains(s, b.Help().Desc) {
				t.Errorf("help lacks %q (%s)", b.Help().Desc, b.Help().Key)
			}
		}
	}
	for _, c := range []string{"ref <text>", "pane <name>", "reconcile", "journal"} {
		if !strings.Contains(s, c) {
			t.Errorf("help lacks command %q", c)
		}
	}
	h.press("?")
	if h.m.dialogs.top() != nil {
		t.Fatal("? did not close the help")
	}
}

func TestPaletteFuzzyAndArguments(t *testing.T) {
	h := newHarness(t)
	h.press(":")
	h.typeText("stk")
	p := h.m.dialogs.top().(*commandPalette)
	if len(p.matches) == 0 || p.matches[0].cmd.Name != "stock" {
		t.Fatalf("stk matched %+v", p.matches)
	}
	h.settle(h.press("enter"))
	if !isScreen[stockScreen](h.m) {
		t.Fatal(":stock did not open the stock watch")
	}
	h.press(":")
	h.typeText("ref INC-4411")
	h.press("enter")
	if h.m.ref != "INC-4411" {
		t.Fatalf("ref = %q", h.m.ref)
	}
	h.press(":")
	h.typeText("pane cvp")
	h.press("enter")
	if h.m.active != 1 || !isScreen[panesScreen](h.m) {
		t.Fatalf(":pane cvp → active %d screen %T", h.m.active, h.m.top())
	}
	h.press(":")
	h.typeText("pane")
	h.press("down", "tab") // tab completes the selected entry
	if got := h.m.dialogs.top().(*commandPalette).in.Value(); got != "pane cvp-pr" {
		t.Fatalf("completion %q", got)
	}
	h.press("esc")
	h.press(":")
	h.typeText("zzzz")
	h.press("enter")
	h.mustSee("no matching command")
	h.press("esc")
	h.press(":")
	h.typeText("search sim:1956392841179")
	h.settle(h.press("enter"))
	if h.m.panes[0].line() == nil {
		t.Fatal(":search ID did not search")
	}
}

func TestQuitKeys(t *testing.T) {
	h := newHarness(t)
	isQuit := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		for _, m := range collect(cmd, 100e6) {
			if _, ok := m.(tea.QuitMsg); ok {
				return true
			}
		}
		return false
	}
	if !isQuit(h.press("q")) {
		t.Fatal("q did not quit")
	}
	// q inside an input is text; ctrl+c always quits.
	h.press("/")
	if isQuit(h.press("q")) {
		t.Fatal("q typed in the search box quit")
	}
	if !isQuit(h.press("ctrl+c")) {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestLinePickerForSeveralLines(t *testing.T) {
	h := newHarness(t)
	var ls []model.Line
	for i := 0; i < 3; i++ {
		l := orangeLine()
		l.Type, l.ID, l.MSISDN = model.MSISDN, "33612345678", "33612345678"
		l.TransactionID = fmt.Sprintf("trx-%d", i)
		l.OfferName = fmt.Sprintf("Offer %d", i)
		ls = append(ls, l)
	}
	h.orange.lines["33612345678"] = ls
	h.search("33612345678")
	p := h.m.panes[0]
	if p.line() != nil {
		t.Fatal("several lines should show a picker first")
	}
	h.mustSee("3 lines for MSISDN 33612345678", "trx-0", "trx-2", "Offer 1")
	h.press("down", "enter")
	if p.line() == nil || p.line().TransactionID != "trx-1" {
		t.Fatalf("opened %+v", p.line())
	}
	h.press("esc")
	if p.line() != nil {
		t.Fatal("esc should go back to the picker")
	}
}

func TestBucketDetailOpensAndCloses(t *testing.T) {
	h := newHarness(t)
	l := orangeLine()
	l.Buckets[0].Periods = []model.Period{
		{Start: model.ParseTime("2022-12-10T00:00:00Z"), End: model.ParseTime("2023-01-10T00:00:00Z"), Remaining: model.Quantity{Amount: num(1024), Unit: "MB"}},
		{Start: model.ParseTime("2023-01-10T00:00:00Z"), End: model.ParseTime("2023-02-10T00:00:00Z"), Current: true, Remaining: model.Quantity{Amount: num(2048), Unit: "MB"}},
		{Start: model.ParseTime("2023-02-10T00:00:00Z"), End: model.ParseTime("2023-03-10T00:00:00Z"), Remaining: model.Quantity{Amount: num(0), Unit: "MB"}},
	}
	l.Buckets[0].Counters = []model.Counter{{Type: "used", Amount: num(512), Unit: "MB"}, {Type: "allocated", Amount: num(2560), Unit: "MB"}, {Type: "Threshold_consumed_amount", Amount: num(75), Unit: "MB", Name: "75Percent"}}
	l.Buckets[0].Attributes = model.Attrs{{Name: "AvailableAmount", Value: "2048"}, {Name: "IsPrepaid", Value: "true"}}
	h.orange.lines["1956392841179"] = []model.Line{l}
	h.search("sim:1956392841179")
	h.mustSee("20%") // used 512 of 2560
	h.press("enter")
	h.mustSee("PERIODS", "past", "CURRENT", "next", "COUNTERS / THRESHOLDS", "Threshold_consumed_amount", "75Percent", "ATTRIBUTES", "AvailableAmount", "IsPrepaid")
	h.press("esc")
	h.mustSee("BUCKET", "REMAINING")
	h.mustNotSee("ATTRIBUTES")
}

func TestMaskIdentifiers(t *testing.T) {
	h := newHarness(t, masked())
	h.search("sim:1956392841179")
	h.mustSee("SIM *********1179")
	h.mustNotSee("1956392841179")
	txt := h.m.copyText()
	if strings.Contains(txt, "1956392841179") || !strings.Contains(txt, "*********1179") {
		t.Fatalf("copy not masked:\n%s", txt)
	}
}

func TestInputCursorSitsAfterTheTypedText(t *testing.T) {
	h := newHarness(t)
	v := h.m.View()
	if !v.AltScreen || v.Cursor != nil {
		t.Fatalf("alt screen %v, cursor %v without an input", v.AltScreen, v.Cursor)
	}
	for _, open := range []string{"/", ":"} {
		h.press(open)
		h.typeText("123")
		v = h.m.View()
		if v.Cursor == nil {
			t.Fatalf("%s: no cursor on the input", open)
		}
		rows := strings.Split(ansiStrip(v.Content), "\n")
		row := []rune(rows[v.Cursor.Y])
		if before := string(row[:v.Cursor.X]); !strings.HasSuffix(before, open+" 123") {
			t.Fatalf("%s: cursor at %d,%d after %q", open, v.Cursor.X, v.Cursor.Y, before)
		}
		h.press("esc")
	}
}

func TestRefreshReopensTheOpenLine(t *testing.T) {
	h := newHarness(t)
	h.search("sim:1956392841179")
	h.press("down")
	h.settle(h.press("r"))
	p := h.m.panes[0]
	if p.line() == nil || p.view.list.cursor != 0 || len(p.view.deltas) != 0 {
		t.Fatalf("refresh: line %v", p.line())
	}
	if h.m.panes[1].status != paneSkipped {
		t.Fatal("refreshing one pane touched another")
	}
}

func TestBigTablesScroll(t *testing.T) {
	h := newHarness(t)
	h.orange.lines["1956392841179"] = []model.Line{bigLine(100)}
	h.search("sim:1956392841179")
	h.mustSee("bucket 0000", "1–")
	h.mustNotSee("bucket 0099")
	h.press("G")
	h.mustSee("▸ bucket 0099", "of 100")
	h.mustNotSee("bucket 0000")
	h.press("g")
	h.mustSee("▸ bucket 0000")
	h.press("pgdown")
	if c := h.m.panes[0].view.list.cursor; c < 10 {
		t.Fatalf("pgdown moved to %d", c)
	}
	// The detail scrolls too.
	l := bigLine(1)
	l.Buckets[0].Attributes = model.Attrs{}
	for i := 0; i < 60; i++ {
		l.Buckets[0].Attributes = append(l.Buckets[0].Attributes, model.Attr{Name: fmt.Sprintf("Attr%02d", i), Value: "v"})
	}
	h.orange.lines["1956392841179"] = []model.Line{l}
	h.search("sim:1956392841179")
	h.press("enter")
	h.mustSee("Attr00")
	h.mustNotSee("Attr59")
	h.press("G")
	h.mustSee("Attr59")
	h.mustNotSee("Attr00")
}
