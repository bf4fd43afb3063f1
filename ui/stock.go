package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/engine"
	"simdesk/live"
	"simdesk/model"
)

// stockSamples is how many stock readings each offer keeps: at the default
// 30 s refresh, one hour. The ring buffer keeps memory flat however long the
// console runs.
const stockSamples = 120

// stockTimeout bounds one offers call.
const stockTimeout = 30 * time.Second

type stockSample struct {
	at time.Time
	v  int
}

// stockRing is a fixed-size ring of samples, oldest overwritten first.
type stockRing struct {
	buf  [stockSamples]stockSample
	head int // next write position
	n    int
}

func (r *stockRing) add(s stockSample) {
	r.buf[r.head] = s
	r.head = (r.head + 1) % stockSamples
	r.n = min(r.n+1, stockSamples)
}

// at returns the i-th sample, oldest first.
func (r *stockRing) at(i int) stockSample {
	return r.buf[(r.head-r.n+i+stockSamples)%stockSamples]
}

func (r *stockRing) last() (stockSample, bool) {
	if r.n == 0 {
		return stockSample{}, false
	}
	return r.at(r.n - 1), true
}

// values returns up to the last k values, oldest first.
func (r *stockRing) values(k int) []int {
	k = min(k, r.n)
	out := make([]int, k)
	for i := range out {
		out[i] = r.at(r.n - k + i).v
	}
	return out
}

// burn is the stock consumed per hour since the last restock, from the
// oldest sample after it to the newest. ok is false without a decline over
// at least a minute.
func (r *stockRing) burn() (perHour float64, ok bool) {
	if r.n < 2 {
		return 0, false
	}
	newest := r.at(r.n - 1)
	first := newest
	for i := r.n - 2; i >= 0; i-- {
		s := r.at(i)
		if s.v < first.v { // stock rose after this sample: a restock
			break
		}
		first = s
	}
	dt := newest.at.Sub(first.at)
	used := first.v - newest.v
	if used <= 0 || dt < time.Minute {
		return 0, false
	}
	return float64(used) / dt.Hours(), true
}

// stockSource is one Stocker provider being polled.
type stockSource struct {
	name    string
	refresh time.Duration
	low     int
	gen     int // the generation of the pending tick; older ticks are dropped
	loading bool
	offers  []model.Offer
	err     error
	at      time.Time
}

// stockRow is one offer on screen.
type stockRow struct {
	src   *stockSource
	offer model.Offer
}

// stockWatch polls every Stocker provider on its own StockRefresh and keeps
// a bounded history of each offer's stock for the sparkline, burn rate and
// time-to-empty; a stock crossing its low mark raises an alert and a bell.
type stockWatch struct {
	sources []*stockSource
	series  map[string]*stockRing
	rows    []stockRow
	list    cursorList
	w, h    int
	live    *live.Hub // polls for every session when set; this watch then never polls
	wide    bool      // every column whole (w, and a copy)
	xoff    int       // the first column shown in wide mode
	filter  listFilter
	sort    int // a stockSortColumns index; 0 keeps the providers' order
	total   int // offers before the filter
}

// stockSortColumns name the stock table's sortable columns.
var stockSortColumns = []string{"", "OFFER", "PRICE", "STOCK"}

func newStockWatch(eng *engine.Engine) *stockWatch {
	s := &stockWatch{series: map[string]*stockRing{}}
	for _, r := range eng.Registered() {
		if r.Capabilities().Offers {
			s.sources = append(s.sources, &stockSource{name: r.Provider.Name(), refresh: r.StockRefresh, low: r.StockLow})
		}
	}
	return s
}

// stockMsg is one provider's offers, or its error.
type stockMsg struct {
	provider string
	offers   []model.Offer
	err      error
	at       time.Time
}

// stockTickMsg asks for the next poll of one provider.
type stockTickMsg struct {
	provider string
	gen      int
}

func stockFetchCmd(eng *engine.Engine, provider string, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), stockTimeout)
		defer cancel()
		offers, err := eng.Offers(ctx, provider)
		return stockMsg{provider: provider, offers: offers, err: err, at: now()}
	}
}

// bellCmd rings the terminal bell: BEL written through the program's
// output, outside the rendered frame.
func bellCmd() tea.Cmd { return tea.Raw(string(rune(ansi.BEL))) }

func (s *stockWatch) source(name string) *stockSource {
	for _, src := range s.sources {
		if src.name == name {
			return src
		}
	}
	return nil
}

func (s *stockWatch) loading() bool {
	for _, src := range s.sources {
		if src.loading && src.at.IsZero() {
			return true
		}
	}
	return false
}

// startAll polls every source now (Init).
func (s *stockWatch) startAll(eng *engine.Engine, now func() time.Time) tea.Cmd {
	return s.refreshAll(eng, now)
}

// refreshAll polls every source now; pending ticks become stale.
func (s *stockWatch) refreshAll(eng *engine.Engine, now func() time.Time) tea.Cmd {
	if s.live != nil {
		s.live.Refresh()
		return nil
	}
	var cmds []tea.Cmd
	for _, src := range s.sources {
		if src.loading {
			continue
		}
		src.loading = true
		src.gen++
		cmds = append(cmds, stockFetchCmd(eng, src.name, now))
	}
	return tea.Batch(cmds...)
}

