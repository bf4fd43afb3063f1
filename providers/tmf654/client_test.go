package tmf654_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
	"simdesk/providers/tmf654"
	"simdesk/topup"
)

// clock is a settable time for the simulator, so "created → completed"
// needs no sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	sim   *sim.Server
	clock *clock
	c     *tmf654.Client
}

func newFixture(t *testing.T, mod func(*tmf654.Options)) *fixture {
	t.Helper()
	ck := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := sim.New(sim.Options{Now: ck.now})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	o := tmf654.Options{
		Name: "lla-topup", Kind: tmf654.Kind, BaseURL: s.URL() + sim.TMF654BasePath,
		ClientID: sim.ClientID, ClientSecret: sim.ClientSecret,
		Currency: "USD", Amounts: []float64{5, 10, 20, 50}, MaxAmount: 100,
		HTTP: httpx.New("lla-topup", 5*time.Second, nil),
	}
	if mod != nil {
		mod(&o)
	}
	c, err := tmf654.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sim: s, clock: ck, c: c}
}

func msisdn(v string) model.Identifier { return model.Identifier{Type: model.MSISDN, Value: v} }

func (f *fixture) line(t *testing.T, id string) model.Line {
	t.Helper()
	ls, err := f.c.Lookup(context.Background(), msisdn(id))
	if err != nil || len(ls) != 1 {
		t.Fatalf("lookup %s: %v %v", id, ls, err)
	}
	return ls[0]
}

func money(t *testing.T, l model.Line, bucket string) float64 {
	t.Helper()
	for _, b := range l.Buckets {
		if b.ID == bucket {
			return b.Remaining.Value()
		}
	}
	t.Fatalf("no bucket %s in %+v", bucket, l.Buckets)
	return 0
}

// amount is an exact USD amount from the literal written in the test.
func amount(v float64) *model.Money {
	return new(topup.MustParse(strconv.FormatFloat(v, 'f', -1, 64), "USD"))
}

// candidates asks the reconciliation contract for the attempt's top-ups
// (the window does not narrow a TMF654 listing: the description is exact).
func candidates(t *testing.T, c *tmf654.Client, req model.TopupRequest) []model.Sale {
	t.Helper()
	got, complete, err := c.Candidates(context.Background(), req, time.Time{}, time.Time{})
	if err != nil || !complete {
		t.Fatalf("candidates of %s: complete %v, %v", req.JournalID, complete, err)
	}
	return got
}

func TestCapabilities(t *testing.T) {
	f := newFixture(t, nil)
	c := providers.CapabilitiesOf(f.c)
	if !c.Lookup || !c.TopupAmount || !c.Reconcile || c.TopupOffer || c.Offers {
		t.Errorf("capabilities %+v", c)
	}
	if c.Amounts.Currency != "USD" || c.Amounts.Max != *amount(100) || len(c.Amounts.Presets) != 4 || c.Amounts.UsageType != "monetary" {
		t.Errorf("rules %+v", c.Amounts)
	}
	if f.c.Accepts(model.Subscription) || !f.c.Accepts(model.MSISDN) {
		t.Error("accepts")
	}
}

func TestLookup(t *testing.T) {
	f := newFixture(t, nil)
	l := f.line(t, "9077613")
	if l.ID != "9077613" || l.Type != model.MSISDN || l.Status != "active" || l.Account != "PA-9077613" || len(l.Buckets) != 2 {
		t.Fatalf("line %+v", l)
	}
	b := l.Buckets[0]
	if b.Usage != model.UsageMoney || b.UsageRaw != "monetary" || b.Remaining.Unit != "USD" || b.Remaining.Value() != 12.5 || b.Name != "Prepaid Balance" || b.ValidTo.IsZero() {
		t.Errorf("money bucket %+v", b)
	}
	if d := l.Buckets[1]; d.Usage != model.UsageData || d.Remaining.Unit != "MB" || d.Remaining.Value() != 2048 {
		t.Errorf("data bucket %+v", d)
	}
	_, err := f.c.Lookup(context.Background(), msisdn("5550001"))
	if model.KindOf(err) != model.ErrNotFound {
		t.Errorf("unknown line: %v", err)
	}
	n := f.sim.Requests()
	if _, err := f.c.Lookup(context.Background(), model.Identifier{Type: model.Subscription, Value: "S-1001"}); !errors.Is(err, model.ErrInvalidInput) || f.sim.Requests() != n {
		t.Errorf("subscription: %v (requests %d → %d)", err, n, f.sim.Requests())
	}
}

func TestWrongSecretIsUnauthorized(t *testing.T) {
	f := newFixture(t, func(o *tmf654.Options) { o.ClientSecret = "wrong-secret-value" })
	_, err := f.c.Lookup(context.Background(), msisdn("9077613"))
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.ErrUnauthorized || !strings.Contains(me.Message, "invalid client credentials") || strings.Contains(me.Error(), "wrong-secret-value") {
		t.Errorf("got %v", err)
	}
}

