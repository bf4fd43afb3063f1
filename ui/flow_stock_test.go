package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

// stockUpdate delivers one poll of orange's offers with the given stocks.
func (h *harness) stockUpdate(stocks map[string]int) tea.Cmd {
	offers := orangeOffers()
	for i := range offers {
		if v, ok := stocks[offers[i].ID]; ok {
			offers[i].Stock = v
		}
		offers[i].Provider = "orange"
		offers[i].Low = offers[i].Stock <= 10
	}
	_, cmd := h.m.Update(stockMsg{provider: "orange", offers: offers, at: h.clk.Now()})
	return cmd
}

func hasBell(msgs []tea.Msg) bool {
	for _, m := range msgs {
		if r, ok := m.(tea.RawMsg); ok && r.Msg == "\a" {
			return true
		}
	}
	return false
}

func TestStockWatchShowsOffersWithTextMarkers(t *testing.T) {
	h := newHarness(t, noColor())
	h.settle(h.press("s"))
	if !isScreen[stockScreen](h.m) {
		t.Fatal("s did not open the stock watch")
	}
	h.mustSee("STOCK", "orange · refreshed", "every 1 h", "Recharge Holiday Voix 30 min", "EUR 9.90", "124")
	s := h.screen()
	for _, want := range []string{"LOW", "EMPTY"} {
		if !strings.Contains(s, want) {
			t.Fatalf("no %s marker:\n%s", want, s)
		}
	}
	// Marker prefixes: ✖ for empty, ! for low (the cursor row carries ▸).
	if !strings.Contains(s, "✖ Recharge Holiday Data 5") && !strings.Contains(s, "▸✖") {
		t.Fatalf("no ✖ prefix:\n%s", s)
	}
	if !strings.Contains(s, "! Orange France") && !strings.Contains(s, "! Recharge Holiday Data 1") && !strings.Contains(s, "▸!") {
		t.Fatalf("no ! prefix:\n%s", s)
	}
	h.press("s")
	if !isScreen[panesScreen](h.m) {
		t.Fatal("s again did not leave the stock watch")
	}
}

func TestStockCrossingLowRaisesAlertAndBell(t *testing.T) {
	h := newHarness(t)
	if msgs := collect(h.stockUpdate(map[string]int{"off-voice": 12}), 200*time.Millisecond); hasBell(msgs) {
		t.Fatal("first reading rang the bell")
	}
	h.clk.Advance(30 * time.Second)
	if msgs := collect(h.stockUpdate(map[string]int{"off-voice": 11}), 200*time.Millisecond); hasBell(msgs) {
		t.Fatal("no crossing, yet a bell")
	}
	h.clk.Advance(30 * time.Second)
	msgs := collect(h.stockUpdate(map[string]int{"off-voice": 10}), 200*time.Millisecond)
	if !hasBell(msgs) {
		t.Fatal("crossing stock_low did not ring the bell")
	}
	h.mustSee("⚠ stock alert: LOW Recharge Holiday Voix 30 min (orange): 10 left, low mark 10")
	h.clk.Advance(30 * time.Second)
	if msgs := collect(h.stockUpdate(map[string]int{"off-voice": 9}), 200*time.Millisecond); hasBell(msgs) {
		t.Fatal("staying low rang again")
	}
	h.clk.Advance(30 * time.Second)
	msgs = collect(h.stockUpdate(map[string]int{"off-voice": 0}), 200*time.Millisecond)
	if !hasBell(msgs) {
		t.Fatal("running empty did not ring")
	}
	h.mustSee("EMPTY Recharge Holiday Voix 30 min")
}

