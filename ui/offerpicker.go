package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/model"
	"simdesk/present"
)

// offerPicker lists the offers that fit the open line (engine.OffersForLine),
// with price and stock; typing filters them fuzzily. Empty offers are shown
// but cannot be chosen.
type offerPicker struct {
	title   string
	offers  []model.Offer
	in      lineInput
	matches []int // indexes into offers
	cursor  int
	msg     string
}

var _ inputDialog = (*offerPicker)(nil)

// newOfferPicker opens the picker over offers.
func newOfferPicker(title string, offers []model.Offer) *offerPicker {
	p := &offerPicker{title: title, offers: offers, in: lineInput{limit: 64}}
	p.refilter()
	return p
}

// ID implements Dialog.
func (p *offerPicker) ID() string { return "offers" }

// Keys implements Dialog.
func (p *offerPicker) Keys(k KeyMap) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")), k.Input.Up, k.Input.Down, k.Input.Cancel}
}

func (p *offerPicker) refilter() {
	labels := make([]string, len(p.offers))
	for i, o := range p.offers {
		labels[i] = o.Name + " " + o.Supplier
	}
	p.matches = p.matches[:0]
	for _, m := range fuzzyOrAll(strings.TrimSpace(p.in.Value()), labels) {
		p.matches = append(p.matches, m.Index)
	}
	p.cursor = 0
	// Start on the first offer that can be sold.
	for i, idx := range p.matches {
		if !p.offers[idx].Empty() {
			p.cursor = i
			break
		}
	}
}

// Selected returns the offer under the cursor.
func (p *offerPicker) Selected() (model.Offer, bool) {
	if p.cursor < 0 || p.cursor >= len(p.matches) {
		return model.Offer{}, false
	}
	return p.offers[p.matches[p.cursor]], true
}

// HandlePaste implements inputDialog.
func (p *offerPicker) HandlePaste(s string, c *common) {
	p.in.Insert(s)
	p.refilter()
}

// CursorAt implements inputDialog: on the filter line.
func (p *offerPicker) CursorAt() (int, int) {
	x := p.in.cursorX()
	return 2 + len("filter ") + x, 2
}

// HandleKey implements Dialog.
func (p *offerPicker) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	k := c.keys.Input
	switch {
	case key.Matches(msg, k.Cancel):
		return cancelAction{}
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
		p.msg = ""
	case key.Matches(msg, k.Down):
		p.cursor = min(max(0, len(p.matches)-1), p.cursor+1)
		p.msg = ""
	case key.Matches(msg, k.Submit):
		o, ok := p.Selected()
		if !ok {
			return nil
		}
		if o.Empty() {
			p.msg = "✖ " + o.Name + " is EMPTY: out of stock, it cannot be sold"
			return nil
		}
		return pickOfferAction{Offer: o}
	default:
		if p.in.HandleKey(msg) {
			p.msg = ""
			p.refilter()
		}
	}
	return nil
}

// View implements Dialog.
func (p *offerPicker) View(c *common, w, h int) string {
	st := c.st
	inner := max(20, min(90, w)-4)
	txt, _ := p.in.View(inner - 8)
	out := []string{st.Title.Render(present.Clip(p.title, inner)), "", st.Muted.Render("filter ") + txt, ""}
	priceW, stockW := 12, 11
	nameW := max(10, inner-2-priceW-1-stockW-1)
	out = append(out, st.ColumnHeader.Render("  "+present.Fit("OFFER", nameW)+" "+present.FitRight("PRICE", priceW)+" "+present.FitRight("STOCK", stockW)))
	rows := max(1, h-9)
	from := max(0, p.cursor-rows+1)
	for i := from; i < len(p.matches) && i < from+rows; i++ {
		o := p.offers[p.matches[i]]
		stock := itoa(o.Stock)
		marker, state := stockState(o)
		if state != "" {
			stock = state + " " + stock
		}
		sel := i == p.cursor
		if sel {
			marker = "▸"
		}
		row := present.Fit(marker, 2) + present.Fit(o.Name, nameW) + " " + present.FitRight(present.FormatPrice(o.Price), priceW) + " " + present.FitRight(stock, stockW)
		switch {
		case sel:
			row = st.Selected.Render(row)
		case o.Empty():
			row = st.Subtle.Render(row)
		case o.Low:
			row = st.Warn.Render(row)
		}
		out = append(out, row)
	}
	if len(p.matches) == 0 {
		out = append(out, st.Muted.Render("  no offer matches the filter"))
	}
	out = append(out, "")
	if p.msg != "" {
		out = append(out, st.Danger.Render(p.msg))
	} else {
		out = append(out, st.Muted.Render("enter choose · type to filter · esc cancel · EMPTY offers cannot be chosen"))
	}
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(limitLines(out, h-2), "\n"))
}
