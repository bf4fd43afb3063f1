package journal

import "fmt"

// checkHistory refuses a history no store writes, whatever its chain: an
// imported file must mean what the stores let happen, not only recompute.
// Each attempt has one intent (its journal id is unique), every outcome
// comes after its attempt's intent, and an attempt has one definitive
// outcome, except that an ok without a transaction id may be followed by
// the ok that adds the id (reconciled or resolved by hand), as the engine
// allows; "unknown" outcomes may come at any time after the intent (they
// never override a definitive one). It returns the first line that breaks
// a rule, or nil. lineNo[i] is entries[i]'s line number.
func checkHistory(entries []Entry, lineNo []int) *Problem {
	intentAt := make(map[string]int, len(entries)/2)
	for i, e := range entries {
		if e.Phase != PhaseIntent {
			continue
		}
		if first, ok := intentAt[e.JournalID]; ok {
			return &Problem{Line: lineNo[i], Msg: fmt.Sprintf("journal id %s has a second intent (the first is line %d)", e.JournalID, first)}
		}
		intentAt[e.JournalID] = lineNo[i]
	}
	settled := map[string]int{}  // id → line of its closing outcome
	awaiting := map[string]int{} // id → line of its ok without a transaction id
	for i, e := range entries {
		if e.Phase != PhaseOutcome {
			continue
		}
		n, id := lineNo[i], e.JournalID
		at, ok := intentAt[id]
		switch {
		case !ok:
			return &Problem{Line: n, Msg: fmt.Sprintf("outcome of %s has no intent", id)}
		case at > n:
			return &Problem{Line: n, Msg: fmt.Sprintf("outcome of %s comes before its intent (line %d)", id, at)}
		case !e.Status.Definitive():
			continue
		}
		if s, ok := settled[id]; ok {
			return &Problem{Line: n, Msg: fmt.Sprintf("second definitive outcome of %s (it was settled at line %d)", id, s)}
		}
		if w, ok := awaiting[id]; ok && (e.Status != StatusOK || e.TransactionID == "") {
			return &Problem{Line: n, Msg: fmt.Sprintf("outcome %s of %s after its ok at line %d: only the ok that adds the transaction id may follow", e.Status, id, w)}
		}
		out := e
		if closes(&out) {
			settled[id] = n
		} else {
			awaiting[id] = n
		}
	}
	return nil
}
