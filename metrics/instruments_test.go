package metrics

import (
	"fmt"
	"sync"
	"testing"
	"time"

	smodel "simdesk/model"
	"simdesk/providers/httpx"
)

// TestInstrumentsConcurrent: hooks from many goroutines (new and existing
// label sets, provider calls, top-ups, journal appends) while scrapes run
// lose no observation (run under -race).
func TestInstrumentsConcurrent(t *testing.T) {
	const workers, each = 8, 300
	m := New(Options{})
	ts := &timedStore{m: m}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m.ObserveCall(httpx.Call{Provider: "shop", Operation: "lookup", Elapsed: time.Second})
				m.ObserveCall(httpx.Call{Provider: fmt.Sprintf("p%d", i%5), Operation: "topup", Kind: smodel.ErrorKind("timeout"), Elapsed: 2 * time.Second})
				m.ObserveTopup("shop", "ok")
				ts.observe("append", m.now(), nil)
				if w == 0 && i%50 == 0 {
					m.exposition(nil)
				}
			}
		}()
	}
	wg.Wait()
	fams := parseText(t, string(m.exposition(nil)))
	n := float64(workers * each)
	for _, c := range []struct {
		name, labels string
		want         float64
	}{
		{"simdesk_provider_requests_total", `error="none" operation="lookup" provider="shop" counter`, n},
		{"simdesk_provider_requests_total", `error="timeout" operation="topup" provider="p3" counter`, n / 5},
		{"simdesk_topups_total", `outcome="ok" provider="shop" counter`, n},
	} {
		if !contains(metricStrings(fams[c.name]), fmt.Sprintf("%s %v", c.labels, c.want)) {
			t.Errorf("%s %s: want %v in %v", c.name, c.labels, c.want, metricStrings(fams[c.name]))
		}
	}
	h := fams["simdesk_provider_request_duration_seconds"]
	for _, s := range h.Metric {
		if s.Label[1].GetValue() == "shop" && (s.Histogram.GetSampleCount() != uint64(n) || s.Histogram.GetSampleSum() != n) {
			t.Errorf("shop latency: count %d sum %v, want %v", s.Histogram.GetSampleCount(), s.Histogram.GetSampleSum(), n)
		}
	}
	if c := fams["simdesk_journal_append_duration_seconds"].Metric[0].Histogram.GetSampleCount(); c != uint64(n) {
		t.Errorf("appends timed: %d, want %v", c, n)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
