package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
	"simdesk/providers"
)

// lookupTimeout bounds one lookup even if a provider's own timeout fails.
const lookupTimeout = 2 * time.Minute

// lookupMsg is one provider's answer, tagged with the pane and the request
// it answers: a pane accepts only the answer to the request it waits for,
// so a late answer to an older search can never overwrite a newer one.
type lookupMsg struct {
	pane string
	req  int
	res  engine.Result
	// streamed marks the lines whose buckets came through the stream,
	// sanitised there (streamSink.Bucket): sanitizeMsg does not scan them
	// again.
	streamed []bool
}

// lookupCmd asks one provider; ctx is cancelled by esc or a newer search.
// Its progress (Orange reads its transaction list page by page) arrives as
// progressMsgs, and a huge line's first rows as partialMsgs (reportCmd).
func lookupCmd(ctx context.Context, eng *engine.Engine, pane string, req int, id model.Identifier) tea.Cmd {
	ch := make(chan providers.Progress, 1)
	pctx := providers.WithProgress(ctx, func(p providers.Progress) { offerNewest(ch, p) })
	sink := newStreamSink(id)
	look := func() tea.Msg {
		defer close(ch)
		defer close(sink.ch)
		res := eng.LookupOneStream(pctx, pane, id, sink)
		streamed := sink.fill(&res)
		return lookupMsg{pane: pane, req: req, res: res, streamed: streamed}
	}
	return tea.Batch(look, reportCmd(pane, req, ch), reportCmd(pane, req, sink.ch))
}

// reportMsg is the newest report of a lookup in flight: its progress
// (progressMsg) or the first line as far as it has been read (partialMsg).
// ch brings the next one and closes with the answer.
type reportMsg[T any] struct {
	pane string
	req  int
	v    T
	ch   <-chan T
}

type (
	// progressMsg is how far a lookup in flight has got (Orange reads its
	// transaction list page by page).
	progressMsg = reportMsg[providers.Progress]
	// partialMsg is the first line of a large answer as far as it has
	// been read: its buckets so far, under the searched identifier.
	partialMsg = reportMsg[model.Line]
)

// reportCmd waits for the next report of a lookup; it ends (nil) when the
// lookup has answered.
func reportCmd[T any](pane string, req int, ch <-chan T) tea.Cmd {
	return func() tea.Msg {
		v, ok := <-ch
		if !ok {
			return nil
		}
		return reportMsg[T]{pane: pane, req: req, v: v, ch: ch}
	}
}

// offerNewest hands v to a one-slot channel without blocking the lookup:
// the newest report wins over an unread older one.
func offerNewest[T any](ch chan T, v T) {
	select {
	case <-ch:
	default:
	}
	select {
	case ch <- v:
	default:
	}
}

// Streaming a large answer (issue 10): a provider that reads a huge line
// bucket by bucket (tmf677) hands each one to the lookup's sink, and the
// console draws the first rows of the table while the rest is still on the
// wire; the complete answer then replaces them, keeping the cursor, filter
// and sort the operator set meanwhile.
const (
	// partialFirst is how many buckets make the first partial table: a
	// screenful, so the first frame of a huge line is a full one.
	partialFirst = 60
	// partialEvery spaces the later partial tables: each one re-indexes
	// the rows, so they go out a few times a second, not per bucket.
	partialEvery = 150 * time.Millisecond
)

// streamSink collects a streamed answer on the lookup's goroutine. The
// engine has redacted each bucket before it arrives; the sink sanitises it
// for the terminal here (sanitizeMsg leaves partialMsg alone for that
// reason) and appends it, so the buckets handed out in a partial line
// are never written again: later buckets go past the prefix the console
// holds, or into a new array.
type streamSink struct {
	query  model.Identifier
	byLine [][]model.Bucket
	expect []int // by line: the buckets the provider expects (Expect), 0 unknown
	lines  int   // lines completed (Line called)
	ch     chan model.Line
	sent   int
	next   time.Time
}

func newStreamSink(id model.Identifier) *streamSink {
	return &streamSink{query: id, ch: make(chan model.Line, 1)}
}

func (s *streamSink) Bucket(line int, b *model.Bucket) {
	for len(s.byLine) <= line {
		s.byLine = append(s.byLine, nil)
	}
	bs := s.byLine[line]
	if len(bs) == cap(bs) {
		bs = growBuckets(bs, s.expected(line))
	}
	bs = append(bs, *b)
	bs[len(bs)-1].MapText(model.Sanitize)
	s.byLine[line] = bs
	// Only the first line is shown while it is read: a second one means
	// the first is complete, and the answer comes soon after.
	if line != 0 || s.lines > 0 {
		return
	}
	n := len(s.byLine[0])
	if n < partialFirst || (s.sent > 0 && n%64 != 0) {
		return
	}
	if now := time.Now(); s.sent == 0 || now.After(s.next) {
		s.sent, s.next = n, now.Add(partialEvery)
		bs := s.byLine[0]
		offerNewest(s.ch, model.Line{Type: s.query.Type, ID: s.query.Value, Account: s.query.Account, Buckets: bs[:n:n]})
	}
}

