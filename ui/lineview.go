package ui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/model"
	"simdesk/present"
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

	// idx maps table rows to bucket indexes: the buckets shown, in the
	// order shown. Zero buckets of a category the offer lacks are folded
	// unless showZero; a filter keeps the buckets whose text contains it;
	// sort orders by a column (0 keeps the provider's order).
	idx      []int
	folded   int
	showZero bool
	filter   string
	sort     int
	wide     int  // the first column shown in wide mode (horizontal scroll); -1 is off
	copying  bool // rendered for a copy: no on-screen hints
	// receiving: the line is still being read (a partial answer): the
	// header says so instead of the line's facts, which come last.
	receiving bool
	// account: the header shows the line's billing account (the operator
	// gave one, or the provider needs it); an account a provider merely
	// reports (a TMF654 partyAccount) is the detail's, not the header's.
	account bool
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
	bc      bucketCols
	rows    map[int]cachedRow
}

type cachedRow struct {
	sel               bool
	days, delta, name string
	text              string
}

func newLineView(line *model.Line, provider string, elapsed time.Duration) *lineView {
	v := &lineView{line: line, provider: provider, elapsed: elapsed, wide: -1}
	v.rebuild()
	return v
}

// bucketText is what a filter matches a bucket against.
func bucketText(b *model.Bucket) string {
	return strings.ToLower(b.Name + " " + b.ID + " " + string(b.Usage) + " " + present.FormatQuantity(b.Remaining) + " " + b.Description)
}

// rebuild recomputes which buckets are shown and in what order, keeping
// the cursor on the same bucket when it is still shown.
func (v *lineView) rebuild() {
	cur := -1
	if v.list.cursor < len(v.idx) {
		cur = v.idx[v.list.cursor]
	}
	v.idx, v.folded = v.idx[:0], 0
	f := strings.ToLower(strings.TrimSpace(v.filter))
	for i := range v.line.Buckets {
		b := &v.line.Buckets[i]
		if !v.showZero && present.EmptyCategory(b) {
			v.folded++
			continue
		}
		if f != "" && !strings.Contains(bucketText(b), f) {
			continue
		}
		v.idx = append(v.idx, i)
	}
	if v.sort != 0 {
		sortBuckets(v.line.Buckets, v.idx, v.sort)
	}
	v.list.SetLen(len(v.idx))
	for r, i := range v.idx {
		if i == cur {
			v.list.Select(r)
		}
	}
	v.rows = rowCache{}
}

// carry takes over what the operator set on the partial view of the same
// line (filter, sort, folding, wide mode, the selected bucket and its open
// detail) when the complete answer replaces it.
func (v *lineView) carry(old *lineView) {
	v.filter, v.sort, v.showZero, v.wide = old.filter, old.sort, old.showZero, old.wide
	cur := -1
	if old.list.cursor < len(old.idx) {
		cur = old.idx[old.list.cursor]
	}
	v.rebuild()
	v.list.height, v.list.offset = old.list.height, old.list.offset
	for r, i := range v.idx {
		if i == cur {
			v.list.Select(r)
		}
	}
	if old.detail != nil && cur >= 0 {
		v.detail = newBucketDetail(v.line, &v.line.Buckets[cur], v.provider)
	}
}

// bucketAt is the bucket on table row r.
func (v *lineView) bucketAt(r int) *model.Bucket { return &v.line.Buckets[v.idx[r]] }

// sortColumns name the bucket table's sortable columns, in screen order.
var sortColumns = []string{"", "BUCKET", "USAGE", "REMAINING", "VALID TO", "DAYS"}

