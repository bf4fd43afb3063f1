package topup

import "strings"

// Line is a typed line (model.Identifier): its normal form is what the
// duplicate guard compares, so 0033…, +33… and 33… are one MSISDN and a SIM
// id keeps its leading zeros. Taking the typed line, not its text, is what
// keeps the console's pre-check and the journal's lock on one key.
type Line interface {
	NormalLine() string
}

// Key is what makes two top-ups "the same" for the duplicate guard and for
// reconciliation: the provider, the line in its normal form, and the offer,
// or the amount for a top-up by amount ("USD 10.00": 10, 10.0 and 10.00
// dollars are one amount; "" for an offer top-up). Two keys are equal (==)
// exactly when the attempts are duplicates of each other; the stores index
// and the engine's in-flight set use it as it is.
type Key struct {
	Provider string
	Line     string // Line.NormalLine() of the target; "" for an eSIM sale
	OfferID  string
	Amount   string // Money.String() of an amount top-up
}

// NewKey is the one constructor of a Key, for the pre-check, the guarded
// append and the stores alike.
func NewKey(provider string, line Line, offerID string, amount *Money) Key {
	k := Key{Provider: provider, OfferID: strings.TrimSpace(offerID)}
	if line != nil {
		k.Line = line.NormalLine()
	}
	if amount != nil {
		k.Amount = amount.String()
	}
	return k
}
