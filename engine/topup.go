package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"simdesk/audit"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
)

// Refusals before anything is written or sent.
var (
	ErrReadOnly  = errors.New("read-only mode: top-ups are disabled by the configuration (readonly = true)")
	ErrDuplicate = errors.New("a top-up of this line with this offer was attempted recently")
	ErrInFlight  = errors.New("a top-up of this line with this offer is already in flight")
	ErrNoJournal = errors.New("no journal: top-ups need the journal to be writable")
)

// DuplicateError tells when the earlier attempt was, for the operator.
type DuplicateError struct {
	Attempt audit.Attempt
	Window  time.Duration
}

func (d *DuplicateError) Error() string {
	st := "outcome unknown"
	if d.Attempt.Outcome != nil {
		st = string(d.Attempt.Outcome.Status)
	}
	return fmt.Sprintf("a top-up of %s with offer %s was attempted at %s (%s, journal %s) within the %s duplicate window; confirm again (--force) to top up once more",
		d.Attempt.Intent.TargetID, d.Attempt.Intent.OfferID, d.Attempt.Intent.TS.Local().Format("15:04:05"), st, d.Attempt.Intent.JournalID, shortDuration(d.Window))
}

func (d *DuplicateError) Unwrap() error { return ErrDuplicate }

// shortDuration renders 10m0s as 10m and 1h30m0s as 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// TopupInput is one requested top-up.
type TopupInput struct {
	Provider  string
	Offer     model.Offer
	Target    model.Identifier
	Reference string
	Force     bool
}

// TopupOutcome is what became of it. Err is the provider error behind a
// rejected-unsent or unknown outcome, if any.
type TopupOutcome struct {
	JournalID string
	Result    model.TopupResult
	Err       *model.Error
	// JournalErr is set when the outcome could not be appended: the attempt
	// then shows as pending and is reconciled later.
	JournalErr error
}

func (e *Engine) topupper(provider string) (providers.ToppingUp, error) {
	r, ok := e.Find(provider)
	if !ok {
		return nil, e.UnknownProvider(provider)
	}
	t, ok := r.Provider.(providers.ToppingUp)
	if !ok {
		return nil, &model.InputError{Msg: "provider " + provider + " (" + r.Provider.Kind() + ") does not sell top-ups"}
	}
	return t, nil
}

// Duplicate finds a recent attempt (not rejected) of the same line and offer
// within the duplicate window.
func (e *Engine) Duplicate(provider, targetID, offerID string) (audit.Attempt, bool) {
	if e.opts.Journal == nil {
		return audit.Attempt{}, false
	}
	entries, _, err := e.opts.Journal.Entries()
	if err != nil {
		return audit.Attempt{}, false
	}
	return audit.LastAttempt(entries, provider, targetID, offerID, e.opts.Now().Add(-e.opts.DuplicateWindow))
}

// FindOffer returns one offer of a provider by id, with its current stock.
func (e *Engine) FindOffer(ctx context.Context, provider, offerID string) (model.Offer, error) {
	offers, err := e.Offers(ctx, provider)
	if err != nil {
		return model.Offer{}, err
	}
	for _, o := range offers {
		if strings.EqualFold(o.ID, offerID) {
			return o, nil
		}
	}
	return model.Offer{}, &model.InputError{Msg: "provider " + provider + " has no offer " + quote(offerID)}
}

// CheckTarget verifies that the target fits the offer before anything is sent.
func CheckTarget(o model.Offer, t model.Identifier) error {
	switch o.TargetType {
	case "":
		if t.Value != "" {
			return &model.InputError{Msg: fmt.Sprintf("offer %q (%s) is sold without a line; do not give an identifier", o.Name, o.ProductType)}
		}
	default:
		if t.Type != o.TargetType {
			return &model.InputError{Msg: fmt.Sprintf("offer %q of %s tops up a %s, not a %s", o.Name, o.Supplier, o.TargetType.Label(), t.Type.Label())}
		}
	}
	return nil
}