// sortBuckets orders idx by a column: names and usages A→Z, remaining
// largest first (unlimited on top), validity and days soonest first.
func sortBuckets(bs []model.Bucket, idx []int, col int) {
	rem := func(b *model.Bucket) float64 {
		switch {
		case b.Remaining.NoLimit():
			return math.Inf(1)
		case !b.Remaining.Known():
			return math.Inf(-1)
		}
		return b.Remaining.Value()
	}
	valid := func(b *model.Bucket) int64 {
		if b.ValidTo.IsZero() {
			return math.MaxInt64
		}
		return b.ValidTo.Unix()
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		a, b := &bs[x], &bs[y]
		switch col {
		case 1:
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case 2:
			return strings.Compare(string(a.Usage), string(b.Usage))
		case 3:
			return cmp.Compare(rem(b), rem(a))
		case 4, 5:
			return cmp.Compare(valid(a), valid(b))
		}
		return 0
	})
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
	k := c.keys.Line
	switch {
	case key.Matches(msg, c.keys.Nav.Open) && v.list.n > 0:
		v.detail = newBucketDetail(v.line, v.bucketAt(v.list.cursor), v.provider)
		v.detail.setSize(v.w, v.h)
	case key.Matches(msg, k.Zero) && (v.folded > 0 || v.showZero):
		v.showZero = !v.showZero
		v.rebuild()
		v.setSize(c, v.w, v.h)
	case key.Matches(msg, k.SortNext):
		v.sort = (v.sort + 1) % len(sortColumns)
		v.rebuild()
		v.setSize(c, v.w, v.h)
	case key.Matches(msg, k.SortPrev):
		v.sort = (v.sort + len(sortColumns) - 1) % len(sortColumns)
		v.rebuild()
		v.setSize(c, v.w, v.h)
	case key.Matches(msg, k.Wide):
		if v.wide < 0 {
			v.wide = 0
		} else {
			v.wide = -1
		}
		v.setSize(c, v.w, v.h)
	case v.wide >= 0 && key.Matches(msg, k.ScrollLeft):
		v.wide = max(0, v.wide-8)
	case v.wide >= 0 && key.Matches(msg, k.ScrollRight):
		v.wide += 8
	case key.Matches(msg, c.keys.Nav.Back) && v.filter != "":
		v.setFilter(c, "")
	default:
		return false
	}
	return true
}

// setFilter filters the bucket table as the operator types.
func (v *lineView) setFilter(c *common, f string) {
	v.filter = f
	v.rebuild()
	v.setSize(c, v.w, v.h)
}

// identLabel is the line's identifier as shown (masked when configured),
// with its billing account.
func identLabel(c *common, l *model.Line) string { return identLabelAs(c, l, true) }

// identLabelAs is identLabel with the account only when withAccount.
func identLabelAs(c *common, l *model.Line, withAccount bool) string {
	s := l.Type.Label() + " " + present.MaskID(c.mask, l.Type, l.ID)
	if withAccount && l.Account != "" {
		s += "@" + l.Account
	}
	return s
}

func (v *lineView) headerLines(c *common, w int) []string {
	l, st := v.line, c.st
	if v.receiving {
		out := []string{present.Clip(st.Title.Render(identLabelAs(c, l, v.account))+" · "+v.provider, w),
			st.Accent.Render(present.Clip(c.spin+" receiving: "+itoa(len(l.Buckets))+" buckets so far · esc cancels", w))}
		if info := v.tableInfo(); info != "" {
			out = append(out, st.Muted.Render(present.Clip(info, w)))
		}
		return out
	}
	parts := []string{st.Title.Render(identLabelAs(c, l, v.account))}
	for _, p := range []string{l.Payment, l.Status} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	// As the width shrinks the freshness gives way (its date, then the
	// answer time) before anything that identifies the line or its source.
	full := append(append([]string(nil), parts...), v.provider)
	if !l.AsOf.IsZero() {
		full = append(full, "as of "+present.FormatTime(l.AsOf.Time)+" ("+present.FormatAge(l.AsOf.Time, c.now)+")")
	}
	full = append(full, present.FormatMillis(v.elapsed))
	first := strings.Join(full, " · ")
	if present.Width(first) > w && !l.AsOf.IsZero() {
		full[len(full)-2] = "as of " + present.FormatAge(l.AsOf.Time, c.now)
		first = strings.Join(full, " · ")
	}
	if present.Width(first) > w {
		first = strings.Join(full[:len(full)-1], " · ")
	}
	out := []string{present.Clip(first, w)}

	extra := lineFacts(c, l)
	// Identifiers (MSISDN, SIM, transaction) are never cut: the facts
	// wrap between items onto a second line rather than lose an id's end.
	cur := ""
	for _, e := range extra {
		switch {
		case cur == "":
			cur = e
		case present.Width(cur)+3+present.Width(e) <= w:
			cur += " · " + e
		default:
			out = append(out, st.Muted.Render(present.Clip(cur, w)))
			cur = e
		}
	}
	if cur != "" {
		out = append(out, st.Muted.Render(present.Clip(cur, w)))
	}
	if cy := cycleLine(c, l.BillingCycle, w); cy != "" {
		out = append(out, cy)
	}
	if info := v.tableInfo(); info != "" {
		out = append(out, st.Muted.Render(present.Clip(info, w)))
	}
	return out
}

