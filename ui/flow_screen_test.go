package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/topup"
)

// TestStockNamesStayDistinctWhenCut: at any width, two offers that differ
// only at the end of their names still read differently, and numbers are
// whole.
func TestStockNamesStayDistinctWhenCut(t *testing.T) {
	h := newHarness(t, noColor())
	eur := func(v float64) model.Money { return topup.MustParse(strconv.FormatFloat(v, 'f', -1, 64), "EUR") }
	h.orange.offers = []model.Offer{
		{ID: "a", Name: "Recharge Holiday Voix 30 min", Supplier: "Welcome Travelers", Stock: 124, Price: eur(9.9), TargetType: model.SIM},
		{ID: "b", Name: "Recharge Holiday Voix 120 min", Supplier: "Welcome Travelers", Stock: 1234567, Price: eur(1234.5), TargetType: model.SIM},
		{ID: "c", Name: "Carte Holiday Data 5 GB", Supplier: "Orange France", Stock: 6, Price: eur(27.5), TargetType: model.SIM},
		{ID: "d", Name: "Carte Holiday Data 20 GB", Supplier: "Orange France", Stock: 0, Price: eur(35), TargetType: model.SIM},
	}
	h.settle(h.press("s"))
	for _, w := range []int{50, 60, 80, 100, 120} {
		h.m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		s := h.screen()
		for _, want := range []string{"30 min", "120 min", "5 GB", "20 GB", "1 234 567", "EUR 1 234.50"} {
			if !strings.Contains(s, want) {
				t.Errorf("%d columns: %q lost:\n%s", w, want, s)
			}
		}
		for _, l := range strings.Split(s, "\n") {
			if n := len([]rune(l)); n > w {
				t.Errorf("%d columns: a line of %d", w, n)
			}
		}
	}
}

