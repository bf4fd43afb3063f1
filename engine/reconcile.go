package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// ReconcileSkew is the clock skew allowed between this machine and a
// provider: a transaction created up to this long before an intent was
// written may still be that attempt's.
const ReconcileSkew = 2 * time.Minute

// ErrNotVisibleYet: the provider's list does not show the attempt yet, and
// the settle time has not passed: lists lag, so nothing is concluded.
var ErrNotVisibleYet = errors.New("not visible yet at the provider")

// AmbiguousError: more than one transaction could be the attempt's, or one
// transaction could be several attempts'. Nothing is concluded; the
// operator settles it with `simdesk journal --resolve JOURNAL_ID TRX|none`.
type AmbiguousError struct {
	Transactions []string // the candidate transactions of this attempt
	Attempts     []string // the other attempts that could own one of them
}

func (a *AmbiguousError) Error() string {
	msg := "ambiguous: candidate transactions " + strings.Join(a.Transactions, ", ")
	if len(a.Attempts) > 0 {
		msg += " (also candidates of " + strings.Join(a.Attempts, ", ") + ")"
	}
	return msg + "; settle it with `simdesk journal --resolve JOURNAL_ID TRANSACTION_ID|none`"
}

// ReconcileError is a pending attempt that could not be reconciled now.
type ReconcileError struct {
	JournalID string
	Err       error
}

// Attempts lists recent attempts, newest first, with the journal problems
// met while reading them.
func (e *Engine) Attempts(n int) ([]journal.Attempt, []journal.Problem, error) {
	if e.opts.Journal == nil {
		return nil, nil, e.journalUnavailable()
	}
	return e.opts.Journal.Recent(context.Background(), n)
}

// Pending lists the intents whose outcome is unknown, oldest first.
func (e *Engine) Pending() ([]journal.Entry, error) {
	if e.opts.Journal == nil {
		return nil, e.journalUnavailable()
	}
	list, err := e.opts.Journal.Pending(context.Background())
	if err != nil {
		return nil, err
	}
	var out []journal.Entry
	for _, a := range list {
		if a.Pending() {
			out = append(out, a.Intent)
		}
	}
	return out, nil
}

// request rebuilds the top-up request of an attempt from its intent.
func request(in journal.Entry) model.TopupRequest {
	return model.TopupRequest{
		JournalID: in.JournalID,
		Offer:     model.Offer{ID: in.OfferID, Name: in.OfferName, TargetType: model.IDType(in.TargetType)},
		Amount:    in.Amount,
		Target:    model.Identifier{Type: model.IDType(in.TargetType), Value: in.TargetID},
		Operator:  in.Operator,
		Reference: in.Reference,
		Since:     in.TS,
	}
}

// finding is what the provider said about one open attempt, gathered
// before the journal is locked.
type finding struct {
	attempt  journal.Attempt
	sales    []model.Sale
	complete bool
	ref      string
	owner    providers.Reconciler
	err      error
}

