package serve

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkLoginLookup is an operator's errand from scratch (TCP connect,
// SSH handshake and public-key login, one session running lookup, close)
// with 0 and with 1,000 silent connections opened beforehand from two other
// addresses (each sends its banner and nothing more; the gate holds 3 per
// address and refuses the rest at once). It reports the p50 and p95.
func BenchmarkLoginLookup(b *testing.B) {
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("silent=%d", n), func(b *testing.B) {
			ts := startServer(b, time.Hour, func(o *Options, _ *fakeProv) { o.Rate = 1 << 20 })
			if n > 0 {
				if got := len(silentFlood(b, ts.addr, n, "127.0.0.2", "127.0.0.3")); got != n {
					b.Fatalf("the flood opened %d connections of %d", got, n)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if err := loginAndLookup(ts); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(ts.srv.gate.pending()), "held-at-gate")
		})
	}
}
