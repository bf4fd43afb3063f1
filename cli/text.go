package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/ui"
)

// The text formats share the console's formatters, so a number reads the
// same on screen and in a terminal transcript.

func writeLookupText(w io.Writer, id model.Identifier, results []engine.Result, mask bool, now time.Time) {
	fmt.Fprintf(w, "%s %s\n", id.Type.Label(), ui.MaskID(mask, id.Type, id.String()))
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s (%s) · %d ms\n", r.Provider, r.Kind, r.Elapsed.Milliseconds())
		if r.Err != nil {
			fmt.Fprintf(w, "   %s: %s", r.Err.Kind.Describe(), r.Err.Message)
			if r.Err.CorrelationID != "" {
				fmt.Fprintf(w, " [correlation %s]", r.Err.CorrelationID)
			}
			fmt.Fprintln(w)
			continue
		}
		for _, l := range r.Lines {
			head := []string{l.Type.Label() + " " + ui.MaskID(mask, l.Type, l.ID)}
			for _, s := range []string{l.Payment, l.Status, l.Supplier} {
				if s != "" {
					head = append(head, s)
				}
			}
			if l.TransactionID != "" {
				head = append(head, "transaction "+l.TransactionID)
			}
			if !l.AsOf.IsZero() {
				head = append(head, "as of "+ui.FormatTime(l.AsOf.Time))
			}
			fmt.Fprintln(w, "   "+strings.Join(head, " · "))
			if !l.BillingCycle.Start.IsZero() {
				fmt.Fprintf(w, "   billing cycle %s → %s\n", ui.FormatValidTo(l.BillingCycle.Start, true), ui.FormatValidTo(l.BillingCycle.End, true))
			}
			fmt.Fprintln(w, "   "+ui.Fit("BUCKET", 36)+" "+ui.Fit("USAGE", 6)+" "+ui.FitRight("REMAINING", 16)+"  "+ui.Fit("VALID TO", 16)+" "+ui.FitRight("DAYS", 5))
			for i := range l.Buckets {
				b := &l.Buckets[i]
				fmt.Fprintln(w, "   "+ui.Fit(b.Name, 36)+" "+ui.Fit(string(b.Usage), 6)+" "+ui.FitRight(ui.FormatQuantity(b.Remaining), 16)+"  "+
					ui.Fit(ui.FormatValidTo(b.ValidTo, false), 16)+" "+ui.FitRight(ui.FormatDaysLeft(b, now), 5))
			}
		}
	}
}

func writeStockText(w io.Writer, offers []model.Offer, errs []engine.StockError) {
	fmt.Fprintln(w, "  "+ui.Fit("PROVIDER", 10)+" "+ui.Fit("OFFER ID", 36)+" "+ui.Fit("OFFER", 36)+" "+ui.Fit("SUPPLIER", 18)+" "+
		ui.Fit("TYPE", 7)+" "+ui.FitRight("PRICE", 12)+" "+ui.FitRight("STOCK", 6))
	for _, o := range offers {
		mark, state := " ", ""
		switch {
		case o.Empty():
			mark, state = "✖", " EMPTY"
		case o.Low:
			mark, state = "!", " LOW"
		}
		fmt.Fprintln(w, mark+" "+ui.Fit(o.Provider, 10)+" "+ui.Fit(o.ID, 36)+" "+ui.Fit(o.Name, 36)+" "+ui.Fit(o.Supplier, 18)+" "+
			ui.Fit(o.ProductType, 7)+" "+ui.FitRight(ui.FormatPrice(o.Price), 12)+" "+ui.FitRight(fmt.Sprint(o.Stock), 6)+state)
	}
	for _, e := range errs {
		fmt.Fprintf(w, "✖ %s: %s: %s\n", e.Provider, e.Kind, e.Message)
	}
}