// growBuckets grows a full bucket array ahead of append, which grows a
// large slice by about a quarter at a time: for S-10000 (10,000 buckets of
// 328 bytes) that was 20 fresh zeroed arrays, 15 MB allocated and 11.6 MB
// moved per answer, most of it page faults in a fresh console (the largest
// cost of its Enter beyond the decoder). It doubles from 64, or, when the
// provider expects more buckets (Expect, from the answer's Content-Length),
// grows straight to that many, but never past 16 times the buckets already
// received: a lying size costs at most that, and S-10000 takes three arrays
// (64, 1,024, ~10,600: 3.9 MB allocated, 0.35 MB moved) where doubling took
// nine (10.7 MB, 5.4 MB moved). The old array is left as it was: a partial
// line may still hold a prefix of it.
func growBuckets(bs []model.Bucket, expect int) []model.Bucket {
	c := max(64, 2*cap(bs))
	if expect > c {
		c = max(c, min(expect, 16*len(bs)))
	}
	n := make([]model.Bucket, len(bs), c)
	copy(n, bs)
	return n
}

// Expect takes the provider's estimate of a line's buckets
// (providers.Expecter), bounded by providers.MaxExpected.
func (s *streamSink) Expect(line, buckets int) {
	if line < 0 || line >= maxExpectLines {
		return
	}
	for len(s.expect) <= line {
		s.expect = append(s.expect, 0)
	}
	s.expect[line] = min(buckets, providers.MaxExpected)
}

// maxExpectLines bounds the lines whose estimate is kept: an estimate
// follows a line's 64th bucket, and a huge line is the first of its answer.
const maxExpectLines = 64

func (s *streamSink) expected(line int) int {
	if line < len(s.expect) {
		return s.expect[line]
	}
	return 0
}

func (s *streamSink) Line(line int, _ *model.Line) { s.lines = max(s.lines, line+1) }

// fill puts the streamed buckets back into the answer's lines, which come
// without them (the sink had them), and marks those lines: their buckets
// are sanitised already. A provider that did not stream leaves the sink
// empty and the answer as it was (nothing marked).
func (s *streamSink) fill(res *engine.Result) (streamed []bool) {
	if res.Err != nil {
		return nil
	}
	for i := range res.Lines {
		if i < len(s.byLine) && len(res.Lines[i].Buckets) == 0 && len(s.byLine[i]) > 0 {
			res.Lines[i].Buckets = s.byLine[i]
			if streamed == nil {
				streamed = make([]bool, len(res.Lines))
			}
			streamed[i] = true
		}
	}
	return streamed
}

// onPartial shows a partial line on the pane still waiting for that
// lookup (not on a refresh, which keeps the old line until the answer)
// and listens for the next.
func (m *Model) onPartial(msg partialMsg) tea.Cmd {
	if p := m.paneNamed(msg.pane); p != nil && p.status == paneLoading && p.want == msg.req && p.reopen == nil {
		p.showPartial(msg.v, &m.c)
	}
	return reportCmd(msg.pane, msg.req, msg.ch)
}

// onProgress shows a report on the pane still waiting for that lookup and
// listens for the next.
func (m *Model) onProgress(msg progressMsg) tea.Cmd {
	if p := m.paneNamed(msg.pane); p != nil && p.status == paneLoading && p.want == msg.req {
		p.progress = msg.v
	}
	return reportCmd(msg.pane, msg.req, msg.ch)
}

// historySavedMsg reports the outcome of writing the search history.
type historySavedMsg struct{ err error }

func saveHistoryCmd(w *historyWriter, seq int, entries []string) tea.Cmd {
	return func() tea.Msg { return historySavedMsg{err: w.write(seq, entries)} }
}

func (m *Model) openSearch() {
	m.dialogs.push(newSearchBox(m.hist.newestFirst()))
	if v := m.openLine(); v != nil {
		m.filterBefore = v.filter
	}
}

// openLine is the line view on screen, or nil.
func (m *Model) openLine() *lineView {
	if p := m.activePane(); m.onPanes() && p != nil && p.view != nil && p.view.detail == nil {
		return p.view
	}
	return nil
}