// Reconcile asks each provider what became of every open attempt (pending,
// or ok without a transaction id) and appends the outcomes it can prove,
// with "reconciled": true. A transaction is an attempt's when it carries
// the attempt's own reference, or else when it was created at or after the
// intent (less ReconcileSkew) and before the settle time ended, for the
// same line and offer, and no outcome in the journal claims it; two
// candidates for one attempt, or one for two attempts, is ambiguous and
// concludes nothing. An attempt absent from a complete list is "not found
// at the provider" only once the settle time after its intent has passed;
// before that it is "not visible yet". The decisions and appends run under
// the journal's lock, against the journal as it is then, so two
// reconcilers (two processes) never append two outcomes for one attempt.
func (e *Engine) Reconcile(ctx context.Context) (appended []journal.Entry, errs []ReconcileError, err error) {
	if err := e.allow(topup.ActReconcile); err != nil {
		return nil, nil, err
	}
	if e.opts.Journal == nil {
		return nil, nil, e.journalUnavailable()
	}
	open, err := e.opts.Journal.Pending(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := e.opts.Now()
	found := map[string]*finding{}
	for _, a := range open {
		if a.Intent.Phase != journal.PhaseIntent {
			continue
		}
		found[a.Intent.JournalID] = e.ask(ctx, a, now)
	}
	err = e.opts.Journal.Locked(ctx, func(tx journal.Tx) error {
		current, err := tx.Pending(ctx)
		if err != nil {
			return err
		}
		oldest := now
		var list []*finding
		for _, a := range current {
			f := found[a.Intent.JournalID]
			if f == nil {
				continue // appeared since: the next reconciliation asks about it
			}
			f.attempt = a // as the journal says now
			list = append(list, f)
			if a.Intent.TS.Before(oldest) {
				oldest = a.Intent.TS
			}
		}
		claimed, err := tx.Claimed(ctx, oldest.Add(-2*ReconcileSkew))
		if err != nil {
			return err
		}
		for _, d := range e.decide(list, claimed, now) {
			if d.err != nil {
				errs = append(errs, ReconcileError{d.id, d.err})
				continue
			}
			w, err := tx.Append(ctx, d.entry)
			if err != nil {
				return err
			}
			appended = append(appended, w)
		}
		return nil
	})
	for _, w := range appended {
		e.journaled(w)
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].JournalID < errs[j].JournalID })
	return appended, errs, err
}

// ask gathers what the attempt's provider holds for it, through the one
// reconciliation contract (providers.Reconciler): candidates by the
// attempt's own reference where the provider carries one, else by line,
// offer or amount and time.
func (e *Engine) ask(ctx context.Context, a journal.Attempt, now time.Time) *finding {
	f := &finding{attempt: a}
	r, ok := e.Find(a.Intent.Provider)
	if !ok {
		f.err = e.UnknownProvider(a.Intent.Provider)
		return f
	}
	rc, ok := providers.AsReconciler(r.Provider)
	if !ok {
		f.err = &model.InputError{Msg: "provider " + a.Intent.Provider + " cannot reconcile top-ups"}
		return f
	}
	req := request(a.Intent)
	f.ref, f.owner = rc.Reference(req), rc
	to := a.Intent.TS.Add(e.opts.SettleTime)
	if to.After(now) {
		to = now
	}
	sales, complete, err := rc.Candidates(httpx.WithOperation(ctx, "reconcile"), req, a.Intent.TS.Add(-ReconcileSkew), to.Add(ReconcileSkew))
	if err != nil {
		f.err = e.cleanErr(model.AsError(err))
		return f
	}
	f.sales, f.complete = sales, complete
	return f
}

// decision is one attempt's outcome to append, or why there is none.
type decision struct {
	id    string
	entry journal.Entry
	err   error
	skip  bool // nothing to say (ok already; its id may show up later)
}

// decide applies the matching rules to every open attempt at once: a
// transaction is only given when it is the attempt's one candidate and the
// attempt is its one claimant. claimed is the journal's: every transaction
// an outcome already holds, with the attempt holding it.
func (e *Engine) decide(list []*finding, claimed map[string]string, now time.Time) []decision {
	cands := map[string][]model.Sale{} // journal id → candidate transactions
	owners := map[string][]string{}    // transaction id → journal ids it could be
	for _, f := range list {
		if f.err != nil {
			continue
		}
		id := f.attempt.Intent.JournalID
		for _, s := range e.candidatesOf(f, claimed) {
			cands[id] = append(cands[id], s)
			owners[s.ID] = append(owners[s.ID], id)
		}
	}
	var out []decision
	for _, f := range list {
		id := f.attempt.Intent.JournalID
		switch c := cands[id]; {
		case f.err != nil:
			out = append(out, decision{id: id, err: f.err})
		case len(c) == 0:
			if d := e.decideAbsent(f, now); !d.skip {
				out = append(out, d)
			}
		case len(c) > 1 || len(owners[c[0].ID]) > 1:
			out = append(out, decision{id: id, err: ambiguous(id, c, owners)})
		default:
			out = append(out, e.decideOne(f.attempt, c[0]))
		}
	}
	return out
}

