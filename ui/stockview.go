package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"simdesk/model"
	"simdesk/present"
)

// stockCols is the stock table's column layout for one width. The columns
// that identify a row (the offer) and the numbers (price, stock, time to
// empty) are sized from the values on screen and never cut; decoration
// gives way as the screen narrows: the burn rate goes first, then the trend
// and supplier shrink, then the supplier and the trend go, then the state
// word joins the stock figure.
type stockCols struct {
	offer, supplier, price, stock, trend, burn, eta, state int
}

// stockNeeds is the widest value of each column among the rows.
type stockNeeds struct{ offer, supplier, price, stock, eta int }

func (sc stockCols) fixed() int {
	n := 3 + sc.price + 1 + sc.stock + 1 + sc.eta
	for _, c := range []int{sc.supplier, sc.trend, sc.burn, sc.state} {
		if c > 0 {
			n += c + 1
		}
	}
	if sc.trend > 0 {
		n++ // two spaces before the trend
	}
	return n + 1
}

// minOfferCol is the offer column width the layout drops decoration to keep.
const minOfferCol = 24

func layoutStockCols(w int, need stockNeeds) stockCols {
	sc := stockCols{
		supplier: min(18, max(8, need.supplier)), price: max(5, need.price), stock: max(5, need.stock),
		trend: 16, burn: 7, eta: max(8, need.eta), state: 5,
	}
	want := min(44, max(minOfferCol, need.offer))
	shrink := []func(){
		func() { sc.burn = 0 },
		func() { sc.trend = 10 },
		func() { sc.supplier = min(sc.supplier, 12) },
		func() { sc.supplier = 0 },
		func() { sc.trend = 8 },
		func() { sc.state, sc.stock = 0, max(sc.stock, need.stock+6) },
		func() { sc.trend = 0 },
	}
	for _, f := range shrink {
		if w-sc.fixed() >= want {
			break
		}
		f()
	}
	sc.offer = min(want, max(8, w-sc.fixed()))
	if left := w - sc.fixed() - sc.offer; sc.supplier == 0 && left >= 9 && need.supplier > 0 {
		sc.supplier = min(need.supplier, left-1) // room came back: some supplier
	}
	return sc
}

func (sc stockCols) row(marker, offer, supplier, price, stock, trend, burn, eta, state string) string {
	if sc.state == 0 && state != "" {
		stock = state + " " + stock
	}
	// The marker slot: the cursor, the state mark, a space; the cursor
	// never takes the mark's place nor pushes the row.
	r := present.Fit(marker, 3) + present.Fit(offer, sc.offer) + " "
	if sc.supplier > 0 {
		r += present.Fit(supplier, sc.supplier) + " "
	}
	r += present.FitRight(price, sc.price) + " " + present.FitRight(stock, sc.stock) + " "
	if sc.trend > 0 {
		r += " " + present.Fit(trend, sc.trend) + " "
	}
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
	case o.StockInvalid != "":
		return "?", "INVALID" // the provider's figure was NaN or out of range: unknown, not EMPTY
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
	out = append(out, s.headLines(c, w)...)
	out = append(out, s.table(c, w)...)
	if len(s.rows) == 0 && s.total > 0 {
		out = append(out, st.Muted.Render("  no offer matches the filter · esc clears"))
	} else if len(s.rows) == 0 {
		out = append(out, st.Muted.Render("  no offers yet"))
	}
	if info := s.list.ScrollInfo(); info != "" {
		out = append(out, st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(limitLines(out, h), "\n")
}

// headLines are each source's state and the filter and sort in force.
func (s *stockWatch) headLines(c *common, w int) []string {
	st := c.st
	var out []string
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
	if s.filter.active() || s.sort != 0 {
		var line []string
		if s.filter.active() {
			line = append(line, s.filter.view(c, len(s.rows), s.total, w))
		}
		if s.sort != 0 {
			line = append(line, st.Muted.Render("sorted by "+stockSortColumns[s.sort]+" · < > change"))
		}
		out = append(out, present.Clip(strings.Join(line, st.Muted.Render(" · ")), w))
	}
	return out
}

// table is the column header and the visible rows, columns sized from
// the rows on screen (every column at its widest with the wide view).
func (s *stockWatch) table(c *common, w int) []string {
	st := c.st
	var out []string
	from, to := s.list.Visible()
	names := make([]string, 0, to-from)
	var need stockNeeds
	for i := from; i < to; i++ {
		r := s.rows[i]
		names = append(names, s.rowName(r))
		need.offer = max(need.offer, present.Width(names[len(names)-1]))
		need.supplier = max(need.supplier, present.Width(r.offer.Supplier))
		need.price = max(need.price, present.Width(present.FormatPrice(r.offer.Price)))
		need.stock = max(need.stock, present.Width(stockCell(r.offer)))
	}
	need.eta = 8
	lw := w
	if s.wide {
		lw = 1000 // every column at its widest; the view scrolls
	}
	sc := layoutStockCols(lw, need)
	if s.wide {
		sc.offer = max(sc.offer, need.offer)
		sc.supplier = max(sc.supplier, need.supplier)
	}
	stateHdr := ""
	if sc.state > 0 {
		stateHdr = "STATE"
	}
	out = append(out, st.ColumnHeader.Render(s.scroll(sc.row("", "OFFER", "SUPPLIER", "PRICE", "STOCK", "TREND", "BURN", "TO EMPTY", stateHdr), w)))
	for i := from; i < to; i++ {
		r := s.rows[i]
		o := r.offer
		sel := i == s.list.cursor
		marker, state := stockState(o)
		trend, burn, eta := s.outlook(r, sc.trend)
		if sel {
			marker = "▸" + present.Fit(marker, 1)
		} else {
			marker = " " + marker
		}
		name := present.DistinctOne(names, i-from, sc.offer)
		row := sc.row(marker, name, o.Supplier, present.FormatPrice(o.Price), stockCell(o), trend, burn, eta, state)
		switch {
		case sel:
			row = st.Selected.Render(row)
		case o.Empty():
			row = st.Danger.Render(row)
		case o.Low:
			row = st.Warn.Render(row)
		}
		out = append(out, s.scroll(row, w))
	}
	return out
}

// outlook is a row's trend sparkline (width cells), burn rate and time
// to empty, from the readings this console kept.
func (s *stockWatch) outlook(r stockRow, width int) (trend, burn, eta string) {
	o := r.offer
	ring := s.series[r.src.name+"|"+o.ID]
	if ring != nil {
		trend = present.Sparkline(ring.values(max(width, 1)))
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
	return trend, burn, eta
}

// rowName is the offer as the stock table names it: with its provider when
// several providers sell offers.
func (s *stockWatch) rowName(r stockRow) string {
	if len(s.sources) > 1 {
		return r.src.name + " · " + r.offer.Name
	}
	return r.offer.Name
}

// current is the offer under the cursor.
func (s *stockWatch) current() (stockRow, bool) {
	if s.list.cursor < len(s.rows) && len(s.rows) > 0 {
		return s.rows[s.list.cursor], true
	}
	return stockRow{}, false
}

// stockCell is the stock figure, "?" when the provider's was unusable.
func stockCell(o model.Offer) string {
	if o.StockInvalid != "" {
		return "?"
	}
	return itoa(o.Stock)
}

// scroll is a row as wide mode shows it: from the scroll offset, w cells.
func (s *stockWatch) scroll(row string, w int) string {
	if !s.wide || s.xoff == 0 && present.Width(row) <= w {
		return row
	}
	return ansi.Cut(row, s.xoff, s.xoff+w)
}
