package cli

import (
	"context"
	"flag"
	"fmt"

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
	pos, err := env.start(fs, &c, args)
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
	pctx, stopProgress := startProgress(ctx, env, "reading stock")
	offers, errs, err := s.engine.Stock(pctx, *provider)
	stopProgress()
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
		writeJSON(env.Stdout, stockJSON{Offers: offers, Errors: errs})
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
