package metrics_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/metrics"
)

// TestReadyzFloodRunsOneProbeAtATime: however many /readyz requests arrive
// at once, one journal probe runs at a time and the others share its
// answer. With PostgreSQL each probe is a new connection (pgx.Connect),
// so before, anyone who could reach the metrics port could open as many
// database connections as requests they sent, until PostgreSQL's
// max_connections refused the journal's own pool and top-ups stopped.
func TestReadyzFloodRunsOneProbeAtATime(t *testing.T) {
	var inflight, most, calls atomic.Int32
	release := make(chan struct{})
	m := metrics.New(metrics.Options{})
	defer m.Attach(metrics.Sources{Probe: func(ctx context.Context) error {
		calls.Add(1)
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for o := most.Load(); n > o && !most.CompareAndSwap(o, n); o = most.Load() {
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}})()
	ln, err := metrics.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := m.Server(nil)
	go srv.Serve(ln)
	defer srv.Close()
	const clients = 20
	var wg sync.WaitGroup
	codes := make(chan int, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get("http://" + ln.Addr().String() + "/readyz")
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	// Let the requests pile up on the blocked probe (bounded: a second
	// probe at once fails the test as soon as it starts).
	for i := 0; i < 100 && most.Load() < 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusServiceUnavailable { // no providers: not ready, but answered
			t.Errorf("a /readyz answered %d", c)
		}
	}
	if got := most.Load(); got != 1 {
		t.Errorf("%d concurrent /readyz ran %d journal probes at once (%d in all), want one at a time", clients, got, calls.Load())
	}
}
