package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// Refusals before anything is written or sent.
var (
	ErrReadOnly  = errors.New("read-only mode: top-ups are disabled by the configuration (readonly = true)")
	ErrDuplicate = errors.New("a top-up of this line with this offer was attempted recently")
	ErrInFlight  = errors.New("a top-up of this line with this offer is already in flight")
	ErrNoJournal = errors.New("no journal: top-ups need the journal to be writable")
)

// DuplicateError tells when the earlier attempt was, for the operator:
// either within the duplicate window, or still pending (its outcome is
// unknown, so it may have moved money).
type DuplicateError struct {
	Attempt journal.Attempt
	Window  time.Duration
	At      time.Time // when the guard refused, for "3 min ago"; zero means now
	// Asker is the operator asking again: their own earlier attempt reads
	// "you topped up…", a colleague's names the colleague.
	Asker string
}

func (d *DuplicateError) Error() string {
	in := d.Attempt.Intent
	what := "offer " + in.OfferID
	if in.Amount != nil {
		what = "amount " + model.FormatMoney(*in.Amount)
	}
	if d.Attempt.Pending() {
		return d.who() + ": " + fmt.Sprintf("a top-up of %s with %s begun at %s (journal %s) is still pending: its outcome is unknown until reconciled; confirm again (--force) to top up once more",
			in.TargetID, what, in.TS.Local().Format("15:04:05"), in.JournalID)
	}
	st := string(d.Attempt.Status())
	return d.who() + ": " + fmt.Sprintf("a top-up of %s with %s was attempted at %s (%s, journal %s) within the %s duplicate window; confirm again (--force) to top up once more",
		in.TargetID, what, in.TS.Local().Format("15:04:05"), st, in.JournalID, shortDuration(d.Window))
}

// Unwrap lets errors.Is(err, ErrDuplicate) find every duplicate refusal.
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

// TopupInput is one requested top-up: by offer, or by Amount (in the
// provider's currency) into the balance Bucket names (TMF654).
type TopupInput struct {
	Provider  string
	Offer     model.Offer
	Amount    *model.Money
	Bucket    string
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
	t, ok := providers.AsToppingUp(r.Provider)
	if !ok {
		return nil, &model.InputError{Msg: "provider " + provider + " (" + r.Provider.Kind() + ") does not sell top-ups"}
	}
	return t, nil
}

// Duplicate finds what the duplicate guard would hold against a top-up of
// this line and offer: an attempt still pending (whatever its age), or one
// within the duplicate window that may have moved money. A window of 0
// turns the window off; a pending attempt still counts. The key is built
// from the typed line (topup.NewKey), as the guarded append builds it, so
// the pre-check and the lock agree on every spelling of a line.
func (e *Engine) Duplicate(provider string, target model.Identifier, offerID string) (journal.Attempt, bool) {
	return e.duplicate(topup.NewKey(provider, target, offerID, nil))
}

// duplicate is the pre-check for one key, outside the journal's lock.
func (e *Engine) duplicate(key topup.Key) (journal.Attempt, bool) {
	if e.opts.Journal == nil {
		return journal.Attempt{}, false
	}
	same, err := e.opts.Journal.Same(context.Background(), key, e.opts.Now().Add(-e.opts.DuplicateWindow))
	if err != nil {
		return journal.Attempt{}, false
	}
	return e.duplicateOf(same)
}

// duplicateOf picks, among the attempts of one key, the one the guard
// refuses a new top-up for: pending first, then a recent spent one.
func (e *Engine) duplicateOf(same []journal.Attempt) (journal.Attempt, bool) {
	for _, a := range same {
		if a.Pending() {
			return a, true
		}
	}
	if e.opts.DuplicateWindow <= 0 {
		return journal.Attempt{}, false
	}
	since := e.opts.Now().Add(-e.opts.DuplicateWindow)
	for _, a := range same {
		if a.Status().Spent() && !a.Intent.TS.Before(since) {
			return a, true
		}
	}
	return journal.Attempt{}, false
}

