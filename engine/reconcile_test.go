package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/providers/orange"
	"simdesk/providers/sim"
	"simdesk/topup"
)

// lister is a provider whose transaction list the test sets: a
// providers.Reconciler, so the engine's rules decide.
type lister struct {
	fake
	complete bool
	listed   []model.Sale
	asked    int
}

func (l *lister) Candidates(ctx context.Context, req model.TopupRequest, from, to time.Time) ([]model.Sale, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked++
	var out []model.Sale
	for _, s := range l.listed {
		if s.Parameters["msisdn"] == req.Target.Value {
			out = append(out, s)
		}
	}
	return out, l.complete, nil
}

func (l *lister) Reference(req model.TopupRequest) string { return "" }
func (l *lister) OwnsReference(string) bool               { return false }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func pendingIntent(id, line string, ts time.Time) journal.Entry {
	return journal.Entry{TS: ts, JournalID: id, Phase: journal.PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: "off-1", TargetType: "msisdn", TargetID: line}
}

func sale(id, line string, created time.Time) model.Sale {
	return model.Sale{ID: id, Status: "ok", Outcome: topup.OK, OfferID: "off-1", Created: model.Time{Time: created},
		Parameters: map[string]string{"msisdn": line}}
}

func reconcileEngine(t *testing.T, p *lister, clk *clock, j journal.Store) *Engine {
	t.Helper()
	if j == nil {
		jj, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jj.Close() })
		j = jj
	}
	return New(Options{Operator: "bob", Journal: j, DuplicateWindow: 10 * time.Minute, SettleTime: 15 * time.Minute, Now: clk.Now},
		Registered{Provider: p})
}

