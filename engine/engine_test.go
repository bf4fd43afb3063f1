package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/topup"
)

// fake is a tiny in-memory provider implementing providers.ToppingUp.
type fake struct {
	name    string
	accepts model.IDType
	lines   map[string][]model.Line
	err     error
	delay   time.Duration
	offers  []model.Offer
	calls   atomic.Int32
	mu      sync.Mutex
	sales   []model.Sale
	onTopup func(req model.TopupRequest) (model.TopupResult, error)
}

func (f *fake) Name() string                                  { return f.name }
func (f *fake) Kind() string                                  { return "fake" }
func (f *fake) Accepts(t model.IDType) bool                   { return f.accepts == "" || t == f.accepts }
func (f *fake) Offers(context.Context) ([]model.Offer, error) { return f.offers, f.err }
func (f *fake) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	f.calls.Add(1)
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, &model.Error{Kind: model.ErrTimeout, Message: "cancelled"}
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	if l, ok := f.lines[id.Value]; ok {
		return l, nil
	}
	return nil, &model.Error{Kind: model.ErrNotFound, Status: 404, Message: "no such line"}
}
func (f *fake) Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error) {
	f.calls.Add(1)
	return f.onTopup(req)
}
func (f *fake) Candidates(ctx context.Context, req model.TopupRequest, from, to time.Time) ([]model.Sale, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Sale
	for _, s := range f.sales {
		if s.OfferID == req.Offer.ID && s.Parameters["msisdn"] == req.Target.Value {
			s.Outcome = topup.OK
			out = append(out, s)
		}
	}
	return out, true, nil
}
func (f *fake) Reference(model.TopupRequest) string { return "" }
func (f *fake) OwnsReference(string) bool           { return false }

var offer = model.Offer{ID: "off-1", Name: "Recharge 5 GB", Supplier: "Orange France", ProductType: "topup", Stock: 3, TargetType: model.MSISDN, Price: topup.MustParse("10", "EUR")}

func newEngine(t *testing.T, ro bool, ps ...*fake) (*Engine, *journal.File) {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	var regs []Registered
	for _, p := range ps {
		regs = append(regs, Registered{Provider: p, StockLow: 5})
	}
	return New(Options{Operator: "alice", ReadOnly: ro, Environment: "demo", Journal: j, DuplicateWindow: 10 * time.Minute}, regs...), j
}

func msisdn(v string) model.Identifier { return model.Identifier{Type: model.MSISDN, Value: v} }

// barrier is a provider whose lookups answer only once n lookups are in
// flight at the same time: a sequential engine would never get past it.
type barrier struct {
	fake
	arrived *sync.WaitGroup
	all     chan struct{}
}

func (b *barrier) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	b.arrived.Done()
	select {
	case <-b.all:
	case <-ctx.Done():
		return nil, &model.Error{Kind: model.ErrTimeout, Message: "the other lookups never started: not parallel"}
	}
	return b.fake.Lookup(ctx, id)
}

