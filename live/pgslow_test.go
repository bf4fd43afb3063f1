package live

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/model"
)

// TestPGSlowProviderGetsOneHostsPolls: a provider that answers in twice the
// stock_refresh, polled by one and by three hosts sharing a database. The
// provider never has two polls at once, whatever the number of hosts, and
// gets no more polls than one host makes on its own (a poll's length plus
// the backoff after it apart); every host shows readings. Before, every
// host's fallback polled beside the leader (the leader's readings came more
// than two intervals apart), and a lone host polled in pairs.
func TestPGSlowProviderGetsOneHostsPolls(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for ~6 s")
	}
	const every, latency, span = 150 * time.Millisecond, 300 * time.Millisecond, 3 * time.Second
	most := int64(span/(latency+backoff(every, latency))) + 2
	for _, hosts := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d hosts", hosts), func(t *testing.T) {
			_, dsn := openPG(t)
			var inFlight, worst, polls atomic.Int64
			poll := func(ctx context.Context) ([]model.Offer, error) {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for w := worst.Load(); n > w && !worst.CompareAndSwap(w, n); w = worst.Load() {
				}
				polls.Add(1)
				select {
				case <-time.After(latency):
				case <-ctx.Done():
				}
				return []model.Offer{{Provider: "slow", ID: "o1", Stock: 7}}, nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), span)
			defer cancel()
			shown := make([]atomic.Int64, hosts)
			var wg sync.WaitGroup
			for i := range hosts {
				src := &PGStockSource{name: "slow", every: every, dsn: dsn, host: fmt.Sprint("h", i), poll: poll}
				wg.Add(1)
				go func() {
					defer wg.Done()
					src.Run(ctx, func(s Stock) {
						if len(s.Offers) == 1 && s.Offers[0].Stock == 7 {
							shown[i].Add(1)
						}
					})
				}()
			}
			wg.Wait()
			if w := worst.Load(); w > 1 {
				t.Errorf("the provider had %d polls at once", w)
			}
			if n := polls.Load(); n > most || n < 2 {
				t.Errorf("the provider got %d polls in %v; one host makes at most %d", n, span, most)
			}
			for i := range shown {
				if n := shown[i].Load(); n < 2 {
					t.Errorf("host %d showed %d readings", i, n)
				}
			}
			t.Logf("%d hosts: %d polls in %v (one host at most %d), readings shown per host %v", hosts, polls.Load(), span, most, func() (out []int64) {
				for i := range shown {
					out = append(out, shown[i].Load())
				}
				return
			}())
		})
	}
}
