package live

// StockNow returns the newest stock of every provider published so far, in
// first-published order, without opening a mailbox: the metrics read it at
// scrape time. The offers are shared: callers must not modify them.
func (h *Hub) StockNow() []Stock {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Stock, 0, len(h.order))
	for _, p := range h.order {
		out = append(out, h.stock[p])
	}
	return out
}
