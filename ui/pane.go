package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
	"simdesk/providers"
)

type paneStatus int

const (
	paneEmpty     paneStatus = iota // nothing searched yet
	paneLoading                     // a lookup is in flight
	paneDone                        // the provider answered with lines
	paneFailed                      // the provider answered with an error
	paneSkipped                     // the last search did not ask this provider
	paneCancelled                   // the operator cancelled the lookup
)

// pane is one configured provider's view of the last search: a spinner, its
// own error, a line picker when it found several lines, or the open line.
// Other panes never touch it: every answer names the pane and request it
// belongs to.
type pane struct {
	name, kind         string
	stocker, toppingUp bool
	// topupTarget: the configured top-up target of a line (a TMF654
	// balance) comes forward after the usage panes (forward.go).
	topupTarget bool
	// needsAccount tells, from the provider's configuration, that an
	// identifier cannot be looked up without its billing account.
	needsAccount func(model.Identifier) bool

	status   paneStatus
	want     int                // the request id this pane waits for; answers to others are dropped
	cancelFn context.CancelFunc // cancels the lookup in flight
	query    model.Identifier
	skip     string
	err      *model.Error
	lines    []model.Line
	elapsed  time.Duration
	at       time.Time
	picker   cursorList
	view     *lineView
	// reopen is the line that was open when a refresh started: the answer
	// reopens it. With diffing (a refresh after a top-up) the answer is
	// compared with it to show what changed.
	reopen  *model.Line
	diffing bool
	// partial: the view shows the first line of an answer still being
	// read (streamed), which no action may use until it is complete.
	partial bool
	diff    []string
	w, h    int
	// started is when the lookup in flight began; progress is its last
	// report (Orange's transaction scan), so a long wait is never silent.
	started  time.Time
	progress providers.Progress
	// prev is what the pane showed before the search in flight, so that
	// esc on that search puts the line back instead of a blank pane.
	prev *pane
}

func newPane(r engine.Registered) *pane {
	p := &pane{name: r.Provider.Name(), kind: r.Provider.Kind(), topupTarget: r.TopupTarget}
	caps := r.Capabilities()
	p.stocker, p.toppingUp = caps.Offers, caps.TopupOffer || caps.TopupAmount
	if ar, ok := r.Provider.(providers.AccountRequirer); ok {
		p.needsAccount = ar.NeedsAccount
	}
	return p
}

// refresh starts request req again for the pane's query, reopening the open
// line when the answer arrives (diffing it after a top-up).
func (p *pane) refresh(req int, diffing bool) {
	if l := p.line(); l != nil {
		cp := *l
		p.reopen, p.diffing = &cp, diffing
	}
	p.start(req, p.query)
}

// start puts the pane in the loading state for request req.
func (p *pane) start(req int, id model.Identifier) {
	if p.reopen == nil && p.status == paneDone && len(p.lines) > 0 {
		keep := *p
		keep.prev = nil
		p.prev = &keep
	} else if p.status != paneLoading {
		p.prev = nil
	}
	p.status, p.want, p.query, p.skip, p.err = paneLoading, req, id, "", nil
	p.progress = providers.Progress{}
	p.dropPartial()
	if p.reopen == nil {
		p.lines, p.view, p.diff = nil, nil, nil
	}
}

// skipFor records that the search did not ask this provider, and why.
func (p *pane) skipFor(id model.Identifier, why string) {
	p.partial = false
	p.status, p.want, p.query, p.skip, p.err = paneSkipped, 0, id, why, nil
	p.lines, p.view, p.reopen, p.diff, p.prev = nil, nil, nil, nil, nil
}

// cancel stops waiting for the lookup in flight.
func (p *pane) cancel() {
	if p.status != paneLoading {
		return
	}
	p.dropPartial()
	if p.prev != nil {
		keep := p.prev
		p.status, p.want, p.query, p.skip, p.err = keep.status, 0, keep.query, keep.skip, keep.err
		p.lines, p.view, p.elapsed, p.at, p.picker, p.diff = keep.lines, keep.view, keep.elapsed, keep.at, keep.picker, keep.diff
		p.reopen, p.diffing, p.prev = nil, false, nil
		return
	}
	p.status, p.want, p.reopen = paneCancelled, 0, nil
}