func (m *Model) openStock() tea.Cmd {
	m.show(stockScreen{})
	if len(m.stock.sources) == 0 {
		m.setStatus("no configured provider sells offers with stock", statusInfo)
		return nil
	}
	for _, src := range m.stock.sources {
		if src.at.IsZero() && !src.loading {
			return m.stock.refreshAll(m.eng, m.opts.Now)
		}
	}
	return nil
}

// onStock records a poll: samples, alerts on crossings, next tick.
func (m *Model) onStock(msg stockMsg) tea.Cmd {
	s := m.stock
	src := s.source(msg.provider)
	if src == nil {
		return nil
	}
	src.loading = false
	src.at = msg.at
	src.gen++
	next := m.after(src.refresh, func(time.Time) tea.Msg { return stockTickMsg{provider: src.name, gen: src.gen} })
	if s.live != nil {
		next = nil // the hub sends the next reading
	}
	m.health[src.name] = m.eng.Health(src.name)
	if msg.err != nil {
		src.err = msg.err
		return next
	}
	src.err = nil
	src.offers = msg.offers
	var alerts []string
	for _, o := range msg.offers {
		k := src.name + "|" + o.ID
		r := s.series[k]
		if r == nil {
			r = &stockRing{}
			s.series[k] = r
		}
		prev, had := r.last()
		r.add(stockSample{at: msg.at, v: o.Stock})
		if !had {
			continue
		}
		switch {
		case o.Unlimited:
			// No stock limit: never empty, never low.
		case prev.v > 0 && o.Stock <= 0:
			alerts = append(alerts, "EMPTY "+o.Name+" ("+src.name+")")
		case prev.v > src.low && o.Stock <= src.low:
			alerts = append(alerts, fmt.Sprintf("LOW %s (%s): %d left, low mark %d", o.Name, src.name, o.Stock, src.low))
		}
	}
	s.rebuild()
	if len(alerts) == 0 {
		return next
	}
	m.setStatus("⚠ stock alert: "+strings.Join(alerts, "; "), statusAlert)
	return tea.Batch(next, bellCmd())
}

// onStockTick polls a source again unless the tick is stale.
func (m *Model) onStockTick(msg stockTickMsg) tea.Cmd {
	src := m.stock.source(msg.provider)
	if src == nil || msg.gen != src.gen || src.loading {
		return nil
	}
	src.loading = true
	return stockFetchCmd(m.eng, src.name, m.opts.Now)
}

func (s *stockWatch) rebuild() {
	s.rows, s.total = s.rows[:0], 0
	for _, src := range s.sources {
		for _, o := range src.offers {
			s.total++
			r := stockRow{src: src, offer: o}
			if s.filter.match(s.rowName(r) + " " + o.Supplier + " " + o.ID + " " + o.ProductType) {
				s.rows = append(s.rows, r)
			}
		}
	}
	switch s.sort {
	case 1:
		slices.SortStableFunc(s.rows, func(a, b stockRow) int {
			return strings.Compare(strings.ToLower(a.offer.Name), strings.ToLower(b.offer.Name))
		})
	case 2:
		slices.SortStableFunc(s.rows, func(a, b stockRow) int { return cmp.Compare(a.offer.Price.Minor, b.offer.Price.Minor) })
	case 3: // the emptiest first: what needs restocking
		slices.SortStableFunc(s.rows, func(a, b stockRow) int { return cmp.Compare(a.offer.Stock, b.offer.Stock) })
	}
	s.list.SetLen(len(s.rows))
	s.setSize(s.w, s.h)
}

func (s *stockWatch) headerLines() int {
	n := len(s.sources) + 2
	if s.filter.active() || s.sort != 0 {
		n++
	}
	return n
}

func (s *stockWatch) setSize(w, h int) {
	s.w, s.h = w, h
	rows := h - s.headerLines()
	if len(s.rows) > rows {
		rows--
	}
	s.list.SetHeight(rows)
}

// HandleKey filters (`/`), sorts (`<` `>`) and moves in the offer list.
func (s *stockWatch) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	if used, _ := s.filter.HandleKey(msg, c); used {
		s.rebuild() // the filter line may have appeared or gone too
		return true
	}
	switch {
	case key.Matches(msg, c.keys.Line.SortNext):
		s.sort = (s.sort + 1) % len(stockSortColumns)
	case key.Matches(msg, c.keys.Line.SortPrev):
		s.sort = (s.sort + len(stockSortColumns) - 1) % len(stockSortColumns)
	case key.Matches(msg, c.keys.Line.Wide):
		s.wide, s.xoff = !s.wide, 0
		return true
	case s.wide && key.Matches(msg, c.keys.Line.ScrollLeft):
		s.xoff = max(0, s.xoff-8)
		return true
	case s.wide && key.Matches(msg, c.keys.Line.ScrollRight):
		s.xoff += 8
		return true
	default:
		return s.list.HandleKey(msg, c.keys.Nav)
	}
	s.rebuild()
	return true
}
