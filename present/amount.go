package present

import (
	"simdesk/model"
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
		{"Amount", model.FormatMoney(t.Amount)},
		{"Currency", t.Amount.Currency},
		{"Balance", BucketLabel(t.Bucket)},
	}...)
	if now := t.Bucket.Remaining; now.Known() && !now.Unlimited && now.Unit == t.Amount.Currency {
		after := model.Money{Amount: now.Value() + t.Amount.Amount, Currency: t.Amount.Currency}
		out = append(out, Fact{"Balance now", model.FormatMoney(model.Money{Amount: now.Value(), Currency: now.Unit}) + " → " + model.FormatMoney(after) + " after"})
	} else {
		out = append(out, Fact{"Balance now", FormatQuantity(now)})
	}
	return append(out, referenceFact(t.Reference))
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
