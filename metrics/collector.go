package metrics

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Descriptions of the metrics read at scrape time.
var (
	descState = &desc{name: "simdesk_provider_state", typ: gaugeType,
		help:   "The provider's circuit breaker: 1 for its current state (ok, degraded: failed lately, failing: circuit open, unknown: not called yet), 0 for the others.",
		labels: []string{"provider", "state"}}
	descFailures = &desc{name: "simdesk_provider_consecutive_failures", typ: gaugeType,
		help:   "Failures in a row of the provider (timeouts and unavailability); 5 open the circuit.",
		labels: []string{"provider"}}
	descStock = &desc{name: "simdesk_stock_remaining", typ: gaugeType,
		help:   "Units of the offer left in stock at the last reading (offers without a limit or with an unusable figure are left out).",
		labels: []string{"provider", "offer"}}
	descLow = &desc{name: "simdesk_stock_low", typ: gaugeType,
		help:   "1 when the offer's stock is at or below the provider's stock_low mark (and not empty).",
		labels: []string{"provider", "offer"}}
	descEmpty = &desc{name: "simdesk_stock_empty", typ: gaugeType,
		help:   "1 when the offer has no stock left.",
		labels: []string{"provider", "offer"}}
	descBurn = &desc{name: "simdesk_stock_burn_rate_per_second", typ: gaugeType,
		help:   "Units of the offer consumed per second since its last restock, over the readings this process saw (0 without a decline over at least a minute).",
		labels: []string{"provider", "offer"}}
	descLowMark = &desc{name: "simdesk_stock_low_threshold", typ: gaugeType,
		help:   "The provider's stock_low mark, in units.",
		labels: []string{"provider"}}
	descStockOK = &desc{name: "simdesk_stock_last_success_timestamp_seconds", typ: gaugeType,
		help:   "When the provider's stock was last read successfully (the process start until then), Unix time.",
		labels: []string{"provider"}}
	descRefresh = &desc{name: "simdesk_stock_refresh_interval_seconds", typ: gaugeType,
		help:   "The provider's stock_refresh: how often its stock is read.",
		labels: []string{"provider"}}
	descPending = &desc{name: "simdesk_topup_attempts_pending", typ: gaugeType,
		help: "Top-up attempts of unknown outcome in the journal (reconcile them)."}
	descOldest = &desc{name: "simdesk_topup_attempts_pending_oldest_age_seconds", typ: gaugeType,
		help: "Age of the oldest pending top-up attempt (0 when none is pending)."}
	descSettle = &desc{name: "simdesk_settle_time_seconds", typ: gaugeType,
		help: "The settle_time setting: an attempt pending longer can be concluded by reconciliation."}
	descWritable = &desc{name: "simdesk_journal_writable", typ: gaugeType,
		help: "1 when the journal can be appended to now (probed at each scrape, nothing written), else 0."}
	descSessions = &desc{name: "simdesk_sessions", typ: gaugeType,
		help:   "Open SSH sessions (consoles and commands) by the operator's role.",
		labels: []string{"role"}}
	descRefusals = &desc{name: "simdesk_ssh_refusals_total", typ: counterType,
		help:   "SSH connections or sessions refused, by reason.",
		labels: []string{"reason"}}
)

var states = []string{"ok", "degraded", "failing", "unknown"}

// collector reads the live state at each scrape.
type collector struct{ m *Metrics }

// scrapeTimeout bounds what one scrape may wait for the journal.
const scrapeTimeout = 3 * time.Second

func (c *collector) collect(out *sink) {
	s := c.m.sources()
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	c.providers(out, s)
	c.m.stock.collect(out, s, c.m.now())
	c.journal(ctx, out, s)
	c.sessions(out, s)
}

// maxLabel bounds a label value: offer ids come from the provider, and a
// label is repeated in every sample of every scrape.
const maxLabel = 128

// labelValue makes provider text a safe label value: valid UTF-8 (which
// Prometheus's parser requires) of at most maxLabel bytes.
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

func (c *collector) providers(out *sink, s Sources) {
	if s.Engine == nil {
		return
	}
	for _, r := range s.Engine.Registered() {
		h := s.Engine.Health(r.Name())
		for _, st := range states {
			out.put(descState, flag(h.State == st), r.Name(), st)
		}
		out.put(descFailures, float64(h.Failures), r.Name())
	}
}

func (c *collector) journal(ctx context.Context, out *sink, s Sources) {
	out.put(descSettle, s.SettleTime.Seconds())
	out.put(descWritable, flag(s.Probe != nil && s.Probe(ctx) == nil))
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
	out.put(descPending, float64(n))
	out.put(descOldest, age)
}

func (c *collector) sessions(out *sink, s Sources) {
	if s.Sessions == nil {
		return
	}
	byRole := s.Sessions.SessionsByRole()
	for _, role := range sortedKeys(byRole) {
		out.put(descSessions, float64(byRole[role]), role)
	}
	refusals := s.Sessions.RefusalsByReason()
	for _, reason := range sortedKeys(refusals) {
		out.put(descRefusals, float64(refusals[reason]), reason)
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
