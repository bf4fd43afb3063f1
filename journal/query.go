package journal

import (
	"time"

	"simdesk/model"
)

// Attempt is one top-up attempt: its intent and, once known, its outcome.
type Attempt struct {
	Intent Entry
	// Outcome is the attempt's settled outcome (see Outcomes), nil while
	// none was recorded.
	Outcome *Entry
}

// Status is the outcome status, or StatusUnknown while there is none: an
// intent without an outcome may or may not have reached the provider.
func (a Attempt) Status() Status {
	if a.Outcome == nil || a.Outcome.Status == "" {
		return StatusUnknown
	}
	return a.Outcome.Status
}

// AwaitsID reports an attempt the provider answered ok without a
// transaction id: reconciliation may still add the id, and no other
// attempt may take that transaction meanwhile.
func (a Attempt) AwaitsID() bool {
	return a.Outcome != nil && a.Outcome.Status == StatusOK && a.Outcome.TransactionID == ""
}

// Pending reports an attempt whose outcome is unknown: none recorded, or
// only "unknown" (a timeout); it must be reconciled against the provider.
func (a Attempt) Pending() bool { return !a.Status().Definitive() }

// Outcomes maps each journal_id to its settled outcome. An attempt may have
// several outcome lines ("unknown" after a timeout, then the reconciled
// one): the last definitive one (ok or rejected) wins, and an "unknown"
// never overrides a definitive outcome.
func Outcomes(entries []Entry) map[string]Entry {
	out := map[string]Entry{}
	for _, e := range entries {
		if e.Phase != PhaseOutcome {
			continue
		}
		if prev, ok := out[e.JournalID]; ok && definitive(prev) && !definitive(e) {
			continue
		}
		out[e.JournalID] = e
	}
	return out
}

func definitive(e Entry) bool { return e.Status.Definitive() }

// attempts groups entries into attempts in the order their first line
// appears. An outcome whose intent line is missing (torn by a crash) still
// forms an attempt, with Intent set to the outcome entry itself (its Phase
// says so): an attempt that spent money must never vanish from the list.
func attempts(entries []Entry) []Attempt {
	outs := Outcomes(entries)
	intents := map[string]Entry{}
	for _, e := range entries {
		if _, ok := intents[e.JournalID]; !ok && e.Phase == PhaseIntent {
			intents[e.JournalID] = e
		}
	}
	seen := map[string]bool{}
	var list []Attempt
	for _, e := range entries {
		if seen[e.JournalID] {
			continue
		}
		seen[e.JournalID] = true
		a := Attempt{Intent: e}
		if in, ok := intents[e.JournalID]; ok {
			a.Intent = in
		}
		if o, ok := outs[e.JournalID]; ok {
			a.Outcome = &o
		}
		list = append(list, a)
	}
	return list
}

// Pending returns the intents whose outcome is unknown (no outcome yet, or
// only "unknown"), in journal order: what the console shows as "outcome
// unknown" at start and what `journal --reconcile` asks the providers about.
func Pending(entries []Entry) []Entry {
	var out []Entry
	for _, a := range attempts(entries) {
		if a.Pending() && a.Intent.Phase == PhaseIntent {
			out = append(out, a.Intent)
		}
	}
	return out
}

// Recent returns the n most recent attempts, newest first (all when n <= 0).
func Recent(entries []Entry, n int) []Attempt {
	list := attempts(entries)
	if n <= 0 || n > len(list) {
		n = len(list)
	}
	out := make([]Attempt, 0, n)
	for i := len(list) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, list[i])
	}
	return out
}

// LastAttempt is the duplicate guard: the most recent attempt, begun at or
// after since, of the same offer on the same line with the same provider,
// that was not rejected (ok, unknown or still pending). A rejected attempt
// spent nothing, so retrying it is no duplicate.
func LastAttempt(entries []Entry, provider, targetID, offerID string, since time.Time) (Attempt, bool) {
	list := attempts(entries)
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		in := a.Intent
		if KeyOf(in) != (Key{Provider: provider, Line: model.NormalLine(model.IDType(in.TargetType), targetID), OfferID: offerID}) {
			continue
		}
		if in.TS.Before(since) {
			continue
		}
		if !a.Status().Spent() {
			continue
		}
		return a, true
	}
	return Attempt{}, false
}

// ClaimedTransactions is the set of provider transaction ids already
// recorded in outcomes, so that reconciliation never attributes one
// transaction to two attempts.
func ClaimedTransactions(entries []Entry) map[string]bool {
	out := map[string]bool{}
	for _, e := range entries {
		if e.Phase == PhaseOutcome && e.TransactionID != "" {
			out[e.TransactionID] = true
		}
	}
	return out
}