// journalUnavailable is the one line that stops a top-up when the journal
// could not be opened: nothing is sent without a journal.
func (e *Engine) journalUnavailable() error {
	if e.opts.JournalErr != nil {
		return fmt.Errorf("%w: %v; nothing sent", ErrNoJournal, e.opts.JournalErr)
	}
	return ErrNoJournal
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

// key is the top-up's duplicate key, by the one constructor.
func (in TopupInput) key() topup.Key {
	var line topup.Line
	if in.Target.Value != "" {
		line = in.Target
	}
	return topup.NewKey(in.Provider, line, in.Offer.ID, in.Amount)
}

// sendTopup (called by Topup, which checks the role) runs the money procedure: refuse in read-only mode, refuse a recent
// duplicate unless forced, refuse a second submit while one is in flight,
// write the intent (fsync) BEFORE the request, send it once, then write the
// outcome. A request that may have reached the provider without an answer is
// "unknown" and stays pending in the journal until reconciled.
func (e *Engine) sendTopup(ctx context.Context, in TopupInput) (TopupOutcome, error) {
	if e.opts.ReadOnly {
		return TopupOutcome{}, ErrReadOnly
	}
	if e.opts.Journal == nil {
		return TopupOutcome{}, e.journalUnavailable()
	}
	send, err := e.sender(&in)
	if err != nil {
		return TopupOutcome{}, err
	}
	land, err := e.takeOff(in.key())
	if err != nil {
		return TopupOutcome{}, err
	}
	defer land()
	intent, err := e.writeIntent(ctx, in)
	if err != nil {
		return TopupOutcome{}, err
	}
	req := model.TopupRequest{
		JournalID: intent.JournalID,
		Offer:     in.Offer,
		Amount:    in.Amount,
		Bucket:    in.Bucket,
		Target:    in.Target,
		Operator:  e.opts.Operator,
		Reference: in.Reference,
		Since:     intent.TS,
	}
	res, perr := send(httpx.WithOperation(ctx, "topup"), req)
	out := e.settleAnswer(intent.JournalID, res, perr)
	e.hooks.topped(in.Provider, string(out.Result.Status))
	// Nothing known (no answer): the intent alone stays pending, and the one
	// outcome line of this attempt is the one reconciliation appends. An
	// answer that is not about this top-up is recorded with its reason, and
	// the attempt stays pending all the same.
	if out.Result.Status == topup.Unknown && !out.Result.Mismatch {
		return out, nil
	}
	// The money has moved (or not): the outcome is written even when the
	// caller has given up waiting.
	if w, err := e.opts.Journal.Append(context.WithoutCancel(ctx), e.outcomeEntry(in, intent, out.Result)); err != nil {
		out.JournalErr = err
	} else {
		e.journaled(w)
	}
	return out, nil
}

// takeOff marks the key in flight in this process (every console of a
// shift shares it), or refuses a second submit while one is; land ends it.
func (e *Engine) takeOff(key topup.Key) (land func(), err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if who, busy := e.inFlight[key]; busy {
		return nil, &InFlightError{Operator: who}
	}
	e.inFlight[key] = e.opts.Operator
	return func() {
		e.mu.Lock()
		delete(e.inFlight, key)
		e.mu.Unlock()
	}, nil
}

// writeIntent appends the attempt's intent (fsync) before anything is sent,
// after the duplicate check under the journal's lock (two consoles on one
// journal cannot both pass it for the same key).
func (e *Engine) writeIntent(ctx context.Context, in TopupInput) (journal.Entry, error) {
	price := in.Offer.Price
	intent := journal.Entry{
		TS:          e.opts.Now(),
		JournalID:   journal.NewID(),
		Phase:       journal.PhaseIntent,
		Operator:    e.opts.Operator,
		Provider:    in.Provider,
		OfferID:     in.Offer.ID,
		Amount:      in.Amount,
		OfferName:   in.Offer.Name,
		TargetType:  string(in.Target.Type),
		TargetID:    in.Target.Value,
		Reference:   in.Reference,
		Price:       &price,
		Environment: e.opts.Environment,
	}
	if in.Target.Value == "" {
		intent.TargetType = ""
	}
	// The duplicate check runs under the journal's lock, so two consoles on
	// one journal cannot both pass it for the same line and offer.
	check := func(same []journal.Attempt) error {
		if a, dup := e.duplicateOf(same); dup {
			return &DuplicateError{Attempt: a, Window: e.opts.DuplicateWindow, At: e.opts.Now(), Asker: e.opts.Operator}
		}
		return nil
	}
	// Forced records that the guard was overridden, so only a top-up that
	// was a duplicate is journalled forced: with Force the intent is first
	// offered unforced under the guard, and written forced only when the
	// guard refused it.
	written, err := e.opts.Journal.AppendGuarded(ctx, intent, e.opts.Now().Add(-e.opts.DuplicateWindow), check)
	var de *DuplicateError
	if in.Force && errors.As(err, &de) {
		intent.Forced = true
		written, err = e.opts.Journal.AppendGuarded(ctx, intent, e.opts.Now().Add(-e.opts.DuplicateWindow), nil)
	}
	if err != nil {
		if errors.As(err, &de) {
			return journal.Entry{}, err
		}
		return journal.Entry{}, fmt.Errorf("journal %s not writable, nothing sent: %w", e.opts.Journal.Where(), err)
	}
	e.journaled(written)
	return written, nil
}

// settleAnswer turns the provider's answer (or error) into the attempt's
// outcome: no status with an answer is unknown, a request that provably
// never left is rejected, anything else without a status unknown.
func (e *Engine) settleAnswer(journalID string, res model.TopupResult, perr error) TopupOutcome {
	perr = e.cleanTopup(&res, perr)
	out := TopupOutcome{JournalID: journalID, Err: model.AsError(perr)}
	if res.Status == "" {
		switch {
		case perr == nil:
			res.Status = topup.Unknown
			res.Reason = "the provider's answer carried no status"
		case !res.Sent && isNotSent(perr):
			res.Status = topup.Rejected
		default:
			res.Status = topup.Unknown
		}
	}
	if res.Reason == "" && out.Err != nil {
		res.Reason = out.Err.Error()
	}
	out.Result = res
	return out
}

// outcomeEntry is the journal's outcome line of an attempt.
func (e *Engine) outcomeEntry(in TopupInput, intent journal.Entry, res model.TopupResult) journal.Entry {
	return journal.Entry{
		TS:            e.opts.Now(),
		JournalID:     intent.JournalID,
		Phase:         journal.PhaseOutcome,
		Operator:      e.opts.Operator,
		Provider:      in.Provider,
		OfferID:       in.Offer.ID,
		Amount:        in.Amount,
		TargetType:    intent.TargetType,
		TargetID:      in.Target.Value,
		Status:        res.Status,
		TransactionID: res.TransactionID,
		Reason:        res.Reason,
		Reference:     in.Reference,
		Forced:        intent.Forced,
		StockLeft:     res.StockLeft,
		Environment:   e.opts.Environment,
	}
}

// isNotSent: the connection could not even be made, so nothing was sent.
func isNotSent(err error) bool { return httpx.NotSent(err) }
