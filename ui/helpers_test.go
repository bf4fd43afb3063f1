package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/topup"
)

// testClock is a settable clock shared by the engine and the UI.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// t0 sits inside the seed billing cycle of 9077613 (2023-01-07 → 02-06).
var t0 = time.Date(2023, 1, 17, 0, 30, 0, 0, time.UTC)

// fakeProvider is a tiny in-memory provider (lookups, offers, top-ups).
type fakeProvider struct {
	name, kind string
	accepts    map[model.IDType]bool

	mu      sync.Mutex
	lines   map[string][]model.Line
	errs    map[string]*model.Error
	block   chan struct{} // non-nil: Lookup waits for it or for ctx
	ctxDone chan error    // receives ctx.Err() when a blocked Lookup is cancelled
	offers  []model.Offer
	topups  int
	forced  []bool
	reject  string // non-empty: top-ups are rejected with this reason
	unknown bool   // top-ups time out: outcome unknown
}

func (f *fakeProvider) Name() string                { return f.name }
func (f *fakeProvider) Kind() string                { return f.kind }
func (f *fakeProvider) Accepts(t model.IDType) bool { return f.accepts[t] }

func (f *fakeProvider) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			if f.ctxDone != nil {
				f.ctxDone <- ctx.Err()
			}
			return nil, &model.Error{Kind: model.ErrTimeout, Message: "cancelled"}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.errs[id.Value]; e != nil {
		cp := *e
		return nil, &cp
	}
	ls, ok := f.lines[id.Value]
	if !ok {
		return nil, &model.Error{Kind: model.ErrNotFound, Status: 404, Message: "subscriber not found", CorrelationID: "corr-" + id.Value}
	}
	return cloneLines(ls), nil
}

func cloneLines(ls []model.Line) []model.Line {
	out := make([]model.Line, len(ls))
	for i, l := range ls {
		l.Buckets = append([]model.Bucket(nil), l.Buckets...)
		out[i] = l
	}
	return out
}

func (f *fakeProvider) Offers(ctx context.Context) ([]model.Offer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Offer(nil), f.offers...), nil
}

// Topup applies 1 GB of data to the line and takes one unit of stock.
func (f *fakeProvider) Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.topups++
	if f.unknown {
		return model.TopupResult{Status: topup.Unknown, Reason: "no answer within 90s", Sent: true}, &model.Error{Kind: model.ErrTimeout, Message: "no answer within 90s"}
	}
	if f.reject != "" {
		return model.TopupResult{Status: topup.Rejected, Reason: f.reject, Sent: true}, nil
	}
	left := 0
	for i := range f.offers {
		if f.offers[i].ID == req.Offer.ID {
			f.offers[i].Stock--
			left = f.offers[i].Stock
		}
	}
	for k, ls := range f.lines {
		for li := range ls {
			if ls[li].SimID == req.Target.Value || ls[li].ID == req.Target.Value {
				bs := append([]model.Bucket(nil), ls[li].Buckets...)
				for bi := range bs {
					if bs[bi].Usage == model.UsageData && bs[bi].Remaining.Amount != nil {
						v := *bs[bi].Remaining.Amount + 1024
						bs[bi].Remaining.Amount = &v
					}
				}
				ls[li].Buckets = bs
			}
		}
		f.lines[k] = ls
	}
	return model.TopupResult{Status: topup.OK, TransactionID: fmt.Sprintf("trx-%d", f.topups), StockLeft: &left, Sent: true}, nil
}

// Candidates: the provider holds one completed transaction for any attempt,
// carrying the attempt's journal id (its own reference).
func (f *fakeProvider) Candidates(ctx context.Context, req model.TopupRequest, from, to time.Time) ([]model.Sale, bool, error) {
	return []model.Sale{{ID: "trx-reconciled", Status: "ok", Outcome: topup.OK, UserID: req.JournalID, OfferID: req.Offer.ID}}, true, nil
}
func (f *fakeProvider) Reference(req model.TopupRequest) string { return req.JournalID }
func (f *fakeProvider) OwnsReference(string) bool               { return true }

