package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/present"
	"simdesk/topup"
)

// topupTimeout bounds one top-up request; past it the outcome is unknown
// and the journal keeps the attempt for reconciliation.
const topupTimeout = 90 * time.Second

// topupFlow is the top-up in progress: offers → picker → confirm → submit →
// outcome → refreshed balances with their difference.
type topupFlow struct {
	pane          string
	req           int
	line          model.Line
	offer         model.Offer
	target        model.Identifier
	loadingOffers bool
	inFlight      bool
	submitted     bool
	// A top-up by amount (topupamount.go): the amount and the balance.
	byAmount bool
	amount   *model.Money
	bucket   model.Bucket
}

// offersMsg answers the offer listing for a top-up.
type offersMsg struct {
	req    int
	offers []model.Offer
	err    error
}

// topupMsg is the outcome of the submitted top-up; err is a refusal before
// anything was sent.
type topupMsg struct {
	req int
	out engine.TopupOutcome
	err error
}

func offersCmd(eng *engine.Engine, provider string, req int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), stockTimeout)
		defer cancel()
		offers, err := eng.Offers(ctx, provider)
		return offersMsg{req: req, offers: offers, err: err}
	}
}

func topupCmd(eng *engine.Engine, in engine.TopupInput, req int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), topupTimeout)
		defer cancel()
		out, err := eng.Topup(ctx, in)
		return topupMsg{req: req, out: out, err: err}
	}
}

// startTopup is `t`: it checks that a top-up is possible here and loads the
// provider's offers with their current stock.
func (m *Model) startTopup() tea.Cmd {
	if !m.mayTopup() {
		return nil
	}
	p := m.activePane()
	if m.onPanes() && p != nil && p.partial {
		m.setStatus("this line is still being read: t tops it up once it is complete", statusInfo)
		return nil
	}
	if !m.onPanes() || p == nil || p.line() == nil {
		m.setStatus("t tops up the open line: search and open a line first", statusInfo)
		return nil
	}
	if m.eng.Options().ReadOnly {
		m.setStatus("✖ top-up disabled: read-only mode (readonly = true in the config); lookups and stock still work", statusWarn)
		return nil
	}
	if !p.toppingUp {
		m.setStatus("✖ "+p.name+" ("+p.kind+") does not sell top-ups; top-ups go through a distributor pane", statusWarn)
		return nil
	}
	if m.topup != nil && (m.topup.inFlight || m.topup.loadingOffers) {
		m.setStatus("a top-up is already in progress", statusWarn)
		return nil
	}
	if caps := m.eng.Capabilities(p.name); caps.TopupAmount && !caps.TopupOffer {
		return m.startAmountTopup(p)
	}
	f := &topupFlow{pane: p.name, req: m.nextReq(), line: *p.line(), loadingOffers: true}
	m.topup = f
	m.setStatus("loading "+p.name+" offers for this line…", statusInfo)
	return offersCmd(m.eng, p.name, f.req)
}

func (m *Model) onOffers(msg offersMsg) {
	f := m.topup
	if f == nil || msg.req != f.req || !f.loadingOffers {
		return
	}
	f.loadingOffers = false
	if msg.err != nil {
		m.topup = nil
		m.setStatus("✖ offers not loaded: "+errorLine(model.AsError(msg.err)), statusError)
		return
	}
	fits := m.eng.OffersForLine(msg.offers, f.line)
	if len(fits) == 0 {
		m.topup = nil
		who := f.line.Supplier
		if who == "" {
			who = "this line"
		}
		m.setStatus("no "+f.pane+" top-up offer fits "+who+" (checked "+itoa(len(msg.offers))+" offers)", statusWarn)
		return
	}
	m.status = statusLine{}
	m.dialogs.push(newOfferPicker(f.pane+" top-up · "+identLabel(&m.c, &f.line), fits))
}

// pickOffer closes the picker and asks the journal, in a command (it reads
// a file), whether this line got this offer recently; dupCheckedMsg then
// opens the confirmation.
func (m *Model) pickOffer(o model.Offer) tea.Cmd {
	f := m.topup
	if f == nil || o.Empty() {
		return nil
	}
	target, ok := engine.TargetFor(o, f.line)
	if !ok {
		m.setStatus("✖ this line has no "+o.TargetType.Label()+" to top up with "+o.Name, statusError)
		return nil
	}
	f.offer, f.target = o, target
	m.dialogs.pop()
	eng, pane := m.eng, f.pane
	return func() tea.Msg {
		a, dup := eng.Duplicate(pane, target, o.ID)
		return dupCheckedMsg{offerID: o.ID, target: target, attempt: a, dup: dup}
	}
}

// dupCheckedMsg is the journal's answer about a recent attempt.
type dupCheckedMsg struct {
	offerID string
	target  model.Identifier
	attempt journal.Attempt
	dup     bool
}