// decideAbsent is an attempt with no candidate: nothing while the lists
// may lag or were cut short, not found once the settle time has passed.
func (e *Engine) decideAbsent(f *finding, now time.Time) decision {
	a := f.attempt
	id := a.Intent.JournalID
	settled := a.Intent.TS.Add(e.opts.SettleTime)
	switch {
	case a.AwaitsID():
		return decision{id: id, skip: true}
	case now.Before(settled):
		return decision{id: id, err: fmt.Errorf("%w (lists lag; concluded from %s at the earliest)", ErrNotVisibleYet, settled.Local().Format("15:04:05"))}
	case !f.complete:
		return decision{id: id, err: errors.New("no matching transaction, but the provider's list was cut short: still pending")}
	}
	return decision{id: id, entry: e.outcomeOf(a, topup.NotFound, "", nil,
		fmt.Sprintf("no transaction at the provider %s after the intent: the attempt did not reach it", shortDuration(e.opts.SettleTime)))}
}

// decideOne is an attempt with exactly one candidate that is its alone.
func (e *Engine) decideOne(a journal.Attempt, s model.Sale) decision {
	id := a.Intent.JournalID
	switch {
	case s.Outcome != topup.OK && s.Outcome != topup.Rejected:
		return decision{id: id, err: fmt.Errorf("transaction %s is still being processed by the provider", s.ID)}
	case a.AwaitsID() && s.Outcome != topup.OK:
		return decision{id: id, err: fmt.Errorf("the attempt was answered ok but its one candidate %s is %s: settle it with --resolve", s.ID, s.Outcome)}
	}
	reason := ""
	if s.Outcome == topup.Rejected {
		reason = "the provider recorded transaction " + s.ID + " as failed"
	}
	return decision{id: id, entry: e.outcomeOf(a, s.Outcome, s.ID, s.StockLeft, reason)}
}

// ambiguous names an attempt's candidates and the other attempts that
// could own one of them.
func ambiguous(id string, c []model.Sale, owners map[string][]string) *AmbiguousError {
	amb := &AmbiguousError{}
	others := map[string]bool{}
	for _, s := range c {
		amb.Transactions = append(amb.Transactions, s.ID)
		for _, o := range owners[s.ID] {
			if o != id && !others[o] {
				others[o] = true
				amb.Attempts = append(amb.Attempts, o)
			}
		}
	}
	sort.Strings(amb.Transactions)
	sort.Strings(amb.Attempts)
	return amb
}

// byReference is the attempt's transactions that carry its own reference:
// they are its, whatever their time.
func byReference(f *finding, free func(model.Sale) bool) []model.Sale {
	if f.ref == "" {
		return nil
	}
	var exact []model.Sale
	for _, s := range f.sales {
		if s.UserID == f.ref && free(s) {
			exact = append(exact, s)
		}
	}
	return exact
}

// candidatesOf filters one attempt's transactions by the matching rules.
func (e *Engine) candidatesOf(f *finding, claimed map[string]string) []model.Sale {
	in := f.attempt.Intent
	id := in.JournalID
	free := func(s model.Sale) bool {
		owner, ok := claimed[s.ID]
		return s.ID != "" && (!ok || owner == id)
	}
	if exact := byReference(f, free); len(exact) > 0 {
		return exact
	}
	from := in.TS.Add(-ReconcileSkew)
	to := in.TS.Add(e.opts.SettleTime).Add(ReconcileSkew)
	var out []model.Sale
	for _, s := range f.sales {
		switch {
		case !free(s):
			continue
		case s.UserID != "" && s.UserID != f.ref && f.owner != nil && f.owner.OwnsReference(s.UserID):
			continue // another attempt's, by its own reference
		case !strings.EqualFold(strings.TrimSpace(s.OfferID), strings.TrimSpace(in.OfferID)):
			continue
		case in.Amount != nil && s.Price != *in.Amount:
			continue // an amount top-up matches its amount exactly
		case s.Created.IsZero() || s.Created.Before(from) || s.Created.After(to):
			continue // no time, or not this attempt's time
		}
		out = append(out, s)
	}
	return out
}

