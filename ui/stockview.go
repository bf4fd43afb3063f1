package ui

import (
	"fmt"
	"simdesk/present"
	"strings"

	"simdesk/model"
)

// stockCols is the stock table's column layout for one width. Narrower
// screens shrink the trend and supplier first, then drop the burn rate
// column (the time to empty, derived from it, stays) and write the state
// word next to the stock figure.
type stockCols struct {
	offer, supplier, price, stock, trend, burn, eta, state int
}

func (sc stockCols) fixed() int {
	n := 2 + sc.supplier + 1 + sc.price + 1 + sc.stock + 2 + sc.trend + 1 + sc.eta + 1
	if sc.burn > 0 {
		n += sc.burn + 1
	}
	if sc.state > 0 {
		n += sc.state + 1
	}
	return n
}

// minOfferCol is the offer column width the layout shrinks others to keep.
const minOfferCol = 28

func layoutStockCols(w int) stockCols {
	sc := stockCols{supplier: 18, price: 11, stock: 6, trend: 16, burn: 7, eta: 10, state: 5}
	shrink := []func(){
		func() { sc.trend = 10 },
		func() { sc.supplier = 14 },
		func() { sc.burn, sc.state, sc.stock = 0, 0, 9 },
		func() { sc.trend, sc.supplier = 8, 12 },
		func() { sc.eta, sc.price = 9, 10 },
	}
	for _, f := range shrink {
		if w-sc.fixed() >= minOfferCol {
			break
		}
		f()
	}
	sc.offer = min(44, max(10, w-sc.fixed()))
	return sc
}

func (sc stockCols) row(marker, offer, supplier, price, stock, trend, burn, eta, state string) string {
	if sc.state == 0 && state != "" {
		stock = state + " " + stock
	}
	r := present.Fit(marker, 2) + present.Fit(offer, sc.offer) + " " + present.Fit(supplier, sc.supplier) + " " + present.FitRight(price, sc.price) + " " +
		present.FitRight(stock, sc.stock) + "  " + present.Fit(trend, sc.trend) + " "
	if sc.burn > 0 {
		r += present.FitRight(burn, sc.burn) + " "
	}
	r += present.FitRight(eta, sc.eta)
	if sc.state > 0 {
		r += " " + present.Fit(state, sc.state)
	}
	return r
}

// stockState is the text marker and state word of an offer.
func stockState(o model.Offer) (marker, state string) {
	switch {
	case o.Empty():
		return "✖", "EMPTY"
	case o.Low:
		return "!", "LOW"
	}
	return "", ""
}

// View renders the stock watch in w×h cells.
func (s *stockWatch) View(c *common, w, h int) string {
	st := c.st
	var out []string
	title := st.Title.Render("STOCK")
	if len(s.sources) == 0 {
		return title + "  " + st.Muted.Render("no configured provider sells offers with stock")
	}
	out = append(out, title+"  "+st.Muted.Render(present.Clip(fmt.Sprintf("%d offers · LOW at or under stock_low · a bell rings on crossing", len(s.rows)), w-7)))
	for _, src := range s.sources {
		every := " · every " + present.FormatSpan(src.refresh) + " · low ≤ " + itoa(src.low)
		switch {
		case src.err != nil:
			e := model.AsError(src.err)
			out = append(out, st.Danger.Render(present.Clip("✖ "+src.name+": "+errorLine(e)+" · tried "+present.FormatAge(src.at, c.now)+every, w)))
		case src.at.IsZero():
			out = append(out, st.Muted.Render(present.Clip(src.name+" · "+c.spin+" loading…", w)))
		default:
			out = append(out, st.Muted.Render(present.Clip(src.name+" · refreshed "+present.FormatAge(src.at, c.now)+every, w)))
		}
	}
	sc := layoutStockCols(w)
	stateHdr := ""
	if sc.state > 0 {
		stateHdr = "STATE"
	}
	out = append(out, st.ColumnHeader.Render(sc.row("", "OFFER", "SUPPLIER", "PRICE", "STOCK", "TREND", "BURN", "TO EMPTY", stateHdr)))
	from, to := s.list.Visible()
	for i := from; i < to; i++ {
		r := s.rows[i]
		o := r.offer
		sel := i == s.list.cursor
		marker, state := stockState(o)
		ring := s.series[r.src.name+"|"+o.ID]
		trend, burn, eta := "", "", ""
		if ring != nil {
			trend = present.Sparkline(ring.values(sc.trend))
			if per, ok := ring.burn(); ok {
				burn = present.Rate(per)
				if o.Stock > 0 {
					eta = present.FormatETA(present.Hours(float64(o.Stock) / per))
				}
			}
		}
		if o.Empty() {
			eta = "empty"
		}
		if sel {
			marker = "▸" + marker
		}
		name := o.Name
		if len(s.sources) > 1 {
			name = r.src.name + " · " + name
		}
		row := sc.row(marker, name, o.Supplier, present.FormatPrice(o.Price), itoa(o.Stock), trend, burn, eta, state)
		switch {
		case sel:
			row = st.Selected.Render(row)
		case o.Empty():
			row = st.Danger.Render(row)
		case o.Low:
			row = st.Warn.Render(row)
		}
		out = append(out, row)
	}
	if len(s.rows) == 0 {
		out = append(out, st.Muted.Render("  no offers yet"))
	}
	if info := s.list.ScrollInfo(); info != "" {
		out = append(out, st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(limitLines(out, h), "\n")
}