func TestLookupParallelInConfigOrder(t *testing.T) {
	var arrived sync.WaitGroup
	arrived.Add(2)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	a := &barrier{fake: fake{name: "a", lines: map[string][]model.Line{"9077613": {{ID: "9077613"}}}}, arrived: &arrived, all: all}
	b := &barrier{fake: fake{name: "b"}, arrived: &arrived, all: all}
	c := &fake{name: "c", accepts: model.SIM}
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := New(Options{Journal: j}, Registered{Provider: a}, Registered{Provider: b}, Registered{Provider: c})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := e.Lookup(ctx, msisdn("9077613"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Provider != "a" || res[1].Provider != "b" || c.calls.Load() != 0 {
		t.Fatalf("results %+v", res)
	}
	if len(res[0].Lines) != 1 || res[1].Err.Kind != model.ErrNotFound {
		t.Fatalf("a %+v b %+v", res[0], res[1].Err)
	}
	if _, err := e.Lookup(context.Background(), msisdn("1"), "zzz"); !errors.Is(err, model.ErrInvalidInput) {
		t.Fatalf("unknown provider: %v", err)
	}
	if _, err := e.Lookup(context.Background(), model.Identifier{Type: model.Transaction, Value: "x"}, "c"); !errors.Is(err, model.ErrInvalidInput) {
		t.Fatalf("type refused: %v", err)
	}
}

func TestTopupWritesIntentBeforeSending(t *testing.T) {
	p := &fake{name: "orange", offers: []model.Offer{offer}}
	e, j := newEngine(t, false, p)
	p.onTopup = func(req model.TopupRequest) (model.TopupResult, error) {
		b, _ := os.ReadFile(j.Path())
		if !strings.Contains(string(b), `"phase":"intent"`) || !strings.Contains(string(b), req.JournalID) {
			t.Errorf("intent not on disk when the request went out: %s", b)
		}
		left := 2
		return model.TopupResult{Status: topup.OK, TransactionID: "trx-1", StockLeft: &left, Sent: true}, nil
	}
	out, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678"), Reference: "INC-1"})
	if err != nil || out.Result.Status != topup.OK || out.Result.TransactionID != "trx-1" {
		t.Fatalf("%+v %v", out, err)
	}
	entries, probs, _ := j.Entries()
	if len(entries) != 2 || len(probs) != 0 || entries[1].Phase != "outcome" || entries[1].Status != "ok" || entries[1].Reference != "INC-1" || entries[0].Operator != "alice" {
		t.Fatalf("journal %+v", entries)
	}
	// The same line and offer again within the window: refused unless forced.
	_, err = e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")})
	var de *DuplicateError
	if !errors.As(err, &de) || p.calls.Load() != 1 {
		t.Fatalf("duplicate not refused: %v, %d calls", err, p.calls.Load())
	}
	out, err = e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678"), Force: true})
	if err != nil || out.Result.Status != topup.OK || p.calls.Load() != 2 {
		t.Fatalf("forced: %+v %v", out, err)
	}
	entries, _, _ = j.Entries()
	if !entries[len(entries)-1].Forced {
		t.Fatal("forced attempt not marked in the journal")
	}
}

func TestReadOnlyAndWrongTargetSendNothing(t *testing.T) {
	p := &fake{name: "orange", onTopup: func(model.TopupRequest) (model.TopupResult, error) { t.Fatal("sent"); return model.TopupResult{}, nil }}
	e, j := newEngine(t, true, p)
	if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")}); !errors.Is(err, ErrReadOnly) {
		t.Fatal(err)
	}
	e2, _ := newEngine(t, false, p)
	if _, err := e2.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: model.Identifier{Type: model.SIM, Value: "1956392841179"}}); !errors.Is(err, model.ErrInvalidInput) {
		t.Fatal(err)
	}
	if entries, _, _ := j.Entries(); len(entries) != 0 {
		t.Fatal("journal written")
	}
}

func TestUnknownOutcomeIsPendingThenReconciled(t *testing.T) {
	p := &fake{name: "orange"}
	p.onTopup = func(req model.TopupRequest) (model.TopupResult, error) {
		p.mu.Lock()
		p.sales = append(p.sales, model.Sale{ID: "trx-9", OfferID: req.Offer.ID, Created: model.Time{Time: time.Now()}, Parameters: map[string]string{"msisdn": req.Target.Value}})
		p.mu.Unlock()
		return model.TopupResult{Status: topup.Unknown, Sent: true}, &model.Error{Kind: model.ErrTimeout, Message: "no answer within 10s"}
	}
	e, _ := newEngine(t, false, p)
	out, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")})
	if err != nil || out.Result.Status != topup.Unknown || !strings.Contains(out.Result.Reason, "no answer") {
		t.Fatalf("%+v %v", out, err)
	}
	pend, _ := e.Pending()
	if len(pend) != 1 || pend[0].JournalID != out.JournalID {
		t.Fatalf("pending %+v", pend)
	}
	got, errs, err := e.Reconcile(context.Background())
	if err != nil || len(errs) != 0 || len(got) != 1 || got[0].Status != "ok" || got[0].TransactionID != "trx-9" || !got[0].Reconciled {
		t.Fatalf("reconcile %+v %+v %v", got, errs, err)
	}
	if pend, _ := e.Pending(); len(pend) != 0 {
		t.Fatalf("still pending %+v", pend)
	}
}

