// Package live carries what every console session shares while it runs: the
// stock of each provider (polled once for all sessions) and the journal of
// the team's top-ups (read once for all sessions), fanned out through a hub
// with one mailbox per session. A mailbox keeps only the newest value of
// each kind, so a session that stops reading (a stalled SSH client) loses
// nothing it will ever need and blocks nobody.
package live

import (
	"sync"
	"time"

	"simdesk/journal"
	"simdesk/model"
)

// Stock is one provider's offers at one moment, or the error of that poll.
type Stock struct {
	Provider string
	Offers   []model.Offer
	Err      error
	At       time.Time
}

// Journal is the team's recent top-up attempts as the journal has them now.
// Sessions share the slices: they must not modify them.
type Journal struct {
	Attempts []journal.Attempt // newest first
	Problems []journal.Problem
	Err      error
	Pending  int // attempts whose outcome is unknown, in the whole journal
	At       time.Time
}

// Update is what a session takes from its mailbox: the newest value of each
// kind published since its last Take.
type Update struct {
	Stock   []Stock           // one per provider that changed, newest only
	Journal *Journal          // nil when the journal did not change
	News    []journal.Attempt // attempts begun or settled since the last Take, oldest first
	Notice  string            // a server-wide announcement (shutdown), "" if none
}

// Empty reports an update with nothing in it.
func (u Update) Empty() bool {
	return len(u.Stock) == 0 && u.Journal == nil && len(u.News) == 0 && u.Notice == ""
}

// maxNews bounds the news a mailbox keeps for a session that does not read:
// beyond it the oldest go (the journal snapshot still has them all).
const maxNews = 32

// Hub fans shared values out to every session's mailbox. Publishing never
// blocks: it replaces the mailbox's value and signals it.
type Hub struct {
	mu      sync.Mutex
	subs    map[*Sub]struct{}
	stock   map[string]Stock
	order   []string // providers in first-published order, for stable updates
	journal *Journal
	notice  string
	refresh []func() // sources that can poll now, asked by Refresh
	lastRef time.Time
}

// NewHub returns an empty hub; Run attaches its sources.
func NewHub() *Hub {
	return &Hub{subs: map[*Sub]struct{}{}, stock: map[string]Stock{}}
}

// Sub is one session's mailbox.
type Sub struct {
	hub    *Hub
	ready  chan struct{} // capacity 1: "something is waiting"
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	stock  map[string]Stock
	order  []string
	jour   *Journal
	news   []journal.Attempt
	notice string
}

// Subscribe opens a mailbox that starts with the current values, so a new
// session shows the stock and journal at once instead of waiting a poll.
func (h *Hub) Subscribe() *Sub {
	s := &Sub{hub: h, ready: make(chan struct{}, 1), done: make(chan struct{}), stock: map[string]Stock{}}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range h.order {
		s.putStock(h.stock[p])
	}
	if h.journal != nil {
		s.putJournal(h.journal, nil)
	}
	if h.notice != "" {
		s.putNotice(h.notice)
	}
	h.subs[s] = struct{}{}
	return s
}

// Sessions is how many mailboxes are open.
func (h *Hub) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// PublishStock replaces a provider's stock in every mailbox.
func (h *Hub) PublishStock(st Stock) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.stock[st.Provider]; !ok {
		h.order = append(h.order, st.Provider)
	}
	h.stock[st.Provider] = st
	for s := range h.subs {
		s.putStock(st)
	}
}

// PublishJournal replaces the journal snapshot in every mailbox and adds
// the news (attempts begun or settled since the previous snapshot).
func (h *Hub) PublishJournal(j Journal, news []journal.Attempt) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.journal = &j
	for s := range h.subs {
		s.putJournal(h.journal, news)
	}
}

// Announce sends every session (and every later one) a notice, such as
// "the server is shutting down".
func (h *Hub) Announce(text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.notice = text
	for s := range h.subs {
		s.putNotice(text)
	}
}

// refreshGap is the least time between two polls asked for by operators:
// fifty operators pressing r at once cost the provider one poll.
const refreshGap = 2 * time.Second

// Refresh asks every source that can to poll now. Requests closer together
// than refreshGap are merged into one.
func (h *Hub) Refresh() {
	h.mu.Lock()
	now := time.Now()
	if now.Sub(h.lastRef) < refreshGap {
		h.mu.Unlock()
		return
	}
	h.lastRef = now
	fs := h.refresh
	h.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

func (s *Sub) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

func (s *Sub) putStock(st Stock) {
	s.mu.Lock()
	if _, ok := s.stock[st.Provider]; !ok {
		s.order = append(s.order, st.Provider)
	}
	s.stock[st.Provider] = st
	s.mu.Unlock()
	s.signal()
}

func (s *Sub) putJournal(j *Journal, news []journal.Attempt) {
	s.mu.Lock()
	s.jour = j
	s.news = append(s.news, news...)
	if n := len(s.news); n > maxNews {
		s.news = append(s.news[:0:0], s.news[n-maxNews:]...)
	}
	s.mu.Unlock()
	s.signal()
}

func (s *Sub) putNotice(text string) {
	s.mu.Lock()
	s.notice = text
	s.mu.Unlock()
	s.signal()
}

// Ready is signalled when the mailbox holds something new.
func (s *Sub) Ready() <-chan struct{} { return s.ready }

// Done is closed by Close.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Take empties the mailbox.
func (s *Sub) Take() Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u Update
	for _, p := range s.order {
		if st, ok := s.stock[p]; ok {
			u.Stock = append(u.Stock, st)
			delete(s.stock, p)
		}
	}
	s.order = s.order[:0]
	u.Journal, s.jour = s.jour, nil
	u.News, s.news = s.news, nil
	u.Notice, s.notice = s.notice, ""
	return u
}

// Next waits for the next non-empty update; ok is false once the mailbox is
// closed. It is what a session's tea.Cmd blocks on.
func (s *Sub) Next() (Update, bool) {
	for {
		select {
		case <-s.done:
			return Update{}, false
		case <-s.ready:
			if u := s.Take(); !u.Empty() {
				return u, true
			}
		}
	}
}

// Close removes the mailbox from the hub and ends Next.
func (s *Sub) Close() {
	s.once.Do(func() {
		s.hub.mu.Lock()
		delete(s.hub.subs, s)
		s.hub.mu.Unlock()
		close(s.done)
	})
}
