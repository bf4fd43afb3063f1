package live

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
)

// PGStockSource is the StockSource for several `simdesk serve` hosts that
// share a PostgreSQL journal: per provider, one host of them all (the one
// holding the provider's advisory lock, see journal.RunStockLeader) asks the
// provider every stock_refresh and stores the reading; every host publishes
// each reading. The provider sees one host's polls however many hosts run,
// and when the leading host dies another takes over within a quarter of the
// interval. While no reading comes through the database for two intervals
// (the database is down), each host polls for itself, so stock stays live
// through an outage at the cost of one poll per host.
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
}

// Run takes part in the provider's election and publishes every reading
// until ctx ends.
func (s *PGStockSource) Run(ctx context.Context, publish func(Stock)) {
	every := s.every
	if every <= 0 {
		every = 30 * time.Second
	}
	var mu sync.Mutex
	last := time.Now() // the last reading that came through the database
	done := make(chan struct{})
	go func() {
		defer close(done)
		journal.RunStockLeader(ctx, journal.StockLeaderOptions{
			DSN: s.dsn, Provider: s.name, Host: s.host, Interval: every, Role: s.Role,
			Poll: func(ctx context.Context) []byte {
				pctx, cancel := context.WithTimeout(ctx, stockTimeout)
				offers, err := s.poll(pctx)
				cancel()
				return encodeStock(offers, err)
			},
			Publish: func(snap journal.StockSnapshot) {
				mu.Lock()
				last = time.Now()
				mu.Unlock()
				publish(decodeStock(s.name, snap))
			},
		})
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-t.C:
		}
		mu.Lock()
		stale := time.Since(last) > 2*every
		mu.Unlock()
		if !stale {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, stockTimeout)
		offers, err := s.poll(pctx)
		cancel()
		if ctx.Err() == nil {
			publish(Stock{Provider: s.name, Offers: offers, Err: err, At: time.Now()})
		}
	}
}

func encodeStock(offers []model.Offer, err error) []byte {
	b := stockBody{Offers: offers}
	if err != nil {
		b.Error = err.Error()
	}
	out, _ := json.Marshal(b)
	return out
}

func decodeStock(provider string, snap journal.StockSnapshot) Stock {
	var b stockBody
	st := Stock{Provider: provider, At: snap.TakenAt}
	if err := json.Unmarshal(snap.Body, &b); err != nil {
		st.Err = errors.New("stock reading from host " + snap.Leader + " is unreadable")
		return st
	}
	st.Offers = b.Offers
	if b.Error != "" {
		st.Err = errors.New(b.Error)
	}
	return st
}

// KickOnPGAppends kicks feed whenever any host appends to the PostgreSQL
// journal (LISTEN/NOTIFY, caught up by sequence after a reconnect), so
// sessions see other hosts' top-ups at once instead of at the feed's next
// interval. It returns when ctx ends.
func KickOnPGAppends(ctx context.Context, store *journal.PG, feed *JournalFeed) {
	head, err := store.Head(ctx)
	if err != nil {
		head = 0
	}
	store.Feed(ctx, head, func([]journal.Record) { feed.Kick() }, func(error) { feed.Kick() })
}
