package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/present"
	"simdesk/topup"
)

// journalLimit is how many recent attempts the journal view lists.
const journalLimit = 500

// reconcileTimeout bounds one reconciliation pass over every pending attempt.
const reconcileTimeout = 2 * time.Minute

// journalView lists recent top-up attempts, newest first; pending ones
// (outcome unknown) are highlighted and `r` reconciles them.
type journalView struct {
	attempts    []journal.Attempt
	problems    []journal.Problem
	err         error
	loading     bool
	reconciling bool
	loaded      time.Time
	note        string
	list        cursorList
	w, h        int
	// idx maps table rows to attempts (the filter keeps some); open is the
	// attempt whose every field is shown (enter), -1 for none.
	idx    []int
	filter listFilter
	open   int
	mask   bool
}

// attemptsMsg carries the journal's recent attempts.
type attemptsMsg struct {
	attempts []journal.Attempt
	problems []journal.Problem
	err      error
	at       time.Time
}

// reconcileMsg carries what reconciliation appended and what it could not settle.
type reconcileMsg struct {
	appended []journal.Entry
	errs     []engine.ReconcileError
	err      error
}

func attemptsCmd(eng *engine.Engine, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		a, p, err := eng.Attempts(journalLimit)
		return attemptsMsg{attempts: a, problems: p, err: err, at: now()}
	}
}

func reconcileCmd(eng *engine.Engine) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), reconcileTimeout)
		defer cancel()
		app, errs, err := eng.Reconcile(ctx)
		return reconcileMsg{appended: app, errs: errs, err: err}
	}
}

func (m *Model) openJournal() tea.Cmd {
	m.show(journalScreen{})
	return m.loadAttempts()
}

// loadAttempts reads the journal in a command (at start, on :journal and
// after a top-up or a reconciliation).
func (m *Model) loadAttempts() tea.Cmd {
	if m.journal.loading {
		return nil
	}
	m.journal.loading = true
	return attemptsCmd(m.eng, m.opts.Now)
}

func (m *Model) reconcile() tea.Cmd {
	if !m.mayReconcile() {
		return nil
	}
	j := m.journal
	if j.reconciling {
		return nil
	}
	j.reconciling = true
	j.note = "reconciling pending attempts…"
	return reconcileCmd(m.eng)
}

func (m *Model) onAttempts(msg attemptsMsg) {
	j := m.journal
	j.loading = false
	j.attempts, j.problems, j.err, j.loaded = msg.attempts, msg.problems, msg.err, msg.at
	j.open = -1
	j.mask = m.c.mask
	j.rebuild()
	// Attempts whose outcome is unknown (a crash or a timeout, maybe in an
	// earlier session) are announced until they are reconciled.
	if n := j.pending(); n > 0 && n != m.pendingAnnounced {
		m.setStatus("! "+itoa(n)+" top-up attempt(s) with outcome unknown: :journal, then r to reconcile", statusWarn)
	}
	m.pendingAnnounced = j.pending()
}

func (m *Model) onReconcile(msg reconcileMsg) tea.Cmd {
	j := m.journal
	j.reconciling = false
	switch {
	case msg.err != nil:
		j.note = "✖ reconcile stopped: " + msg.err.Error()
		m.setStatus(j.note, statusError)
	case len(msg.appended) == 0 && len(msg.errs) == 0:
		j.note = "nothing pending: every attempt has a known outcome"
		m.setStatus(j.note, statusOK)
	default:
		var parts []string
		for _, e := range msg.appended {
			parts = append(parts, e.JournalID+" "+string(e.Status))
		}
		j.note = "reconciled " + itoa(len(msg.appended))
		if len(parts) > 0 {
			j.note += " (" + strings.Join(parts, ", ") + ")"
		}
		if len(msg.errs) > 0 {
			j.note += " · still pending " + itoa(len(msg.errs)) + ": " + msg.errs[0].Err.Error()
		}
		kind := statusOK
		if len(msg.errs) > 0 {
			kind = statusWarn
		}
		m.setStatus(j.note, kind)
	}
	j.loading = true
	return attemptsCmd(m.eng, m.opts.Now)
}