var _ providers.ToppingUp = (*fakeProvider)(nil)

// lookupOnly exposes only the Provider interface of a fake (an LLA pane).
type lookupOnly struct{ f *fakeProvider }

func (p lookupOnly) Name() string                { return p.f.name }
func (p lookupOnly) Kind() string                { return p.f.kind }
func (p lookupOnly) Accepts(t model.IDType) bool { return p.f.accepts[t] }
func (p lookupOnly) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	return p.f.Lookup(ctx, id)
}

func num(v float64) *float64 { return &v }

// orangeLine is a Welcome Travelers SIM line with a few buckets.
func orangeLine() model.Line {
	return model.Line{
		ID: "1956392841179", Type: model.SIM, SimID: "1956392841179", Payment: "prepaid", Status: "active",
		AsOf: model.Time{Time: t0.Add(-12 * time.Second)}, Supplier: "Welcome Travelers", TransactionID: "5f1c2a9e-0000-4000-8000-000000000001",
		Buckets: []model.Bucket{
			{ID: "d", Name: "Data Europe", Usage: model.UsageData, Remaining: model.Quantity{Amount: num(2048), Unit: "MB"}, ValidTo: model.ParseTime("2023-02-10T00:00:00Z")},
			{ID: "v", Name: "Voice Europe", Usage: model.UsageVoice, Remaining: model.Quantity{Amount: num(1800), Unit: "s"}, ValidTo: model.ParseTime("2023-02-10T00:00:00Z")},
			{ID: "s", Name: "SMS Europe", Usage: model.UsageSMS, Remaining: model.Quantity{Amount: num(50), Unit: "sms"}, ValidTo: model.ParseTime("9999-12-31T00:00:00Z")},
		},
	}
}

func orangeOffers() []model.Offer {
	eur := func(v float64) model.Money { return topup.MustParse(strconv.FormatFloat(v, 'f', -1, 64), "EUR") }
	return []model.Offer{
		{ID: "off-voice", Name: "Recharge Holiday Voix 30 min", Supplier: "Welcome Travelers", ProductType: "topup", Stock: 124, Price: eur(9.9), TargetType: model.SIM},
		{ID: "off-data", Name: "Recharge Holiday Data 1 GB", Supplier: "Welcome Travelers", ProductType: "topup", Stock: 6, Price: eur(27.5), TargetType: model.SIM},
		{ID: "off-empty", Name: "Recharge Holiday Data 5 GB", Supplier: "Welcome Travelers", ProductType: "topup", Stock: 0, Price: eur(35), TargetType: model.SIM},
		{ID: "off-fr", Name: "Orange France 10 EUR", Supplier: "Orange France", ProductType: "topup", Stock: 50, Price: eur(10), TargetType: model.MSISDN},
	}
}

type harness struct {
	t      testing.TB
	m      *Model
	clk    *testClock
	orange *fakeProvider
	lla    *fakeProvider
	eng    *engine.Engine
}

type harnessOpt func(*engine.Options, *Options)

func readOnly() harnessOpt { return func(e *engine.Options, _ *Options) { e.ReadOnly = true } }
func noColor() harnessOpt  { return func(_ *engine.Options, o *Options) { o.NoColor = true } }
func production() harnessOpt {
	return func(e *engine.Options, o *Options) { e.Environment, o.Demo = "production", false }
}
func masked() harnessOpt { return func(e *engine.Options, _ *Options) { e.MaskIdentifiers = true } }
func historyAt(p string) harnessOpt {
	return func(_ *engine.Options, o *Options) { o.HistoryPath = p }
}

