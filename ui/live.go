package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/model"
	"simdesk/present"
	"simdesk/topup"
)

// liveMsg is one update from the live hub: stock polled once for every
// session, the team's journal and its news, a server notice.
type liveMsg struct{ u live.Update }

// waitLive blocks (in a command) until the mailbox holds something.
func waitLive(sub *live.Sub) tea.Cmd {
	return func() tea.Msg {
		u, ok := sub.Next()
		if !ok {
			return nil
		}
		return liveMsg{u}
	}
}

// startLive starts the stock and the journal: from the hub when there is
// one (the console then polls nothing itself), else by polling as before.
func (m *Model) startLive() tea.Cmd {
	if m.sub == nil {
		return tea.Batch(m.stock.startAll(m.eng, m.opts.Now), attemptsCmd(m.eng, m.opts.Now))
	}
	return waitLive(m.sub)
}

// Close leaves the hub; the server calls it when the session's program
// ended, so the hub stops filling a mailbox nobody reads.
func (m *Model) Close() {
	if m.sub != nil {
		m.sub.Close()
	}
}

// onLive feeds the hub's values through the same handlers a poll or a
// journal read would reach, then waits for the next update.
func (m *Model) onLive(msg liveMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, st := range msg.u.Stock {
		cmds = append(cmds, m.onStock(stockMsg{provider: st.Provider, offers: st.Offers, err: st.Err, at: st.At}))
	}
	if j := msg.u.Journal; j != nil {
		m.onAttempts(attemptsMsg{attempts: j.Attempts, problems: j.Problems, err: j.Err, at: j.At})
	}
	if news := m.teamNews(msg.u.News); news != "" {
		m.setStatus(news, statusInfo)
	}
	if msg.u.Notice != "" {
		m.setStatus("⚠ "+msg.u.Notice, statusWarn)
	}
	return tea.Batch(append(cmds, waitLive(m.sub))...)
}

// teamNews is the status line for colleagues' top-ups that began or
// settled: the console's own are announced by the top-up flow.
func (m *Model) teamNews(news []journal.Attempt) string {
	var parts []string
	for _, a := range news {
		in := a.Intent
		if in.Operator == m.eng.Options().Operator {
			continue
		}
		verb := "is topping up"
		switch st := a.Status(); {
		case a.Outcome != nil && st == journal.StatusOK:
			verb = "topped up"
		case a.Outcome != nil && st == journal.StatusRejected:
			verb = "was refused a top-up of"
		}
		parts = append(parts, in.Operator+" "+verb+" "+present.MaskID(m.c.mask, model.IDType(in.TargetType), in.TargetID)+" with "+offerLabel(in)+m.forcedPast(a))
	}
	if len(parts) == 0 {
		return ""
	}
	if len(parts) > 2 {
		parts = append(parts[len(parts)-2:], "…")
	}
	return "team: " + strings.Join(parts, " · ")
}

// forcedPast names, for a top-up confirmed past the duplicate guard, the
// earlier attempt it duplicated: who made it and when, as the console's
// own warning and the headless refusal do.
func (m *Model) forcedPast(a journal.Attempt) string {
	in := a.Intent
	if !in.Forced {
		return ""
	}
	var prev *journal.Attempt
	for i := range m.journal.attempts {
		b := &m.journal.attempts[i]
		bi := b.Intent
		if bi.JournalID == in.JournalID || bi.Provider != in.Provider || bi.TargetID != in.TargetID || bi.OfferID != in.OfferID || !bi.TS.Before(in.TS) {
			continue
		}
		if (bi.Amount == nil) != (in.Amount == nil) || bi.Amount != nil && *bi.Amount != *in.Amount {
			continue
		}
		if prev == nil || bi.TS.After(prev.Intent.TS) {
			prev = b
		}
	}
	if prev == nil {
		return " (confirmed past the duplicate guard)"
	}
	return ", confirmed past the duplicate guard: " + (&engine.DuplicateError{Attempt: *prev, At: m.c.now}).Who()
}

func offerLabel(e journal.Entry) string {
	if e.OfferName != "" {
		return e.OfferName
	}
	return e.OfferID
}

// mayTopup refuses a top-up the operator's role does not allow, before
// any dialog opens (the engine refuses it again if asked).
func (m *Model) mayTopup() bool {
	if m.opts.Role.Can(topup.ActTopup) {
		return true
	}
	m.setStatus(m.opts.Operator+" is "+m.opts.Role.WithArticle()+": top-ups need the agent or supervisor role", statusWarn)
	return false
}

// mayReconcile refuses reconciliation to any role but supervisor.
func (m *Model) mayReconcile() bool {
	if m.opts.Role.Can(topup.ActReconcile) {
		return true
	}
	m.setStatus(m.opts.Operator+" is "+m.opts.Role.WithArticle()+": reconciling needs the supervisor role", statusWarn)
	return false
}
