package present

import (
	"strconv"

	"simdesk/model"
	"simdesk/topup"
)

// AmountFacts is what a confirmation states about a top-up by amount
// (TMF654): the amount and its currency, and the balance it goes to.
type AmountFacts struct {
	Environment  string
	Provider     string
	ProviderKind string
	Target       model.Identifier
	Amount       model.Money
	Bucket       model.Bucket // the balance topped up, as last read
	Reference    string
	Mask         bool
}

// AmountConfirmFacts lists the facts of an amount top-up in the order an
// operator checks them: where, who, how much, into which balance (now and
// after), and the reference. The console and the headless topup show the
// same words.
func AmountConfirmFacts(t AmountFacts) []Fact {
	out := append(whereFacts(t.Environment, t.Provider, t.ProviderKind), []Fact{
		{"Line", t.Target.Type.Label() + " " + MaskID(t.Mask, t.Target.Type, t.Target.String())},
		{"Amount", t.Amount.String()},
		{"Currency", t.Amount.Currency},
		{"Balance", BucketLabel(t.Bucket)},
	}...)
	if before, after, ok := balanceAfter(t.Bucket.Remaining, t.Amount); ok {
		out = append(out, Fact{"Balance now", before.String() + " → " + after.String() + " after"})
	} else {
		out = append(out, Fact{"Balance now", FormatQuantity(t.Bucket.Remaining)})
	}
	return append(out, referenceFact(t.Reference))
}

// balanceAfter is a balance before and after an amount is added, exactly:
// the balance is a provider's quantity (a float) read as its shortest
// decimal in the amount's currency; false when it is not a balance of that
// currency or has more decimals than the currency has.
func balanceAfter(now model.Quantity, m model.Money) (before, after model.Money, ok bool) {
	if !now.Known() || now.Unlimited || now.Unit != m.Currency {
		return before, after, false
	}
	before, err := topup.FromNumber(strconv.FormatFloat(now.Value(), 'f', -1, 64), m.Currency)
	if err != nil {
		return before, after, false
	}
	after, err = before.Add(m)
	return before, after, err == nil
}

// BucketLabel names a balance for an operator: its name and, when it has
// one, its id ("Prepaid Balance (B-9077613-1)").
func BucketLabel(b model.Bucket) string {
	switch {
	case b.Name != "" && b.ID != "" && b.Name != b.ID:
		return b.Name + " (" + b.ID + ")"
	case b.Name != "":
		return b.Name
	}
	return b.ID
}
