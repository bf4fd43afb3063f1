package present

import (
	"strings"

	"simdesk/model"
	"simdesk/topup"
)

// Fact is one labelled line of a top-up confirmation. The console shows the
// facts in its dialog and the headless topup prints them before asking, so
// an operator reads the same words whichever they use.
type Fact struct{ Label, Value string }

// TopupFacts is what a confirmation states about a top-up about to be sent.
type TopupFacts struct {
	Environment  string // demo | sandbox | production
	Provider     string
	ProviderKind string // "" leaves the kind out
	Target       model.Identifier
	Supplier     string // the line's supplier, if known
	Offer        model.Offer
	Reference    string
	Mask         bool // MaskIdentifiers: hide all but the last 4 digits
}

// ConfirmFacts lists the facts an operator checks before money moves, in
// the order they check them: where (environment, provider), who (line), what
// (offer, price) and what follows (stock after, reference).
func ConfirmFacts(t TopupFacts) []Fact {
	out := whereFacts(t.Environment, t.Provider, t.ProviderKind)
	if t.Target.Value != "" {
		line := t.Target.Type.Label() + " " + MaskID(t.Mask, t.Target.Type, t.Target.String())
		if t.Supplier != "" {
			line += " (" + t.Supplier + ")"
		}
		out = append(out, Fact{"Line", line})
	}
	offer := t.Offer.Name
	var about []string
	for _, s := range []string{t.Offer.Supplier, t.Offer.ProductType} {
		if s != "" && s != t.Supplier {
			about = append(about, s)
		}
	}
	if len(about) > 0 {
		offer += " (" + strings.Join(about, ", ") + ")"
	}
	out = append(out,
		Fact{"Offer", offer},
		Fact{"Offer id", t.Offer.ID},
		Fact{"Price", FormatPrice(t.Offer.Price)},
		Fact{"Stock after", Int(t.Offer.Stock - 1)},
	)
	return append(out, referenceFact(t.Reference))
}

// whereFacts are the first facts of every confirmation: the environment
// and the provider with its kind.
func whereFacts(environment, provider, kind string) []Fact {
	if kind != "" {
		provider += " (" + kind + ")"
	}
	return []Fact{{"Environment", strings.ToUpper(environment)}, {"Provider", provider}}
}

// referenceFact is the last fact of every confirmation: the operator's
// reference, or a dash.
func referenceFact(ref string) Fact {
	if ref == "" {
		ref = Dash
	}
	return Fact{"Reference", ref}
}

// OutcomeKind is how a top-up's outcome is shown (its colour) and what a
// command exits on: one mapping from topup.Outcome (KindOf) that the
// console and the headless commands both read.
type OutcomeKind string

// Outcome kinds.
const (
	OutcomeOK      OutcomeKind = "ok"      // money moved as asked
	OutcomeWarn    OutcomeKind = "warn"    // the console's colour for an unknown or unjournalled outcome
	OutcomeDanger  OutcomeKind = "danger"  // nothing was applied
	OutcomeUnknown OutcomeKind = "unknown" // may have moved money: reconcile before any retry
)

// KindOf is the one mapping from a top-up's result to how it is shown and
// exited on: ok; rejected or not found (nothing applied); anything else,
// accepted-not-applied included, unknown (it settles by reconciliation).
func KindOf(r model.TopupResult) OutcomeKind {
	switch {
	case r.Status == topup.OK:
		return OutcomeOK
	case r.Status == topup.Rejected, r.Status == topup.NotFound:
		return OutcomeDanger
	}
	return OutcomeUnknown
}

// OutcomeLines explains what a top-up did, first line the verdict: what was
// applied with its transaction and stock left, or why it was rejected and
// that nothing was applied, or that the outcome is unknown and must be
// reconciled before any retry. The journal id always closes it.
func OutcomeLines(offerName, provider string, r model.TopupResult, journalID string) (lines []string, kind OutcomeKind) {
	switch kind = KindOf(r); kind {
	case OutcomeOK:
		lines = append(lines, "✔ OK · "+offerName+" applied")
		var facts []string
		if r.TransactionID != "" {
			facts = append(facts, "transaction "+r.TransactionID)
		}
		if r.StockLeft != nil {
			facts = append(facts, "stock left "+Int(*r.StockLeft))
		}
		if len(facts) > 0 {
			lines = append(lines, strings.Join(facts, " · "))
		}
	case OutcomeDanger:
		lines = append(lines, "✖ REJECTED by "+provider+": "+NonEmpty(r.Reason, "no reason given"), "nothing was applied; the stock is unchanged")
	default:
		lines = append(lines, "? OUTCOME UNKNOWN: "+NonEmpty(r.Reason, "no answer from the provider"),
			"Do not retry yet: the attempt is pending in the journal. Reconcile it first to learn what happened.")
	}
	if journalID != "" {
		lines = append(lines, "journal "+journalID)
	}
	return lines, kind
}

// NonEmpty is s, or def when s is blank.
func NonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// AccountHint tells how to give the billing account when a provider
// refused a lookup for want of one (the cvp API needs it for CWC postpaid
// lines): "" for any other error.
func AccountHint(e *model.Error, id model.Identifier) string {
	if e == nil || id.Account != "" {
		return ""
	}
	m := strings.ToLower(e.Message)
	if !strings.Contains(m, "account") || !strings.Contains(m, "relatedparty") && !strings.Contains(m, "billing") {
		return ""
	}
	return "this line needs its billing account: search " + id.Value + "@ACCOUNT (headless: --account ACCOUNT)"
}