func TestBurstOfSubmitsSendsOnce(t *testing.T) {
	release := make(chan struct{})
	p := &fake{name: "orange"}
	p.onTopup = func(model.TopupRequest) (model.TopupResult, error) {
		<-release
		return model.TopupResult{Status: topup.OK, TransactionID: "t"}, nil
	}
	e, _ := newEngine(t, false, p)
	var wg sync.WaitGroup
	var refused atomic.Int32
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")}); err != nil {
				refused.Add(1)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if p.calls.Load() != 1 || refused.Load() != 19 {
		t.Fatalf("%d sent, %d refused", p.calls.Load(), refused.Load())
	}
}

func TestBreakerOpensAndProbes(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := &fake{name: "lla", err: &model.Error{Kind: model.ErrUnavailable, Status: 503, Message: "down"}}
	e := New(Options{Now: func() time.Time { return now }}, Registered{Provider: p})
	for i := 0; i < failureThreshold; i++ {
		e.LookupOne(context.Background(), "lla", msisdn("9077613"))
	}
	if h := e.Health("lla"); h.State != "failing" || h.Failures != failureThreshold {
		t.Fatalf("%+v", h)
	}
	r := e.LookupOne(context.Background(), "lla", msisdn("9077613"))
	if p.calls.Load() != failureThreshold || !strings.Contains(r.Err.Message, "next probe") {
		t.Fatalf("not fast-failed: %d calls, %v", p.calls.Load(), r.Err)
	}
	now = now.Add(firstProbeWait)
	p.err = nil
	p.lines = map[string][]model.Line{"9077613": {{ID: "9077613"}}}
	if r := e.LookupOne(context.Background(), "lla", msisdn("9077613")); r.Err != nil || e.Health("lla").State != "ok" {
		t.Fatalf("probe: %v %+v", r.Err, e.Health("lla"))
	}
}

func TestOffersForLine(t *testing.T) {
	e := New(Options{})
	wt := model.Offer{ID: "w", Name: "WT voice", Supplier: "Welcome Travelers", ProductType: "topup", TargetType: model.SIM, Stock: 5}
	ofr := offer
	esim := model.Offer{ID: "e", Name: "eSIM", Supplier: "Orange France", ProductType: "eSim", Stock: 5}
	empty := model.Offer{ID: "z", Name: "AAA empty", Supplier: "Orange France", ProductType: "topup", TargetType: model.MSISDN}
	line := model.Line{ID: "33612345678", Type: model.MSISDN, Supplier: "Orange France"}
	got := e.OffersForLine([]model.Offer{wt, ofr, esim, empty}, line)
	if len(got) != 2 || got[0].ID != "off-1" || got[1].ID != "z" {
		t.Fatalf("%+v", got)
	}
	sim := model.Line{ID: "1956392841179", Type: model.SIM, Supplier: "Welcome Travelers"}
	if got := e.OffersForLine([]model.Offer{wt, ofr}, sim); len(got) != 1 || got[0].ID != "w" {
		t.Fatalf("%+v", got)
	}
}

// TestForceOnAFirstTopupIsNotJournalledForced: --force on a top-up that is
// no duplicate overrides nothing: neither its intent nor its outcome says
// forced; the duplicate after it, forced, says so on both.
func TestForceOnAFirstTopupIsNotJournalledForced(t *testing.T) {
	p := &fake{name: "orange", offers: []model.Offer{offer}}
	p.onTopup = func(model.TopupRequest) (model.TopupResult, error) {
		return model.TopupResult{Status: topup.OK, TransactionID: "trx", Sent: true}, nil
	}
	e, j := newEngine(t, false, p)
	for range 2 {
		if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678"), Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _, _ := j.Entries()
	if len(entries) != 4 {
		t.Fatalf("%d entries", len(entries))
	}
	for i, en := range entries {
		if want := i >= 2; en.Forced != want {
			t.Errorf("entry %d (%s) forced %v, want %v", i, en.Phase, en.Forced, want)
		}
	}
}
