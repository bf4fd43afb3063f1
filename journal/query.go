package journal

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

// Closed reports an attempt reconciliation has nothing left to do for
// (topup.Outcome.Closes: settled, and when ok, with its transaction id):
// the stores drop it from their open set exactly then.
func (a Attempt) Closed() bool {
	return a.Outcome != nil && a.Outcome.Status.Closes(a.Outcome.TransactionID)
}

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
