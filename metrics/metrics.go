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
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

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

// Metrics is one process's registry and the instruments fed by hooks.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time

	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	topups    *prometheus.CounterVec
	appendDur *prometheus.HistogramVec
	appendErr *prometheus.CounterVec

	src   atomic.Pointer[Sources]
	stock *stockState
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

// New builds the registry with every metric simdesk exports.
func New(o Options) *Metrics {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Metrics{reg: prometheus.NewRegistry(), now: o.Now, stock: newStockState(o.Now())}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "simdesk_provider_requests_total",
		Help: "HTTP attempts to providers (token requests included), by provider, operation and error kind (\"none\" for a 2xx answer).",
	}, []string{"provider", "operation", "error"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "simdesk_provider_request_duration_seconds",
		Help:    "Time from sending an HTTP attempt to a provider to its answer's headers (or its failure).",
		Buckets: providerBuckets,
	}, []string{"provider", "operation"})
	m.topups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "simdesk_topups_total",
		Help: "Top-ups sent, by provider and outcome (ok, rejected, unknown).",
	}, []string{"provider", "outcome"})
	m.appendDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "simdesk_journal_append_duration_seconds",
		Help:    "Time to append (durably) one journal entry; guarded is the duplicate-checked intent.",
		Buckets: appendBuckets,
	}, []string{"kind"})
	m.appendErr = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "simdesk_journal_append_errors_total",
		Help: "Journal appends that failed (a duplicate refused by the guard is not a failure).",
	}, []string{"kind"})
	for _, kind := range []string{"append", "guarded"} {
		m.appendErr.WithLabelValues(kind) // exported at 0 from the start, so a rate() sees the first error
	}
	m.reg.MustRegister(m.requests, m.latency, m.topups, m.appendDur, m.appendErr, &collector{m: m})
	if o.GoCollectors {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

// Registry is the registry behind /metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

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
