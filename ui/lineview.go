package ui

import (
	"fmt"
	"math"
	"simdesk/present"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

// lineView shows one line: its header (identifier, payment, status, billing
// cycle, freshness) and a virtualised table of its buckets. enter opens the
// selected bucket's detail.
type lineView struct {
	line     *model.Line
	provider string
	elapsed  time.Duration
	list     cursorList
	// deltas maps bucket index → what changed since before the last top-up.
	deltas map[int]string
	detail *bucketDetail
	w, h   int
	rows   rowCache
}

// rowCache memoises rendered bucket rows. A row depends on its bucket (fixed
// for the life of a lineView), the table width, the styles, whether it is
// selected, its days-left text (which moves with the clock) and its change
// text; an entry is reused only while all of these are unchanged. A cursor
// move then renders the two rows it touches and reuses the others, which
// keeps a keystroke's View flat in the number of rows on screen. Only rows
// seen lately are kept. View stays a pure function of the model: the cache
// changes how fast a row is drawn, never what is drawn.
type rowCache struct {
	w       int
	st      *Styles
	changes bool
	rows    map[int]cachedRow
}

type cachedRow struct {
	sel         bool
	days, delta string
	text        string
}

func newLineView(line *model.Line, provider string, elapsed time.Duration) *lineView {
	v := &lineView{line: line, provider: provider, elapsed: elapsed}
	v.list.SetLen(len(line.Buckets))
	return v
}

// setSize is called from Update whenever the body size or the content changes.
func (v *lineView) setSize(c *common, w, h int) {
	v.w, v.h = w, h
	rows := h - len(v.headerLines(c, w)) - 2 // blank line + column header
	if v.list.n > rows {
		rows-- // the scroll indicator
	}
	v.list.SetHeight(rows)
	if v.detail != nil {
		v.detail.setSize(w, h)
	}
}

// HandleKey handles navigation and enter/esc for the detail. It returns false
// for keys it leaves to the pane (esc at the top level, top-up…).
func (v *lineView) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	if v.detail != nil {
		if key.Matches(msg, c.keys.Nav.Back) {
			v.detail = nil
			return true
		}
		return v.detail.HandleKey(msg, c)
	}
	if v.list.HandleKey(msg, c.keys.Nav) {
		return true
	}
	if key.Matches(msg, c.keys.Nav.Open) && v.list.n > 0 {
		v.detail = newBucketDetail(v.line, &v.line.Buckets[v.list.cursor], v.provider)
		v.detail.setSize(v.w, v.h)
		return true
	}
	return false
}

// identLabel is the line's identifier as shown (masked when configured).
func identLabel(c *common, l *model.Line) string {
	s := l.Type.Label() + " " + present.MaskID(c.mask, l.Type, l.ID)
	if l.Account != "" {
		s += "@" + l.Account
	}
	return s
}

func (v *lineView) headerLines(c *common, w int) []string {
	l, st := v.line, c.st
	parts := []string{st.Title.Render(identLabel(c, l))}
	for _, p := range []string{l.Payment, l.Status} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if !l.AsOf.IsZero() {
		parts = append(parts, "as of "+present.FormatTime(l.AsOf.Time)+" ("+present.FormatAge(l.AsOf.Time, c.now)+")")
	}
	parts = append(parts, v.provider, present.FormatMillis(v.elapsed))
	out := []string{present.Clip(strings.Join(parts, " · "), w)}

	var extra []string
	if l.Supplier != "" {
		extra = append(extra, l.Supplier)
	}
	if l.OfferName != "" {
		extra = append(extra, l.OfferName)
	}
	if l.MSISDN != "" && l.Type != model.MSISDN {
		extra = append(extra, "MSISDN "+present.MaskID(c.mask, model.MSISDN, l.MSISDN))
	}
	if l.SimID != "" && l.Type != model.SIM {
		extra = append(extra, "SIM "+present.MaskID(c.mask, model.SIM, l.SimID))
	}
	if l.TransactionID != "" && l.Type != model.Transaction {
		extra = append(extra, "transaction "+l.TransactionID)
	}
	if l.Description != "" {
		extra = append(extra, l.Description)
	}
	if len(extra) > 0 {
		out = append(out, st.Muted.Render(present.Clip(strings.Join(extra, " · "), w)))
	}
	if cy := cycleLine(c, l.BillingCycle, w); cy != "" {
		out = append(out, cy)
	}
	return out
}

// cycleLine renders "Billing cycle A → B  ████░░  day 10 of 30".
func cycleLine(c *common, cy model.Cycle, w int) string {
	if cy.Start.IsZero() || cy.End.IsZero() || !cy.End.After(cy.Start.Time) {
		return ""
	}
	total := int(math.Ceil(cy.End.Sub(cy.Start.Time).Hours() / 24))
	s := "Billing cycle " + cy.Start.UTC().Format("2006-01-02") + " → " + cy.End.UTC().Format("2006-01-02")
	var where string
	var frac float64
	switch {
	case c.now.Before(cy.Start.Time):
		where = "starts in " + present.FormatSpan(cy.Start.Sub(c.now))
	case !c.now.Before(cy.End.Time):
		where, frac = "ended", 1
	default:
		day := int(c.now.Sub(cy.Start.Time).Hours()/24) + 1
		where = fmt.Sprintf("day %d of %d", day, total)
		frac = c.now.Sub(cy.Start.Time).Seconds() / cy.End.Sub(cy.Start.Time).Seconds()
	}
	barW := 20
	if w < 70 {
		barW = 10
	}
	return present.Clip(s+"  "+bar(c.st, frac, barW)+"  "+where, w)
}