// rebuild applies the filter to the attempts.
func (j *journalView) rebuild() {
	j.idx = j.idx[:0]
	for i, a := range j.attempts {
		v := attemptView(a, j.mask)
		if j.filter.match(strings.Join([]string{v.JournalID, v.StatusWord(), v.Provider, v.TargetID, v.Offer(), v.OfferID, v.Reference, v.Operator, v.TransactionID, v.Reason}, " ")) {
			j.idx = append(j.idx, i)
		}
	}
	j.list.SetLen(len(j.idx))
	j.setSize(j.w, j.h)
}

// attemptView is a journal attempt as present describes it.
func attemptView(a journal.Attempt, mask bool) present.Attempt {
	in := a.Intent
	v := present.Attempt{
		JournalID: in.JournalID, When: in.TS, Operator: in.Operator, Provider: in.Provider,
		TargetType: model.IDType(in.TargetType).Label(), TargetID: present.MaskID(mask, model.IDType(in.TargetType), in.TargetID),
		OfferID: in.OfferID, OfferName: in.OfferName, Reference: in.Reference, Environment: in.Environment,
		Pending: a.Pending(), Forced: in.Forced,
	}
	if in.Price != nil {
		v.Price = present.FormatPrice(*in.Price)
	}
	if o := a.Outcome; o != nil {
		v.Status, v.TransactionID, v.Reason, v.Reconciled, v.ResolvedBy = string(o.Status), o.TransactionID, o.Reason, o.Reconciled, o.ResolvedBy
	}
	return v
}

func (j *journalView) setSize(w, h int) {
	j.w, j.h = w, h
	rows := h - 4 - min(len(j.problems), 3)
	if j.filter.active() {
		rows--
	}
	if j.list.n > rows {
		rows--
	}
	j.list.SetHeight(rows)
}

// HandleKey opens an attempt (enter) and closes it (esc), filters (`/`)
// and moves in the attempt list.
func (j *journalView) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	if j.open >= 0 {
		if key.Matches(msg, c.keys.Nav.Back, c.keys.Nav.Open) {
			j.open = -1
			return true
		}
		return false
	}
	if used, _ := j.filter.HandleKey(msg, c); used {
		j.rebuild()
		return true
	}
	if key.Matches(msg, c.keys.Nav.Open) && len(j.idx) > 0 {
		j.open = j.idx[j.list.cursor]
		return true
	}
	return j.list.HandleKey(msg, c.keys.Nav)
}

// detailView shows one attempt with every field whole.
func (j *journalView) detailView(c *common, w int) string {
	st := c.st
	a := attemptView(j.attempts[j.open], c.mask)
	out := []string{st.Title.Render("ATTEMPT " + a.JournalID), ""}
	for _, f := range a.Facts() {
		lines := wrap(f.Value, max(10, w-16))
		for i, l := range lines {
			label := ""
			if i == 0 {
				label = f.Label
			}
			out = append(out, st.Muted.Render(present.Fit(label, 14))+"  "+l)
		}
	}
	out = append(out, "", st.Muted.Render("esc back · y copies it whole · Y copies the journal id"))
	return strings.Join(out, "\n")
}

func (j *journalView) pending() int {
	n := 0
	for _, a := range j.attempts {
		if a.Pending() {
			n++
		}
	}
	return n
}