func TestStockSparklineBurnRateAndTimeToEmpty(t *testing.T) {
	h := newHarness(t)
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.press("s")
	for i, v := range []int{120, 110, 100, 90, 80, 70} {
		if i > 0 {
			h.clk.Advance(6 * time.Minute)
		}
		h.stockUpdate(map[string]int{"off-voice": v})
	}
	// 50 units in 30 minutes: 100/h, 70 left: ~42 min.
	h.mustSee("█▆▅▃▂▁", "100/h", "~42 min")
	// A restock starts the burn rate again.
	h.clk.Advance(6 * time.Minute)
	h.stockUpdate(map[string]int{"off-voice": 200})
	row := lineWith(h.screen(), "Recharge Holiday Voix")
	if strings.Contains(row, "/h") {
		t.Fatalf("burn rate survived a restock: %q", row)
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func TestStockRingIsBounded(t *testing.T) {
	var r stockRing
	at := t0
	for i := 0; i < 1000; i++ {
		r.add(stockSample{at: at, v: i})
		at = at.Add(30 * time.Second)
	}
	if r.n != stockSamples {
		t.Fatalf("ring holds %d samples", r.n)
	}
	v := r.values(stockSamples)
	if v[0] != 1000-stockSamples || v[len(v)-1] != 999 {
		t.Fatalf("ring values %d..%d", v[0], v[len(v)-1])
	}
	if got := r.values(5); len(got) != 5 || got[4] != 999 {
		t.Fatalf("last 5: %v", got)
	}
}

func TestStaleStockTickIsDropped(t *testing.T) {
	h := newHarness(t)
	h.stockUpdate(nil)
	src := h.m.stock.source("orange")
	if _, cmd := h.m.Update(stockTickMsg{provider: "orange", gen: src.gen - 1}); cmd != nil || src.loading {
		t.Fatal("a stale tick polled")
	}
	if _, cmd := h.m.Update(stockTickMsg{provider: "orange", gen: src.gen}); cmd == nil || !src.loading {
		t.Fatal("the current tick did not poll")
	}
}

func TestStockErrorShown(t *testing.T) {
	h := newHarness(t)
	h.press("s")
	h.m.Update(stockMsg{provider: "orange", err: &model.Error{Kind: model.ErrUnauthorized, Status: 401, Message: "invalid client"}, at: h.clk.Now()})
	h.mustSee("✖ orange", "credentials refused: invalid client", "HTTP 401")
}

// TestStockFilterSearchesOnlyWhenAsked: in the stock watch, enter keeps a
// word as the filter; a type prefix or ctrl+s searches it, as in a line.
func TestStockFilterSearchesOnlyWhenAsked(t *testing.T) {
	h := newHarness(t, noColor())
	h.settle(h.press("s"))
	h.press("/")
	h.typeText("voix")
	h.mustSee("enter keeps this filter · ctrl+s searches")
	h.press("enter")
	if !isScreen[stockScreen](h.m) || h.m.stock.filter.text() != "voix" || h.m.lastQuery.Value != "" {
		t.Fatalf("enter on a stock filter: screen %T filter %q searched %q", h.m.top(), h.m.stock.filter.text(), h.m.lastQuery.Value)
	}
	h.press("esc")
	h.press("/")
	h.typeText("sim:1956392841179")
	h.mustSee("enter searches sim:1956392841179")
	h.settle(h.press("enter"))
	if !isScreen[panesScreen](h.m) || h.m.lastQuery.Value != "1956392841179" {
		t.Fatalf("a prefixed filter did not search: screen %T query %+v", h.m.top(), h.m.lastQuery)
	}
	h.mustSee("SIM 1956392841179")
}

// TestStockCursorKeepsTheMarkAndTheColumns: the cursor on a LOW offer sits
// beside its "!" mark (not in its place, not pushing the row): the offer
// names and the state words start in the same column on every row.
func TestStockCursorKeepsTheMarkAndTheColumns(t *testing.T) {
	h := newHarness(t, noColor())
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.settle(h.press("s"))
	h.press("down")
	s := h.screen()
	h.mustSee("▸! Recharge Holiday Data 1 GB")
	var nameCol, stateCol []int
	for _, l := range strings.Split(s, "\n") {
		i := strings.Index(l, "Recharge Holiday")
		if i < 0 {
			continue
		}
		nameCol = append(nameCol, len([]rune(l[:i])))
		for _, w := range []string{" LOW", " EMPTY"} {
			if i := strings.Index(l, w); i >= 0 {
				stateCol = append(stateCol, len([]rune(l[:i])))
			}
		}
	}
	if len(nameCol) < 3 || len(stateCol) != 2 || nameCol[0] != nameCol[1] || nameCol[1] != nameCol[2] || stateCol[0] != stateCol[1] {
		t.Fatalf("names at %v, states at %v:\n%s", nameCol, stateCol, s)
	}
}
