package present

import (
	"strings"
	"time"
)

// Attempt is one top-up attempt as both front ends describe it: the intent
// and, when known, its outcome. The console and the headless journal fill it
// from the journal, so an attempt reads the same everywhere.
type Attempt struct {
	JournalID     string
	When          time.Time
	Operator      string
	Provider      string
	TargetType    string
	TargetID      string // already masked when masking is on
	OfferID       string
	OfferName     string
	Reference     string
	Environment   string
	Pending       bool
	Status        string
	TransactionID string
	Reason        string
	Reconciled    bool
	ResolvedBy    string
	Forced        bool
	Price         string
}

// StatusWord is the attempt's state in one word: PENDING while the outcome
// is unknown, else the outcome's status.
func (a Attempt) StatusWord() string {
	if a.Pending {
		return "PENDING"
	}
	return NonEmpty(a.Status, "unknown")
}

// Offer is the offer's name, falling back to its id: an operator reads
// names, not UUIDs.
func (a Attempt) Offer() string { return NonEmpty(a.OfferName, a.OfferID) }

// Facts lists every field of an attempt whole, for the console's detail
// and for a ticket: what, for whom, by whom, when, and how it ended.
func (a Attempt) Facts() []Fact {
	out := []Fact{
		{"Journal id", a.JournalID},
		{"When", FormatTime(a.When)},
		{"Status", a.StatusWord()},
		{"Provider", a.Provider},
		{"Line", strings.TrimSpace(a.TargetType + " " + a.TargetID)},
		{"Offer", a.Offer()},
	}
	if a.OfferName != "" && a.OfferID != "" {
		out = append(out, Fact{"Offer id", a.OfferID})
	}
	if a.Price != "" {
		out = append(out, Fact{"Price", a.Price})
	}
	out = append(out, Fact{"Reference", NonEmpty(a.Reference, Dash)}, Fact{"Operator", NonEmpty(a.Operator, Dash)})
	if a.Environment != "" {
		out = append(out, Fact{"Environment", strings.ToUpper(a.Environment)})
	}
	if a.Forced {
		out = append(out, Fact{"Forced", "yes: the duplicate guard was overridden"})
	}
	switch {
	case a.Pending:
		out = append(out, Fact{"Outcome", "unknown: reconcile before trying again"})
	default:
		out = append(out, Fact{"Transaction", NonEmpty(a.TransactionID, Dash)})
		if a.Reason != "" {
			out = append(out, Fact{"Reason", a.Reason})
		}
		switch {
		case a.ResolvedBy != "":
			out = append(out, Fact{"Settled", "by hand, by " + a.ResolvedBy})
		case a.Reconciled:
			out = append(out, Fact{"Settled", "reconciled with the provider afterwards"})
		}
	}
	return out
}

// AttemptTable renders attempts as a table with headings, every value
// whole (the columns take the width of their widest value), and a second,
// indented line with the transaction, the reason and who settled it.
func AttemptTable(as []Attempt) []string {
	heads := []string{"WHEN (UTC)", "STATUS", "PROVIDER", "LINE", "OFFER", "REFERENCE", "BY", "JOURNAL ID"}
	cells := make([][]string, len(as))
	widths := make([]int, len(heads))
	for i, h := range heads {
		widths[i] = Width(h)
	}
	for r, a := range as {
		cells[r] = []string{a.When.UTC().Format("2006-01-02 15:04:05"), a.StatusWord(), a.Provider,
			strings.TrimSpace(a.TargetType + " " + a.TargetID), a.Offer(), NonEmpty(a.Reference, Dash), NonEmpty(a.Operator, Dash), a.JournalID}
		for i, c := range cells[r] {
			widths[i] = max(widths[i], Width(c))
		}
	}
	row := func(cs []string) string {
		var b strings.Builder
		for i, c := range cs {
			if i == len(cs)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(Fit(c, widths[i]) + "  ")
		}
		return strings.TrimRight(b.String(), " ")
	}
	out := []string{row(heads)}
	for r, a := range as {
		out = append(out, row(cells[r]))
		var more []string
		if a.TransactionID != "" {
			more = append(more, "transaction "+a.TransactionID)
		}
		if a.Reason != "" && a.Status != "ok" {
			more = append(more, "reason: "+a.Reason)
		}
		switch {
		case a.Pending:
			more = append(more, "outcome unknown: simdesk journal --reconcile")
		case a.ResolvedBy != "":
			more = append(more, "settled by hand by "+a.ResolvedBy)
		case a.Reconciled:
			more = append(more, "reconciled")
		}
		if a.Forced {
			more = append(more, "forced past the duplicate guard")
		}
		if len(more) > 0 {
			out = append(out, "    "+strings.Join(more, " · "))
		}
	}
	return out
}