// View renders the journal in w×h cells.
func (j *journalView) View(c *common, w, h int) string {
	st := c.st
	if j.open >= 0 && j.open < len(j.attempts) {
		return j.detailView(c, w)
	}
	head := st.Title.Render("JOURNAL") + "  "
	switch {
	case j.loaded.IsZero() && j.loading:
		return head + st.Muted.Render(c.spin+" reading the journal…")
	case j.err != nil:
		// Wrapped, never cut: a database error's end says what to fix.
		lines := wrap("✖ "+j.err.Error(), w)
		for i := range lines {
			lines[i] = st.Danger.Render(lines[i])
		}
		return head + "\n" + strings.Join(lines, "\n")
	}
	out := append(j.headLines(c, head, w), j.rows(c, w)...)
	if len(j.attempts) == 0 {
		out = append(out, st.Muted.Render("  no top-up attempt yet"))
	} else if len(j.idx) == 0 {
		out = append(out, st.Muted.Render("  no attempt matches the filter · esc clears"))
	}
	if info := j.list.ScrollInfo(); info != "" {
		out = append(out, st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(limitLines(out, h), "\n")
}

// headLines are the lines above the table: what was read, the note of a
// reconciliation, the filter and the first problems of the journal.
func (j *journalView) headLines(c *common, head string, w int) []string {
	st := c.st
	info := itoa(len(j.attempts)) + " recent attempts · " + itoa(j.pending()) + " pending · read " + present.FormatAge(j.loaded, c.now) + " · r reconciles"
	out := []string{head + st.Muted.Render(present.Clip(info, w-9))}
	note := j.note
	if j.reconciling {
		note = c.spin + " " + note
	}
	for _, l := range wrap(note, w) {
		out = append(out, st.Warn.Render(l))
	}
	if j.filter.active() {
		out = append(out, j.filter.view(c, len(j.idx), len(j.attempts), w))
	}
	for i, p := range j.problems {
		if i == 3 {
			break
		}
		out = append(out, st.Danger.Render(present.Clip("✖ journal line "+p.String(), w)))
	}
	return out
}

// rows are the table's header and its visible rows. Columns are sized
// from the rows on screen; the offer (a name, never a UUID when the
// journal has it) takes the rest and, when cut, keeps what tells it from
// the others. enter shows everything whole.
func (j *journalView) rows(c *common, w int) []string {
	st := c.st
	from, to := j.list.Visible()
	tw, when := 19, "2006-01-02 15:04:05"
	if w < 100 {
		tw, when = 11, "01-02 15:04"
	}
	pw, lw := 8, 6
	views := make([]present.Attempt, 0, to-from)
	offers := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		v := attemptView(j.attempts[j.idx[i]], c.mask)
		views = append(views, v)
		offers = append(offers, v.Offer())
		pw = max(pw, min(12, present.Width(v.Provider)))
		lw = max(lw, min(22, present.Width(v.TargetID)))
	}
	rest := max(10, w-2-tw-1-8-1-pw-1-lw-1)
	out := []string{st.ColumnHeader.Render("  " + present.Fit("WHEN (UTC)", tw) + " " + present.Fit("STATUS", 8) + " " + present.Fit("PROVIDER", pw) + " " +
		present.Fit("LINE", lw) + " " + present.Fit("OFFER · REFERENCE · TRANSACTION", rest))}
	for i := from; i < to; i++ {
		v := views[i-from]
		sel := i == j.list.cursor
		marker := "  "
		if v.Pending {
			marker = "? "
		}
		if sel {
			marker = "▸ "
		}
		offer := offers[i-from]
		if present.Width(offer) > rest {
			offer = present.DistinctOne(offers, i-from, rest)
		}
		row := marker + present.Fit(v.When.UTC().Format(when), tw) + " " + present.Fit(v.StatusWord(), 8) + " " + present.Fit(v.Provider, pw) + " " +
			present.Fit(v.TargetID, lw) + " " + present.Fit(attemptWhat(v, offer), rest)
		switch {
		case sel:
			row = st.Selected.Render(row)
		case v.Pending:
			row = st.Warn.Render(row)
		case v.Status == string(topup.Rejected):
			row = st.Muted.Render(row)
		}
		out = append(out, row)
	}
	return out
}

// attemptWhat is a row's last column: the offer, reference, transaction,
// reason, whether it was reconciled, and by whom.
func attemptWhat(v present.Attempt, offer string) string {
	what := []string{offer}
	if v.Reference != "" {
		what = append(what, "ref "+v.Reference)
	}
	if v.TransactionID != "" {
		what = append(what, "trx "+v.TransactionID)
	}
	if v.Reason != "" {
		what = append(what, v.Reason)
	}
	if v.Reconciled {
		what = append(what, "reconciled")
	}
	what = append(what, "by "+v.Operator)
	return strings.Join(what, " · ")
}

// current is the attempt under the cursor.
func (j *journalView) current() (journal.Attempt, bool) {
	if j.open >= 0 && j.open < len(j.attempts) {
		return j.attempts[j.open], true
	}
	if j.list.cursor < len(j.idx) && len(j.idx) > 0 {
		return j.attempts[j.idx[j.list.cursor]], true
	}
	return journal.Attempt{}, false
}
