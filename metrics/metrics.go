// Package metrics exposes simdesk serve to the NOC's monitoring: Prometheus
// metrics (simdesk_ prefix, base units), /healthz and /readyz on one
// listener ([serve] metrics_listen, off by default).
//
// Most figures are read at scrape time from what already holds them (the
// engine's breakers, the live hub's stock, the journal's pending set, the
// SSH server's sessions), so no other package carries metric calls. Three
// things are counted as they happen, through hooks that cost nothing when
// no metrics are served: provider HTTP attempts (httpx.SetObserver),
// top-ups by outcome (engine.OnTopup) and journal appends (WrapStore).
//
// No label carries a line, SIM, operator or journal identifier: provider
// names and offer ids come from the configuration and the provider's
// catalogue, every other label from a fixed set.
package metrics

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/providers/httpx"
)

// Sessions is what the metrics read of the SSH server (*serve.Server).
type Sessions interface {
	SessionsByRole() map[string]int
	RefusalsByReason() map[string]uint64
}

// Sources are what the scrape-time collector reads. Any may be nil.
type Sources struct {
	Engine   *engine.Engine
	Hub      *live.Hub
	Journal  journal.Store // its pending set gives the pending attempts
	Sessions Sessions
	// Probe says whether the journal can be appended to now (/readyz and
	// simdesk_journal_writable); nil: not writable.
	Probe Probe
	// SettleTime is exported so that the pending alert compares with it.
	SettleTime time.Duration
}

// Metrics is one process's instruments fed by hooks and what the scrape
// reads.
type Metrics struct {
	now    func() time.Time
	goColl bool

	requests  counterVec
	latency   histogramVec
	topups    counterVec
	appendDur histogramVec
	appendErr counterVec

	src   atomic.Pointer[Sources]
	stock *stockState
	// lastSize is the last exposition's size: the next one's buffer is
	// made that big at once instead of doubling its way there.
	lastSize atomic.Int64
	// hooked makes Attach's engine hook and observer idempotent.
	hookOnce sync.Once
}

// Options configure New. Now is the clock (tests inject theirs).
type Options struct {
	Now func() time.Time
	// GoCollectors adds the Go runtime and process metrics (go_*,
	// process_*); the tests leave them out to assert exact expositions.
	GoCollectors bool
}

// Latency buckets of a provider call and a journal append, in seconds:
// from a local fsync (1 ms) to the provider timeout range (30 s).
var (
	providerBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	appendBuckets   = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
)

// Descriptions of the instruments fed by hooks.
var (
	descRequests = &desc{name: "simdesk_provider_requests_total", typ: counterType,
		help:   "HTTP attempts to providers (token requests included), by provider, operation and error kind (\"none\" for a 2xx answer).",
		labels: []string{"provider", "operation", "error"}}
	descLatency = &desc{name: "simdesk_provider_request_duration_seconds", typ: histogramType,
		help:   "Time from sending an HTTP attempt to a provider to its answer's headers (or its failure).",
		labels: []string{"provider", "operation"}}
	descTopups = &desc{name: "simdesk_topups_total", typ: counterType,
		help:   "Top-ups sent, by provider and outcome (ok, rejected, unknown).",
		labels: []string{"provider", "outcome"}}
	descAppendDur = &desc{name: "simdesk_journal_append_duration_seconds", typ: histogramType,
		help:   "Time to append (durably) one journal entry; guarded is the duplicate-checked intent.",
		labels: []string{"kind"}}
	descAppendErr = &desc{name: "simdesk_journal_append_errors_total", typ: counterType,
		help:   "Journal appends that failed (a duplicate refused by the guard is not a failure).",
		labels: []string{"kind"}}
)

// New builds the instruments of every metric simdesk exports.
func New(o Options) *Metrics {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Metrics{now: o.Now, goColl: o.GoCollectors, stock: newStockState(o.Now())}
	m.requests = newCounterVec(descRequests)
	m.latency = newHistogramVec(descLatency, providerBuckets)
	m.topups = newCounterVec(descTopups)
	m.appendDur = newHistogramVec(descAppendDur, appendBuckets)
	m.appendErr = newCounterVec(descAppendErr)
	for _, kind := range []string{"append", "guarded"} {
		m.appendErr.WithLabelValues(kind) // exported at 0 from the start, so a rate() sees the first error
	}
	return m
}

// gather reads every family for one scrape: the instruments, the live
// state, and the Go runtime and process when asked for.
func (m *Metrics) gather() []*family {
	s := newSink()
	m.requests.collect(s)
	m.latency.collect(s)
	m.topups.collect(s)
	m.appendDur.collect(s)
	m.appendErr.collect(s)
	(&collector{m: m}).collect(s)
	if m.goColl {
		collectGo(s)
		collectProcess(s)
	}
	return s.sorted()
}

// Expose writes the exposition (Prometheus text format 0.0.4) to w.
func (m *Metrics) Expose(w io.Writer) error {
	_, err := w.Write(m.exposition(nil))
	return err
}

// exposition is the text of every family, or only of those named in only
// (promhttp's name[] parameter) when it is not empty.
func (m *Metrics) exposition(only map[string]bool) []byte {
	b := make([]byte, 0, m.lastSize.Load()+4096)
	for _, f := range m.gather() {
		if len(only) == 0 || only[f.d.name] {
			b = appendFamily(b, f)
		}
	}
	if len(only) == 0 {
		m.lastSize.Store(int64(len(b)))
	}
	return b
}

// Attach sets what the scrape reads and, unless Hook did already, hooks
// the counters into the engine and the provider HTTP clients. Call it
// once, before serving.
func (m *Metrics) Attach(s Sources) (detach func()) {
	s.Probe = shared(s.Probe) // /readyz and the scrape: one probe at a time
	m.src.Store(&s)
	return m.Hook(s.Engine)
}

// Hook counts every provider HTTP attempt and every top-up of eng from now
// on: a server calls it before its first poll, so that nothing is missed
// while the rest is being set up. Only the first call hooks.
func (m *Metrics) Hook(eng *engine.Engine) (unhook func()) {
	unhook = func() {}
	m.hookOnce.Do(func() {
		unhook = httpx.SetObserver(m.ObserveCall)
		if eng != nil {
			eng.OnTopup(m.ObserveTopup)
		}
	})
	return unhook
}

func (m *Metrics) sources() Sources {
	if s := m.src.Load(); s != nil {
		return *s
	}
	return Sources{}
}

// ObserveCall counts one provider HTTP attempt (the httpx observer).
func (m *Metrics) ObserveCall(c httpx.Call) {
	kind := string(c.Kind)
	if kind == "" {
		kind = "none"
	}
	m.requests.WithLabelValues(c.Provider, c.Operation, kind).Inc()
	m.latency.WithLabelValues(c.Provider, c.Operation).Observe(c.Elapsed.Seconds())
}

// ObserveTopup counts one top-up by its outcome (the engine hook).
func (m *Metrics) ObserveTopup(provider, status string) {
	m.topups.WithLabelValues(provider, status).Inc()
}