func TestOAuth2ClientCredentials(t *testing.T) {
	var tokenURL string
	f := newFixture(t, func(o *tmf654.Options) {
		tokenURL = strings.TrimSuffix(o.BaseURL, sim.TMF654BasePath) + sim.OrangeTokenPath
		o.TokenURL = tokenURL
	})
	if l := f.line(t, "9077613"); len(l.Buckets) != 2 {
		t.Fatal(l)
	}
	f.sim.ExpireTokens() // a 401 renews the token once
	if l := f.line(t, "9077613"); len(l.Buckets) != 2 {
		t.Fatal(l)
	}
}

func TestTopupCompleted(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	targets, err := f.c.AmountTargets(ctx, msisdn("9077613"))
	if err != nil || len(targets) != 1 || targets[0].ID != "B-9077613-1" {
		t.Fatalf("targets %v %v", targets, err)
	}
	res, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-1", Amount: amount(10), Target: msisdn("9077613"), Operator: "alice"})
	if err != nil || res.Status != topup.OK || res.TransactionID == "" || !res.Sent {
		t.Fatalf("%+v %v", res, err)
	}
	if got := money(t, f.line(t, "9077613"), "B-9077613-1"); got != 22.5 {
		t.Errorf("balance after 10 USD: %v", got)
	}
	// The same journal id again is a 409 from the provider: rejected.
	res, err = f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-1", Amount: amount(10), Target: msisdn("9077613")})
	if res.Status != topup.Rejected || !strings.Contains(res.Reason, "exists already") || model.AsError(err).Status != 409 {
		t.Errorf("duplicate description: %+v %v", res, err)
	}
	// Reconciling the first attempt finds it by its description.
	rec := candidates(t, f.c, model.TopupRequest{JournalID: "j-1", Target: msisdn("9077613")})
	if len(rec) != 1 || rec[0].Outcome != topup.OK || rec[0].UserID != "j-1" || rec[0].Price != *amount(10) {
		t.Errorf("reconcile: %+v", rec)
	}
}

func TestTopupPicksBucket(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	targets, _ := f.c.AmountTargets(ctx, msisdn("18767911940"))
	if len(targets) != 2 {
		t.Fatalf("targets %v", targets)
	}
	n := f.sim.Requests()
	_, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-2", Amount: amount(5), Target: msisdn("18767911940")})
	if !errors.Is(err, model.ErrInvalidInput) || !strings.Contains(err.Error(), "several monetary balances") {
		t.Errorf("no choice: %v", err)
	}
	if f.sim.Requests() != n+1 { // the bucket read, no POST
		t.Errorf("requests %d → %d", n, f.sim.Requests())
	}
	res, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-3", Amount: amount(5), Target: msisdn("18767911940"), Bucket: targets[1].ID})
	if err != nil || res.Status != topup.OK {
		t.Fatalf("%+v %v", res, err)
	}
	l := f.line(t, "18767911940")
	if money(t, l, targets[1].ID) != 5 || money(t, l, targets[0].ID) != 3.2 {
		t.Errorf("buckets %+v", l.Buckets)
	}
}

func TestNoMonetaryBucket(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if ts, err := f.c.AmountTargets(ctx, msisdn("4933562")); err != nil || len(ts) != 0 {
		t.Errorf("targets %v %v", ts, err)
	}
	_, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j", Amount: amount(5), Target: msisdn("4933562")})
	if !errors.Is(err, model.ErrInvalidInput) || !strings.Contains(err.Error(), "has no monetary balance") {
		t.Errorf("got %v", err)
	}
}

func TestRejections(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		line   string
		amount float64
		status int
		reason string
	}{
		{"2466217773", 5, 409, "suspended"},
		{"7875550125", 5, 403, "not served through this channel"},
		{"7875550124", 25, 0, "top-up limit of 20.00 USD"},
	} {
		res, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-" + tc.line, Amount: amount(tc.amount), Target: msisdn(tc.line)})
		if res.Status != topup.Rejected || !strings.Contains(res.Reason, tc.reason) || !res.Sent {
			t.Errorf("%s: %+v %v", tc.line, res, err)
		}
		if tc.status != 0 && model.AsError(err).Status != tc.status {
			t.Errorf("%s: status %v", tc.line, err)
		}
		if tc.status == 0 && (err != nil || res.TransactionID == "") {
			t.Errorf("%s: a failed top-up is an answer, not an error: %+v %v", tc.line, res, err)
		}
	}
	// Below the limit the limited line completes.
	res, _ := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j-ok", Amount: amount(20), Target: msisdn("7875550124")})
	if res.Status != topup.OK {
		t.Errorf("20 USD: %+v", res)
	}
}

