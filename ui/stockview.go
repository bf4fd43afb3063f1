package ui

import (
	"fmt"
	"strings"

	"simdesk/model"
)

// stockCols is the stock table's column layout for one width.
type stockCols struct{ offer, supplier, price, stock, trend, burn, eta, state int }

func layoutStockCols(w int) stockCols {
	sc := stockCols{supplier: 18, price: 11, stock: 6, trend: 16, burn: 7, eta: 10, state: 5}
	if w < 100 {
		sc.supplier, sc.trend, sc.burn, sc.eta, sc.price = 12, 8, 6, 9, 10
	}
	fixed := 2 + sc.supplier + 1 + sc.price + 1 + sc.stock + 2 + sc.trend + 1 + sc.burn + 1 + sc.eta + 1 + sc.state + 1
	sc.offer = max(10, w-fixed)
	return sc
}

func (sc stockCols) row(marker, offer, supplier, price, stock, trend, burn, eta, state string) string {
	return Fit(marker, 2) + Fit(offer, sc.offer) + " " + Fit(supplier, sc.supplier) + " " + FitRight(price, sc.price) + " " +
		FitRight(stock, sc.stock) + "  " + Fit(trend, sc.trend) + " " + FitRight(burn, sc.burn) + " " + FitRight(eta, sc.eta) + " " + Fit(state, sc.state)
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
	out = append(out, title+"  "+st.Muted.Render(Clip(fmt.Sprintf("%d offers · LOW at or under each provider's stock_low · a bell rings when one crosses it", len(s.rows)), w-7)))
	for _, src := range s.sources {
		line := src.name + " · "
		switch {
		case src.at.IsZero():
			line += c.spin + " loading…"
		default:
			line += "refreshed " + FormatAge(src.at, c.now) + " · every " + FormatSpan(src.refresh) + " · low ≤ " + itoa(src.low)
		}
		if src.err != nil {
			e := model.AsError(src.err)
			out = append(out, st.Danger.Render(Clip("✖ "+line+" · "+errorLine(e), w)))
			continue
		}
		out = append(out, st.Muted.Render(Clip(line, w)))
	}
	sc := layoutStockCols(w)
	out = append(out, st.ColumnHeader.Render(sc.row("", "OFFER", "SUPPLIER", "PRICE", "STOCK", "TREND", "BURN", "TO EMPTY", "STATE")))
	from, to := s.list.Visible()
	for i := from; i < to; i++ {
		r := s.rows[i]
		o := r.offer
		sel := i == s.list.cursor
		marker, state := stockState(o)
		ring := s.series[r.src.name+"|"+o.ID]
		trend, burn, eta := "", "", ""
		if ring != nil {
			trend = Sparkline(ring.values(sc.trend))
			if per, ok := ring.burn(); ok {
				burn = trimFloat(roundTo(per, 1)) + "/h"
				if o.Stock > 0 {
					eta = "~" + FormatSpan(hours(float64(o.Stock)/per))
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
		row := sc.row(marker, name, o.Supplier, FormatPrice(o.Price), itoa(o.Stock), trend, burn, eta, state)
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
		out = append(out, st.Muted.Render(FitRight(info, w)))
	}
	return strings.Join(limitLines(out, h), "\n")
}