// newHarness builds a real engine (with a temp journal) over two fake
// providers and a console of 80×24 around it.
func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	clk := &testClock{t: t0}
	j, err := journal.Open(t.TempDir() + "/j.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	orange := &fakeProvider{name: "orange", kind: "orange-travel",
		accepts: map[model.IDType]bool{model.SIM: true, model.MSISDN: true, model.Transaction: true},
		lines:   map[string][]model.Line{"1956392841179": {orangeLine()}}, offers: orangeOffers()}
	lla := &fakeProvider{name: "cvp-pr", kind: "tmf677-cvp",
		accepts: map[model.IDType]bool{model.MSISDN: true, model.Subscription: true},
		lines:   map[string][]model.Line{}}
	eo := engine.Options{Operator: "alice", Environment: "demo", DuplicateWindow: 10 * time.Minute, Journal: j, Now: clk.Now}
	uo := Options{Demo: true, Now: clk.Now}
	for _, o := range opts {
		o(&eo, &uo)
	}
	eng := engine.New(eo,
		engine.Registered{Provider: orange, StockLow: 10, StockRefresh: time.Hour},
		engine.Registered{Provider: lookupOnly{lla}, StockRefresh: time.Hour},
	)
	uo.Engine = eng
	m := New(uo)
	m.after = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return fn(clk.Now()) } // timers fire at once (and are ignored by settle)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return &harness{t: t, m: m, clk: clk, orange: orange, lla: lla, eng: eng}
}

// kp builds a key press from a keystroke name ("enter", "y", "shift+tab").
func kp(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// press sends keys and returns the command of the last one.
func (h *harness) press(keys ...string) tea.Cmd {
	h.t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = h.m.Update(kp(k))
	}
	return cmd
}

// typeText types s character by character, ignoring the commands.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// ignored are the timer messages that would loop forever in a test.
func ignored(msg tea.Msg) bool {
	switch msg.(type) {
	case spinner.TickMsg, clockMsg, stockTickMsg, forwardMsg, nil:
		return true
	}
	return false
}

// collect runs cmd (and batches, concurrently) and returns the messages that
// arrive within wait; timers that fire later (tea.Tick) are dropped.
func collect(cmd tea.Cmd, wait time.Duration) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(wait):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var out []tea.Msg
		for _, c := range b {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ms := collect(c, wait)
				mu.Lock()
				out = append(out, ms...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return out
	}
	return []tea.Msg{msg}
}

// settle runs cmd and feeds every message it produces back into the model
// until nothing is left (bounded), returning every message seen.
func (h *harness) settle(cmd tea.Cmd) []tea.Msg {
	h.t.Helper()
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for i := 0; i < 50 && len(queue) > 0; i++ {
		c := queue[0]
		queue = queue[1:]
		for _, msg := range collect(c, 5*time.Second) {
			if ignored(msg) {
				continue
			}
			seen = append(seen, msg)
			_, next := h.m.Update(msg)
			if next != nil {
				queue = append(queue, next)
			}
		}
	}
	return seen
}

// screen is the rendered view as plain text.
func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

func (h *harness) mustSee(want ...string) {
	h.t.Helper()
	s := h.screen()
	for _, w := range want {
		if !strings.Contains(s, w) {
			h.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func (h *harness) mustNotSee(bad ...string) {
	h.t.Helper()
	s := h.screen()
	for _, b := range bad {
		if strings.Contains(s, b) {
			h.t.Fatalf("screen shows %q:\n%s", b, s)
		}
	}
}

// search types /raw⏎ and settles the lookups.
func (h *harness) search(raw string) {
	h.t.Helper()
	h.press("/")
	h.typeText(raw)
	h.settle(h.press("enter"))
}

// bigLine is a line with n data buckets ("bucket 0000"…), for scrolling,
// copies and benchmarks.
func bigLine(n int) model.Line {
	l := orangeLine()
	l.Buckets = make([]model.Bucket, n)
	for i := range l.Buckets {
		l.Buckets[i] = model.Bucket{
			ID: fmt.Sprintf("b%d", i), Name: fmt.Sprintf("bucket %04d", i), Usage: model.UsageData,
			Remaining: model.Quantity{Amount: num(float64(i)), Unit: "MB"}, ValidTo: model.ParseTime("2023-02-10T00:00:00Z"),
			Counters: []model.Counter{{Type: "used", Amount: num(float64(i % 100)), Unit: "MB"}, {Type: "allocated", Amount: num(100), Unit: "MB"}},
		}
	}
	return l
}
