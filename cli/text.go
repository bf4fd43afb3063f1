package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
)

// The text formats share the console's formatters, so a number reads the
// same on screen and in a terminal transcript.

func writeLookupText(w io.Writer, id model.Identifier, results []engine.Result, mask bool, now time.Time) {
	fmt.Fprintf(w, "%s %s\n", id.Type.Label(), present.MaskID(mask, id.Type, id.String()))
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s (%s) · %d ms\n", r.Provider, r.Kind, r.Elapsed.Milliseconds())
		if r.Err != nil {
			fmt.Fprintf(w, "   %s: %s", r.Err.Kind.Describe(), r.Err.Message)
			if r.Err.CorrelationID != "" {
				fmt.Fprintf(w, " [correlation %s]", r.Err.CorrelationID)
			}
			fmt.Fprintln(w)
			if hint := present.AccountHint(r.Err, id); hint != "" {
				fmt.Fprintln(w, "   → "+hint)
			}
			continue
		}
		for _, l := range r.Lines {
			head := []string{l.Type.Label() + " " + present.MaskID(mask, l.Type, l.ID)}
			for _, s := range []string{l.Payment, l.Status, l.Supplier} {
				if s != "" {
					head = append(head, s)
				}
			}
			if l.TransactionID != "" {
				head = append(head, "transaction "+l.TransactionID)
			}
			if !l.AsOf.IsZero() {
				head = append(head, "as of "+present.FormatTime(l.AsOf.Time))
			}
			fmt.Fprintln(w, "   "+strings.Join(head, " · "))
			if !l.BillingCycle.Start.IsZero() {
				fmt.Fprintf(w, "   billing cycle %s → %s\n", present.FormatValidTo(l.BillingCycle.Start, true), present.FormatValidTo(l.BillingCycle.End, true))
			}
			// A number is never cut: REMAINING is as wide as its widest
			// value; a long bucket name is cut instead.
			remW := 16
			for i := range l.Buckets {
				remW = max(remW, present.Width(present.FormatQuantity(l.Buckets[i].Remaining)))
			}
			fmt.Fprintln(w, "   "+present.Fit("BUCKET", 36)+" "+present.Fit("USAGE", 6)+" "+present.FitRight("REMAINING", remW)+"  "+present.Fit("VALID TO", 16)+" "+present.FitRight("DAYS", 5))
			var folded []string
			for i := range l.Buckets {
				b := &l.Buckets[i]
				if present.EmptyCategory(b) {
					// Folded as in the console: a category the offer lacks.
					folded = append(folded, b.Name)
					continue
				}
				fmt.Fprintln(w, "   "+present.Fit(b.Name, 36)+" "+present.Fit(string(b.Usage), 6)+" "+present.FitRight(present.FormatQuantity(b.Remaining), remW)+"  "+
					present.Fit(present.FormatValidTo(b.ValidTo, false), 16)+" "+present.FitRight(present.FormatDaysLeft(b, now), 5))
			}
			if len(folded) > 0 {
				fmt.Fprintln(w, "   "+present.Int(len(folded))+" empty (sent at 0 for a category the offer lacks, as in the console; --format json has them): "+strings.Join(folded, ", "))
			}
		}
	}
}

func writeStockText(w io.Writer, offers []model.Offer, errs []engine.StockError) {
	fmt.Fprintln(w, "  "+present.Fit("PROVIDER", 10)+" "+present.Fit("OFFER ID", 36)+" "+present.Fit("OFFER", 36)+" "+present.Fit("SUPPLIER", 18)+" "+
		present.Fit("TYPE", 7)+" "+present.FitRight("PRICE", 12)+" "+present.FitRight("STOCK", 6))
	for _, o := range offers {
		mark, state, stock, price := " ", "", fmt.Sprint(o.Stock), present.FormatPrice(o.Price)
		switch {
		case o.StockInvalid != "":
			mark, state, stock = "?", " stock "+present.Invalid(o.StockInvalid), "?"
		case o.Empty():
			mark, state = "✖", " EMPTY"
		case o.Low:
			mark, state = "!", " LOW"
		}
		if o.Price.Invalid != "" {
			// The reason is too long for the column: it goes at the end.
			mark, price, state = "?", "?", state+" price "+price
		}
		fmt.Fprintln(w, mark+" "+present.Fit(o.Provider, 10)+" "+present.Fit(o.ID, 36)+" "+present.Fit(o.Name, 36)+" "+present.Fit(o.Supplier, 18)+" "+
			present.Fit(o.ProductType, 7)+" "+present.FitRight(price, 12)+" "+present.FitRight(stock, 6)+state)
	}
	for _, e := range errs {
		fmt.Fprintf(w, "✖ %s: %s: %s\n", e.Provider, e.Kind, e.Message)
	}
}

// attemptView is an attempt of the journal as present describes it.
func attemptView(a attemptJSON) present.Attempt {
	v := present.Attempt{
		JournalID: a.JournalID, When: a.TS, Operator: a.Operator, Provider: a.Provider,
		TargetType: string(a.TargetType), TargetID: a.TargetID, OfferID: a.OfferID, OfferName: a.OfferName,
		Reference: a.Reference, Environment: a.Environment, Pending: a.Pending, Forced: a.Forced,
	}
	if a.Price != nil {
		v.Price = present.FormatPrice(*a.Price)
	}
	if o := a.Outcome; o != nil {
		v.Status, v.TransactionID, v.Reason, v.Reconciled, v.ResolvedBy = string(o.Status), o.TransactionID, o.Reason, o.Reconciled, o.ResolvedBy
		if v.OfferName == "" {
			v.OfferName = o.OfferName
		}
	}
	return v
}

// writeAttemptsText writes the journal's attempts as a table with
// headings, offer names and references, every value whole.
func writeAttemptsText(w io.Writer, as []attemptJSON) {
	vs := make([]present.Attempt, len(as))
	for i, a := range as {
		vs[i] = attemptView(a)
	}
	for _, l := range present.AttemptTable(vs) {
		fmt.Fprintln(w, l)
	}
}
