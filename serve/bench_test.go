package serve

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"simdesk/internal/proccpu"
)

// BenchmarkSessions drives 1, 10 and 50 concurrent SSH consoles (x/crypto
// client, 80×24 PTY) whose operators type a number into the search box at
// a typing pace (a key every 150 ms on average on a schedule fixed in
// advance, each session at its own phase), b.N keys each. It reports the keystroke-to-frame p50 and
// p95 from when each key was due to the first read carrying its echo
// (p95-sent-ms: from when it was written instead), the heap per session (the
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
	ts := startServer(b, every, func(o *Options, _ *fakeProv) {
		o.Rate = 10000
		o.MaxSessions = 1000
		o.MaxSessionsPerOperator = 1000
		startScraper(b, o)
	})
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
	var lat, sent []time.Duration
	calls0, t0, cpu0 := ts.prov.offers.Load(), time.Now(), cpuTime()
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, cn := range cns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A frame is the first read after the key that carries the key's
			// echo (the digit in the text, escape sequences stripped; any
			// bytes for ctrl+u), stamped by the reader
			// as it returns: a clock or stock frame that happens to come
			// first is not the key's, and the waiter's own wake-up under
			// load is not the server's latency.
			var w atomic.Pointer[keyWait]
			f := func(at time.Time, p []byte) {
				if k := w.Load(); k != nil && (k.want == 0 || strings.IndexByte(ansi.Strip(string(p)), k.want) >= 0) && w.CompareAndSwap(k, nil) {
					k.at = at
					close(k.done)
				}
			}
			cn.onRead.Store(&f)
			defer cn.onRead.Store(nil)
			// Keys go out on a schedule fixed in advance (one per pace on
			// average, from a random phase), and a key's latency counts from when it was due: a
			// slow frame delays the next key, and that delay is latency
			// too (no coordinated omission: the typing pace does not drop
			// when the server falls behind).
			due := time.Now().Add(rand.N(pace))
			for i := range b.N {
				key, want := string(rune('0'+i%10)), byte('0'+i%10)
				if i%12 == 11 {
					key, want = "\x15", 0 // ctrl+u empties the box, so it never fills up
				}
				time.Sleep(time.Until(due))
				k := &keyWait{want: want, done: make(chan struct{})}
				w.Store(k)
				start := time.Now()
				cn.typeText(key)
				var end time.Time
				select {
				case <-k.done:
					end = k.at
				case <-time.After(10 * time.Second):
					w.Store(nil)
					end = time.Now()
				}
				mu.Lock()
				lat = append(lat, end.Sub(due))
				sent = append(sent, end.Sub(start))
				mu.Unlock()
				// Intervals vary around the pace (0.5–1.5×): on a strict
				// 150 ms beat one session keeps one phase against the
				// renderer's 60 fps ticker for the whole run, so its
				// figure was that one phase's (6 to 17 ms run to run).
				due = due.Add(pace/2 + rand.N(pace))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	calls := ts.prov.offers.Load() - calls0
	slices.Sort(sent)
	b.ReportMetric(float64(sent[len(sent)*95/100].Microseconds())/1000, "p95-sent-ms")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(perSession/(1<<20), "MiB/session")
	b.ReportMetric(float64(calls)/(float64(elapsed)/float64(every)), "stock-calls/interval")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(lat)), "cpu-ms/key")
	b.ReportMetric(0, "ns/op")
}

// keyWait is one key waiting for its frame: want is the byte its echo
// carries (0: any output), at when the reader got it.
type keyWait struct {
	want byte
	at   time.Time
	done chan struct{}
}

// cpuTime is the CPU the whole test process (server, SSH both ways and
// the clients) has used: per key it does not depend on the machine's load.
func cpuTime() time.Duration { return proccpu.Used() }
