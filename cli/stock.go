package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"simdesk/engine"
	"simdesk/model"
)

type stockJSON struct {
	Offers []model.Offer       `json:"offers"`
	Errors []engine.StockError `json:"errors"`
}

func runStock(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("stock", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	provider := fs.String("provider", "", "only this provider")
	pos, err := start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	if err := noArgs("stock", pos); err != nil {
		return fail(env, err)
	}
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	offers, errs, err := s.engine.Stock(ctx, *provider)
	if err != nil {
		return fail(env, err)
	}
	if offers == nil {
		offers = []model.Offer{}
	}
	if errs == nil {
		errs = []engine.StockError{}
	}
	if c.format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(stockJSON{Offers: offers, Errors: errs})
	} else {
		writeStockText(env.Stdout, offers, errs)
	}
	for _, e := range errs {
		fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(e.Err.Error()))
	}
	if len(errs) > 0 {
		return ExitProvider
	}
	return ExitOK
}

func writeStockText(w io.Writer, offers []model.Offer, errs []engine.StockError) {
	fmt.Fprintf(w, "  %-10s %-36s %-36s %-18s %-7s %12s %6s\n", "PROVIDER", "OFFER ID", "OFFER", "SUPPLIER", "TYPE", "PRICE", "STOCK")
	for _, o := range offers {
		mark := " "
		state := ""
		switch {
		case o.Empty():
			mark, state = "✖", " EMPTY"
		case o.Low:
			mark, state = "!", " LOW"
		}
		fmt.Fprintf(w, "%s %-10s %-36s %-36s %-18s %-7s %12s %6d%s\n", mark, clipRunes(o.Provider, 10), o.ID, clipRunes(o.Name, 36),
			clipRunes(o.Supplier, 18), o.ProductType, o.Price.Currency+" "+model.Grouped(o.Price.Amount, 2), o.Stock, state)
	}
	for _, e := range errs {
		fmt.Fprintf(w, "✖ %s: %s: %s\n", e.Provider, e.Kind, e.Message)
	}
}