// lineKey identifies a line across refreshes.
func lineKey(l *model.Line) string {
	return string(l.Type) + "|" + l.ID + "|" + l.TransactionID + "|" + l.SimID
}

// showPartial shows the first line of an answer as far as it has been
// read, in the line view the complete answer will take over.
func (p *pane) showPartial(l model.Line, c *common) {
	p.partial = true
	p.lines = []model.Line{l}
	if p.view == nil {
		p.view = newLineView(&p.lines[0], p.name, 0)
		p.view.account = p.showsAccount()
	} else {
		p.view.line = &p.lines[0]
		p.view.rebuild()
	}
	p.view.receiving = true
	p.setSize(c, p.w, p.h)
}

// dropPartial forgets a partial line (a new search, a cancel).
func (p *pane) dropPartial() {
	if p.partial {
		p.lines, p.view, p.partial = nil, nil, false
	}
}

// apply takes the provider's answer to the request the pane waits for.
func (p *pane) apply(res engine.Result, c *common) {
	dropped := p.lines
	if p.partial {
		dropped = nil // a prefix of the answer's own buckets
	}
	if dropped == nil && p.prev != nil {
		dropped = p.prev.lines
	}
	defer releaseIfLarge(c, dropped)
	var partial *lineView
	if p.partial {
		partial, p.partial = p.view, false
	}
	p.want, p.elapsed, p.at, p.prev = 0, res.Elapsed, res.At, nil
	if res.Err != nil {
		p.status, p.err, p.lines, p.view, p.reopen = paneFailed, res.Err, nil, nil, nil
		return
	}
	p.status, p.err, p.lines, p.view = paneDone, nil, res.Lines, nil
	p.picker = cursorList{}
	p.picker.SetLen(len(p.lines))
	if p.reopen != nil {
		want := lineKey(p.reopen)
		for i := range p.lines {
			if lineKey(&p.lines[i]) == want {
				p.picker.Select(i)
				p.open(i)
				if p.diffing {
					p.view.deltas, p.diff = bucketDiff(p.reopen, &p.lines[i])
				}
				break
			}
		}
		p.reopen, p.diffing = nil, false
	}
	if p.view == nil && (len(p.lines) == 1 || (partial != nil && len(p.lines) > 0)) {
		p.open(0)
	}
	if partial != nil && p.view != nil {
		p.view.carry(partial)
	}
	p.setSize(c, p.w, p.h)
}

func (p *pane) open(i int) {
	p.view = newLineView(&p.lines[i], p.name, p.elapsed)
	p.view.account = p.showsAccount()
}

// showsAccount reports whether the pane's lines are labelled with their
// billing account: only when the operator typed one or the provider cannot
// find the line without it, so that the header says what was asked.
func (p *pane) showsAccount() bool {
	if p.query.Account != "" {
		return true
	}
	return p.needsAccount != nil && p.needsAccount(model.Identifier{Type: p.query.Type, Value: p.query.Value})
}

// line returns the open line, or nil (also while the line on screen is
// still being read: nothing may top up or copy half a line).
func (p *pane) line() *model.Line {
	if p.view == nil || p.partial {
		return nil
	}
	return p.view.line
}

func (p *pane) setSize(c *common, w, h int) {
	p.w, p.h = w, h
	p.picker.SetHeight(h - 3)
	if p.view != nil {
		p.view.setSize(c, w, h)
	}
}

// HandleKey handles keys inside the pane; false leaves them to the root.
func (p *pane) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	if p.view != nil {
		if p.view.HandleKey(msg, c) {
			return true
		}
		if key.Matches(msg, c.keys.Nav.Back) && len(p.lines) > 1 {
			p.view, p.diff = nil, nil
			return true
		}
		return false
	}
	if p.status != paneDone || len(p.lines) < 2 {
		return false
	}
	if p.picker.HandleKey(msg, c.keys.Nav) {
		return true
	}
	if key.Matches(msg, c.keys.Nav.Open) {
		p.open(p.picker.cursor)
		p.setSize(c, p.w, p.h)
		return true
	}
	return false
}

