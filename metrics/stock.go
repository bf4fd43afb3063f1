package metrics

import (
	"sync"
	"time"

	"simdesk/live"
)

// maxSamples bounds each offer's history (the burn rate's window).
const maxSamples = 64

// maxSeries bounds how many offers' histories are kept: an offer gone
// from the catalogue is forgotten at the next reading of its provider.
const maxSeries = 10000

// maxOffers bounds the offers of one provider that are exported (each is
// four series): a provider answering with a huge catalogue must not make
// every scrape huge. The first maxOffers of its answer are kept.
const maxOffers = 1000

type sample struct {
	at time.Time
	v  int
}

// stockState remembers, across scrapes, what the hub's latest snapshot
// alone does not hold: each offer's recent readings (for the burn rate) and
// each provider's last successful reading.
type stockState struct {
	mu      sync.Mutex
	start   time.Time
	lastOK  map[string]time.Time // provider → At of the last reading without error
	seen    map[string]time.Time // provider → At of the last reading taken into the series
	series  map[string][]sample  // provider+"\x00"+offer → readings, oldest first
	offers  map[string][]string  // provider → offer ids of its last reading
	scratch []string
}

func newStockState(start time.Time) *stockState {
	return &stockState{start: start, lastOK: map[string]time.Time{}, seen: map[string]time.Time{},
		series: map[string][]sample{}, offers: map[string][]string{}}
}

// take adds a new reading of one provider to the series; the same reading
// scraped twice counts once.
func (st *stockState) take(s live.Stock) {
	if s.Err != nil || !s.At.After(st.seen[s.Provider]) {
		return
	}
	st.seen[s.Provider] = s.At
	st.lastOK[s.Provider] = s.At
	ids := st.scratch[:0]
	for i, o := range s.Offers {
		if i >= maxOffers {
			break
		}
		if o.Unlimited || o.StockInvalid != "" {
			continue
		}
		k := s.Provider + "\x00" + o.ID
		if _, ok := st.series[k]; !ok && len(st.series) >= maxSeries {
			continue
		}
		ser := append(st.series[k], sample{at: s.At, v: o.Stock})
		if len(ser) > maxSamples {
			ser = append(ser[:0], ser[len(ser)-maxSamples:]...)
		}
		st.series[k] = ser
		ids = append(ids, o.ID)
	}
	for _, old := range st.offers[s.Provider] {
		if !containsStr(ids, old) {
			delete(st.series, s.Provider+"\x00"+old)
		}
	}
	st.offers[s.Provider] = append(st.offers[s.Provider][:0], ids...)
	st.scratch = ids
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// burn is the stock consumed per second since the last restock, from the
// oldest reading after it to the newest (the console's burn rate, per
// second); 0 without a decline over at least a minute.
func burn(ser []sample) float64 {
	if len(ser) < 2 {
		return 0
	}
	newest := ser[len(ser)-1]
	first := newest
	for i := len(ser) - 2; i >= 0; i-- {
		if ser[i].v < first.v { // stock rose after this reading: a restock
			break
		}
		first = ser[i]
	}
	dt := newest.at.Sub(first.at)
	used := first.v - newest.v
	if used <= 0 || dt < time.Minute {
		return 0
	}
	return float64(used) / dt.Seconds()
}

func (st *stockState) collect(out *sink, s Sources, now time.Time) {
	if s.Engine == nil {
		return
	}
	var snap []live.Stock
	if s.Hub != nil {
		snap = s.Hub.StockNow()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, x := range snap {
		st.take(x)
	}
	byName := map[string]live.Stock{}
	for _, x := range snap {
		byName[x.Provider] = x
	}
	for _, name := range s.Engine.Stockers() {
		r, _ := s.Engine.Find(name)
		ok := st.lastOK[name]
		if ok.IsZero() {
			ok = st.start
		}
		out.put(descStockOK, float64(ok.UnixNano())/1e9, name)
		out.put(descRefresh, r.StockRefresh.Seconds(), name)
		out.put(descLowMark, float64(r.StockLow), name)
		x, have := byName[name]
		if !have || x.Err != nil && len(x.Offers) == 0 {
			continue
		}
		seen := make(map[string]bool, len(x.Offers))
		for i, o := range x.Offers {
			if i >= maxOffers {
				break
			}
			// Two offers with one (clipped) id would be one series twice:
			// the first is kept.
			id := labelValue(o.ID)
			if o.Unlimited || o.StockInvalid != "" || seen[id] {
				continue
			}
			seen[id] = true
			out.put(descStock, float64(o.Stock), name, o.ID)
			out.put(descLow, flag(o.Stock > 0 && o.Stock <= r.StockLow), name, o.ID)
			out.put(descEmpty, flag(o.Empty()), name, o.ID)
			out.put(descBurn, burn(st.series[name+"\x00"+o.ID]), name, o.ID)
		}
	}
}
