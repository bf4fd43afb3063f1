package metrics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	smodel "simdesk/model"
	"simdesk/providers/httpx"
)

// refFamily is one of simdesk's metric families as it was declared to
// client_golang before the exposition became our own (commit 50311f9):
// the contract that the README's table, contrib/ and users' dashboards
// rely on. A change here is a change of that contract.
type refFamily struct {
	name, help, typ string
	labels          []string
	buckets         []float64
}

var reference = []refFamily{
	{name: "simdesk_provider_requests_total", typ: "counter",
		help:   "HTTP attempts to providers (token requests included), by provider, operation and error kind (\"none\" for a 2xx answer).",
		labels: []string{"provider", "operation", "error"}},
	{name: "simdesk_provider_request_duration_seconds", typ: "histogram",
		help:   "Time from sending an HTTP attempt to a provider to its answer's headers (or its failure).",
		labels: []string{"provider", "operation"}, buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
	{name: "simdesk_topups_total", typ: "counter",
		help:   "Top-ups sent, by provider and outcome (ok, rejected, unknown).",
		labels: []string{"provider", "outcome"}},
	{name: "simdesk_journal_append_duration_seconds", typ: "histogram",
		help:   "Time to append (durably) one journal entry; guarded is the duplicate-checked intent.",
		labels: []string{"kind"}, buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}},
	{name: "simdesk_journal_append_errors_total", typ: "counter",
		help:   "Journal appends that failed (a duplicate refused by the guard is not a failure).",
		labels: []string{"kind"}},
	{name: "simdesk_provider_state", typ: "gauge",
		help:   "The provider's circuit breaker: 1 for its current state (ok, degraded: failed lately, failing: circuit open, unknown: not called yet), 0 for the others.",
		labels: []string{"provider", "state"}},
	{name: "simdesk_provider_consecutive_failures", typ: "gauge",
		help:   "Failures in a row of the provider (timeouts and unavailability); 5 open the circuit.",
		labels: []string{"provider"}},
	{name: "simdesk_stock_remaining", typ: "gauge",
		help:   "Units of the offer left in stock at the last reading (offers without a limit or with an unusable figure are left out).",
		labels: []string{"provider", "offer"}},
	{name: "simdesk_stock_low", typ: "gauge",
		help:   "1 when the offer's stock is at or below the provider's stock_low mark (and not empty).",
		labels: []string{"provider", "offer"}},
	{name: "simdesk_stock_empty", typ: "gauge",
		help:   "1 when the offer has no stock left.",
		labels: []string{"provider", "offer"}},
	{name: "simdesk_stock_burn_rate_per_second", typ: "gauge",
		help:   "Units of the offer consumed per second since its last restock, over the readings this process saw (0 without a decline over at least a minute).",
		labels: []string{"provider", "offer"}},
	{name: "simdesk_stock_low_threshold", typ: "gauge",
		help:   "The provider's stock_low mark, in units.",
		labels: []string{"provider"}},
	{name: "simdesk_stock_last_success_timestamp_seconds", typ: "gauge",
		help:   "When the provider's stock was last read successfully (the process start until then), Unix time.",
		labels: []string{"provider"}},
	{name: "simdesk_stock_refresh_interval_seconds", typ: "gauge",
		help:   "The provider's stock_refresh: how often its stock is read.",
		labels: []string{"provider"}},
	{name: "simdesk_topup_attempts_pending", typ: "gauge",
		help:   "Top-up attempts of unknown outcome in the journal (reconcile them).",
		labels: nil},
	{name: "simdesk_topup_attempts_pending_oldest_age_seconds", typ: "gauge",
		help:   "Age of the oldest pending top-up attempt (0 when none is pending).",
		labels: nil},
	{name: "simdesk_settle_time_seconds", typ: "gauge",
		help:   "The settle_time setting: an attempt pending longer can be concluded by reconciliation.",
		labels: nil},
	{name: "simdesk_journal_writable", typ: "gauge",
		help:   "1 when the journal can be appended to now (probed at each scrape, nothing written), else 0.",
		labels: nil},
	{name: "simdesk_sessions", typ: "gauge",
		help:   "Open SSH sessions (consoles and commands) by the operator's role.",
		labels: []string{"role"}},
	{name: "simdesk_ssh_refusals_total", typ: "counter",
		help:   "SSH connections or sessions refused, by reason.",
		labels: []string{"reason"}},
}