// errorLine is the one-line explanation of a provider error: what it means,
// the provider's own message, the HTTP status and the correlation id.
func errorLine(e *model.Error) string {
	parts := []string{e.Kind.Describe()}
	if e.Message != "" && e.Message != e.Kind.Describe() {
		parts[0] += ": " + e.Message
	}
	if e.Status != 0 {
		parts = append(parts, "HTTP "+itoa(e.Status))
	}
	if e.CorrelationID != "" {
		parts = append(parts, "correlation id "+e.CorrelationID)
	}
	return strings.Join(parts, " · ")
}

// tabMarker is the pane's state in the tab bar, as text.
func (p *pane) tabMarker(c *common) string {
	switch p.status {
	case paneLoading:
		return c.spin
	case paneDone:
		if len(p.lines) > 1 {
			return "✓" + itoa(len(p.lines))
		}
		return "✓"
	case paneFailed:
		if p.err.Kind == model.ErrNotFound {
			return "∅"
		}
		return "!"
	}
	return ""
}

// View renders the pane body in w×h cells.
func (p *pane) View(c *common, w, h int) string {
	st := c.st
	if p.view != nil {
		out := p.view.View(c, w, h)
		return out
	}
	q := ""
	if p.query.Value != "" {
		q = p.query.Type.Label() + " " + present.MaskID(c.mask, p.query.Type, p.query.String())
	}
	switch p.status {
	case paneEmpty:
		return st.Muted.Render(strings.Join(wrap(p.name+" ("+p.kind+"): press / to search a MSISDN, SIM id, subscription id or transaction id.", w), "\n"))
	case paneLoading:
		out := []string{st.Accent.Render(present.Clip(c.spin+" asking "+p.name+" for "+q+" …  (esc cancels)", w))}
		if pr := progressText(p.progress, c.now.Sub(p.started)); pr != "" {
			out = append(out, st.Muted.Render(present.Clip("  "+pr, w)))
		}
		return strings.Join(out, "\n")
	case paneCancelled:
		return st.Muted.Render(present.Clip("search for "+q+" cancelled", w))
	case paneSkipped:
		return st.Muted.Render(present.Clip("not asked: "+p.skip, w))
	case paneFailed:
		mark, sty := "✖ ", st.Danger
		if p.err.Kind == model.ErrNotFound {
			mark, sty = "∅ ", st.Warn
		}
		lines := []string{sty.Render(present.Clip(mark+p.name+": "+q, w))}
		for _, l := range wrap(errorLine(p.err), w-2) {
			lines = append(lines, "  "+l)
		}
		if hint := present.AccountHint(p.err, p.query); hint != "" {
			for _, l := range wrap("→ "+hint, w-2) {
				lines = append(lines, st.Accent.Render("  "+l))
			}
		}
		foot := "  after " + present.FormatMillis(p.elapsed)
		if retryHelps(p.err) {
			foot += " · r retries"
		}
		lines = append(lines, st.Muted.Render(present.Clip(foot, w)))
		if c.hint != "" {
			lines = append(lines, "", st.Warn.Render(present.Clip("did you mean "+c.hint+"? enter searches it", w)))
		}
		return strings.Join(lines, "\n")
	}
	return p.pickerView(c, w, h, q)
}

