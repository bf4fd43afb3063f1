package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

type lookupJSON struct {
	Query   queryJSON    `json:"query"`
	Results []resultJSON `json:"results"`
}

type queryJSON struct {
	ID      string       `json:"id"`
	Type    model.IDType `json:"type"`
	Account string       `json:"account,omitempty"`
}

type resultJSON struct {
	Provider  string       `json:"provider"`
	Kind      string       `json:"kind"`
	Error     *model.Error `json:"error"`
	Lines     []model.Line `json:"lines"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

func runLookup(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	provider := fs.String("provider", "", "ask only this provider")
	typ := fs.String("type", "", "identifier type: msisdn, sim, subscription, transaction")
	account := fs.String("account", "", "billing account (relatedParty.id)")
	pos, err := env.start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	if len(pos) != 1 {
		return fail(env, usageErr("lookup needs exactly one identifier (got %d)", len(pos)))
	}
	t, err := model.ParseIDType(*typ)
	if err != nil {
		return fail(env, err)
	}
	id, err := model.ParseIdentifier(pos[0], t, *account)
	if err != nil {
		return fail(env, err)
	}
	c.noJournal, c.only = true, *provider
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	if err := checkAccount(s.engine, id, *provider); err != nil {
		return fail(env, err)
	}
	// One provider, JSON: the document streams, bucket by bucket, while
	// the answer is read (see streamWriter for the layout).
	var stream *streamWriter
	if reg, ok := s.engine.Find(*provider); ok && c.format == "json" {
		stream = newStreamWriter(env.Stdout, id, *provider, reg.Provider.Kind())
		defer stream.drain() // the writer goroutine ends with the command, whatever happens
		if env.ownProcess {
			streamGC(env.Getenv)
		}
	}
	pctx, stopProgress := startProgress(ctx, env, "looking up "+id.Type.Label()+" "+id.Value)
	var results []engine.Result
	if stream != nil {
		var res engine.Result
		res, err = s.engine.LookupStream(pctx, id, *provider, stream)
		results = []engine.Result{res}
	} else {
		results, err = s.engine.Lookup(pctx, id, *provider)
	}
	stopProgress()
	if err != nil {
		return fail(env, err)
	}
	if stream != nil && len(results) == 1 {
		stream.finish(&results[0])
	} else if c.format == "json" {
		writeLookupJSON(env.Stdout, id, results)
	} else {
		writeLookupText(env.Stdout, id, results, s.cfg.MaskIdentifiers, time.Now())
	}
	code := lookupExit(results)
	for _, r := range results {
		// A provider that does not know the line is no error when another
		// one found it; every other failure is worth a line.
		if r.Err != nil && (r.Err.Kind != model.ErrNotFound || code != ExitOK) {
			fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(r.Err.Error()))
		}
	}
	return code
}

// lookupExit: 0 when one provider found the line, 3 when every one said not
// found, else 4.
func lookupExit(results []engine.Result) int {
	allNotFound := true
	for _, r := range results {
		if r.Err == nil && len(r.Lines) > 0 {
			return ExitOK
		}
		if r.Err == nil || r.Err.Kind != model.ErrNotFound {
			allNotFound = false
		}
	}
	if allNotFound {
		return ExitNotFound
	}
	return ExitProvider
}

// failConfig prints config problems one per line (each FILE:LINE: KEY: msg).
func failConfig(env Env, err error) int {
	if ce, ok := err.(*configError); ok {
		for _, l := range strings.Split(strings.TrimSpace(ce.Error()), "\n") {
			fmt.Fprintln(env.Stderr, "simdesk: "+strings.TrimSpace(l))
		}
		return ExitUsage
	}
	return fail(env, err)
}