// onDupChecked opens the confirmation for the offer being topped up,
// warning about a recent attempt of the same line and offer. The grace
// period against typed-ahead keys starts now, when the dialog appears.
func (m *Model) onDupChecked(msg dupCheckedMsg) {
	f := m.topup
	if f == nil || f.offer.ID != msg.offerID || f.target != msg.target || f.inFlight {
		return // the operator moved on meanwhile
	}
	o, target := f.offer, f.target
	facts := present.ConfirmFacts(present.TopupFacts{
		Environment: m.c.env, Provider: f.pane, ProviderKind: m.paneNamed(f.pane).kind,
		Target: target, Supplier: f.line.Supplier, Offer: o, Reference: m.ref, Mask: m.c.mask,
	})
	warning := ""
	if msg.dup {
		warning = duplicateText(msg.attempt, m.c.now, m.eng.Options().Operator)
	}
	m.pushConfirm(facts, warning)
}

// pushConfirm opens the confirmation of a top-up (by offer or by amount)
// with its facts; a duplicate's warning makes it ask a second time.
func (m *Model) pushConfirm(facts []present.Fact, duplicate string) {
	rows := make([]ConfirmRow, len(facts))
	for i, ft := range facts {
		rows[i] = ConfirmRow{ft.Label, ft.Value}
	}
	if m.ref == "" {
		rows[len(rows)-1].Value = present.Dash + "  (set one with :ref TEXT)"
	}
	d := NewConfirm("Confirm top-up", rows, m.c.now)
	d.Danger = m.c.env == "production"
	if duplicate != "" {
		d.NeedSecond = true
		d.Warning = duplicate
	}
	m.dialogs.push(d)
}

// duplicateText tells the operator about the recent attempt: who made it
// and when, in the headless refusal's words (on a shared server it may be
// a colleague's), and how it ended.
func duplicateText(a journal.Attempt, now time.Time, asker string) string {
	st := "outcome unknown"
	if a.Outcome != nil {
		st = string(a.Outcome.Status)
		if a.Outcome.TransactionID != "" {
			st += ", transaction " + a.Outcome.TransactionID
		}
	}
	who := (&engine.DuplicateError{Attempt: a, At: now, Asker: asker}).Who()
	return "! DUPLICATE: " + who + " (" + st + "). Topping up again needs a second confirmation."
}

// submitTopup sends the confirmed top-up once.
func (m *Model) submitTopup(force bool) tea.Cmd {
	f := m.topup
	if f == nil || f.inFlight || f.submitted {
		return nil
	}
	f.inFlight, f.submitted = true, true
	in := engine.TopupInput{Provider: f.pane, Offer: f.offer, Target: f.target, Reference: m.ref, Force: force}
	if f.byAmount {
		in.Offer, in.Amount, in.Bucket = model.Offer{}, f.amount, f.bucket.ID
	}
	return topupCmd(m.eng, in, f.req)
}

// onTopup shows the outcome and refreshes the line's balances.
func (m *Model) onTopup(msg topupMsg) tea.Cmd {
	f := m.topup
	if f == nil || msg.req != f.req {
		return nil
	}
	f.inFlight = false
	lines, kind := outcomeLines(f, msg)
	if d, ok := findDialog[*Confirm](m.dialogs); ok {
		d.SetOutcome(lines, kind, m.c.now)
	}
	sk := map[present.OutcomeKind]statusKind{present.OutcomeOK: statusOK, present.OutcomeWarn: statusWarn, present.OutcomeDanger: statusError}[kind]
	m.setStatus(lines[0], sk)
	// The journal changed: reload it, so the header's count of attempts
	// with an unknown outcome stays true.
	cmds := []tea.Cmd{m.loadAttempts()}
	if msg.err != nil || msg.out.Result.Status == topup.Rejected {
		return tea.Batch(cmds...)
	}
	if p := m.paneNamed(f.pane); p != nil && p.line() != nil && lineKey(p.line()) == lineKey(&f.line) && p.status != paneLoading {
		cmds = append(cmds, m.refreshPane(p, true))
	}
	if src := m.stock.source(f.pane); src != nil && !src.loading {
		src.loading = true
		cmds = append(cmds, stockFetchCmd(m.eng, src.name, m.opts.Now))
	}
	return tea.Batch(cmds...)
}