func mustAppend(t *testing.T, s journal.Store, e journal.Entry) {
	t.Helper()
	if _, err := s.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

func outcomes(t *testing.T, s journal.Store, id string) []journal.Entry {
	t.Helper()
	j := s.(*journal.File)
	entries, _, err := j.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var out []journal.Entry
	for _, e := range entries {
		if e.Phase == journal.PhaseOutcome && e.JournalID == id {
			out = append(out, e)
		}
	}
	return out
}

// A list that lags does not make an attempt "rejected": it stays pending
// ("not visible yet") until the settle time, and only then is concluded,
// as not found at the provider.
func TestReconcileLaggingListWaitsForSettleTime(t *testing.T) {
	p := &lister{fake: fake{name: "orange"}, complete: true}
	clk := &clock{t: t0.Add(time.Minute)}
	e := reconcileEngine(t, p, clk, nil)
	j := e.Options().Journal
	mustAppend(t, j, pendingIntent("a1", "33612345678", t0))

	app, errs, err := e.Reconcile(context.Background())
	if err != nil || len(app) != 0 || len(errs) != 1 || !errors.Is(errs[0].Err, ErrNotVisibleYet) {
		t.Fatalf("one minute after: appended %v, errs %v, err %v", app, errs, err)
	}
	clk.Set(t0.Add(16 * time.Minute))
	app, errs, err = e.Reconcile(context.Background())
	if err != nil || len(app) != 1 || len(errs) != 0 {
		t.Fatalf("after the settle time: appended %v, errs %v, err %v", app, errs, err)
	}
	if app[0].Status != journal.StatusNotFound || !app[0].Reconciled || app[0].TransactionID != "" {
		t.Fatalf("concluded %+v, want not_found", app[0])
	}
	// A list cut short proves nothing, whatever the time.
	mustAppend(t, j, pendingIntent("a2", "33612345679", t0))
	p.complete = false
	if app, errs, _ := e.Reconcile(context.Background()); len(app) != 0 || len(errs) != 1 {
		t.Fatalf("cut-short list: %v %v", app, errs)
	}
}

// Only a transaction of the same line and offer, created at or after the
// intent (less the skew) and claimed by no outcome, is the attempt's.
func TestReconcileMatchRules(t *testing.T) {
	line := "33612345678"
	p := &lister{fake: fake{name: "orange"}, complete: true}
	clk := &clock{t: t0.Add(20 * time.Minute)}
	e := reconcileEngine(t, p, clk, nil)
	j := e.Options().Journal
	mustAppend(t, j, pendingIntent("old", line, t0.Add(-time.Hour)))
	mustAppend(t, j, journal.Entry{TS: t0.Add(3 * time.Second), JournalID: "old", Phase: journal.PhaseOutcome, Provider: "orange", OfferID: "off-1",
		TargetType: "msisdn", TargetID: line, Status: journal.StatusOK, TransactionID: "trx-claimed"})
	mustAppend(t, j, pendingIntent("a", line, t0))
	other := sale("trx-other-offer", line, t0.Add(time.Second))
	other.OfferID = "off-2"
	p.listed = []model.Sale{
		sale("trx-before", line, t0.Add(-5*time.Minute)), // before the intent, beyond the skew
		sale("trx-claimed", line, t0.Add(2*time.Second)), // another attempt's
		other, // another offer
		sale("trx-late", line, t0.Add(19*time.Minute)),  // after the settle time
		sale("trx-right", line, t0.Add(30*time.Second)), // the one
		sale("trx-other-line", "33699999999", t0.Add(time.Second)),
	}
	app, errs, err := e.Reconcile(context.Background())
	if err != nil || len(errs) != 0 || len(app) != 1 || app[0].TransactionID != "trx-right" || app[0].Status != journal.StatusOK {
		t.Fatalf("appended %+v errs %v err %v", app, errs, err)
	}
}

// Two candidates for one attempt, or one for two attempts, concludes
// nothing; the operator settles it with Resolve, journalled with who
// decided, and a transaction can never go to a second attempt.
func TestReconcileAmbiguousAndResolve(t *testing.T) {
	line := "33612345678"
	p := &lister{fake: fake{name: "orange"}, complete: true}
	clk := &clock{t: t0.Add(20 * time.Minute)}
	e := reconcileEngine(t, p, clk, nil)
	j := e.Options().Journal
	mustAppend(t, j, pendingIntent("a", line, t0))
	mustAppend(t, j, pendingIntent("b", line, t0.Add(time.Minute)))
	p.listed = []model.Sale{sale("trx-1", line, t0.Add(70*time.Second))}
	app, errs, err := e.Reconcile(context.Background())
	var amb *AmbiguousError
	if err != nil || len(app) != 0 || len(errs) != 2 || !errors.As(errs[0].Err, &amb) || !errors.As(errs[1].Err, &amb) {
		t.Fatalf("one candidate for two attempts: appended %v errs %v", app, errs)
	}
	p.listed = append(p.listed, sale("trx-2", line, t0.Add(80*time.Second)))
	if app, errs, _ := e.Reconcile(context.Background()); len(app) != 0 || len(errs) != 2 {
		t.Fatalf("two candidates: appended %v errs %v", app, errs)
	}
	w, err := e.Resolve(context.Background(), "a", "trx-1")
	if err != nil || w.Status != journal.StatusOK || w.TransactionID != "trx-1" || w.ResolvedBy != "bob" {
		t.Fatalf("resolve: %+v %v", w, err)
	}
	if _, err := e.Resolve(context.Background(), "b", "trx-1"); !errors.Is(err, ErrResolve) {
		t.Fatalf("the same transaction given to a second attempt: %v", err)
	}
	if _, err := e.Resolve(context.Background(), "a", "trx-2"); !errors.Is(err, ErrResolve) {
		t.Fatalf("a settled attempt resolved again: %v", err)
	}
	// With trx-1 claimed, b's one candidate is trx-2.
	app, errs, _ = e.Reconcile(context.Background())
	if len(app) != 1 || app[0].JournalID != "b" || app[0].TransactionID != "trx-2" {
		t.Fatalf("after resolving a: %v %v", app, errs)
	}
	mustAppend(t, j, pendingIntent("c", line, t0.Add(2*time.Minute)))
	if w, err := e.Resolve(context.Background(), "c", "none"[:0]); err != nil || w.Status != journal.StatusNotFound || w.ResolvedBy != "bob" {
		t.Fatalf("resolve none: %+v %v", w, err)
	}
}

// An ok answer without a transaction id stays ok; reconciliation adds the
// id later, and while that attempt waits for it its transaction is never
// given to another attempt.
func TestReconcileOkWithoutID(t *testing.T) {
	line := "33612345678"
	p := &lister{fake: fake{name: "orange"}, complete: true}
	clk := &clock{t: t0.Add(20 * time.Minute)}
	e := reconcileEngine(t, p, clk, nil)
	j := e.Options().Journal
	mustAppend(t, j, pendingIntent("ok", line, t0))
	mustAppend(t, j, journal.Entry{JournalID: "ok", Phase: journal.PhaseOutcome, Provider: "orange", OfferID: "off-1",
		TargetType: "msisdn", TargetID: line, Status: journal.StatusOK})
	mustAppend(t, j, pendingIntent("lost", line, t0.Add(30*time.Second)))
	p.listed = []model.Sale{sale("trx-1", line, t0.Add(40*time.Second))}
	app, errs, _ := e.Reconcile(context.Background())
	if len(app) != 0 || len(errs) != 2 {
		t.Fatalf("the ok attempt's possible transaction went elsewhere: %v %v", app, errs)
	}
	if _, err := e.Resolve(context.Background(), "lost", ""); err != nil {
		t.Fatal(err)
	}
	app, errs, _ = e.Reconcile(context.Background())
	if len(app) != 1 || app[0].JournalID != "ok" || app[0].Status != journal.StatusOK || app[0].TransactionID != "trx-1" {
		t.Fatalf("the id was not added: %v %v", app, errs)
	}
	if a, _, _ := j.Get(context.Background(), "ok"); a.Outcome == nil || a.Outcome.TransactionID != "trx-1" || a.AwaitsID() {
		t.Fatalf("attempt now %+v", a)
	}
}

// Two reconcilers at once (two handles on one file, as two processes) never
// append two outcomes for one attempt.
func TestTwoReconcilersOneOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	clk := &clock{t: t0.Add(20 * time.Minute)}
	var engines []*Engine
	for range 2 {
		j, err := journal.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		p := &lister{fake: fake{name: "orange"}, complete: true,
			listed: []model.Sale{sale("trx-1", "33612345678", t0.Add(time.Second))}}
		engines = append(engines, reconcileEngine(t, p, clk, j))
	}
	for i := range 5 {
		mustAppend(t, engines[0].Options().Journal, pendingIntent(fmt.Sprintf("p%d", i), fmt.Sprintf("3361234567%d", i), t0))
	}
	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := e.Reconcile(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range 5 {
		if n := len(outcomes(t, engines[0].Options().Journal, fmt.Sprintf("p%d", i))); n != 1 {
			t.Errorf("p%d has %d outcomes", i, n)
		}
	}
}

// While an attempt of a line and offer is pending, however old, a new
// top-up of them needs --force, like a recent ok one.
func TestPendingAttemptNeedsForce(t *testing.T) {
	p := &fake{name: "orange", offers: []model.Offer{offer}, onTopup: func(model.TopupRequest) (model.TopupResult, error) {
		return model.TopupResult{Status: topup.OK, TransactionID: "trx", Sent: true}, nil
	}}
	e, j := newEngine(t, false, p)
	mustAppend(t, j, pendingIntent("old-pending", "33612345678", time.Now().Add(-3*time.Hour)))
	_, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")})
	var de *DuplicateError
	if !errors.As(err, &de) || !de.Attempt.Pending() || !strings.Contains(err.Error(), "still pending") || p.calls.Load() != 0 {
		t.Fatalf("pending attempt not held against a new top-up: %v, %d calls", err, p.calls.Load())
	}
	if a, dup := e.Duplicate("orange", msisdn("33612345678"), offer.ID); !dup || a.Intent.JournalID != "old-pending" {
		t.Fatalf("the console's check misses it: %+v %v", a, dup)
	}
	if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678"), Force: true}); err != nil || p.calls.Load() != 1 {
		t.Fatalf("forced: %v", err)
	}
}

