package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/internal/proccpu"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/metrics"
	smodel "simdesk/model"
)

// manySessions stands for a server with 50 sessions and a few refusals.
type manySessions struct{}

func (manySessions) SessionsByRole() map[string]int {
	return map[string]int{"viewer": 10, "agent": 35, "supervisor": 5}
}
func (manySessions) RefusalsByReason() map[string]uint64 {
	return map[string]uint64{"unknown_key": 12, "role": 1, "rate": 3, "caps": 2}
}

// BenchmarkScrape is one Prometheus scrape of /metrics over loopback
// (gather, encode, HTTP) with 50 sessions and 200 offers (4 providers of 50
// offers, each read twice so the burn rate has history), every provider
// called, and a journal with 20 pending attempts.
func BenchmarkScrape(b *testing.B) {
	b.Run("simdesk", func(b *testing.B) { benchScrape(b, false) })
	b.Run("with-go-process", func(b *testing.B) { benchScrape(b, true) })
}

func benchScrape(b *testing.B, goColl bool) {
	clk := &clock{t: time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC)}
	j, err := journal.Open(filepath.Join(b.TempDir(), "journal.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	m := metrics.New(metrics.Options{Now: clk.Now, GoCollectors: goColl})
	var regs []engine.Registered
	hub := live.NewHub()
	for p := range 4 {
		name := fmt.Sprintf("prov-%d", p)
		regs = append(regs, engine.Registered{Provider: newFake(name, nil), StockLow: 10, StockRefresh: 30 * time.Second})
	}
	eng := engine.New(engine.Options{Journal: m.WrapStore(j), Now: clk.Now}, regs...)
	defer m.Attach(metrics.Sources{Engine: eng, Hub: hub, Journal: eng.Options().Journal, Sessions: manySessions{},
		Probe: metrics.FileProbe(j.Path()), SettleTime: 15 * time.Minute})()
	for i := range 20 {
		if _, err := j.Append(b.Context(), journal.Entry{JournalID: fmt.Sprintf("J%d", i), Phase: journal.PhaseIntent, Provider: "prov-0", OfferID: "o", TS: clk.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	for round := range 2 {
		for _, r := range regs {
			offers := make([]smodel.Offer, 50)
			for i := range offers {
				offers[i] = smodel.Offer{ID: fmt.Sprintf("offer-%03d", i), Stock: 500 - 10*round*i}
			}
			hub.PublishStock(live.Stock{Provider: r.Name(), Offers: offers, At: clk.Now()})
			for _, op := range []string{"lookup", "offers", "topup"} {
				for _, k := range []string{"", "timeout", "unavailable"} {
					m.ObserveCall(callOf(r.Name(), op, k))
				}
			}
		}
		srv := httptest.NewServer(m.Handler(nil))
		get := func() int {
			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return int(n)
		}
		size := get()
		srv.Close()
		clk.Advance(2 * time.Minute)
		if round == 1 {
			srv = httptest.NewServer(m.Handler(nil))
			defer srv.Close()
			b.Run("http", func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := proccpu.Used()
				for b.Loop() {
					get()
				}
				b.ReportMetric(float64(proccpu.Used()-cpu0)/float64(b.N)/1e6, "cpu-ms/scrape")
				b.ReportMetric(float64(size), "bytes/scrape")
			})
			b.Run("expose", func(b *testing.B) { // gather and encode (client_golang's was gather alone)
				b.ReportAllocs()
				cpu0 := proccpu.Used()
				defer func() { b.ReportMetric(float64(proccpu.Used()-cpu0)/float64(b.N)/1e6, "cpu-ms/scrape") }()
				for b.Loop() {
					if err := m.Expose(io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
