package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/audit"
	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
)

// journalLimit is how many recent attempts the journal view lists.
const journalLimit = 500

// reconcileTimeout bounds one reconciliation pass over every pending attempt.
const reconcileTimeout = 2 * time.Minute

// journalView lists recent top-up attempts, newest first; pending ones
// (outcome unknown) are highlighted and `r` reconciles them.
type journalView struct {
	attempts    []audit.Attempt
	problems    []audit.Problem
	err         error
	loading     bool
	reconciling bool
	loaded      time.Time
	note        string
	list        cursorList
	w, h        int
}

// attemptsMsg carries the journal's recent attempts.
type attemptsMsg struct {
	attempts []audit.Attempt
	problems []audit.Problem
	err      error
	at       time.Time
}

// reconcileMsg carries what reconciliation appended and what it could not settle.
type reconcileMsg struct {
	appended []audit.Entry
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
	m.screen = screenJournal
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
	j.list.SetLen(len(j.attempts))
	j.setSize(j.w, j.h)
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

func (j *journalView) setSize(w, h int) {
	j.w, j.h = w, h
	rows := h - 4 - min(len(j.problems), 3)
	if j.list.n > rows {
		rows--
	}
	j.list.SetHeight(rows)
}

// HandleKey moves in the attempt list.
func (j *journalView) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	return j.list.HandleKey(msg, c.keys.Nav)
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
	head := st.Title.Render("JOURNAL") + "  "
	switch {
	case j.loaded.IsZero() && j.loading:
		return head + st.Muted.Render(c.spin+" reading the journal…")
	case j.err != nil:
		return head + st.Danger.Render(present.Clip("✖ "+j.err.Error(), w-9))
	}
	info := itoa(len(j.attempts)) + " recent attempts · " + itoa(j.pending()) + " pending · read " + present.FormatAge(j.loaded, c.now) + " · r reconciles"
	out := []string{head + st.Muted.Render(present.Clip(info, w-9))}
	note := j.note
	if j.reconciling {
		note = c.spin + " " + note
	}
	out = append(out, st.Warn.Render(present.Clip(note, w)))
	for i, p := range j.problems {
		if i == 3 {
			break
		}
		out = append(out, st.Danger.Render(present.Clip("✖ journal line "+p.String(), w)))
	}
	tw := 19
	idW := 8
	rest := max(10, w-2-tw-1-10-1-idW-1-14-1)
	out = append(out, st.ColumnHeader.Render("  "+present.Fit("WHEN (UTC)", tw)+" "+present.Fit("STATUS", 10)+" "+present.Fit("PROVIDER", idW)+" "+present.Fit("TARGET", 14)+" "+present.Fit("OFFER · TRANSACTION · REASON", rest)))
	from, to := j.list.Visible()
	for i := from; i < to; i++ {
		a := j.attempts[i]
		sel := i == j.list.cursor
		marker := "  "
		status := string(a.Status())
		if a.Pending() {
			marker, status = "? ", "PENDING"
		}
		if sel {
			marker = "▸ "
		}
		in := a.Intent
		var what []string
		what = append(what, nonEmpty(in.OfferName, in.OfferID))
		if a.Outcome != nil {
			if a.Outcome.TransactionID != "" {
				what = append(what, "trx "+a.Outcome.TransactionID)
			}
			if a.Outcome.Reason != "" {
				what = append(what, a.Outcome.Reason)
			}
			if a.Outcome.Reconciled {
				what = append(what, "reconciled")
			}
		}
		if in.Reference != "" {
			what = append(what, "ref "+in.Reference)
		}
		what = append(what, "by "+in.Operator, in.JournalID)
		row := marker + present.Fit(in.TS.UTC().Format("2006-01-02 15:04:05"), tw) + " " + present.Fit(status, 10) + " " + present.Fit(in.Provider, idW) + " " +
			present.Fit(present.MaskID(c.mask, model.IDType(in.TargetType), in.TargetID), 14) + " " + present.Fit(strings.Join(what, " · "), rest)
		switch {
		case sel:
			row = st.Selected.Render(row)
		case a.Pending():
			row = st.Warn.Render(row)
		case status == model.TopupRejected:
			row = st.Muted.Render(row)
		}
		out = append(out, row)
	}
	if len(j.attempts) == 0 {
		out = append(out, st.Muted.Render("  no top-up attempt yet"))
	}
	if info := j.list.ScrollInfo(); info != "" {
		out = append(out, st.Muted.Render(present.FitRight(info, w)))
	}
	return strings.Join(limitLines(out, h), "\n")
}

// current is the attempt under the cursor.
func (j *journalView) current() (audit.Attempt, bool) {
	if j.list.cursor < len(j.attempts) && len(j.attempts) > 0 {
		return j.attempts[j.list.cursor], true
	}
	return audit.Attempt{}, false
}