// pickerView lists several lines found for one search (an Orange MSISDN
// has one line per top-up transaction).
func (p *pane) pickerView(c *common, w, h int, q string) string {
	st := c.st
	if len(p.lines) == 0 {
		return st.Warn.Render(present.Clip("∅ "+p.name+" answered with no line for "+q, w))
	}
	out := []string{
		st.Title.Render(present.Clip(itoa(len(p.lines))+" lines for "+q+" · "+p.name+" · "+present.FormatMillis(p.elapsed)+" · enter opens", w)),
		"",
	}
	// The identifier column only when the lines differ in it (an Orange
	// MSISDN's lines all share the number already in the title).
	idW, trW := 0, 36
	for i := range p.lines {
		if identLabelAs(c, &p.lines[i], p.showsAccount()) != identLabelAs(c, &p.lines[0], p.showsAccount()) {
			idW = 22
		}
	}
	// The transaction identifies each row: it keeps its width while the
	// offer gives way (cut to what differs); only a very narrow screen cuts
	// the transaction, and then to its distinguishing part.
	trW = min(trW, max(13, w-2-idW-1-9-1-7-1-16))
	longest := 11
	for i := range p.lines {
		longest = max(longest, present.Width(p.lines[i].TransactionID))
	}
	trW = min(trW, longest)
	from, to := p.picker.Visible()
	trs := make([]string, 0, to-from)
	whos := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		l := &p.lines[i]
		trs = append(trs, l.TransactionID)
		whos = append(whos, strings.Trim(strings.TrimSpace(l.OfferName+" · "+l.Supplier), " ·"))
	}
	// A supplier every row shares is said once, in the title, and leaves
	// the room to the offers.
	if sup := p.lines[0].Supplier; sup != "" && len(whos) > 0 {
		same := true
		for i := range p.lines {
			same = same && p.lines[i].Supplier == sup
		}
		if same {
			for i := from; i < to; i++ {
				whos[i-from] = p.lines[i].OfferName
			}
			out[0] = st.Title.Render(present.Clip(itoa(len(p.lines))+" lines for "+q+" · "+sup+" · "+p.name+" · "+present.FormatMillis(p.elapsed)+" · enter opens", w))
		}
	}
	col := func(s string, n int) string {
		if n == 0 {
			return ""
		}
		return present.Fit(s, n) + " "
	}
	rest := max(10, w-2-idW-trW-1-9-1-7-1)
	out = append(out, st.ColumnHeader.Render("  "+col("LINE", idW)+present.Fit("TRANSACTION", trW)+" "+present.Fit("OFFER · SUPPLIER", rest)+" "+present.Fit("STATUS", 9)+" "+present.FitRight("BUCKETS", 7)))
	for i := from; i < to; i++ {
		l := &p.lines[i]
		sel := i == p.picker.cursor
		marker := "  "
		if sel {
			marker = "▸ "
		}
		r := marker + col(identLabelAs(c, l, p.showsAccount()), idW) + present.Fit(present.DistinctOne(trs, i-from, trW), trW) + " " + present.Fit(present.DistinctOne(whos, i-from, rest), rest) + " " + present.Fit(l.Status, 9) + " " + present.FitRight(itoa(len(l.Buckets)), 7)
		if sel {
			r = st.Selected.Render(r)
		}
		out = append(out, r)
	}
	if info := p.picker.ScrollInfo(); info != "" {
		out = append(out, st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(out, "\n")
}

// retryHelps reports whether asking again may give another answer: not
// when the provider refused the request itself (400), the credentials
// (401, 403) or the operation (501), or said the line does not exist.
func retryHelps(e *model.Error) bool {
	switch e.Kind {
	case model.ErrBadRequest, model.ErrUnauthorized, model.ErrForbidden, model.ErrNotImplemented, model.ErrNotFound:
		return false
	}
	switch e.Status {
	case 400, 401, 403, 404, 501:
		return false
	}
	return true
}

// releaseIfLarge tells the process's memory policy that the pane dropped a
// large answer: Go returns freed heap lazily, and a 60,000-bucket line would
// otherwise keep the console's RSS up for minutes (issue 10, measured by
// bench/run.sh). The policy (cli's releaser) decides when to give it back,
// off this goroutine, once for the whole process.
func releaseIfLarge(c *common, dropped []model.Line) {
	if c == nil || c.dropped == nil {
		return
	}
	n := 0
	for i := range dropped {
		n += len(dropped[i].Buckets)
	}
	if n >= largeAnswer {
		c.dropped(n)
	}
}

// largeAnswer is the bucket count from which dropping an answer is worth
// giving memory back for.
const largeAnswer = 5000

// slowStep is how long a step runs before the console says how long it has
// been running.
const slowStep = 300 * time.Millisecond

// progressText is a lookup's progress in words: "transactions read 150 of
// 2 000 · page 3 · 4.2 s"; the elapsed time alone past slowStep; "" before.
func progressText(pr providers.Progress, elapsed time.Duration) string {
	var parts []string
	if pr.Step != "" {
		s := pr.Step + " " + itoa(pr.Done)
		if pr.Total > 0 {
			s += " of " + itoa(pr.Total)
		}
		parts = append(parts, s)
		if pr.Pages > 0 {
			parts = append(parts, "page "+itoa(pr.Pages))
		}
	}
	if elapsed >= slowStep {
		parts = append(parts, present.FormatMillis(elapsed.Truncate(100*time.Millisecond)))
	}
	return strings.Join(parts, " · ")
}
