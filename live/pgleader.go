package live

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

// PGStockSource is the StockSource for several `simdesk serve` hosts that
// share a PostgreSQL journal: per provider, one host of them all (the one
// holding the provider's advisory lock, see runStockLeader) asks the
// provider and stores the reading; every host publishes each reading. The
// provider sees one host's polls however many hosts run, never two at
// once, and a poll slower than stock_refresh pushes the next one out
// (backoff). When the leading host dies another takes over within a
// quarter of the interval. Only when the leader is gone — no poll started
// that this host heard of for two of the leader's periods, because the
// database is down or the leader hangs — does each host poll for itself, so
// stock stays live through an outage at the cost of one poll per host. A
// slow reading never counts as a leader gone.
type PGStockSource struct {
	name  string
	every time.Duration
	dsn   string
	host  string
	poll  func(ctx context.Context) ([]model.Offer, error)
	// Role, when set before Run, hears whether this host leads the polls.
	Role func(leading bool)
}

// NewPGStockSource polls provider r through eng when this host leads,
// sharing readings through the database at dsn (the journal's); host names
// this host in the database (pg_stat_activity, the stock table).
func NewPGStockSource(eng *engine.Engine, r engine.Registered, dsn, host string) *PGStockSource {
	name := r.Name()
	return &PGStockSource{name: name, every: r.StockRefresh, dsn: dsn, host: host,
		poll: func(ctx context.Context) ([]model.Offer, error) { return eng.Offers(ctx, name) }}
}

// Provider is the provider's configured name.
func (s *PGStockSource) Provider() string { return s.name }

// stockBody is a reading as it travels between hosts.
type stockBody struct {
	Offers []model.Offer `json:"offers"`
	Error  string        `json:"error,omitempty"`
	// TookMS is how long the poll took: the other hosts learn the
	// leader's period from it (a slow provider is polled less often).
	TookMS int64 `json:"took_ms,omitempty"`
}

// Run takes part in the provider's election and publishes every reading
// until ctx ends.
func (s *PGStockSource) Run(ctx context.Context, publish func(Stock)) {
	every := s.every
	if every <= 0 {
		every = 30 * time.Second
	}
	w := newLeaderWatch(every, time.Now())
	var polling sync.Mutex // one poll of this provider at a time on this host, the leader's or the fallback's
	var leading atomic.Bool
	ask := func(ctx context.Context) reading {
		start := time.Now()
		w.started(start)
		pctx, cancel := context.WithTimeout(ctx, stockTimeout)
		offers, err := s.poll(pctx)
		cancel()
		took := time.Since(start)
		w.finished(time.Now(), took)
		return reading{Stock{Provider: s.name, Offers: offers, Err: err, At: time.Now()}, took}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runStockLeader(ctx, stockLeaderOptions{
			DSN: s.dsn, Provider: s.name, Host: s.host, Interval: every,
			Role: func(l bool) {
				leading.Store(l)
				if s.Role != nil {
					s.Role(l)
				}
			},
			Poll: func(ctx context.Context) []byte {
				polling.Lock()
				defer polling.Unlock()
				return encodeStock(ask(ctx))
			},
			Started:   func() { w.started(time.Now()) },
			Following: func() { w.following(time.Now()) },
			Publish: func(snap stockSnapshot) {
				r := decodeStock(s.name, snap)
				w.finished(time.Now(), r.took)
				publish(r.Stock)
			},
		})
	}()
	s.fallback(ctx, every, w, &polling, &leading, ask, publish)
	<-done
}

// fallback polls for this host alone while the leader is gone, checking a
// few times an interval; it returns when ctx ends.
func (s *PGStockSource) fallback(ctx context.Context, every time.Duration, w *leaderWatch, polling *sync.Mutex,
	leading *atomic.Bool, ask func(context.Context) reading, publish func(Stock)) {
	t := time.NewTicker(max(every/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if leading.Load() || !w.gone(time.Now()) || !polling.TryLock() {
			continue
		}
		// Checked again under the lock: the election may have made this
		// host the leader, and its poll started, meanwhile.
		if !leading.Load() && w.gone(time.Now()) {
			r := ask(ctx)
			if ctx.Err() == nil {
				publish(r.Stock)
			}
		}
		polling.Unlock()
	}
}

// backoff is the pause between the end of one poll and the start of the
// next: the interval, or the poll's own length when that is longer, so a
// provider slower than stock_refresh is asked less often (at most half of
// the time busy with this fleet's polls), never more.
func backoff(every, took time.Duration) time.Duration {
	return max(every, took)
}

// leaderWatch tells, on one host, whether the provider's stock leader is
// alive, from the poll starts it hears of (the leader's NOTIFY, or its own
// polls) and the length of the last poll. A leader is gone when no poll has
// started for two of its periods — the poll's length plus the backoff after
// it, the interval for a fast provider — so a slow provider's readings,
// however far apart, never make a host poll beside the leader.
type leaderWatch struct {
	mu    sync.Mutex
	every time.Duration
	start time.Time     // the last poll start heard of (at first: when the watch began)
	took  time.Duration // the last finished poll's length
	busy  bool          // a poll started and its reading has not come
}

func newLeaderWatch(every time.Duration, now time.Time) *leaderWatch {
	return &leaderWatch{every: every, start: now}
}

func (w *leaderWatch) started(at time.Time) {
	w.mu.Lock()
	w.start, w.busy = at, true
	w.mu.Unlock()
}

// following: another host holds the lock. Until its first poll start is
// heard, its poll is taken to be under way (it may have started before this
// host listened), so a slow first reading does not make this host poll too.
func (w *leaderWatch) following(now time.Time) {
	w.mu.Lock()
	if !w.busy {
		w.start, w.busy = now, true
	}
	w.mu.Unlock()
}

// finished: a reading arrived at now from a poll that took took. The poll
// started then, whether or not its start was heard (a leader of an older
// build announces none: its readings alone keep it alive, as before).
func (w *leaderWatch) finished(now time.Time, took time.Duration) {
	w.mu.Lock()
	w.busy = false
	if took > 0 {
		w.took = took
	}
	if s := now.Add(-took); s.After(w.start) {
		w.start = s
	}
	w.mu.Unlock()
}

func (w *leaderWatch) gone(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	limit := 2 * (w.took + backoff(w.every, w.took))
	if w.busy {
		// A poll under way ends within stockTimeout.
		limit = max(limit, stockTimeout+w.every)
	}
	return now.Sub(w.start) > limit
}

// reading is a poll's stock and how long the poll took.
type reading struct {
	Stock
	took time.Duration
}

func encodeStock(r reading) []byte {
	st := r.Stock
	b := stockBody{Offers: st.Offers, TookMS: r.took.Milliseconds()}
	if st.Err != nil {
		b.Error = st.Err.Error()
	}
	out, _ := json.Marshal(b)
	return out
}

func decodeStock(provider string, snap stockSnapshot) reading {
	var b stockBody
	st := Stock{Provider: provider, At: snap.TakenAt}
	if err := json.Unmarshal(snap.Body, &b); err != nil {
		st.Err = errors.New("stock reading from host " + snap.Leader + " is unreadable")
		return reading{Stock: st}
	}
	st.Offers = b.Offers
	if b.Error != "" {
		st.Err = errors.New(b.Error)
	}
	return reading{st, time.Duration(min(max(b.TookMS, 0), stockTimeout.Milliseconds())) * time.Millisecond}
}
