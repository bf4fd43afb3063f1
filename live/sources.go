package live

import (
	"context"
	"sync"
	"time"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
)

// StockSource feeds one provider's stock readings into the hub. Poller is
// the one this package has: it asks the provider on the provider's own
// stock_refresh. Any other source with this shape can replace it, such as
// one that reads the readings a leader-elected poller (one host of several)
// stores, so that N hosts cost the provider what one does.
type StockSource interface {
	// Provider is the configured provider name the readings belong to.
	Provider() string
	// Run publishes readings until ctx ends.
	Run(ctx context.Context, publish func(Stock))
}

// Refresher is a StockSource that can take a reading now, when an operator
// asks for one (the hub merges such requests).
type Refresher interface{ RefreshNow() }

// stockTimeout bounds one poll.
const stockTimeout = 20 * time.Second

// Poller polls one provider's offers for every session at once.
type Poller struct {
	name  string
	every time.Duration
	kick  chan struct{}
	ask   func(ctx context.Context) ([]model.Offer, error)
	clock clock
}

// clock is the time a Poller reads and waits on; tests give one that moves
// only as the fake provider and the waits move it.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// NewPoller polls provider r through eng every r.StockRefresh.
func NewPoller(eng *engine.Engine, r engine.Registered) *Poller {
	name := r.Name()
	return &Poller{name: name, every: r.StockRefresh, kick: make(chan struct{}, 1), clock: realClock{},
		ask: func(ctx context.Context) ([]model.Offer, error) { return eng.Offers(ctx, name) }}
}

// Provider is the polled provider's name.
func (p *Poller) Provider() string { return p.name }

// RefreshNow makes the running poller poll at once (coalesced), or as soon
// as the backoff after its last poll allows.
func (p *Poller) RefreshNow() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run polls at once, then after each poll waits the backoff (the interval,
// or the poll's own length when the provider is slower than that) or until
// kicked, until ctx ends. A kick polls early, but never sooner than the last
// poll's length after it: operators pressing r cannot keep a slow provider
// busy with this host's polls more than half of the time.
func (p *Poller) Run(ctx context.Context, publish func(Stock)) {
	every := p.every
	if every <= 0 {
		every = 30 * time.Second
	}
	var earliest time.Time // a kick waits until then
	wait := p.clock.After(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-wait:
		case <-p.kick:
			if d := earliest.Sub(p.clock.Now()); d > 0 {
				wait = p.clock.After(d)
				continue
			}
		}
		start := p.clock.Now()
		pctx, cancel := context.WithTimeout(ctx, stockTimeout)
		offers, err := p.ask(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		end := p.clock.Now()
		publish(Stock{Provider: p.name, Offers: offers, Err: err, At: end})
		took := end.Sub(start)
		earliest = end.Add(took)
		wait = p.clock.After(backoff(every, took))
	}
}

// JournalLimit is how many recent attempts a journal snapshot carries (the
// console's journal view lists as many).
const JournalLimit = 500

// JournalFeed reads the journal once for every session: when the engine
// appends an outcome (Kick) and when the store's head moved (appends by
// other processes or hosts sharing the journal).
type JournalFeed struct {
	eng     *engine.Engine
	every   time.Duration
	kick    chan struct{}
	last    map[string]journal.Status // journal_id → status of the last snapshot
	pending int
}

// NewJournalFeed reads eng's journal every interval and on Kick.
func NewJournalFeed(eng *engine.Engine, every time.Duration) *JournalFeed {
	if every <= 0 {
		every = time.Second
	}
	return &JournalFeed{eng: eng, every: every, kick: make(chan struct{}, 1)}
}

// Kick asks for a read now; kicks while one is under way merge.
func (f *JournalFeed) Kick() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// Run publishes a snapshot at once, then each time the journal changed:
// on a Kick, or when the store's head moved (checked every interval; a
// cheap call, so appends by other processes or hosts sharing the journal
// show within it).
func (f *JournalFeed) Run(ctx context.Context, publish func(Journal, []journal.Attempt)) {
	t := time.NewTicker(f.every)
	defer t.Stop()
	head := f.head(ctx)
	f.read(publish, true)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h := f.head(ctx)
			// While this process sends a top-up its intent is in the
			// journal without an outcome: wait for the outcome's Kick
			// rather than show a colleague's top-up as of unknown outcome.
			if (h == head && h >= 0) || f.eng.TopupsInFlight() > 0 {
				continue
			}
			head = h
		case <-f.kick:
			head = f.head(ctx)
		}
		f.read(publish, false)
	}
}

