package journal

import (
	"reflect"
	"testing"
	"time"

	"simdesk/topup"
)

var t0 = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// at builds an entry at t0+min minutes.
func at(e Entry, min int) Entry {
	e.TS = t0.Add(time.Duration(min) * time.Minute)
	return e
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.JournalID)
	}
	return out
}

func TestPendingAndOutcomes(t *testing.T) {
	unknown := outcome("b", topup.Unknown, "")
	reconciled := outcome("b", topup.OK, "trx-b")
	reconciled.Reconciled = true
	entries := []Entry{
		at(intent("a", "op"), 0),
		at(intent("b", "op"), 1),
		at(outcome("a", topup.OK, "trx-a"), 2),
		at(intent("c", "op"), 3),
		at(unknown, 4),
		at(intent("d", "op"), 5),
		at(outcome("d", topup.Rejected, ""), 6),
	}
	// b has only an "unknown" outcome, c none: both pending, in order.
	if got := ids(refPending(entries)); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("Pending = %v", got)
	}
	outs := Outcomes(entries)
	if len(outs) != 3 || outs["a"].Status != "ok" || outs["b"].Status != "unknown" || outs["d"].Status != "rejected" {
		t.Errorf("Outcomes = %+v", outs)
	}
	// Reconciliation settles b; a later stray "unknown" does not unsettle it.
	entries = append(entries, at(reconciled, 7), at(outcome("b", topup.Unknown, ""), 8))
	if got := ids(refPending(entries)); !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("Pending after reconcile = %v", got)
	}
	if o := Outcomes(entries)["b"]; o.Status != topup.OK || !o.Reconciled || o.TransactionID != "trx-b" {
		t.Errorf("Outcomes[b] = %+v", o)
	}
	if len(refPending(nil)) != 0 || len(Outcomes(nil)) != 0 {
		t.Error("empty journal has pending attempts")
	}
}

func TestRecent(t *testing.T) {
	entries := []Entry{
		at(intent("a", "op"), 0),
		at(intent("b", "op"), 1),
		at(outcome("a", topup.OK, "trx-a"), 2),
		at(intent("c", "op"), 3),
		at(outcome("orphan", topup.OK, "trx-o"), 4), // its intent line was torn
	}
	all := refRecent(entries, 0)
	var got []string
	for _, a := range all {
		got = append(got, a.Intent.JournalID)
	}
	if !reflect.DeepEqual(got, []string{"orphan", "c", "b", "a"}) {
		t.Fatalf("Recent order = %v", got)
	}
	if all[3].Outcome == nil || all[3].Outcome.TransactionID != "trx-a" || all[3].Status() != "ok" || all[3].Pending() {
		t.Errorf("a: %+v", all[3])
	}
	if all[2].Outcome != nil || all[2].Status() != topup.Unknown || !all[2].Pending() {
		t.Errorf("b: %+v", all[2])
	}
	if all[0].Intent.Phase != PhaseOutcome || all[0].Outcome == nil || all[0].Status() != "ok" {
		t.Errorf("orphan outcome: %+v", all[0])
	}
	if r := refRecent(entries, 2); len(r) != 2 || r[0].Intent.JournalID != "orphan" || r[1].Intent.JournalID != "c" {
		t.Errorf("Recent(2) = %+v", r)
	}
	if r := refRecent(entries, 99); len(r) != 4 {
		t.Errorf("Recent(99) has %d", len(r))
	}
	// An orphan outcome is not "pending": its outcome is known.
	if got := ids(refPending(entries)); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("Pending = %v", got)
	}
	// Recent keeps the intent's own fields, not the outcome's.
	e2 := []Entry{at(outcome("x", "ok", "t"), 1), at(intent("x", "bob"), 0)}
	if r := refRecent(e2, 1); r[0].Intent.Phase != PhaseIntent || r[0].Intent.Operator != "bob" {
		t.Errorf("outcome before intent: %+v", r[0])
	}
}

// refPending and refRecent are the whole-history answers the stores' indexed
// reads must match (the tests' reference model): the intents whose outcome
// is unknown, in journal order, and the n most recent attempts, newest first
// (all when n <= 0).
func refPending(entries []Entry) []Entry {
	var out []Entry
	for _, a := range attempts(entries) {
		if a.Pending() && a.Intent.Phase == PhaseIntent {
			out = append(out, a.Intent)
		}
	}
	return out
}

func refRecent(entries []Entry, n int) []Attempt {
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