// lineFacts are what the header says of the line besides its identifier:
// supplier, offer, its other identifiers, and what its description adds.
func lineFacts(c *common, l *model.Line) []string {
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
		// Orange's description repeats the transaction and the offer:
		// keep only what it adds.
		for _, d := range strings.Split(l.Description, " · ") {
			if d = strings.TrimSpace(d); d != "" && !slices.Contains(extra, d) && !slices.Contains(extra, "transaction "+d) {
				extra = append(extra, d)
			}
		}
	}
	return extra
}

// tableInfo says what the table leaves out or reorders: folded zero
// buckets, the filter with its match count, the sort, wide mode.
func (v *lineView) tableInfo() string {
	var parts []string
	switch {
	case v.folded > 0 && !v.showZero:
		parts = append(parts, itoa(v.folded)+" empty bucket(s) of categories this offer lacks folded · z shows")
	case v.showZero:
		parts = append(parts, "empty buckets shown · z folds")
	}
	if v.filter != "" {
		parts = append(parts, "filter \""+v.filter+"\": "+itoa(len(v.idx))+" of "+itoa(len(v.line.Buckets))+" match · esc clears")
	}
	if v.sort != 0 {
		parts = append(parts, "sorted by "+sortColumns[v.sort]+" "+sortDirs[v.sort]+" "+sortWords[v.sort]+" · < > change")
	}
	if v.wide >= 0 && !v.copying {
		parts = append(parts, "wide: every column whole · ←/→ scroll · w leaves")
	}
	if len(parts) > 1 && v.folded > 0 && !v.showZero {
		// Beside a filter or a sort the fold says it short, so the line
		// still fits 80 columns whole.
		parts[0] = itoa(v.folded) + " empty folded · z shows"
	}
	return strings.Join(parts, " · ")
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

// layoutBucketCols lays the bucket table out in w cells. The numbers
// (remaining, change) get the width of their widest value on screen and are
// never cut; the name takes what is left, up to nameW; the usage bar and
// then the usage word give way first. wide lays every column out whole,
// whatever w is (the view scrolls horizontally).
func layoutBucketCols(w int, withChange bool, nameW, remainW, changeW int, wide, withUsed bool) bucketCols {
	bc := bucketCols{usage: 6, remain: max(9, remainW), valid: 16, days: 5, used: 16}
	if !withUsed {
		bc.used = 0 // no bucket on screen reports its usage: no empty column
	}
	if w < 100 && !wide {
		bc.short, bc.valid, bc.used = true, 10, min(bc.used, 11)
	}
	if withChange {
		bc.change = max(6, changeW)
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
	if wide {
		bc.name = max(8, nameW)
		return bc
	}
	if w-fixed() < 14 && bc.used > 0 {
		bc.used = 0
	}
	if w-fixed() < 14 {
		bc.usage = 0
	}
	bc.name = min(max(nameW, 8), max(8, w-fixed())) // wide screens: no vast gap before the numbers
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
	from, to := v.list.Visible()
	bc := v.layout(c, w, from, to)
	hdr := bc.row("", v.sortMark(1, "BUCKET"), v.sortMark(2, "USAGE"), v.sortMark(3, "REMAINING"), v.sortMark(4, "VALID TO"), v.sortMark(5, "DAYS"), "USED", "CHANGE")
	out = append(out, c.st.ColumnHeader.Render(v.scroll(hdr, w)))
	if v.list.n == 0 {
		switch {
		case len(v.line.Buckets) == 0:
			out = append(out, c.st.Muted.Render("  this line has no buckets"))
		case v.filter != "":
			out = append(out, c.st.Muted.Render("  no bucket matches \""+v.filter+"\" · esc clears"))
		default:
			out = append(out, c.st.Muted.Render("  every bucket is empty · z shows them"))
		}
	}
	rc := &v.rows
	if rc.rows == nil || rc.w != w || rc.st != c.st || rc.changes != (len(v.deltas) > 0) || rc.bc != bc {
		*rc = rowCache{w: w, st: c.st, changes: len(v.deltas) > 0, bc: bc, rows: make(map[int]cachedRow, 2*(to-from))}
	}
	names := v.visibleNames(from, to)
	for i := from; i < to; i++ {
		out = append(out, v.scroll(v.row(c, bc, i, names, from), w))
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

// sortMark marks the column the table is sorted by.
// The arrow shows the direction (↑ A→Z or soonest first, ↓ largest
// first); on the right-aligned columns it stands before the title, so the
// title keeps its right edge. layout reserves its cell whether or not the
// table is sorted, so sorting never moves a column.
func (v *lineView) sortMark(col int, title string) string {
	if v.sort != col {
		return title
	}
	if col == 3 || col == 5 {
		return sortDirs[col] + title
	}
	return title + sortDirs[col]
}

// sortDirs is each sortable column's direction (sortBuckets).
var sortDirs = []string{"", "↑", "↑", "↓", "↑", "↑"}

// sortWords say the direction in the table's info line.
var sortWords = []string{"", "A→Z", "A→Z", "largest first", "soonest first", "fewest first"}

// scroll is a row as wide mode shows it: from the scroll offset, w cells.
func (v *lineView) scroll(row string, w int) string {
	if v.wide < 0 {
		return row
	}
	return ansi.Cut(row, v.wide, v.wide+w)
}

// bucketName is the name a bucket goes by in the table.
func bucketName(b *model.Bucket) string {
	if b.Name == "" {
		return b.ID
	}
	return b.Name
}

func (v *lineView) visibleNames(from, to int) []string {
	names := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		names = append(names, bucketName(v.bucketAt(i)))
	}
	return names
}

// layout sizes the columns for the rows on screen.
func (v *lineView) layout(c *common, w, from, to int) bucketCols {
	nameW, remW, chW := present.Width("BUCKET")+1, present.Width("REMAINING")+1, 6 // +1: the sort arrow's cell
	withUsed := false
	for i := from; i < to; i++ {
		b := v.bucketAt(i)
		if _, ok := b.UsedFraction(); ok {
			withUsed = true
		}
		nameW = max(nameW, present.Width(bucketName(b)))
		remW = max(remW, present.Width(present.FormatQuantity(b.Remaining)))
		chW = max(chW, present.Width(v.deltas[v.idx[i]]))
	}
	if v.wide < 0 {
		nameW = min(nameW, 44)
	}
	return layoutBucketCols(w, len(v.deltas) > 0, nameW, remW, chW, v.wide >= 0, withUsed)
}

// row renders table row i, or reuses it from the cache. A name that must
// be cut keeps what tells it from the other names on screen.
func (v *lineView) row(c *common, bc bucketCols, i int, names []string, from int) string {
	b := v.bucketAt(i)
	sel := i == v.list.cursor
	days, delta := present.FormatDaysLeft(b, c.now), v.deltas[v.idx[i]]
	name := names[i-from]
	if present.Width(name) > bc.name {
		name = present.DistinctOne(names, i-from, bc.name)
	}
	if e, ok := v.rows.rows[i]; ok && e.sel == sel && e.days == days && e.delta == delta && e.name == name {
		return e.text
	}
	marker := ""
	if sel {
		marker = "▸"
	}
	r := bc.row(marker, name, string(b.Usage), present.FormatQuantity(b.Remaining), present.FormatValidTo(b.ValidTo, bc.short),
		days, usedCell(rowStyles(c, sel), b, bc.used), delta)
	if sel {
		r = c.st.Selected.Render(r)
	}
	v.rows.rows[i] = cachedRow{sel: sel, days: days, delta: delta, name: name, text: r}
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