// Topup runs the money procedure: refuse in read-only mode, refuse a recent
// duplicate unless forced, refuse a second submit while one is in flight,
// write the intent (fsync) BEFORE the request, send it once, then write the
// outcome. A request that may have reached the provider without an answer is
// "unknown" and stays pending in the journal until reconciled.
func (e *Engine) Topup(ctx context.Context, in TopupInput) (TopupOutcome, error) {
	if e.opts.ReadOnly {
		return TopupOutcome{}, ErrReadOnly
	}
	if e.opts.Journal == nil {
		return TopupOutcome{}, ErrNoJournal
	}
	tp, err := e.topupper(in.Provider)
	if err != nil {
		return TopupOutcome{}, err
	}
	if in.Offer.ID == "" {
		return TopupOutcome{}, &model.InputError{Msg: "no offer given"}
	}
	if err := CheckTarget(in.Offer, in.Target); err != nil {
		return TopupOutcome{}, err
	}
	key := in.Provider + "|" + in.Target.Value + "|" + in.Offer.ID
	e.mu.Lock()
	if e.inFlight[key] {
		e.mu.Unlock()
		return TopupOutcome{}, ErrInFlight
	}
	e.inFlight[key] = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.inFlight, key)
		e.mu.Unlock()
	}()
	price := in.Offer.Price
	intent := audit.Entry{
		JournalID:   audit.NewID(),
		Phase:       "intent",
		Operator:    e.opts.Operator,
		Provider:    in.Provider,
		OfferID:     in.Offer.ID,
		OfferName:   in.Offer.Name,
		TargetType:  string(in.Target.Type),
		TargetID:    in.Target.Value,
		Reference:   in.Reference,
		Forced:      in.Force,
		Price:       &price,
		Environment: e.opts.Environment,
	}
	if in.Target.Value == "" {
		intent.TargetType = ""
	}
	// The duplicate check runs under the journal's lock, so two consoles on
	// one journal cannot both pass it for the same line and offer.
	var check func([]audit.Entry) error
	if !in.Force {
		since := e.opts.Now().Add(-e.opts.DuplicateWindow)
		check = func(entries []audit.Entry) error {
			if a, dup := audit.LastAttempt(entries, in.Provider, in.Target.Value, in.Offer.ID, since); dup {
				return &DuplicateError{Attempt: a, Window: e.opts.DuplicateWindow}
			}
			return nil
		}
	}
	written, err := e.opts.Journal.AppendChecked(intent, check)
	if err != nil {
		var de *DuplicateError
		if errors.As(err, &de) {
			return TopupOutcome{}, err
		}
		return TopupOutcome{}, fmt.Errorf("journal not writable, nothing sent: %w", err)
	}
	req := model.TopupRequest{
		JournalID: written.JournalID,
		Offer:     in.Offer,
		Target:    in.Target,
		Operator:  e.opts.Operator,
		Reference: in.Reference,
		Since:     written.TS,
	}
	res, perr := tp.Topup(ctx, req)
	perr = e.cleanTopup(&res, perr)
	out := TopupOutcome{JournalID: written.JournalID, Err: model.AsError(perr)}
	if res.Status == "" {
		switch {
		case perr == nil:
			res.Status = model.TopupUnknown
			res.Reason = "the provider's answer carried no status"
		case !res.Sent && isNotSent(perr):
			res.Status = model.TopupRejected
		default:
			res.Status = model.TopupUnknown
		}
	}
	if res.Reason == "" && out.Err != nil {
		res.Reason = out.Err.Error()
	}
	out.Result = res
	outcome := audit.Entry{
		JournalID:     written.JournalID,
		Phase:         "outcome",
		Operator:      e.opts.Operator,
		Provider:      in.Provider,
		OfferID:       in.Offer.ID,
		TargetType:    intent.TargetType,
		TargetID:      in.Target.Value,
		Status:        audit.Status(res.Status),
		TransactionID: res.TransactionID,
		Reason:        res.Reason,
		Reference:     in.Reference,
		Forced:        in.Force,
		StockLeft:     res.StockLeft,
		Environment:   e.opts.Environment,
	}
	if res.Status == model.TopupUnknown {
		// Nothing is known: the intent alone stays pending, and the one
		// outcome line of this attempt is the one reconciliation appends.
		return out, nil
	}
	if _, err := e.opts.Journal.Append(outcome); err != nil {
		out.JournalErr = err
	}
	return out, nil
}