func refOf(t *testing.T, name string) refFamily {
	t.Helper()
	for _, f := range reference {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("no reference for %s", name)
	return refFamily{}
}

// oddSessions has label values that need escaping (a backslash, a double
// quote, a newline, non-ASCII) and a count written with an exponent.
type oddSessions struct{}

func (oddSessions) SessionsByRole() map[string]int {
	return map[string]int{"agent": 2, "supervisor": 1, "viewer": 0}
}
func (oddSessions) RefusalsByReason() map[string]uint64 {
	return map[string]uint64{"unknown_key": 3, "rate": 1, "odd \"quoted\" \\path\nnext é": 7, "caps": 12345678901}
}

type refCall struct {
	provider, op, kind string
	elapsed            time.Duration
}

// refCalls put observations on, under and over bucket bounds (0.01 s and
// 30 s are bounds), at zero, and a provider name that needs escaping.
var refCalls = []refCall{
	{"orange", "lookup", "", 12300 * time.Microsecond},
	{"orange", "lookup", "", 10 * time.Millisecond},
	{"orange", "lookup", "timeout", 30 * time.Second},
	{"orange", "topup", "", 45 * time.Second},
	{"orange", "lookup", "", time.Nanosecond},
	{"lla \"dxp\" \\ a\nb", "offers", "unavailable", 0},
	{"lla \"dxp\" \\ a\nb", "offers", "", 2500 * time.Millisecond},
	{"cvp-jm", "other", "bad_request", 333 * time.Millisecond},
	{"cvp-pr", "lookup", "", time.Nanosecond}, // a sum of 1e-09
}

// clientGolangReference builds client_golang's registry with the same
// instruments, from the reference table, and feeds it what observe feeds
// ours.
func clientGolangReference(t *testing.T, appends []time.Duration, failed int) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	counter := func(name string) *prometheus.CounterVec {
		f := refOf(t, name)
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: f.name, Help: f.help}, f.labels)
		reg.MustRegister(v)
		return v
	}
	histogram := func(name string) *prometheus.HistogramVec {
		f := refOf(t, name)
		v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: f.name, Help: f.help, Buckets: f.buckets}, f.labels)
		reg.MustRegister(v)
		return v
	}
	requests, latency := counter("simdesk_provider_requests_total"), histogram("simdesk_provider_request_duration_seconds")
	topups := counter("simdesk_topups_total")
	appendDur, appendErr := histogram("simdesk_journal_append_duration_seconds"), counter("simdesk_journal_append_errors_total")
	for _, c := range refCalls {
		kind := c.kind
		if kind == "" {
			kind = "none"
		}
		requests.WithLabelValues(c.provider, c.op, kind).Inc()
		latency.WithLabelValues(c.provider, c.op).Observe(c.elapsed.Seconds())
	}
	topups.WithLabelValues("orange", "ok").Inc()
	topups.WithLabelValues("orange", "ok").Inc()
	topups.WithLabelValues("lla-topup", "unknown").Inc()
	appendErr.WithLabelValues("append")
	appendErr.WithLabelValues("guarded")
	for i, d := range appends {
		appendDur.WithLabelValues("guarded").Observe(d.Seconds())
		if i < failed {
			appendErr.WithLabelValues("guarded").Inc()
		}
	}
	reg.MustRegister(constCollector{t: t})
	return reg
}

// constCollector emits, as client_golang const metrics, what our collector
// reads from oddSessions, a settle time of 15 min and a writable journal.
type constCollector struct{ t *testing.T }

func (c constCollector) Describe(chan<- *prometheus.Desc) {} // unchecked, as what it emits varies

func (c constCollector) Collect(ch chan<- prometheus.Metric) {
	one := func(name string, v float64, labels ...string) {
		f := refOf(c.t, name)
		typ := prometheus.GaugeValue
		if f.typ == "counter" {
			typ = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(f.name, f.help, f.labels, nil), typ, v, labels...)
	}
	one("simdesk_settle_time_seconds", 900)
	one("simdesk_journal_writable", 1)
	for role, n := range (oddSessions{}).SessionsByRole() {
		one("simdesk_sessions", float64(n), role)
	}
	for reason, n := range (oddSessions{}).RefusalsByReason() {
		one("simdesk_ssh_refusals_total", float64(n), reason)
	}
}