// head is the journal store's position, or -1 when it cannot tell (then
// every interval reads).
func (f *JournalFeed) head(ctx context.Context) journal.Seq {
	st := f.eng.Options().Journal
	if st == nil {
		return -1
	}
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h, err := st.Head(hctx)
	if err != nil {
		return -1
	}
	return h
}

// read takes one snapshot and publishes it when something changed; news
// are the attempts that are new or whose status changed.
func (f *JournalFeed) read(publish func(Journal, []journal.Attempt), first bool) {
	recent, probs, err := f.eng.Attempts(JournalLimit)
	j := Journal{Attempts: recent, Problems: probs, Err: err, At: time.Now()}
	if err == nil {
		pending, perr := f.eng.Pending()
		j.Pending, j.Err = len(pending), perr
	}
	seen := make(map[string]journal.Status, len(recent))
	var news []journal.Attempt
	for i := len(recent) - 1; i >= 0; i-- { // oldest first
		a := recent[i]
		st := a.Status()
		seen[a.Intent.JournalID] = st
		if old, ok := f.last[a.Intent.JournalID]; f.last != nil && (!ok || old != st) {
			news = append(news, a)
		}
	}
	changed := first || f.last == nil || len(seen) != len(f.last) || len(news) > 0 || j.Err != nil || j.Pending != f.pending
	f.last, f.pending = seen, j.Pending
	if changed {
		publish(j, news)
	}
}

// Run starts a poller for every provider of eng with stock (or the given
// sources instead, such as a leader-elected one) and eng's journal feed,
// hooked to the engine's appends, and returns a function that waits for
// them all once ctx ends. A nil eng runs the sources alone.
func (h *Hub) Run(ctx context.Context, eng *engine.Engine, sources ...StockSource) (wait func()) {
	if len(sources) == 0 && eng != nil {
		for _, r := range eng.Registered() {
			if r.Capabilities().Offers {
				sources = append(sources, NewPoller(eng, r))
			}
		}
	}
	var wg sync.WaitGroup
	h.mu.Lock()
	for _, s := range sources {
		if r, ok := s.(Refresher); ok {
			h.refresh = append(h.refresh, r.RefreshNow)
		}
	}
	h.mu.Unlock()
	for _, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Run(ctx, h.PublishStock)
		}()
	}
	if eng != nil {
		feed := NewJournalFeed(eng, 0)
		// Outcomes only: an intent is a top-up in flight, not yet an
		// attempt of unknown outcome; sessions learn of it with its
		// outcome (or at the next interval if it stays unknown).
		eng.OnJournal(func(e journal.Entry) {
			if e.Phase == journal.PhaseOutcome {
				feed.Kick()
			}
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			feed.Run(ctx, h.PublishJournal)
		}()
		// A journal in PostgreSQL tells of every host's appends at once
		// (LISTEN/NOTIFY): the sessions here see a colleague's top-up on
		// another host without waiting for the feed's interval.
		j := eng.Options().Journal
		if w, ok := j.(interface{ Unwrap() journal.Store }); ok {
			j = w.Unwrap() // the metrics' timing wrapper
		}
		if pg, ok := j.(*journal.PG); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				KickOnPGAppends(ctx, pg, feed)
			}()
		}
	}
	return wg.Wait
}