// duplicate_window = "0s" turns the window off: the engine takes what the
// config gives it.
func TestDuplicateWindowZeroIsOff(t *testing.T) {
	p := &fake{name: "orange", offers: []model.Offer{offer}, onTopup: func(model.TopupRequest) (model.TopupResult, error) {
		return model.TopupResult{Status: topup.OK, TransactionID: fmt.Sprint(time.Now().UnixNano()), Sent: true}, nil
	}}
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := New(Options{Operator: "alice", Journal: j, DuplicateWindow: 0}, Registered{Provider: p})
	if e.Options().DuplicateWindow != 0 {
		t.Fatalf("engine changed the window to %v", e.Options().DuplicateWindow)
	}
	for i := range 2 {
		if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")}); err != nil {
			t.Fatalf("top-up %d: %v", i, err)
		}
	}
}

// 0033…, +33… and 33… are one line for the duplicate guard; the journal
// keeps what was sent.
func TestDuplicateGuardOneLineForm(t *testing.T) {
	p := &fake{name: "orange", offers: []model.Offer{offer}, onTopup: func(model.TopupRequest) (model.TopupResult, error) {
		return model.TopupResult{Status: topup.OK, TransactionID: "trx", Sent: true}, nil
	}}
	e, j := newEngine(t, false, p)
	in := pendingIntent("earlier", "0033612345678", time.Now().Add(-time.Minute))
	mustAppend(t, j, in)
	mustAppend(t, j, journal.Entry{JournalID: "earlier", Phase: journal.PhaseOutcome, Provider: "orange", OfferID: "off-1",
		TargetType: "msisdn", TargetID: "0033612345678", Status: journal.StatusOK, TransactionID: "t0"})
	_, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")})
	if !errors.Is(err, ErrDuplicate) || p.calls.Load() != 0 {
		t.Fatalf("0033… and 33… taken for two lines: %v", err)
	}
	if a, dup := e.Duplicate("orange", msisdn("+33612345678"), offer.ID); !dup || a.Intent.TargetID != "0033612345678" {
		t.Fatalf("console check: %+v %v", a, dup)
	}
}