// outcomeLines explains an outcome: the first line is the verdict.
func outcomeLines(f *topupFlow, msg topupMsg) ([]string, present.OutcomeKind) {
	if msg.err != nil {
		// The verdict says "nothing was sent" once; the engine's reasons say
		// it too, for the headless commands that print them alone.
		why := strings.NewReplacer(", nothing sent", "", "; nothing sent", "", ": nothing sent", "").Replace(msg.err.Error())
		var de *engine.DuplicateError
		if errors.As(msg.err, &de) {
			why = de.Who() + " (journal " + de.Attempt.Intent.JournalID + ")"
		}
		return []string{"✖ REFUSED, nothing was sent: " + why}, present.OutcomeDanger
	}
	out, kind := present.OutcomeLines(f.offer.Name, f.pane, msg.out.Result, "")
	switch kind {
	case present.OutcomeUnknown:
		kind = present.OutcomeWarn
		out[1] = "Do not retry yet: the attempt is pending in the journal. See :journal, then reconcile (r) to learn what happened."
		if msg.out.Result.Accepted {
			out[1] = "Accepted by the provider, not applied yet: it settles by itself; :journal then reconcile (r) records when it completes."
		}
	}
	out = append(out, "journal "+msg.out.JournalID)
	if msg.out.JournalErr != nil {
		kind = present.OutcomeWarn
		out = append(out, "⚠ the outcome could not be written to the journal ("+msg.out.JournalErr.Error()+"); it shows as pending until reconciled")
	}
	return out, kind
}

func nonEmpty(s, def string) string { return present.NonEmpty(s, def) }

// endTopup forgets the flow when its dialog closes (never while in flight).
func (m *Model) endTopup(d Dialog) {
	if m.topup == nil || m.topup.inFlight {
		return
	}
	if !m.topup.submitted {
		m.setStatus("top-up cancelled: nothing was sent", statusInfo)
	}
	m.topup = nil
}

// showDiff reports what changed in the line's balances after a top-up.
func (m *Model) showDiff(p *pane) {
	lines := p.diff
	if p.status != paneDone {
		lines = []string{"balances not refreshed: " + errorLineOr(p.err)}
	} else if len(lines) == 0 {
		lines = []string{"no balance changed yet (the provider may apply it shortly; r refreshes)"}
	}
	if d, ok := findDialog[*Confirm](m.dialogs); ok {
		d.AddOutcome(append([]string{"", "Balances refreshed:"}, lines...)...)
	}
	m.setStatus("balances refreshed: "+strings.Join(lines, "; "), statusOK)
}

func errorLineOr(e *model.Error) string {
	if e == nil {
		return "no answer"
	}
	return errorLine(e)
}

// bucketKeys names each bucket of a line stably across refreshes: id, name
// and usage, plus the occurrence number when those repeat (Orange names a
// data, a voice and an SMS bucket after the same offer, without ids).
func bucketKeys(l *model.Line) []string {
	seen := map[string]int{}
	out := make([]string, len(l.Buckets))
	for i := range l.Buckets {
		b := &l.Buckets[i]
		k := b.ID + "|" + b.Name + "|" + string(b.Usage)
		out[i] = k + "|" + itoa(seen[k])
		seen[k]++
	}
	return out
}

// bucketDiff compares a line before and after a top-up: per bucket of the
// new line, what its remaining amount did, and a summary for the operator.
func bucketDiff(before, after *model.Line) (map[int]string, []string) {
	old := map[string]*model.Bucket{}
	for i, k := range bucketKeys(before) {
		old[k] = &before.Buckets[i]
	}
	deltas := map[int]string{}
	var summary []string
	seen := map[string]bool{}
	for i, k := range bucketKeys(after) {
		b := &after.Buckets[i]
		seen[k] = true
		o, ok := old[k]
		switch {
		case !ok:
			if b.Remaining.Known() && b.Remaining.Value() == 0 {
				continue // an empty new bucket (voice of a data offer…) says nothing
			}
			deltas[i] = "new"
			summary = append(summary, b.Name+" ("+string(b.Usage)+"): new, "+present.FormatQuantity(b.Remaining))
		case o.Remaining.Unlimited != b.Remaining.Unlimited || o.Remaining.Known() != b.Remaining.Known():
			deltas[i] = "→ " + present.FormatQuantity(b.Remaining)
			summary = append(summary, b.Name+": "+present.FormatQuantity(o.Remaining)+" → "+present.FormatQuantity(b.Remaining))
		case b.Remaining.Known() && o.Remaining.Unit == b.Remaining.Unit && b.Remaining.Value() != o.Remaining.Value():
			d := b.Remaining.Value() - o.Remaining.Value()
			sign := "+"
			if d < 0 {
				sign, d = "-", -d
			}
			deltas[i] = sign + present.FormatAmount(d, b.Remaining.Unit)
			summary = append(summary, b.Name+": "+present.FormatQuantity(o.Remaining)+" → "+present.FormatQuantity(b.Remaining)+" ("+deltas[i]+")")
		}
	}
	for i, k := range bucketKeys(before) {
		if !seen[k] {
			summary = append(summary, before.Buckets[i].Name+" ("+string(before.Buckets[i].Usage)+"): gone")
		}
	}
	return deltas, summary
}