// previewFilter runs after each key in the search box. In an open line,
// text without a type prefix that matches some of its buckets filters them
// as it is typed, and enter keeps that filter: any single word is a valid
// subscription id, so "searches when it parses" would never filter a word.
// A prefix (sub:data) or SearchInstead searches; a MSISDN, SIM id or
// transaction id typed bare searches too, as does text matching no bucket.
// The box says which enter will do.
func (m *Model) previewFilter() {
	sb, ok := m.dialogs.top().(*searchBox)
	v := m.openLine()
	if !ok || v == nil {
		return
	}
	text := strings.TrimSpace(sb.Value())
	id, err := model.ParseIdentifier(text, "", "")
	sb.searchNote = ""
	restore := func() {
		sb.filterNote = ""
		if v.filter != m.filterBefore {
			v.setFilter(&m.c, m.filterBefore)
		}
	}
	if text == "" || typedPrefix(text) || err == nil && id.Type != model.Subscription {
		restore()
		return
	}
	v.setFilter(&m.c, text)
	if len(v.idx) == 0 {
		restore()
		return
	}
	sb.filterNote = "enter keeps this filter · " + itoa(len(v.idx)) + " of " + itoa(len(v.line.Buckets)) + " buckets match"
	if err == nil {
		sb.searchNote = m.c.keys.Input.SearchInstead.Help().Key + " searches " + id.Type.Label() + " " + id.String() + " instead"
	}
}

// typedPrefix reports whether text starts with a type prefix (msisdn:,
// sim:, sub:, trx:): the operator asked for a search.
func typedPrefix(text string) bool {
	t, _, ok := strings.Cut(strings.ToLower(text), ":")
	return ok && (t == "msisdn" || t == "sim" || t == "sub" || t == "trx")
}

// endFilterPreview closes the search box: keep the filter it typed, or
// put back the one before.
func (m *Model) endFilterPreview(keep bool) {
	if v := m.openLine(); v != nil && !keep && v.filter != m.filterBefore {
		v.setFilter(&m.c, m.filterBefore)
	}
}

// inputMessage is the one-line reason an input was refused.
func inputMessage(err error) string {
	var ie *model.InputError
	if errors.As(err, &ie) {
		return ie.Msg
	}
	return err.Error()
}

// search validates raw and, when valid, asks every provider that accepts
// its type, in parallel: one tea.Cmd per provider. Invalid input only
// shows a one-line message.
func (m *Model) search(raw string) tea.Cmd {
	id, err := model.ParseIdentifier(raw, "", "")
	if err != nil {
		m.setStatus("✖ "+inputMessage(err), statusError)
		return nil
	}
	accepting := m.eng.Accepting(id.Type)
	if len(accepting) == 0 {
		m.setStatus("✖ no configured provider looks up "+id.Type.Label()+" identifiers", statusError)
		return nil
	}
	if need := m.accountNeeded(id); len(need) > 0 {
		// Ask before sending anything: the configuration says these
		// providers refuse a CWC postpaid line without its account.
		sb := newSearchBox(m.hist.newestFirst())
		sb.in.SetValue(strings.TrimSpace(raw) + "@")
		sb.err = strings.Join(need, ", ") + " needs the billing account of a CWC postpaid line: type it after @ (ID@ACCOUNT); nothing was sent"
		m.dialogs.push(sb)
		m.setStatus("billing account needed: type it after @", statusWarn)
		return nil
	}
	m.cancelSearch()
	m.lastRaw, m.lastQuery, m.hint = raw, id, ""
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	m.searchCancel = cancel
	req := m.nextReq()
	asks := map[string]bool{}
	for _, n := range accepting {
		asks[n] = true
	}
	var cmds []tea.Cmd
	for _, p := range m.panes {
		p.reopen, p.diffing = nil, false
		if !asks[p.name] {
			p.skipFor(id, p.name+" ("+p.kind+") does not look up "+id.Type.Label()+" identifiers")
			continue
		}
		p.start(req, id)
		p.started = m.c.now
		p.cancelFn = cancel
		cmds = append(cmds, lookupCmd(ctx, m.eng, p.name, req, id))
	}
	m.active = m.firstAsked(asks)
	m.toPanes()
	m.autoReq, m.searchReq, m.forwardLate = req, req, false
	m.setStatus("searching "+id.Type.Label()+" "+present.MaskID(m.c.mask, id.Type, id.String())+" in "+itoa(len(cmds))+" pane(s) · esc cancels", statusInfo)
	cmds = append(cmds, m.forwardCmd(req))
	if m.hist.add(raw) && m.histW != nil {
		m.histSeq++
		cmds = append(cmds, saveHistoryCmd(m.histW, m.histSeq, append([]string(nil), m.hist.entries...)))
	}
	return tea.Batch(cmds...)
}

// refreshPane asks the pane's provider again for its query, reopening the
// open line (and diffing it after a top-up).
func (m *Model) refreshPane(p *pane, diffing bool) tea.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	req := m.nextReq()
	p.refresh(req, diffing)
	p.started = m.c.now
	p.cancelFn = cancel
	return lookupCmd(ctx, m.eng, p.name, req, p.query)
}