func TestCreatedThenCompleted(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	req := model.TopupRequest{JournalID: "j-delayed", Amount: amount(10), Target: msisdn("12424495927")}
	res, err := f.c.TopupAmount(ctx, req)
	if err != nil || res.Status != topup.Unknown || !res.Accepted || res.TransactionID == "" || !strings.Contains(res.Reason, "not applied yet") {
		t.Fatalf("%+v %v", res, err)
	}
	if got := money(t, f.line(t, "12424495927"), "B-12424495927-1"); got != 7.75 {
		t.Errorf("applied before completion: %v", got)
	}
	rec := candidates(t, f.c, req)
	if len(rec) != 1 || rec[0].Outcome != topup.Unknown {
		t.Errorf("still created: %+v", rec)
	}
	f.clock.add(4 * time.Second)
	rec = candidates(t, f.c, req)
	if len(rec) != 1 || rec[0].Outcome != topup.OK || rec[0].ID != res.TransactionID {
		t.Errorf("completed: %+v", rec)
	}
	if got := money(t, f.line(t, "12424495927"), "B-12424495927-1"); got != 17.75 {
		t.Errorf("balance after completion: %v", got)
	}
}

func TestUnknownThenReconciled(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	req := model.TopupRequest{JournalID: "j-500", Amount: amount(3), Target: msisdn("7875550123")}
	res, err := f.c.TopupAmount(ctx, req)
	if res.Status != topup.Unknown || res.Accepted || model.AsError(err).Status != 500 {
		t.Fatalf("%+v %v", res, err)
	}
	rec := candidates(t, f.c, req)
	if len(rec) != 1 || rec[0].Outcome != topup.OK || rec[0].ID == "" {
		t.Errorf("reconcile: %+v", rec)
	}
	// An attempt that never arrived has no candidate: no guessing by time
	// (the engine concludes not_found after the settle time, and keeps a
	// transaction another attempt holds from this one).
	if rec := candidates(t, f.c, model.TopupRequest{JournalID: "j-never", Target: msisdn("7875550123")}); len(rec) != 0 {
		t.Errorf("never sent: %+v", rec)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	n := f.sim.Requests()
	for _, m := range []*model.Money{
		{Minor: 0, Currency: "USD"}, {Minor: -500, Currency: "USD"}, {Minor: 10001, Currency: "USD"},
		{Currency: "USD", Invalid: "amount 10.005 is not a USD amount"}, {Minor: 1000, Currency: "EUR"}, nil,
	} {
		_, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j", Amount: m, Target: msisdn("9077613")})
		if !errors.Is(err, model.ErrInvalidInput) {
			t.Errorf("%v: %v", m, err)
		}
	}
	_, err := f.c.TopupAmount(ctx, model.TopupRequest{JournalID: "j", Amount: amount(5), Target: model.Identifier{Type: model.SIM, Value: "8944110068256270054"}})
	if !errors.Is(err, model.ErrInvalidInput) {
		t.Errorf("sim target: %v", err)
	}
	if f.sim.Requests() != n {
		t.Errorf("bad input sent %d requests", f.sim.Requests()-n)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	base := tmf654.Options{Name: "x", BaseURL: "http://127.0.0.1:1/v4", Currency: "USD", MaxAmount: 100}
	for name, mod := range map[string]func(*tmf654.Options){
		"no max":         func(o *tmf654.Options) { o.MaxAmount = 0 },
		"bad currency":   func(o *tmf654.Options) { o.Currency = "dollars" },
		"preset too big": func(o *tmf654.Options) { o.Amounts = []float64{500} },
		"bad url":        func(o *tmf654.Options) { o.BaseURL = "ftp://h" },
	} {
		o := base
		mod(&o)
		if _, err := tmf654.New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestConfiguredAmountsAreExact: the config's numbers are read as the
// decimals written in the file (0.1 is ten cents, not a float near it), and
// one with more decimals than the currency has is refused, not rounded.
func TestConfiguredAmountsAreExact(t *testing.T) {
	opts := func(cur string, max float64, presets ...float64) tmf654.Options {
		return tmf654.Options{Name: "t", Kind: tmf654.Kind, BaseURL: "http://127.0.0.1:1/v4", ClientID: "id", ClientSecret: "s",
			Currency: cur, MaxAmount: max, Amounts: presets}
	}
	c, err := tmf654.New(opts("USD", 100, 0.1, 0.2, 19.99))
	if err != nil {
		t.Fatal(err)
	}
	r := c.AmountRules()
	if r.Max != topup.MustParse("100", "USD") || len(r.Presets) != 3 || r.Presets[0] != topup.MustParse("0.1", "USD") || r.Presets[2].String() != "USD 19.99" {
		t.Errorf("rules %+v", r)
	}
	for _, o := range []tmf654.Options{opts("USD", 10.005), opts("JPY", 1000.5), opts("USD", 100, 5.001), opts("USD", 0), opts("BHD", 10, 0.0001)} {
		if _, err := tmf654.New(o); err == nil {
			t.Errorf("%s max %v presets %v accepted", o.Currency, o.MaxAmount, o.Amounts)
		}
	}
	if _, err := tmf654.New(opts("BHD", 10.125, 0.005)); err != nil {
		t.Errorf("BHD with three decimals: %v", err)
	}
}