// isNotSent: the connection could not even be made, so nothing was sent.
func isNotSent(err error) bool { return httpx.NotSent(err) }

// Attempts lists recent attempts, newest first, with any journal problems.
func (e *Engine) Attempts(n int) ([]audit.Attempt, []audit.Problem, error) {
	if e.opts.Journal == nil {
		return nil, nil, ErrNoJournal
	}
	entries, probs, err := e.opts.Journal.Entries()
	if err != nil {
		return nil, nil, err
	}
	return audit.Recent(entries, n), probs, nil
}

// Pending lists intents whose outcome is unknown.
func (e *Engine) Pending() ([]audit.Entry, error) {
	if e.opts.Journal == nil {
		return nil, ErrNoJournal
	}
	entries, _, err := e.opts.Journal.Entries()
	if err != nil {
		return nil, err
	}
	return audit.Pending(entries), nil
}

// ReconcileError is a pending attempt that could not be reconciled now.
type ReconcileError struct {
	JournalID string
	Err       error
}

// Reconcile asks each provider what became of every pending attempt and
// appends the outcome found (reconciled: true). Attempts whose provider
// cannot answer stay pending and are reported in errs.
func (e *Engine) Reconcile(ctx context.Context) (appended []audit.Entry, errs []ReconcileError, err error) {
	if e.opts.Journal == nil {
		return nil, nil, ErrNoJournal
	}
	entries, _, err := e.opts.Journal.Entries()
	if err != nil {
		return nil, nil, err
	}
	claimed := audit.ClaimedTransactions(entries)
	// Newest first: each attempt takes the earliest unclaimed transaction made
	// after it, so with attempts made one after another an older attempt can
	// never take the transaction of a newer one.
	pending := audit.Pending(entries)
	slices.Reverse(pending)
	for _, in := range pending {
		tp, terr := e.topupper(in.Provider)
		if terr != nil {
			errs = append(errs, ReconcileError{in.JournalID, terr})
			continue
		}
		req := model.TopupRequest{
			JournalID: in.JournalID,
			Offer:     model.Offer{ID: in.OfferID, Name: in.OfferName, TargetType: model.IDType(in.TargetType)},
			Target:    model.Identifier{Type: model.IDType(in.TargetType), Value: in.TargetID},
			Operator:  in.Operator,
			Reference: in.Reference,
			Since:     in.TS,
		}
		res, rerr := tp.Reconcile(ctx, req, claimed)
		rerr = e.cleanTopup(&res, rerr)
		if rerr != nil || res.Status == "" || res.Status == model.TopupUnknown {
			if rerr == nil {
				rerr = errors.New("provider could not tell the outcome yet")
			}
			errs = append(errs, ReconcileError{in.JournalID, rerr})
			continue
		}
		if res.TransactionID != "" {
			claimed[res.TransactionID] = true
		}
		out := audit.Entry{
			JournalID:     in.JournalID,
			Phase:         "outcome",
			Operator:      e.opts.Operator,
			Provider:      in.Provider,
			OfferID:       in.OfferID,
			TargetType:    in.TargetType,
			TargetID:      in.TargetID,
			Status:        audit.Status(res.Status),
			TransactionID: res.TransactionID,
			Reason:        res.Reason,
			Reference:     in.Reference,
			Reconciled:    true,
			StockLeft:     res.StockLeft,
			Environment:   e.opts.Environment,
		}
		w, aerr := e.opts.Journal.Append(out)
		if aerr != nil {
			return appended, errs, aerr
		}
		appended = append(appended, w)
	}
	return appended, errs, nil
}
