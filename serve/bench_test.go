package serve

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSessions drives 1, 10 and 50 concurrent SSH consoles (x/crypto
// client, 80×24 PTY) whose operators type a number into the search box at
// a typing pace (a key every 150 ms, each session at its own phase), b.N
// keys each. It reports the keystroke-to-frame p50 and p95 (key written →
// first bytes of the redrawn frame read back), the heap per session (the
// server's and the test client's, measured after the consoles opened),
// the provider's stock calls per stock interval (flat in sessions: one
// poller for all), and the process's CPU per key (background frames of the
// clock and the stock included), which does not depend on the load.
func BenchmarkSessions(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) { benchSessions(b, n) })
	}
}

func benchSessions(b *testing.B, n int) {
	const every = time.Second // stock interval
	const pace = 150 * time.Millisecond
	ts := startServer(b, every, func(o *Options, _ *fakeProv) { o.Rate = 10000; o.MaxSessions = 1000 })
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	cns := make([]*console, n)
	for i := range cns {
		cns[i] = openConsole(b, ts.mustDial(ts.keys.alice), nil)
		cns[i].keep = 4 << 10
	}
	for _, cn := range cns {
		cn.waitFirst(60 * time.Second)
	}
	for _, cn := range cns {
		cn.typeText("/")
	}
	time.Sleep(time.Second)
	perSession := float64(heap()-before) / float64(n)
	var mu sync.Mutex
	var lat []time.Duration
	calls0, t0, cpu0 := ts.prov.offers.Load(), time.Now(), cpuTime()
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, cn := range cns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(rand.N(pace))
			for i := range b.N {
				key := string(rune('0' + i%10))
				if i%12 == 11 {
					key = "\x15" // ctrl+u empties the box, so it never fills up
				}
				select { // forget output that came before the key
				case <-cn.got:
				default:
				}
				start := time.Now()
				cn.typeText(key)
				select {
				case <-cn.got:
				case <-time.After(10 * time.Second):
				}
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				time.Sleep(max(0, pace-d))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	calls := ts.prov.offers.Load() - calls0
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(perSession/(1<<20), "MiB/session")
	b.ReportMetric(float64(calls)/(float64(elapsed)/float64(every)), "stock-calls/interval")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(lat)), "cpu-ms/key")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is the CPU the whole test process (server, SSH both ways and
// the clients) has used: per key it does not depend on the machine's load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