// TestHeaderDegradesWithSixProviders: six providers at 100 columns and a
// long reference never cut a provider name; health becomes a summary.
func TestHeaderDegradesWithSixProviders(t *testing.T) {
	h := newHarness(t, noColor())
	var regs []engine.Registered
	names := []string{"orange", "dxp-pr", "cvp-pr", "cvp-jm", "cvp-tt", "cvp-bb"}
	for _, n := range names {
		regs = append(regs, engine.Registered{Provider: lookupOnly{&fakeProvider{name: n, kind: "tmf677-cvp", accepts: map[model.IDType]bool{model.MSISDN: true}, lines: map[string][]model.Line{}}}, StockRefresh: time.Hour})
	}
	eng := engine.New(engine.Options{Operator: "alice", Environment: "demo", Now: h.clk.Now}, regs...)
	m := New(Options{Engine: eng, Demo: true, Now: h.clk.Now, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.runCommand("ref", "INC-4411 caller says the data stopped after the Paris top-up")
	m.health["cvp-jm"] = engine.Health{State: "failing", Failures: 3}
	for _, n := range names {
		if n != "cvp-jm" {
			m.health[n] = engine.Health{State: "ok", LastLatency: 15016 * time.Millisecond}
		}
	}
	for _, w := range []int{80, 100, 120} {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		lines := strings.Split(stripView(m), "\n")
		head, tabs := lines[0], lines[1]
		if !strings.Contains(head, "cvp-jm ✖") && !strings.Contains(head, "1✖") {
			t.Errorf("%d: failing provider not shown: %q", w, head)
		}
		if strings.Contains(head, "15016") {
			t.Errorf("%d: latency in raw ms: %q", w, head)
		}
		for _, l := range []string{head, tabs} {
			if strings.Contains(l, "c…") || strings.Contains(l, "…-") {
				t.Errorf("%d: a provider name is cut: %q", w, l)
			}
		}
		if !strings.Contains(tabs, "[1 orange]") {
			t.Errorf("%d: the active tab lost its name: %q", w, tabs)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if head := strings.Split(stripView(m), "\n")[0]; !strings.Contains(head, "5●") {
		t.Errorf("no compact summary at 100: %q", head)
	}
}

func stripView(m *Model) string {
	s, _ := m.render()
	return ansi.Strip(s)
}

// orangeMSISDNLine is an Orange line with the zero rows of the categories
// its offer lacks ("0 MB", "0 SMS" beside a voice offer).
func orangeMSISDNLine() model.Line {
	l := orangeLine()
	l.Buckets = []model.Bucket{
		{Name: "Recharge Holiday Voix 30 min", Usage: model.UsageVoice, Remaining: model.Quantity{Amount: num(1800), Unit: "s"}},
		{Name: "Recharge Holiday Voix 30 min", Usage: model.UsageData, Remaining: model.Quantity{Amount: num(0), Unit: "MB"}},
		{Name: "Recharge Holiday Voix 30 min", Usage: model.UsageSMS, Remaining: model.Quantity{Amount: num(0), Unit: "sms"}},
		{Name: "Balance", Usage: model.UsageMoney, Remaining: model.Quantity{Amount: num(0), Unit: "EUR"}},
	}
	return l
}

func TestEmptyCategoryBucketsFoldWithAToggle(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.lines["1956392841179"] = []model.Line{orangeMSISDNLine()}
	h.search("sim:1956392841179")
	h.mustSee("30 min", "EUR 0.00", "2 empty bucket(s)", "z shows")
	h.mustNotSee("0 MB", "0 SMS")
	h.press("z")
	h.mustSee("0 MB", "0 SMS", "z folds")
	h.press("z")
	h.mustNotSee("0 MB")
}

func TestBucketFilterSortAndWide(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.lines["1956392841179"] = []model.Line{bigLine(10000)}
	h.search("sim:1956392841179")
	v := h.m.panes[0].view
	v.setFilter(&h.m.c, "bucket 09")
	h.mustSee("100 of 10 000 match", "bucket 0900")
	h.mustNotSee("bucket 0001 ")
	h.press("esc")
	if v.filter != "" || v.list.n != 10000 {
		t.Fatalf("esc did not clear the filter: %q, %d rows", v.filter, v.list.n)
	}
	header := func() string {
		for _, l := range strings.Split(h.screen(), "\n") {
			if strings.Contains(l, "BUCKET") {
				return l
			}
		}
		return ""
	}
	before := header()
	h.press(">", ">", ">") // REMAINING, largest first
	h.mustSee("sorted by REMAINING ↓ largest first", "↓REMAINING")
	// The arrow has its cell reserved: no column moves.
	after := header()
	at := func(l, col string) int { return len([]rune(l[:strings.Index(l, col)])) }
	for _, col := range []string{"USAGE", "VALID TO", "DAYS"} {
		if at(before, col) != at(after, col) {
			t.Fatalf("sorting moved %s:\n%s\n%s", col, before, after)
		}
	}
	if at(before, "REMAINING") != at(after, "REMAINING") {
		t.Fatalf("REMAINING lost its right edge:\n%s\n%s", before, after)
	}
	if b := v.bucketAt(0); b.Name != "bucket 9999" {
		t.Fatalf("first row after sorting by remaining: %s", b.Name)
	}
	h.press("<", "<", "<")
	if v.sort != 0 || v.bucketAt(0).Name != "bucket 0000" {
		t.Fatalf("back to the provider's order: sort %d first %s", v.sort, v.bucketAt(0).Name)
	}
	h.press("w")
	h.mustSee("wide:")
	before = h.screen()
	h.press("l", "l")
	if h.screen() == before {
		t.Fatal("→ does not scroll in wide mode")
	}
}

// TestCopyIsWholeAndYCopiesTheID: y copies every value whole at any
// width; Y copies the identifier under the cursor only.
func TestCopyIsWholeAndYCopiesTheID(t *testing.T) {
	h := newHarness(t, noColor())
	l := orangeLine()
	l.Buckets[0].Name = "Recharge Holiday Données Europe Zone 1 et Zone 2 10 Go valable 30 jours"
	h.orange.lines["1956392841179"] = []model.Line{l}
	h.m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.search("sim:1956392841179")
	txt := h.m.copyText()
	for _, want := range []string{l.Buckets[0].Name, "5f1c2a9e-0000-4000-8000-000000000001", "2.0 GB", "30 min"} {
		if !strings.Contains(txt, want) {
			t.Errorf("copy lacks %q:\n%s", want, txt)
		}
	}
	if id, _ := h.m.currentID(); id != "1956392841179" {
		t.Errorf("Y would copy %q", id)
	}
	msgs := collect(h.press("Y"), time.Second)
	if len(msgs) == 0 {
		t.Fatal("Y produced no clipboard command")
	}
	h.mustSee("copied SIM 1956392841179")
}

// TestSIMIdHintAndOneKeyRetry: a bare 13-digit Welcome Travelers SIM id is
// read as a MSISDN; when nobody finds it, the console offers the SIM search
// and enter runs it.
func TestSIMIdHintAndOneKeyRetry(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.lines = map[string][]model.Line{}
	h.orange.errs = map[string]*model.Error{"1956392841179": {Kind: model.ErrNotFound, Status: 404, Message: "no such line"}}
	h.lla.errs = map[string]*model.Error{"1956392841179": {Kind: model.ErrNotFound, Status: 404, Message: "subscriber not found"}}
	h.search("1956392841179")
	h.mustSee("did you mean sim:1956392841179?", "enter searches it")
	h.mustNotSee("r retries")
	h.orange.errs = nil
	h.orange.lines["1956392841179"] = []model.Line{orangeLine()}
	h.settle(h.press("enter"))
	if l := h.m.panes[0].line(); l == nil || l.Type != model.SIM {
		t.Fatalf("enter did not search the SIM: %v", h.m.panes[0].status)
	}
	if h.m.hint != "" {
		t.Fatal("the hint outlived the search it suggested")
	}
	// A prefixed search is never second-guessed.
	h.orange.errs = map[string]*model.Error{"1956392841170": {Kind: model.ErrNotFound, Status: 404}}
	h.lla.errs = map[string]*model.Error{"1956392841170": {Kind: model.ErrNotFound, Status: 404}}
	h.search("msisdn:1956392841170")
	if h.m.hint != "" {
		t.Fatalf("hint for a typed prefix: %q", h.m.hint)
	}
}

// TestEscOnSearchKeepsTheLine: cancelling a search in flight puts back
// the line that was on screen.
func TestEscOnSearchKeepsTheLine(t *testing.T) {
	h := newHarness(t, noColor())
	h.search("sim:1956392841179")
	h.mustSee("Data Europe")
	h.orange.block = make(chan struct{})
	defer close(h.orange.block)
	h.press("/")
	h.typeText("sim:1956392841170")
	h.press("enter")
	h.press("esc")
	if p := h.m.panes[0]; p.status != paneDone || p.line() == nil {
		t.Fatalf("esc lost the line: status %v", p.status)
	}
	h.mustSee("Data Europe", "search cancelled")
}

func TestSearchBoxNeverCutsAValidationMessage(t *testing.T) {
	h := newHarness(t, noColor())
	h.m.Update(tea.WindowSizeMsg{Width: 44, Height: 20})
	h.press("/")
	h.typeText("8944501234567890123") // an ICCID with a wrong check digit
	h.press("enter")
	flat := strings.Join(strings.Fields(h.screen()), " ")
	for _, want := range []string{"wrong check digit", "mistyped digit"} {
		if !strings.Contains(flat, want) {
			t.Errorf("message cut: %q missing:\n%s", want, h.screen())
		}
	}
}

func TestUnlimitedShowsTheRawValueInTheDetail(t *testing.T) {
	h := newHarness(t, noColor())
	l := orangeLine()
	l.Buckets[1].Remaining = model.Quantity{Amount: num(999999), Unit: "s"}
	h.orange.lines["1956392841179"] = []model.Line{l}
	h.search("sim:1956392841179")
	h.mustSee("unlimited")
	h.mustNotSee("16666", "999")
	h.press("down", "enter")
	h.mustSee("Remaining now unlimited (provider sent 999999 s = 16666.65 min)")
}

// TestJournalOpensAnAttemptWhole: enter shows every field of an attempt
// (offer name, reference, transaction, who, when); / filters the list.
func TestJournalOpensAnAttemptWhole(t *testing.T) {
	h := newHarness(t, noColor())
	h.m.runCommand("ref", "INC-4411")
	h.openConfirm("voix")
	h.clk.Advance(time.Second)
	h.settle(h.press("y"))
	h.clk.Advance(time.Second)
	h.press("esc")
	h.settle(h.m.runCommand("journal", ""))
	h.press("enter")
	h.mustSee("ATTEMPT ", "Journal id", "Recharge Holiday Voix 30 min", "Offer id", "off-voice", "INC-4411", "Operator", "alice", "Transaction", "EUR 9.90")
	if id, what := h.m.currentID(); what != "journal id" || id == "" {
		t.Fatalf("Y in the detail would copy %q (%s)", id, what)
	}
	h.press("esc")
	h.mustSee("JOURNAL", "WHEN (UTC)")
	h.press("/")
	h.typeText("nothing like this")
	h.mustSee("0 of 1 match")
	h.press("esc")
	h.mustSee("Recharge Holiday Voix 30 min")
	h.press("/")
	h.typeText("voix")
	h.press("enter")
	h.mustSee("1 of 1 match", "esc clears")
	h.press("esc")
	if h.m.journal.filter.active() || !isScreen[journalScreen](h.m) {
		t.Fatal("esc did not clear the filter first")
	}
}

// TestStockFilterAndSort: / filters the stock watch as you type with the
// match count; < > sort by a column.
func TestStockFilterAndSort(t *testing.T) {
	h := newHarness(t, noColor())
	h.settle(h.press("s"))
	h.press("/")
	h.typeText("data")
	h.mustSee("2 of 4 match", "Recharge Holiday Data 1 GB")
	h.mustNotSee("Voix 30 min")
	h.press("enter")
	h.press(">", ">", ">") // STOCK, emptiest first
	h.mustSee("sorted by STOCK")
	if r := h.m.stock.rows[0]; r.offer.ID != "off-empty" {
		t.Fatalf("first row sorted by stock: %s", r.offer.ID)
	}
	h.press("esc")
	h.mustSee("Voix 30 min")
	if len(h.m.stock.rows) != 4 {
		t.Fatalf("filter not cleared: %d rows", len(h.m.stock.rows))
	}
}

// TestHelpGroupsKeysAndExplainsEverySymbol: ? shows the current screen's
// keys first, every area under a heading and a legend for every symbol.
func TestHelpGroupsKeysAndExplainsEverySymbol(t *testing.T) {
	h := newHarness(t, noColor())
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 60})
	h.search("sim:1956392841179")
	h.press("?")
	s := h.screen()
	here := strings.Index(s, "Keys here (line)")
	every := strings.Index(s, "Everywhere")
	if here < 0 || every < 0 || here > every {
		t.Fatalf("the current screen's keys do not come first:\n%s", s)
	}
	for _, want := range []string{"Panes", "Lists and tables", "Line and stock tables", "Journal", "Confirmations", "Symbols", "Commands",
		"● provider healthy", "! failed lately", "✖ failing", "○ not called yet", "∅ not found", "✓ found", "▸ cursor", "LOW stock", "EMPTY no stock", "unlimited"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	// At 80×24 it scrolls instead of cutting.
	h.press("esc")
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("?")
	h.mustSee("↓ more")
	h.press("G", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down")
	h.mustSee("Commands")
}

// TestLookupProgressIsShown: a lookup in flight shows the provider's
// progress and, past 300 ms, how long it has been running.
func TestLookupProgressIsShown(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.block = make(chan struct{})
	defer close(h.orange.block)
	h.press("/")
	h.typeText("sim:1956392841179")
	h.press("enter")
	p := h.m.panes[0]
	h.m.Update(progressMsg{pane: "orange", req: p.want, v: providers.Progress{Step: "transactions read", Done: 150, Total: 2000, Pages: 3}, ch: make(chan providers.Progress)})
	h.mustSee("transactions read 150 of 2 000 · page 3")
	h.mustNotSee(" ms")
	h.clk.Advance(1234 * time.Millisecond)
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.mustSee("page 3 · 1.2 s")
	// A report for an older request is dropped.
	h.m.Update(progressMsg{pane: "orange", req: p.want - 1, v: providers.Progress{Step: "stale", Done: 1}, ch: make(chan providers.Progress)})
	h.mustNotSee("stale")
}

// TestSlashFiltersTheOpenLineAsYouType: in a line, text that is no
// identifier filters its buckets as it is typed, with the count in the
// box; esc puts the table back, enter keeps the filter.
func TestSlashFiltersTheOpenLineAsYouType(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.lines["1956392841179"] = []model.Line{bigLine(10000)}
	h.search("sim:1956392841179")
	v := h.m.panes[0].view
	h.press("/")
	h.typeText("bucket 09")
	h.mustSee("100 of 10 000 buckets match", "enter keeps this filter")
	if v.list.n != 100 {
		t.Fatalf("not filtered as typed: %d rows", v.list.n)
	}
	h.press("esc")
	if v.filter != "" || v.list.n != 10000 {
		t.Fatalf("esc kept the preview: %q %d", v.filter, v.list.n)
	}
	h.press("/")
	h.typeText("bucket 099")
	h.press("enter")
	if h.m.dialogs.top() != nil || v.filter != "bucket 099" || v.list.n != 10 {
		t.Fatalf("enter did not keep the filter: %q %d", v.filter, v.list.n)
	}
	h.mustSee("10 of 10 000 match")
	// An identifier in the box searches as before.
	h.press("/")
	h.typeText("sim:1956392841179")
	h.mustNotSee("buckets match")
	if v.filter != "bucket 099" {
		t.Fatalf("an identifier changed the filter: %q", v.filter)
	}
}

func TestCWCPostpaidWithoutAccountSaysHowToGiveIt(t *testing.T) {
	h := newHarness(t, noColor())
	h.lla.errs = map[string]*model.Error{"4933562": {Kind: model.ErrBadRequest, Status: 400, Message: "The billing account (relatedParty.id) must be given for CWC (Liberate) postpaid lines"}}
	h.orange.errs = map[string]*model.Error{"4933562": {Kind: model.ErrNotFound, Status: 404}}
	h.search("4933562")
	h.mustSee("4933562@ACCOUNT", "--account ACCOUNT")
	h.mustNotSee("r retries") // a 400 does not change by asking again
}

func TestStockWideModeShowsEveryColumn(t *testing.T) {
	h := newHarness(t, noColor())
	h.m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.settle(h.press("s"))
	h.mustNotSee("Welcome Travelers")
	h.press("w")
	h.mustSee("SUPPLIER")
	h.press("l", "l", "l", "l")
	h.mustSee("Travelers", "EUR 27.50")
	h.mustNotSee("Recharge Holiday")
	for _, l := range strings.Split(h.screen(), "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Fatalf("a line of %d in wide mode", n)
		}
	}
	h.press("w")
	h.mustNotSee("SUPPLIER")
}

// needsAccount is a provider whose configuration makes the billing account
// mandatory (a CWC postpaid market).
type needsAccount struct{ lookupOnly }

func (needsAccount) NeedsAccount(id model.Identifier) bool { return id.Account == "" }

func TestCWCPostpaidAccountAskedBeforeSending(t *testing.T) {
	h := newHarness(t, noColor())
	cwc := &fakeProvider{name: "cvp-jm", kind: "tmf677-cvp", accepts: map[model.IDType]bool{model.MSISDN: true},
		lines: map[string][]model.Line{"4933562": {orangeLine()}}}
	eng := engine.New(engine.Options{Operator: "alice", Environment: "demo", Now: h.clk.Now},
		engine.Registered{Provider: needsAccount{lookupOnly{cwc}}, StockRefresh: time.Hour})
	m := New(Options{Engine: eng, Demo: true, Now: h.clk.Now, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if cmd := m.search("4933562"); cmd != nil {
		t.Fatal("a lookup was sent without the account")
	}
	sb, ok := m.dialogs.top().(*searchBox)
	if !ok || sb.Value() != "4933562@" {
		t.Fatalf("the search box is not asking for the account: %T", m.dialogs.top())
	}
	if s := stripView(m); !strings.Contains(strings.Join(strings.Fields(s), " "), "needs the billing account") {
		t.Fatalf("no explanation:\n%s", s)
	}
	if cmd := m.search("4933562@150015680000"); cmd == nil {
		t.Fatal("with the account nothing was sent")
	}
}

// TestPickerKeepsTransactionIDsWhole: at 80 columns an Orange MSISDN's
// lines keep their whole transaction ids; offers give way but stay apart.
func TestPickerKeepsTransactionIDsWhole(t *testing.T) {
	h := newHarness(t, noColor())
	var ls []model.Line
	names := []string{"Recharge Holiday Voix 30 min", "Recharge Holiday Voix 120 min", "Recharge Holiday Data 5 GB"}
	for i, n := range names {
		l := orangeLine()
		l.Type, l.ID, l.MSISDN = model.MSISDN, "33612345678", "33612345678"
		l.TransactionID = "3f98e277-4cbd-47ad-9c90-a9587403e43" + string(rune('0'+i))
		l.OfferName, l.Supplier = n, "Welcome Travelers"
		ls = append(ls, l)
	}
	h.orange.lines["33612345678"] = ls
	h.search("33612345678")
	h.mustSee("3f98e277-4cbd-47ad-9c90-a9587403e430", "3f98e277-4cbd-47ad-9c90-a9587403e432", "30 min", "120 min", "5 GB")
}

// TestOneWordFilterKeepsTheOpenLine: a single word is a valid subscription
// id, yet in an open line whose buckets it matches, enter keeps it as a
// filter (the line stays, nothing is searched, the history is untouched);
// only a prefix or ctrl+s searches it.
func TestOneWordFilterKeepsTheOpenLine(t *testing.T) {
	h := newHarness(t, noColor())
	h.search("sim:1956392841179")
	p := h.m.panes[0]
	v := p.view
	h.press("/")
	h.typeText("data")
	h.mustSee("enter keeps this filter · 1 of 3 buckets match", "ctrl+s searches Subscription data instead")
	h.settle(h.press("enter"))
	if h.m.dialogs.top() != nil || p.view != v || v.filter != "data" || v.list.n != 1 || p.query.Value != "1956392841179" {
		t.Fatalf("enter on a one-word filter: dialog %v, view kept %v, filter %q rows %d, query %q", h.m.dialogs.top(), p.view == v, v.filter, v.list.n, p.query.Value)
	}
	for _, e := range h.m.hist.entries {
		if e == "data" {
			t.Fatal("a kept filter went into the search history")
		}
	}
	h.mustSee("Data Europe", `filter "data": 1 of 3 match`)
	// A word matching no bucket searches, and says so.
	h.press("/")
	h.typeText("zzz")
	h.mustSee("→ Subscription · enter searches")
	h.press("esc")
	// ctrl+s searches the word instead of filtering.
	h.press("/")
	h.typeText("data")
	h.settle(h.press("ctrl+s"))
	if h.m.lastQuery.Type != model.Subscription || h.m.lastQuery.Value != "data" {
		t.Fatalf("ctrl+s did not search: %+v", h.m.lastQuery)
	}
}

// TestSentinelMinutesReadUnlimitedEverywhere: cvp-jm's "Flow to Flow
// unlimited Mins" (16666666666.39 MINS, decoded from the seed) reads
// unlimited in the table, the detail (with the provider's value) and the
// copy, never as 277 777 777 h.
func TestSentinelMinutesReadUnlimitedEverywhere(t *testing.T) {
	h := newHarness(t, noColor())
	ls := seedLines(t, "4933562.json")
	for i := range ls {
		ls[i].Type, ls[i].Account = model.MSISDN, "150015680000"
	}
	h.lla.lines["4933562"] = ls
	h.search("4933562@150015680000")
	h.press("2")
	h.mustSee("Flow to Flow unlimited Mins", "unlimited")
	h.mustNotSee("277 777", "999 999")
	v := h.m.panes[1].view
	for r := range v.idx {
		if v.bucketAt(r).Name == "Flow to Flow unlimited Mins" {
			v.list.Select(r)
		}
	}
	h.press("enter")
	h.mustSee("Remaining now unlimited (provider sent 999999999983.4 s = 16666666666.39 min)")
	h.press("esc")
	if text := h.m.copyText(); !strings.Contains(text, "unlimited") || strings.Contains(text, "277 777") {
		t.Fatalf("copy:\n%s", text)
	}
}

// TestCopyCountsWhatItLeftOut: `y` on a line of 10 000 buckets copies the
// first 5 000 and says so in buckets (the status and the copy's last
// line), never in rendered lines; a filtered line is copied whole, and the
// status names the filter.
func TestCopyCountsWhatItLeftOut(t *testing.T) {
	h := newHarness(t, noColor())
	h.orange.lines["1956392841179"] = []model.Line{bigLine(10000)}
	h.search("sim:1956392841179")
	text := h.m.copyText()
	rows := strings.Count(text, "\n  bucket ") + strings.Count(text, "\n▸ bucket ")
	if rows != maxCopyRows || !strings.HasSuffix(text, "… 5 000 more buckets not copied (this copy holds the first 5 000 of 10 000)") {
		t.Fatalf("%d bucket rows; ends %q", rows, text[max(0, len(text)-120):])
	}
	h.press("y")
	h.mustSee("copied 5 000 of 10 000 buckets", "m shows it whole")
	if last := h.m.msgLog[len(h.m.msgLog)-1].text; !strings.HasPrefix(last, "copied 5 000 of 10 000 buckets (the first 5 000; 5 000 left out: a copy holds at most 5 000 rows)") {
		t.Fatalf("status %q", last)
	}
	h.press("/")
	h.typeText("bucket 09")
	h.press("enter")
	h.press("y")
	if last := h.m.msgLog[len(h.m.msgLog)-1].text; !strings.HasPrefix(last, `copied every bucket shown: 100 buckets (filter "bucket 09" of 10 000)`) {
		t.Fatalf("status %q", last)
	}
	if text := h.m.copyText(); strings.Contains(text, "not copied") || strings.Count(text, "bucket 09") < 100 {
		t.Fatalf("a filtered copy is not whole:\n%s", text[:min(len(text), 400)])
	}
}