// bucketCols is the column layout of the bucket table for one width.
type bucketCols struct {
	name, usage, remain, valid, days, used, change int
	short                                          bool
}

func layoutBucketCols(w int, withChange bool) bucketCols {
	bc := bucketCols{usage: 6, remain: 14, valid: 16, days: 5, used: 16}
	if w < 100 {
		bc.short, bc.valid, bc.used = true, 10, 11
	}
	if withChange {
		bc.change = 12
	}
	fixed := func() int {
		n := 2 + bc.usage + 1 + bc.remain + 2 + bc.valid + 1 + bc.days
		if bc.used > 0 {
			n += 2 + bc.used
		}
		if bc.change > 0 {
			n += 1 + bc.change
		}
		return n + 1
	}
	if w-fixed() < 14 && bc.used > 0 {
		bc.used = 0
	}
	if w-fixed() < 14 {
		bc.usage = 0
	}
	bc.name = min(44, max(8, w-fixed())) // wide screens: no vast gap before the numbers
	return bc
}

func (bc bucketCols) row(marker, name, usage, remain, valid, days, used, change string) string {
	var b strings.Builder
	b.WriteString(present.Fit(marker, 2))
	b.WriteString(present.Fit(name, bc.name))
	b.WriteString(" ")
	if bc.usage > 0 {
		b.WriteString(present.Fit(usage, bc.usage))
		b.WriteString(" ")
	}
	b.WriteString(present.FitRight(remain, bc.remain))
	b.WriteString("  ")
	b.WriteString(present.Fit(valid, bc.valid))
	b.WriteString(" ")
	b.WriteString(present.FitRight(days, bc.days))
	if bc.used > 0 {
		b.WriteString("  ")
		b.WriteString(present.Fit(used, bc.used))
	}
	if bc.change > 0 {
		b.WriteString(" ")
		b.WriteString(present.FitRight(change, bc.change))
	}
	return b.String()
}

// usedCell renders the usage bar and percentage, or "" when unknown.
func usedCell(st *Styles, b *model.Bucket, width int) string {
	f, ok := b.UsedFraction()
	if !ok || width < 6 {
		return ""
	}
	pct := fmt.Sprintf("%d%%", int(math.Round(f*100)))
	barW := width - 5
	return bar(st, f, barW) + " " + pct
}

// View renders the line view in w×h cells.
func (v *lineView) View(c *common, w, h int) string {
	if v.detail != nil {
		return v.detail.View(c, w, h)
	}
	out := v.headerLines(c, w)
	out = append(out, "")
	bc := layoutBucketCols(w, len(v.deltas) > 0)
	out = append(out, c.st.ColumnHeader.Render(bc.row("", "BUCKET", "USAGE", "REMAINING", "VALID TO", "DAYS", "USED", "CHANGE")))
	if v.list.n == 0 {
		out = append(out, c.st.Muted.Render("  this line has no buckets"))
	}
	from, to := v.list.Visible()
	rc := &v.rows
	if rc.rows == nil || rc.w != w || rc.st != c.st || rc.changes != (len(v.deltas) > 0) {
		*rc = rowCache{w: w, st: c.st, changes: len(v.deltas) > 0, rows: make(map[int]cachedRow, 2*(to-from))}
	}
	for i := from; i < to; i++ {
		out = append(out, v.row(c, bc, i))
	}
	if len(rc.rows) > 4*(to-from)+8 {
		for i := range rc.rows {
			if i < from || i >= to {
				delete(rc.rows, i)
			}
		}
	}
	if info := v.list.ScrollInfo(); info != "" {
		out = append(out, c.st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(out, "\n")
}

// row renders bucket i's table row, or reuses it from the cache.
func (v *lineView) row(c *common, bc bucketCols, i int) string {
	b := &v.line.Buckets[i]
	sel := i == v.list.cursor
	days, delta := present.FormatDaysLeft(b, c.now), v.deltas[i]
	if e, ok := v.rows.rows[i]; ok && e.sel == sel && e.days == days && e.delta == delta {
		return e.text
	}
	marker := ""
	if sel {
		marker = "▸"
	}
	name := b.Name
	if name == "" {
		name = b.ID
	}
	r := bc.row(marker, name, string(b.Usage), present.FormatQuantity(b.Remaining), present.FormatValidTo(b.ValidTo, bc.short),
		days, usedCell(rowStyles(c, sel), b, bc.used), delta)
	if sel {
		r = c.st.Selected.Render(r)
	}
	v.rows.rows[i] = cachedRow{sel: sel, days: days, delta: delta, text: r}
	return r
}

// rowStyles is the sheet for a table row's inner cells: a selected row is
// drawn in one style, so its cells must not carry their own colours.
func rowStyles(c *common, selected bool) *Styles {
	if selected {
		return c.plain
	}
	return c.st
}
