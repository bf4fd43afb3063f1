package metrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/metrics"
	smodel "simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// clock is the test's clock, shared by the engine and the metrics.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// upstream is a provider's HTTP API on loopback: lookups, an offer list
// whose stock the test sets, and top-ups whose answer depends on the offer.
type upstream struct {
	srv   *httptest.Server
	down  atomic.Bool
	stock atomic.Int64
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.stock.Store(50)
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u.down.Load() {
			http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
			return
		}
		switch {
		case r.URL.Path == "/offers":
			fmt.Fprintf(w, `[{"id":"data-1gb","stock":%d},{"id":"voice-60","stock":500}]`, u.stock.Load())
		case strings.HasPrefix(r.URL.Path, "/lines/"):
			fmt.Fprint(w, `{"found":true}`)
		case r.URL.Path == "/topup/bad-offer":
			http.Error(w, `{"error":"offer withdrawn"}`, http.StatusUnprocessableEntity)
		case r.URL.Path == "/topup/mystery-offer":
			fmt.Fprint(w, `{}`) // an answer without a status: unknown
		case strings.HasPrefix(r.URL.Path, "/topup/"):
			fmt.Fprint(w, `{"status":"ok","id":"T1"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(u.srv.Close)
	return u
}

// fakeProvider speaks to an upstream through a real httpx client (no
// retries, so every call is one attempt).
type fakeProvider struct {
	name string
	u    *upstream
	hc   *httpx.Client
}

func newFake(name string, u *upstream) *fakeProvider {
	hc := httpx.New(name, 5*time.Second, nil)
	hc.Retries = 0
	return &fakeProvider{name: name, u: u, hc: hc}
}

func (f *fakeProvider) Name() string                 { return f.name }
func (f *fakeProvider) Kind() string                 { return "fake" }
func (f *fakeProvider) Accepts(t smodel.IDType) bool { return t == smodel.MSISDN }

func (f *fakeProvider) get(ctx context.Context, path string, v any) error {
	return f.hc.Do(ctx, httpx.Request{URL: f.u.srv.URL + path}, func(_ int, _ http.Header, body io.Reader) error {
		return json.NewDecoder(body).Decode(v)
	})
}

func (f *fakeProvider) Lookup(ctx context.Context, id smodel.Identifier) ([]smodel.Line, error) {
	var v map[string]any
	if err := f.get(ctx, "/lines/"+id.Value, &v); err != nil {
		return nil, err
	}
	return []smodel.Line{{ID: id.Value, Type: id.Type}}, nil
}

func (f *fakeProvider) Offers(ctx context.Context) ([]smodel.Offer, error) {
	var v []struct {
		ID    string `json:"id"`
		Stock int    `json:"stock"`
	}
	if err := f.get(ctx, "/offers", &v); err != nil {
		return nil, err
	}
	out := make([]smodel.Offer, len(v))
	for i, o := range v {
		out[i] = smodel.Offer{ID: o.ID, Name: o.ID, Stock: o.Stock, TargetType: smodel.MSISDN}
	}
	return out, nil
}

func (f *fakeProvider) Topup(ctx context.Context, req smodel.TopupRequest) (smodel.TopupResult, error) {
	var v struct{ Status, ID string }
	err := f.hc.Do(ctx, httpx.Request{Method: http.MethodPost, URL: f.u.srv.URL + "/topup/" + req.Offer.ID, Body: []byte(`{}`)},
		func(_ int, _ http.Header, body io.Reader) error { return json.NewDecoder(body).Decode(&v) })
	if smodel.KindOf(err) == smodel.ErrBadRequest {
		return smodel.TopupResult{Status: topup.Rejected, Reason: "offer withdrawn", Sent: true}, nil
	}
	if err != nil {
		return smodel.TopupResult{Sent: true}, err
	}
	return smodel.TopupResult{Status: topup.Outcome(v.Status), TransactionID: v.ID, Sent: true}, nil
}

func (f *fakeProvider) Candidates(context.Context, smodel.TopupRequest, time.Time, time.Time) ([]smodel.Sale, bool, error) {
	return nil, false, nil
}
func (f *fakeProvider) Reference(smodel.TopupRequest) string { return "" }
func (f *fakeProvider) OwnsReference(string) bool            { return false }

// fakeServer stands for *serve.Server's session and refusal counts.
type fakeServer struct{}

func (fakeServer) SessionsByRole() map[string]int {
	return map[string]int{"agent": 2, "supervisor": 1, "viewer": 0}
}
func (fakeServer) RefusalsByReason() map[string]uint64 {
	return map[string]uint64{"unknown_key": 3, "rate": 1}
}

type shift struct {
	m       *metrics.Metrics
	eng     *engine.Engine
	hub     *live.Hub
	clk     *clock
	jpath   string
	shop    *upstream
	broken  *upstream
	baseURL string
}

// runShift plays a shift: lookups on a good and a failing provider, three
// top-ups (ok, rejected, unknown), and two stock readings two minutes
// apart in which data-1gb falls from 50 to 8 (below its low mark of 10).
func runShift(t *testing.T) *shift {
	t.Helper()
	clk := &clock{t: time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC)}
	s := &shift{clk: clk, shop: newUpstream(t), broken: newUpstream(t), hub: live.NewHub()}
	s.broken.down.Store(true)
	s.jpath = filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := journal.Open(s.jpath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	s.m = metrics.New(metrics.Options{Now: clk.Now})
	store := s.m.WrapStore(j)
	s.eng = engine.New(engine.Options{Operator: "alice", Environment: "demo", Journal: store, Now: clk.Now, SettleTime: 15 * time.Minute},
		engine.Registered{Provider: newFake("shop", s.shop), StockLow: 10, StockRefresh: 30 * time.Second},
		engine.Registered{Provider: newFake("broken", s.broken), StockLow: 10, StockRefresh: 30 * time.Second})
	t.Cleanup(s.m.Attach(metrics.Sources{Engine: s.eng, Hub: s.hub, Journal: store, Sessions: fakeServer{},
		Probe: metrics.FileProbe(s.jpath), SettleTime: 15 * time.Minute}))
	ctx := context.Background()
	line, err := smodel.ParseIdentifier("+33612345678", "", "")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := s.eng.LookupOne(ctx, "shop", line); r.Err != nil {
			t.Fatalf("shop lookup: %v", r.Err)
		}
	}
	for range 6 { // 5 failures open the circuit; the 6th fails fast, unsent
		if r := s.eng.LookupOne(ctx, "broken", line); r.Err == nil {
			t.Fatal("broken lookup succeeded")
		}
	}
	s.readStock(t)
	for _, offer := range []string{"data-1gb", "bad-offer", "mystery-offer"} {
		out, err := s.eng.Topup(ctx, engine.TopupInput{Provider: "shop", Target: line,
			Offer: smodel.Offer{ID: offer, Name: offer, TargetType: smodel.MSISDN}})
		if err != nil {
			t.Fatalf("top-up %s: %v", offer, err)
		}
		t.Logf("top-up %s: %s", offer, out.Result.Status)
	}
	clk.Advance(2 * time.Minute)
	s.shop.stock.Store(8)
	s.readStock(t)
	return s
}

// readStock is what the hub's poller does at each stock interval.
func (s *shift) readStock(t *testing.T) {
	offers, err := s.eng.Offers(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	s.hub.PublishStock(live.Stock{Provider: "shop", Offers: offers, At: s.clk.Now()})
}

// scrapeText serves the metrics on loopback and reads /metrics as
// Prometheus does (gzip negotiated by the HTTP client).
func scrapeText(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4; charset=utf-8") {
		t.Fatalf("/metrics Content-Type %q", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// scrape reads /metrics and parses it.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	return metrics.ParseText(t, scrapeText(t, m))
}

// lint runs client_golang's promlint (what testutil.GatherAndLint ran on
// the registry) over the families of an exposition.
func lint(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	list := make([]*dto.MetricFamily, 0, len(fams))
	for _, f := range fams {
		list = append(list, f)
	}
	problems, err := promlint.NewWithMetricFamilies(list).Lint()
	if err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}

// value finds the sample of a family with exactly these labels.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("%s not exported", name)
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
next:
	for _, m := range f.Metric {
		if len(m.Label) != len(want) {
			continue
		}
		for _, l := range m.Label {
			if want[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("%s%v not exported", name, labels)
	return 0
}

func TestScrapeAfterShift(t *testing.T) {
	s := runShift(t)
	s.clk.Advance(90 * time.Second) // the unknown top-up is 2 min + 90 s old
	fams := scrape(t, s.m)
	lint(t, fams)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"simdesk_provider_requests_total", []string{"provider", "shop", "operation", "lookup", "error", "none"}, 2},
		{"simdesk_provider_requests_total", []string{"provider", "shop", "operation", "offers", "error", "none"}, 2},
		{"simdesk_provider_requests_total", []string{"provider", "shop", "operation", "topup", "error", "none"}, 2},
		{"simdesk_provider_requests_total", []string{"provider", "shop", "operation", "topup", "error", "bad_request"}, 1},
		{"simdesk_provider_requests_total", []string{"provider", "broken", "operation", "lookup", "error", "unavailable"}, 5},
		{"simdesk_provider_request_duration_seconds", []string{"provider", "shop", "operation", "topup"}, 3},
		{"simdesk_provider_request_duration_seconds", []string{"provider", "broken", "operation", "lookup"}, 5},
		{"simdesk_provider_state", []string{"provider", "broken", "state", "failing"}, 1},
		{"simdesk_provider_state", []string{"provider", "broken", "state", "ok"}, 0},
		{"simdesk_provider_state", []string{"provider", "shop", "state", "ok"}, 1},
		{"simdesk_provider_consecutive_failures", []string{"provider", "broken"}, 5},
		{"simdesk_topups_total", []string{"provider", "shop", "outcome", "ok"}, 1},
		{"simdesk_topups_total", []string{"provider", "shop", "outcome", "rejected"}, 1},
		{"simdesk_topups_total", []string{"provider", "shop", "outcome", "unknown"}, 1},
		{"simdesk_journal_append_duration_seconds", []string{"kind", "guarded"}, 3},
		{"simdesk_journal_append_duration_seconds", []string{"kind", "append"}, 2},
		{"simdesk_topup_attempts_pending", nil, 1},
		{"simdesk_topup_attempts_pending_oldest_age_seconds", nil, 210},
		{"simdesk_settle_time_seconds", nil, 900},
		{"simdesk_journal_writable", nil, 1},
		{"simdesk_stock_remaining", []string{"provider", "shop", "offer", "data-1gb"}, 8},
		{"simdesk_stock_remaining", []string{"provider", "shop", "offer", "voice-60"}, 500},
		{"simdesk_stock_low", []string{"provider", "shop", "offer", "data-1gb"}, 1},
		{"simdesk_stock_low", []string{"provider", "shop", "offer", "voice-60"}, 0},
		{"simdesk_stock_empty", []string{"provider", "shop", "offer", "data-1gb"}, 0},
		{"simdesk_stock_low_threshold", []string{"provider", "shop"}, 10},
		{"simdesk_stock_refresh_interval_seconds", []string{"provider", "shop"}, 30},
		{"simdesk_stock_last_success_timestamp_seconds", []string{"provider", "shop"}, float64(time.Date(2026, 12, 5, 22, 2, 0, 0, time.UTC).Unix())},
		{"simdesk_sessions", []string{"role", "agent"}, 2},
		{"simdesk_sessions", []string{"role", "supervisor"}, 1},
		{"simdesk_ssh_refusals_total", []string{"reason", "unknown_key"}, 3},
		{"simdesk_ssh_refusals_total", []string{"reason", "rate"}, 1},
	} {
		if got := value(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The scrape took in only the second reading (the first was published
	// before it): burn needs a decline over a minute seen by the metrics.
	if got := value(t, fams, "simdesk_stock_burn_rate_per_second", "provider", "shop", "offer", "data-1gb"); got != 0 {
		t.Errorf("burn rate from one reading = %v, want 0", got)
	}
}

// TestBurnRate: readings scraped as they come give the consumption rate.
func TestBurnRate(t *testing.T) {
	s := runShift(t)
	scrape(t, s.m) // takes in the reading of stock 8
	s.clk.Advance(2 * time.Minute)
	s.shop.stock.Store(2)
	s.readStock(t)
	fams := scrape(t, s.m)
	// 8 → 2 in 120 s.
	if got := value(t, fams, "simdesk_stock_burn_rate_per_second", "provider", "shop", "offer", "data-1gb"); got != 6.0/120 {
		t.Errorf("burn = %v, want %v", got, 6.0/120)
	}
	if got := value(t, fams, "simdesk_stock_burn_rate_per_second", "provider", "shop", "offer", "voice-60"); got != 0 {
		t.Errorf("voice burn = %v, want 0", got)
	}
}

// TestNoIdentifierInLabels: nothing of the line, the operator or the
// journal reaches a label.
func TestNoIdentifierInLabels(t *testing.T) {
	s := runShift(t)
	out := scrapeText(t, s.m)
	if !strings.Contains(out, "simdesk_topups_total") {
		t.Fatalf("no top-up in the exposition:\n%s", out)
	}
	for _, bad := range []string{"33612345678", "alice", "T1"} {
		if strings.Contains(out, bad) {
			t.Errorf("exposition contains %q", bad)
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReadiness: /readyz probes the journal now (a journal made read-only
// after the last append is seen at once) and wants a provider not failing;
// /healthz answers whatever.
func TestReadiness(t *testing.T) {
	s := runShift(t)
	srv := httptest.NewServer(s.m.Handler(nil))
	defer srv.Close()
	if code, body := get(t, srv.URL+"/readyz"); code != 200 || body != "ready\n" {
		t.Fatalf("/readyz = %d %q", code, body)
	}
	if err := os.Chmod(s.jpath, 0o444); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, srv.URL+"/readyz")
	if code != 503 || !strings.Contains(body, "journal: ") || !strings.Contains(body, "read-only") {
		t.Fatalf("/readyz with a read-only journal = %d %q", code, body)
	}
	if v := value(t, scrape(t, s.m), "simdesk_journal_writable"); v != 0 {
		t.Errorf("simdesk_journal_writable = %v with a read-only journal", v)
	}
	os.Chmod(s.jpath, 0o600)
	// Every provider failing: the shop fails five times in a row too.
	s.shop.down.Store(true)
	line, _ := smodel.ParseIdentifier("+33612345678", "", "")
	for range 5 {
		s.eng.LookupOne(context.Background(), "shop", line)
	}
	code, body = get(t, srv.URL+"/readyz")
	if code != 503 || body != "providers: every one is failing\n" {
		t.Fatalf("/readyz with every provider failing = %d %q", code, body)
	}
	if code, body := get(t, srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
}

func callOf(provider, op, kind string) httpx.Call {
	return httpx.Call{Provider: provider, Operation: op, Kind: smodel.ErrorKind(kind), Elapsed: 42 * time.Millisecond}
}

// TestHostileOffers: a provider's catalogue with an invalid UTF-8 id, a
// 10 KB id, duplicate ids and 5000 offers still scrapes (200, linted),
// with bounded labels and at most maxOffers offers per provider.
func TestHostileOffers(t *testing.T) {
	s := runShift(t)
	offers := []smodel.Offer{{ID: "bad-\xff\xfe", Stock: 3}, {ID: strings.Repeat("x", 10000), Stock: 4}, {ID: "dup", Stock: 1}, {ID: "dup", Stock: 2}}
	for i := range 5000 {
		offers = append(offers, smodel.Offer{ID: fmt.Sprintf("o%d", i), Stock: i})
	}
	s.hub.PublishStock(live.Stock{Provider: "shop", Offers: offers, At: s.clk.Now()})
	fams := scrape(t, s.m)
	n := len(fams["simdesk_stock_remaining"].Metric)
	if n != 1000-1 { // the first 1000 offers, one duplicate left out
		t.Errorf("%d offers exported, want 999", n)
	}
	for _, m := range fams["simdesk_stock_remaining"].Metric {
		for _, l := range m.Label {
			if len(l.GetValue()) > 128 {
				t.Errorf("label of %d bytes", len(l.GetValue()))
			}
		}
	}
	if v := value(t, fams, "simdesk_stock_remaining", "provider", "shop", "offer", "dup"); v != 1 {
		t.Errorf("dup = %v, want the first (1)", v)
	}
	if v := value(t, fams, "simdesk_stock_remaining", "provider", "shop", "offer", "bad-\ufffd"); v != 3 {
		t.Errorf("invalid UTF-8 id = %v", v)
	}
	lint(t, fams)
}

// TestConcurrentScrapes: scrapes, provider calls, top-up hooks and stock
// readings at once (run under -race).
func TestConcurrentScrapes(t *testing.T) {
	s := runShift(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				switch g {
				case 0:
					if err := s.m.Expose(io.Discard); err != nil {
						t.Error(err)
					}
				case 1:
					s.m.ObserveCall(callOf("shop", "lookup", ""))
				case 2:
					s.m.ObserveTopup("shop", "ok")
				case 3:
					s.hub.PublishStock(live.Stock{Provider: "shop", Offers: []smodel.Offer{{ID: "a", Stock: 100 - i}}, At: s.clk.Now().Add(time.Duration(i) * time.Minute)})
				}
			}
		}()
	}
	wg.Wait()
	if got := value(t, scrape(t, s.m), "simdesk_topups_total", "provider", "shop", "outcome", "ok"); got != 21 {
		t.Errorf("ok top-ups = %v, want 21", got)
	}
}
