package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
)

type topupJSON struct {
	JournalID     string `json:"journal_id"`
	Status        string `json:"status"`
	TransactionID string `json:"transaction_id"`
	StockLeft     *int   `json:"stock_left"`
	Reason        string `json:"reason"`
	Forced        bool   `json:"forced,omitempty"`
	Reference     string `json:"reference,omitempty"`
}

func runTopup(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("topup", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	provider := fs.String("provider", "", "provider to top up through (required)")
	offerID := fs.String("offer", "", "offer id (required)")
	typ := fs.String("type", "", "identifier type: msisdn or sim")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	force := fs.Bool("force", false, "top up even if the same line and offer were topped up within the duplicate window")
	ref := fs.String("ref", "", "ticket or call reference, recorded in the journal")
	amount := fs.String("amount", "", "top up by this amount instead of an offer (providers that top up by amount)")
	currency := fs.String("currency", "", "currency of --amount; must be the provider's")
	bucket := fs.String("bucket", "", "the balance (bucket id) an amount goes to, when the line has several")
	pos, err := env.start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	if *amount != "" || *currency != "" || *bucket != "" {
		return runTopupAmount(ctx, env, c, amountArgs{provider: *provider, amount: *amount, currency: *currency, bucket: *bucket,
			offer: *offerID, typ: *typ, ref: *ref, yes: *yes, force: *force, pos: pos})
	}
	switch {
	case *provider == "":
		return fail(env, usageErr("topup needs --provider NAME"))
	case strings.TrimSpace(*offerID) == "":
		return fail(env, usageErr("topup needs --offer OFFER_ID"))
	case len(pos) > 1:
		return fail(env, usageErr("topup takes at most one identifier (got %d)", len(pos)))
	}
	if err := validOfferID(*offerID); err != nil {
		return fail(env, err)
	}
	if err := validRef(*ref); err != nil {
		return fail(env, err)
	}
	var target model.Identifier
	if len(pos) == 1 {
		t, err := model.ParseIDType(*typ)
		if err != nil {
			return fail(env, err)
		}
		target, err = model.ParseIdentifier(pos[0], t, "")
		if err != nil {
			return fail(env, err)
		}
		if target.Type != model.MSISDN && target.Type != model.SIM {
			return fail(env, usageErr("a top-up goes to a MSISDN or a SIM id, not a %s", target.Type.Label()))
		}
	} else if *typ != "" {
		return fail(env, usageErr("--type given without an identifier"))
	}
	s, code := openForTopup(env, c, *yes)
	if s == nil {
		return code
	}
	defer s.Close()
	offer, err := s.engine.FindOffer(ctx, *provider, strings.TrimSpace(*offerID))
	if err != nil {
		return fail(env, err)
	}
	if err := engine.CheckTarget(offer, target); err != nil {
		return fail(env, err)
	}
	if !*force {
		// Refuse a duplicate before asking anything; the engine checks again
		// under the journal lock when it writes the intent.
		if a, dup := s.engine.Duplicate(*provider, target.Value, offer.ID); dup {
			return fail(env, usageErr("%s", (&engine.DuplicateError{Attempt: a, Window: s.cfg.DuplicateWindow}).Error()))
		}
	}
	if !*yes {
		if !confirm(env, s, offer, target, *ref) {
			fmt.Fprintln(env.Stderr, "simdesk: top-up cancelled; nothing was sent")
			return ExitUsage
		}
	}
	out, err := s.engine.Topup(ctx, engine.TopupInput{Provider: *provider, Offer: offer, Target: target, Reference: *ref, Force: *force})
	if err != nil {
		return topupRefused(env, err)
	}
	res := out.Result
	if c.format == "json" {
		writeJSON(env.Stdout, topupJSON{JournalID: out.JournalID, Status: res.Status, TransactionID: res.TransactionID, StockLeft: res.StockLeft, Reason: res.Reason, Forced: *force, Reference: *ref})
	} else {
		switch res.Status {
		case model.TopupOK:
			fmt.Fprintf(env.Stdout, "ok: %s applied to %s · transaction %s", offer.Name, target.Value, res.TransactionID)
			if res.StockLeft != nil {
				fmt.Fprintf(env.Stdout, " · stock left %d", *res.StockLeft)
			}
			fmt.Fprintf(env.Stdout, " · journal %s\n", out.JournalID)
		case model.TopupRejected:
			fmt.Fprintf(env.Stdout, "rejected: %s · journal %s\n", res.Reason, out.JournalID)
		default:
			fmt.Fprintf(env.Stdout, "unknown: %s · journal %s — run `simdesk journal --reconcile` before trying again\n", res.Reason, out.JournalID)
		}
	}
	return topupExit(env, out)
}

// openForTopup refuses what no top-up may start with (no --yes and no
// terminal to confirm on, read-only mode) and opens the session; on a
// refusal it returns nil and the exit status, the line already printed.
func openForTopup(env Env, c common, yes bool) (*session, int) {
	if !yes && !env.IsTerminal() {
		return nil, fail(env, usageErr("refusing to top up without --yes: standard input is not a terminal to confirm on"))
	}
	s, err := open(env, c)
	if err != nil {
		return nil, failConfig(env, err)
	}
	if s.cfg.ReadOnly {
		s.Close()
		return nil, fail(env, usageErr("%s", engine.ErrReadOnly.Error()))
	}
	return s, ExitOK
}

// topupRefused reports a top-up the engine refused before sending: a
// duplicate, one in flight or read-only mode is the operator's to change
// (exit 2); anything else keeps its own status.
func topupRefused(env Env, err error) int {
	var de *engine.DuplicateError
	if errors.As(err, &de) || errors.Is(err, engine.ErrInFlight) || errors.Is(err, engine.ErrReadOnly) {
		return fail(env, usageErr("%s", err.Error()))
	}
	return fail(env, err)
}

// topupExit warns when the outcome could not be journalled and turns the
// outcome of any top-up (by offer or by amount) into its exit status, with
// the one stderr line a rejected or unknown outcome gets.
func topupExit(env Env, out engine.TopupOutcome) int {
	res := out.Result
	if out.JournalErr != nil {
		fmt.Fprintln(env.Stderr, "simdesk: warning: outcome not written to the journal ("+oneLine(out.JournalErr.Error())+"); it will show as pending until reconciled")
	}
	switch res.Status {
	case model.TopupOK:
		return ExitOK
	case model.TopupRejected:
		fmt.Fprintln(env.Stderr, "simdesk: top-up rejected: "+oneLine(res.Reason))
		if !res.Sent && out.Err != nil {
			return ExitProvider
		}
		return ExitRejected
	}
	fmt.Fprintln(env.Stderr, "simdesk: top-up outcome unknown: "+oneLine(res.Reason)+"; see `simdesk journal --pending`")
	return ExitUnknown
}

// confirm shows what is about to happen and reads an explicit yes.
func confirm(env Env, s *session, o model.Offer, t model.Identifier, ref string) bool {
	w := env.Stderr
	for _, f := range present.ConfirmFacts(present.TopupFacts{Environment: s.cfg.Environment, Provider: o.Provider, Target: t, Offer: o, Reference: ref}) {
		fmt.Fprintf(w, "%-12s %s\n", f.Label, f.Value)
	}
	fmt.Fprint(w, "Top up? Type yes to confirm [no]: ")
	line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

func validOfferID(s string) error {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return usageErr("offer id too long (%d characters)", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return usageErr("offer id %q may contain only letters, digits, '-' and '_'", clip(s))
		}
	}
	return nil
}

func validRef(s string) error { return model.CheckReference(s) }
