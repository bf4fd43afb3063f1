package topup

import "fmt"

// Outcome is what became of one top-up attempt: what a provider answers,
// what the journal records, what the screens show and the commands exit
// on. It is a type, and the journal's text of each kind is checked when
// read, so a misspelt outcome neither compiles nor loads.
//
// "Accepted, not applied yet" (TMF654 "created") is not a kind of its own:
// the contract has always written it as unknown plus "accepted": true, and
// it settles like any unknown outcome (TopupResult.Accepted qualifies it).
type Outcome string

// The outcomes. The zero Outcome is "none recorded" (an intent line).
const (
	// OK: the provider made the transaction (its id may be unknown yet).
	OK Outcome = "ok"
	// Rejected: the provider refused, or the request provably never left.
	Rejected Outcome = "rejected"
	// Unknown: it may have reached the provider; reconciliation settles it.
	Unknown Outcome = "unknown"
	// NotFound: after the settle time the provider's complete list still
	// holds no transaction for the attempt. A conclusion drawn from
	// absence, kept apart from a provider's explicit "rejected".
	NotFound Outcome = "not_found"
)

// Outcomes lists every outcome, in the order the documentation gives them.
func Outcomes() []Outcome { return []Outcome{OK, Rejected, Unknown, NotFound} }

// ParseOutcome reads an outcome's text; "" is no outcome.
func ParseOutcome(s string) (Outcome, error) {
	switch o := Outcome(s); o {
	case "", OK, Rejected, Unknown, NotFound:
		return o, nil
	}
	return "", fmt.Errorf("unknown outcome %q (outcomes: ok, rejected, unknown, not_found)", clip(s))
}

// MarshalText writes the outcome's text, refusing one that is not an outcome.
func (o Outcome) MarshalText() ([]byte, error) {
	if _, err := ParseOutcome(string(o)); err != nil {
		return nil, err
	}
	return []byte(o), nil
}

// UnmarshalText reads an outcome's text, refusing anything else.
func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := ParseOutcome(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// Definitive reports an outcome that settles whether money moved: ok,
// rejected or not found. Unknown (or none) leaves the attempt pending.
func (o Outcome) Definitive() bool { return o == OK || o == Rejected || o == NotFound }

// Spent reports an outcome that may have moved money: anything but a
// rejection or a not-found conclusion. The duplicate guard counts these.
func (o Outcome) Spent() bool { return o != Rejected && o != NotFound }

// Closes is the one rule for "reconciliation has nothing left to do for
// this attempt": a definitive outcome, and when ok, with the provider's
// transaction id (an ok without one may still get its id, and no other
// attempt may take that transaction meanwhile).
func (o Outcome) Closes(transactionID string) bool {
	return o.Definitive() && (o != OK || transactionID != "")
}