// Against the simulator: Orange carries the journal id in user_id, so an
// attempt whose answer was lost is matched exactly, and a lagging list
// keeps it pending ("not visible yet") until it shows.
func TestOrangeReferenceAndLaggingList(t *testing.T) {
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	srv := sim.New(sim.Options{Now: clk.Now, OrangeListLag: 10 * time.Minute, Latency: 400 * time.Millisecond})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	red := httpx.NewRedactor(sim.ClientSecret)
	oc, err := orange.New(orange.Options{Name: "orange", BaseURL: srv.URL() + sim.OrangeBasePath, TokenURL: srv.URL() + sim.OrangeTokenPath,
		ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, HTTP: httpx.New("orange", 5*time.Second, red), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	offers, err := oc.Offers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var o model.Offer
	for _, x := range offers {
		if x.TargetType == model.MSISDN && x.Stock > 2 && strings.Contains(x.Supplier, "France") {
			o = x
			break
		}
	}
	if o.ID == "" {
		t.Fatal("no Orange France top-up offer in the simulator")
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := New(Options{Operator: "alice", Journal: j, DuplicateWindow: 10 * time.Minute, SettleTime: 15 * time.Minute, Now: clk.Now},
		Registered{Provider: oc})
	target := model.Identifier{Type: model.MSISDN, Value: "33612345678"}
	// The answer is lost (the caller gives up before the slow answer).
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	out, err := e.Topup(ctx, TopupInput{Provider: "orange", Offer: o, Target: target})
	cancel()
	if err != nil || out.Result.Status != topup.Unknown {
		t.Fatalf("lost answer: %+v %v", out, err)
	}
	// A second, forced sale of the same line and offer a second later, by
	// someone else (no reference of ours): by time alone it would make the
	// match ambiguous.
	if _, err := oc.Topup(context.Background(), model.TopupRequest{Offer: o, Target: target, Operator: "someone-else"}); err != nil {
		t.Fatal(err)
	}

	clk.Set(clk.Now().Add(6 * time.Minute)) // the list still lags
	app, errs, err := e.Reconcile(context.Background())
	if err != nil || len(app) != 0 || len(errs) != 1 {
		t.Fatalf("lagging list: appended %v errs %v err %v", app, errs, err)
	}
	clk.Set(clk.Now().Add(5 * time.Minute)) // the list shows both now
	app, errs, err = e.Reconcile(context.Background())
	if err != nil || len(app) != 1 || len(errs) != 0 || app[0].Status != journal.StatusOK || app[0].JournalID != out.JournalID {
		t.Fatalf("exact match by reference: appended %v errs %v err %v", app, errs, err)
	}
	s, err := oc.Transaction(context.Background(), app[0].TransactionID)
	if err != nil || s.UserID != "alice/"+out.JournalID {
		t.Fatalf("matched transaction %+v %v: not the one carrying our journal id", s, err)
	}
}