// TestExpositionMatchesClientGolang: the same instruments fed the same
// observations expose, parsed back by Prometheus's parser, the same
// families (names, help, types, labels, values) as client_golang's
// registry, and the same bytes. A renamed metric, an edited HELP text, a
// label added or a value formatted differently fails here.
func TestExpositionMatchesClientGolang(t *testing.T) {
	now := time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC)
	m := New(Options{Now: func() time.Time { return now }})
	m.src.Store(&Sources{Sessions: oddSessions{}, SettleTime: 15 * time.Minute, Probe: func(context.Context) error { return nil }})
	for _, c := range refCalls {
		m.ObserveCall(httpx.Call{Provider: c.provider, Operation: c.op, Kind: smodel.ErrorKind(c.kind), Elapsed: c.elapsed})
	}
	m.ObserveTopup("orange", "ok")
	m.ObserveTopup("orange", "ok")
	m.ObserveTopup("lla-topup", "unknown")
	appends := []time.Duration{3 * time.Millisecond, 500 * time.Microsecond, 2 * time.Second, 0}
	ts := &timedStore{m: m}
	for i, d := range appends {
		var err error
		if i < 1 {
			err = errors.New("disk full")
		}
		ts.observe("guarded", now.Add(-d), err)
	}
	reg := clientGolangReference(t, appends, 1)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&want, f); err != nil {
			t.Fatal(err)
		}
	}
	got := string(m.exposition(nil))
	compareParsed(t, parseText(t, got), parseText(t, want.String()))
	if got != want.String() {
		t.Errorf("exposition differs from client_golang's:\n%s", lineDiff(got, want.String()))
	}
}

func parseText(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return fams
}

// compareParsed compares two parsed expositions family by family.
func compareParsed(t *testing.T, got, want map[string]*dto.MetricFamily) {
	t.Helper()
	for _, name := range unionKeys(got, want) {
		g, w := got[name], want[name]
		switch {
		case g == nil:
			t.Errorf("%s: missing (client_golang exports it)", name)
			continue
		case w == nil:
			t.Errorf("%s: exported, client_golang does not", name)
			continue
		}
		if g.GetHelp() != w.GetHelp() {
			t.Errorf("%s: HELP %q, client_golang %q", name, g.GetHelp(), w.GetHelp())
		}
		if g.GetType() != w.GetType() {
			t.Errorf("%s: TYPE %v, client_golang %v", name, g.GetType(), w.GetType())
		}
		gs, ws := metricStrings(g), metricStrings(w)
		if strings.Join(gs, "\n") != strings.Join(ws, "\n") {
			t.Errorf("%s: series\n%s\nclient_golang\n%s", name, strings.Join(gs, "\n"), strings.Join(ws, "\n"))
		}
	}
}

func unionKeys(a, b map[string]*dto.MetricFamily) []string {
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// metricStrings renders each series (labels and every value) canonically.
func metricStrings(f *dto.MetricFamily) []string {
	var out []string
	for _, m := range f.Metric {
		var b strings.Builder
		for _, l := range m.Label {
			fmt.Fprintf(&b, "%s=%q ", l.GetName(), l.GetValue())
		}
		switch {
		case m.Counter != nil:
			fmt.Fprintf(&b, "counter %v", m.Counter.GetValue())
		case m.Gauge != nil:
			fmt.Fprintf(&b, "gauge %v", m.Gauge.GetValue())
		case m.Histogram != nil:
			fmt.Fprintf(&b, "count %d sum %v", m.Histogram.GetSampleCount(), m.Histogram.GetSampleSum())
			for _, x := range m.Histogram.Bucket {
				fmt.Fprintf(&b, " le %v:%d", x.GetUpperBound(), x.GetCumulativeCount())
			}
		case m.Summary != nil:
			fmt.Fprintf(&b, "count %d sum %v", m.Summary.GetSampleCount(), m.Summary.GetSampleSum())
			for _, q := range m.Summary.Quantile {
				fmt.Fprintf(&b, " q %v:%v", q.GetQuantile(), q.GetValue())
			}
		}
		out = append(out, b.String())
	}
	return out
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for i := 0; i < max(len(g), len(w)) && b.Len() < 4000; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  ours          %q\n  client_golang %q\n", i+1, gl, wl)
		}
	}
	return b.String()
}

// TestFloatFormat: values are written as Prometheus writes them.
func TestFloatFormat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1, "-1"}, {0.1, "0.1"}, {1e21, "1e+21"},
		{123456789, "1.23456789e+08"}, {5e-324, "5e-324"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	} {
		if got := string(appendFloat(nil, c.v)); got != c.want {
			t.Errorf("appendFloat(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
