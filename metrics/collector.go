package metrics

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
)

// Descriptions of the metrics read at scrape time.
var (
	descState = prometheus.NewDesc("simdesk_provider_state",
		"The provider's circuit breaker: 1 for its current state (ok, degraded: failed lately, failing: circuit open, unknown: not called yet), 0 for the others.",
		[]string{"provider", "state"}, nil)
	descFailures = prometheus.NewDesc("simdesk_provider_consecutive_failures",
		"Failures in a row of the provider (timeouts and unavailability); 5 open the circuit.", []string{"provider"}, nil)
	descStock = prometheus.NewDesc("simdesk_stock_remaining",
		"Units of the offer left in stock at the last reading (offers without a limit or with an unusable figure are left out).",
		[]string{"provider", "offer"}, nil)
	descLow = prometheus.NewDesc("simdesk_stock_low",
		"1 when the offer's stock is at or below the provider's stock_low mark (and not empty).", []string{"provider", "offer"}, nil)
	descEmpty = prometheus.NewDesc("simdesk_stock_empty",
		"1 when the offer has no stock left.", []string{"provider", "offer"}, nil)
	descBurn = prometheus.NewDesc("simdesk_stock_burn_rate_per_second",
		"Units of the offer consumed per second since its last restock, over the readings this process saw (0 without a decline over at least a minute).",
		[]string{"provider", "offer"}, nil)
	descLowMark = prometheus.NewDesc("simdesk_stock_low_threshold",
		"The provider's stock_low mark, in units.", []string{"provider"}, nil)
	descStockOK = prometheus.NewDesc("simdesk_stock_last_success_timestamp_seconds",
		"When the provider's stock was last read successfully (the process start until then), Unix time.", []string{"provider"}, nil)
	descRefresh = prometheus.NewDesc("simdesk_stock_refresh_interval_seconds",
		"The provider's stock_refresh: how often its stock is read.", []string{"provider"}, nil)
	descPending = prometheus.NewDesc("simdesk_topup_attempts_pending",
		"Top-up attempts of unknown outcome in the journal (reconcile them).", nil, nil)
	descOldest = prometheus.NewDesc("simdesk_topup_attempts_pending_oldest_age_seconds",
		"Age of the oldest pending top-up attempt (0 when none is pending).", nil, nil)
	descSettle = prometheus.NewDesc("simdesk_settle_time_seconds",
		"The settle_time setting: an attempt pending longer can be concluded by reconciliation.", nil, nil)
	descWritable = prometheus.NewDesc("simdesk_journal_writable",
		"1 when the journal can be appended to now (probed at each scrape, nothing written), else 0.", nil, nil)
	descSessions = prometheus.NewDesc("simdesk_sessions",
		"Open SSH sessions (consoles and commands) by the operator's role.", []string{"role"}, nil)
	descRefusals = prometheus.NewDesc("simdesk_ssh_refusals_total",
		"SSH connections or sessions refused, by reason.", []string{"reason"}, nil)
)

var states = []string{"ok", "degraded", "failing", "unknown"}

// collector reads the live state at each scrape.
type collector struct{ m *Metrics }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descState, descFailures, descStock, descLow, descEmpty, descBurn, descLowMark,
		descStockOK, descRefresh, descPending, descOldest, descSettle, descWritable, descSessions, descRefusals} {
		ch <- d
	}
}

// scrapeTimeout bounds what one scrape may wait for the journal.
const scrapeTimeout = 3 * time.Second

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.m.sources()
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	c.providers(ch, s)
	c.m.stock.collect(ch, s, c.m.now())
	c.journal(ctx, ch, s)
	c.sessions(ch, s)
}

func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	for i := range labels {
		labels[i] = labelValue(labels[i])
	}
	m, err := prometheus.NewConstMetric(d, prometheus.GaugeValue, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

// maxLabel bounds a label value: offer ids come from the provider, and a
// label is repeated in every sample of every scrape.
const maxLabel = 128

// labelValue makes provider text a safe label value: valid UTF-8 (an
// invalid one would fail the whole scrape) of at most maxLabel bytes.
func labelValue(s string) string {
	if len(s) <= maxLabel && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\ufffd")
	if len(s) > maxLabel {
		cut := maxLabel
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (c *collector) providers(ch chan<- prometheus.Metric, s Sources) {
	if s.Engine == nil {
		return
	}
	for _, r := range s.Engine.Registered() {
		h := s.Engine.Health(r.Name())
		for _, st := range states {
			ch <- gauge(descState, flag(h.State == st), r.Name(), st)
		}
		ch <- gauge(descFailures, float64(h.Failures), r.Name())
	}
}

func (c *collector) journal(ctx context.Context, ch chan<- prometheus.Metric, s Sources) {
	ch <- gauge(descSettle, s.SettleTime.Seconds())
	ch <- gauge(descWritable, flag(s.Probe != nil && s.Probe(ctx) == nil))
	if s.Journal == nil {
		return
	}
	list, err := s.Journal.Pending(ctx)
	if err != nil {
		return // the journal_writable gauge and the alert on it tell
	}
	n, oldest := 0, time.Time{}
	for _, a := range list {
		if !a.Pending() {
			continue
		}
		n++
		if oldest.IsZero() || a.Intent.TS.Before(oldest) {
			oldest = a.Intent.TS
		}
	}
	age := 0.0
	if n > 0 {
		age = max(0, c.m.now().Sub(oldest).Seconds())
	}
	ch <- gauge(descPending, float64(n))
	ch <- gauge(descOldest, age)
}

func (c *collector) sessions(ch chan<- prometheus.Metric, s Sources) {
	if s.Sessions == nil {
		return
	}
	byRole := s.Sessions.SessionsByRole()
	for _, role := range sortedKeys(byRole) {
		ch <- gauge(descSessions, float64(byRole[role]), role)
	}
	refusals := s.Sessions.RefusalsByReason()
	for _, reason := range sortedKeys(refusals) {
		m, err := prometheus.NewConstMetric(descRefusals, prometheus.CounterValue, float64(refusals[reason]), labelValue(reason))
		if err != nil {
			m = prometheus.NewInvalidMetric(descRefusals, err)
		}
		ch <- m
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
