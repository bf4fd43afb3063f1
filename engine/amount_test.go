package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
	"simdesk/providers/tmf654"
	"simdesk/topup"
)

type amountClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *amountClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *amountClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// amountEngine is an engine over the simulator's TMF654 endpoint and a real
// tmf654 client, with a file journal and a shared settable clock.
func amountEngine(t *testing.T) (*Engine, *sim.Server, *amountClock, string) {
	t.Helper()
	clk := &amountClock{t: time.Now().UTC()}
	s := sim.New(sim.Options{Now: clk.Now})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c, err := tmf654.New(tmf654.Options{Name: "lla-topup", Kind: tmf654.Kind, BaseURL: s.URL() + sim.TMF654BasePath,
		ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Currency: "USD", Amounts: []float64{5, 10}, MaxAmount: 100,
		HTTP: httpx.New("lla-topup", 5*time.Second, nil)})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	e := New(Options{Operator: "alice", Environment: "demo", Journal: j, DuplicateWindow: 10 * time.Minute, SettleTime: time.Minute, Now: clk.Now},
		Registered{Provider: c})
	return e, s, clk, path
}

// usd is an exact USD amount from a literal written in the test (its
// shortest decimal text: 10 → "10", 12.5 → "12.5").
func usd(v float64) *model.Money {
	return new(topup.MustParse(strconv.FormatFloat(v, 'f', -1, 64), "USD"))
}

func line(v string) model.Identifier { return model.Identifier{Type: model.MSISDN, Value: v} }

func TestEngineCapabilities(t *testing.T) {
	e, _, _, _ := amountEngine(t)
	c := e.Capabilities("lla-topup")
	if !c.TopupAmount || c.TopupOffer || c.Offers || !c.Reconcile || c.Amounts.Max != *usd(100) {
		t.Errorf("%+v", c)
	}
	if c := e.Capabilities("nope"); c.Lookup || c.TopsUp() {
		t.Error("unknown provider has capabilities")
	}
}

// TestAmountTopupJournalAndDuplicate: the journal records the amount beside
// offer_id, and the guard compares line + amount: the same amount again is
// a duplicate, another amount is not.
func TestAmountTopupJournalAndDuplicate(t *testing.T) {
	e, _, _, path := amountEngine(t)
	ctx := context.Background()
	out, err := e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(10), Target: line("9077613"), Reference: "INC-1"})
	if err != nil || out.Result.Status != topup.OK {
		t.Fatalf("%+v %v", out, err)
	}
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("journal:\n%s", b)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		a, _ := m["amount"].(map[string]any)
		if a["amount"] != 10.0 || a["currency"] != "USD" || m["offer_id"] != "" {
			t.Errorf("entry %s", l)
		}
	}
	if !strings.Contains(lines[0], `"offer_id":"","amount":{"amount":10,"currency":"USD"}`) {
		t.Errorf("amount not beside offer_id: %s", lines[0])
	}
	if _, dup := e.DuplicateAmount("lla-topup", line("9077613"), topup.MustParse("10", "USD")); !dup {
		t.Error("DuplicateAmount missed the same amount")
	}
	if _, dup := e.DuplicateAmount("lla-topup", line("9077613"), topup.MustParse("5", "USD")); dup {
		t.Error("another amount counted as a duplicate")
	}
	_, err = e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(10.00), Target: line("9077613")})
	var de *DuplicateError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "amount USD 10.00") {
		t.Errorf("duplicate: %v", err)
	}
	if out, err := e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(5), Target: line("9077613")}); err != nil || out.Result.Status != topup.OK {
		t.Errorf("another amount: %+v %v", out, err)
	}
	if out, err := e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(10), Target: line("9077613"), Force: true}); err != nil || out.Result.Status != topup.OK {
		t.Errorf("forced: %+v %v", out, err)
	}
}

// decodedMoney is an amount as read from JSON: one with more decimals than
// its currency has cannot be a Money of that currency, and is kept as
// Invalid (a top-up refuses it).
func decodedMoney(t *testing.T, js string) *model.Money {
	t.Helper()
	var m model.Money
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestAmountTopupRefusals: bad input is refused before anything is written
// or sent.
func TestAmountTopupRefusals(t *testing.T) {
	e, s, _, path := amountEngine(t)
	ctx := context.Background()
	n := s.Requests()
	for name, in := range map[string]TopupInput{
		"zero":          {Provider: "lla-topup", Amount: usd(0), Target: line("9077613")},
		"over max":      {Provider: "lla-topup", Amount: usd(150), Target: line("9077613")},
		"decimals":      {Provider: "lla-topup", Amount: decodedMoney(t, `{"amount": 1.234, "currency": "USD"}`), Target: line("9077613")},
		"currency":      {Provider: "lla-topup", Amount: new(topup.MustParse("5", "EUR")), Target: line("9077613")},
		"not a msisdn":  {Provider: "lla-topup", Amount: usd(5), Target: model.Identifier{Type: model.Subscription, Value: "S-1001"}},
		"offer and amt": {Provider: "lla-topup", Amount: usd(5), Offer: model.Offer{ID: "x"}, Target: line("9077613")},
		"no amount":     {Provider: "lla-topup", Target: line("9077613")},
	} {
		if _, err := e.Topup(ctx, in); !errors.Is(err, model.ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if s.Requests() != n {
		t.Errorf("%d requests sent", s.Requests()-n)
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("journal written:\n%s", b)
	}
}

// TestAmountTopupReconciledByJournalID: an unknown outcome (a 500 after the
// provider applied it) and a "created" one are settled by reconciliation,
// which finds each attempt by its journal id.
func TestAmountTopupReconciledByJournalID(t *testing.T) {
	e, _, clk, _ := amountEngine(t)
	ctx := context.Background()
	lost, err := e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(3), Target: line("7875550123")})
	if err != nil || lost.Result.Status != topup.Unknown {
		t.Fatalf("%+v %v", lost, err)
	}
	created, err := e.Topup(ctx, TopupInput{Provider: "lla-topup", Amount: usd(4), Target: line("12424495927")})
	if err != nil || created.Result.Status != topup.Unknown || !created.Result.Accepted {
		t.Fatalf("%+v %v", created, err)
	}
	pending, _ := e.Pending()
	if len(pending) != 2 || pending[0].Amount == nil {
		t.Fatalf("pending %+v", pending)
	}
	app, errs, err := e.Reconcile(ctx)
	if err != nil || len(app) != 1 || app[0].JournalID != lost.JournalID || app[0].Status != journal.StatusOK || app[0].Amount == nil || len(errs) != 1 {
		t.Fatalf("first: %+v %+v %v", app, errs, err)
	}
	clk.add(4 * time.Second) // the created top-up completes
	app, errs, err = e.Reconcile(ctx)
	if err != nil || len(app) != 1 || app[0].JournalID != created.JournalID || app[0].Status != journal.StatusOK || app[0].TransactionID != created.Result.TransactionID || len(errs) != 0 {
		t.Fatalf("second: %+v %+v %v", app, errs, err)
	}
	if p, _ := e.Pending(); len(p) != 0 {
		t.Errorf("still pending %+v", p)
	}
}