// outcomeOf is the reconciled outcome entry of an attempt.
func (e *Engine) outcomeOf(a journal.Attempt, st topup.Outcome, trx string, stock *int, reason string) journal.Entry {
	in := a.Intent
	return journal.Entry{
		TS:            e.opts.Now(),
		JournalID:     in.JournalID,
		Phase:         journal.PhaseOutcome,
		Operator:      e.opts.Operator,
		Provider:      in.Provider,
		OfferID:       in.OfferID,
		Amount:        in.Amount,
		TargetType:    in.TargetType,
		TargetID:      in.TargetID,
		Status:        st,
		TransactionID: trx,
		Reason:        reason,
		Reference:     in.Reference,
		Reconciled:    true,
		StockLeft:     stock,
		Environment:   e.opts.Environment,
	}
}

// ErrResolve marks a --resolve the journal refuses.
var ErrResolve = errors.New("cannot resolve")

// Resolve settles one attempt as the operator decided: transactionID is the
// provider's transaction that is this attempt's, or "" for none (the
// attempt did not reach the provider). It is journalled with who decided
// ("resolved_by"). It refuses an attempt that already has a definitive
// outcome (except ok without an id, which may get its id), and a
// transaction another attempt holds.
func (e *Engine) Resolve(ctx context.Context, journalID, transactionID string) (journal.Entry, error) {
	if err := e.allow(topup.ActResolve); err != nil {
		return journal.Entry{}, err
	}
	if e.opts.Journal == nil {
		return journal.Entry{}, e.journalUnavailable()
	}
	if e.opts.ReadOnly {
		return journal.Entry{}, ErrReadOnly
	}
	journalID, transactionID = strings.TrimSpace(journalID), strings.TrimSpace(transactionID)
	var w journal.Entry
	err := e.opts.Journal.Locked(ctx, func(tx journal.Tx) error {
		a, ok, err := tx.Get(ctx, journalID)
		if err != nil {
			return err
		}
		if !ok || a.Intent.Phase != journal.PhaseIntent {
			return fmt.Errorf("%w: no attempt %s in the journal", ErrResolve, journalID)
		}
		if !a.Pending() && !(a.AwaitsID() && transactionID != "") {
			return fmt.Errorf("%w: attempt %s is settled already (%s %s)", ErrResolve, journalID, a.Status(), a.Outcome.TransactionID)
		}
		var en journal.Entry
		if transactionID == "" {
			en = e.outcomeOf(a, topup.NotFound, "", nil, "resolved by "+e.opts.Operator+": no transaction at the provider")
		} else {
			// A claim is written after the transaction exists; read back to
			// well before this attempt to be sure nobody holds it.
			claimed, err := tx.Claimed(ctx, time.Time{})
			if err != nil {
				return err
			}
			if owner, ok := claimed[transactionID]; ok && owner != journalID {
				return fmt.Errorf("%w: transaction %s belongs to attempt %s already", ErrResolve, transactionID, owner)
			}
			en = e.outcomeOf(a, topup.OK, transactionID, nil, "resolved by "+e.opts.Operator)
		}
		en.Reconciled = false
		en.ResolvedBy = e.opts.Operator
		w, err = tx.Append(ctx, en)
		return err
	})
	if err == nil {
		e.journaled(w)
	}
	return w, err
}
