package serve

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"simdesk/metrics"
)

// scrapeEvery, when set, makes benchSessions serve the metrics over the
// server's engine, hub and journal and scrape them over loopback at this
// period, as Prometheus would, while the operators type.
var scrapeEvery time.Duration

func startScraper(tb testing.TB, o *Options) {
	if scrapeEvery == 0 {
		return
	}
	m := metrics.New(metrics.Options{GoCollectors: true})
	j := o.Engine.Options().Journal
	detach := m.Attach(metrics.Sources{Engine: o.Engine, Hub: o.Hub, Journal: j,
		Probe: metrics.FileProbe(j.Where()), SettleTime: 15 * time.Minute})
	srv := httptest.NewServer(m.Handler(nil))
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(scrapeEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if resp, err := http.Get(srv.URL + "/metrics"); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}
	}()
	tb.Cleanup(func() { close(stop); <-done; srv.Close(); detach() })
}

// BenchmarkSessionsScraped is BenchmarkSessions with a Prometheus scrape
// of the same server every second: compare its p95-ms and cpu-ms/key with
// BenchmarkSessions run alongside (bench/run.sh prints both).
func BenchmarkSessionsScraped(b *testing.B) {
	for _, n := range []int{10, 50} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			scrapeEvery = time.Second
			defer func() { scrapeEvery = 0 }()
			benchSessions(b, n)
		})
	}
}