// cancelSearch cancels every lookup in flight; it reports whether there was one.
func (m *Model) cancelSearch() bool {
	any := false
	for _, p := range m.panes {
		if p.status == paneLoading {
			any = true
			if p.cancelFn != nil {
				p.cancelFn()
			}
			p.cancel()
		}
	}
	return any
}

func (m *Model) paneNamed(name string) *pane {
	for _, p := range m.panes {
		if p.name == name {
			return p
		}
	}
	return nil
}

// onLookup takes an answer if its pane still waits for that request.
func (m *Model) onLookup(msg lookupMsg) {
	p := m.paneNamed(msg.pane)
	m.health[msg.pane] = m.eng.Health(msg.pane)
	if p == nil || p.status != paneLoading || p.want != msg.req {
		return // an answer to an older or cancelled request
	}
	diffing := p.diffing
	if p.cancelFn != nil && !m.otherWaiting(p) {
		p.cancelFn()
	}
	p.cancelFn = nil
	p.apply(msg.res, &m.c)
	if diffing {
		m.showDiff(p)
		return
	}
	if msg.req != m.searchReq {
		return
	}
	m.decideForward()
	if !m.waiting(msg.req) {
		m.searchDone(msg.req)
	}
}

// searchDone closes a search once every asked pane has answered: when no
// pane found the line, the pane holding a real error (not a plain "not
// found") comes forward, and a bare number that looks like a Welcome
// Travelers SIM id or an ICCID gets a hint to search it as a SIM.
func (m *Model) searchDone(req int) {
	noneFound := m.autoReq == req
	m.autoReq, m.searchReq = 0, 0
	summary := m.searchSummary()
	found := false
	for _, p := range m.panes {
		if p.status == paneDone && len(p.lines) > 0 {
			found = true
		}
	}
	if !found && noneFound {
		for i, p := range m.panes {
			if p.status == paneFailed && p.err.Kind != model.ErrNotFound {
				m.active = i
				break
			}
		}
	}
	if !found {
		if alt := simHint(m.lastRaw, m.lastQuery); alt != "" {
			m.hint = alt
			m.setStatus("no line for "+m.lastQuery.Type.Label()+" "+present.MaskID(m.c.mask, m.lastQuery.Type, m.lastQuery.Value)+
				" — did you mean "+alt+"? (enter)", statusWarn)
			return
		}
	}
	m.setStatus(summary, statusInfo)
}

// simHint is the SIM search a bare number probably meant: 13 digits (a
// Welcome Travelers SIM id, read as a MSISDN) or 19–20 digits (an ICCID
// that does not start with 89, read as a subscription). "" when the number
// was typed with a prefix or looks like nothing of the kind.
func simHint(raw string, id model.Identifier) string {
	if strings.Contains(raw, ":") || id.Account != "" {
		return ""
	}
	v := id.Value
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return ""
		}
	}
	switch {
	case id.Type == model.MSISDN && len(v) == 13,
		id.Type == model.Subscription && (len(v) == 19 || len(v) == 20):
		return "sim:" + v
	}
	return ""
}

// waiting reports whether some pane still waits for request req.
func (m *Model) waiting(req int) bool {
	for _, p := range m.panes {
		if p.status == paneLoading && p.want == req {
			return true
		}
	}
	return false
}

// searchSummary says where the last search found something.
func (m *Model) searchSummary() string {
	var found, missing, failed []string
	for _, p := range m.panes {
		switch {
		case p.status == paneDone && len(p.lines) > 0:
			found = append(found, p.name)
		case p.status == paneDone || p.status == paneFailed && p.err.Kind == model.ErrNotFound:
			missing = append(missing, p.name)
		case p.status == paneFailed:
			failed = append(failed, p.name)
		}
	}
	var parts []string
	if len(found) > 0 {
		parts = append(parts, "found in "+strings.Join(found, ", "))
	}
	if len(missing) > 0 {
		parts = append(parts, "not found in "+strings.Join(missing, ", "))
	}
	if len(failed) > 0 {
		parts = append(parts, "failed in "+strings.Join(failed, ", "))
	}
	return strings.Join(parts, " · ")
}

// otherWaiting reports whether another pane still waits on the same search.
func (m *Model) otherWaiting(self *pane) bool {
	for _, p := range m.panes {
		if p != self && p.status == paneLoading && p.want == self.want {
			return true
		}
	}
	return false
}

// accountNeeded names the panes a search for id would ask whose provider
// cannot find the line without its billing account.
func (m *Model) accountNeeded(id model.Identifier) []string {
	var need []string
	for _, p := range m.panes {
		if p.needsAccount != nil && p.needsAccount(id) {
			need = append(need, p.name)
		}
	}
	return need
}
