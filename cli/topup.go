package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
	"simdesk/topup"
)

type topupJSON struct {
	JournalID     string        `json:"journal_id"`
	Status        topup.Outcome `json:"status"`
	TransactionID string        `json:"transaction_id"`
	StockLeft     *int          `json:"stock_left"`
	Reason        string        `json:"reason"`
	Forced        bool          `json:"forced,omitempty"`
	Reference     string        `json:"reference,omitempty"`
}

// topupArgs are the flags and the identifier of `simdesk topup`, by offer
// or by amount.
type topupArgs struct {
	provider, offer, amount, currency, bucket, typ, ref string
	yes, force                                          bool
	pos                                                 []string
}

func (a *topupArgs) register(fs *flag.FlagSet) {
	fs.StringVar(&a.provider, "provider", "", "provider to top up through (required)")
	fs.StringVar(&a.offer, "offer", "", "offer id (or --amount)")
	fs.StringVar(&a.typ, "type", "", "identifier type: msisdn or sim")
	fs.BoolVar(&a.yes, "yes", false, "do not ask for confirmation")
	fs.BoolVar(&a.force, "force", false, "top up even if the same line and offer were topped up within the duplicate window")
	fs.StringVar(&a.ref, "ref", "", "ticket or call reference, recorded in the journal")
	fs.StringVar(&a.amount, "amount", "", "top up by this amount instead of an offer (providers that top up by amount)")
	fs.StringVar(&a.currency, "currency", "", "currency of --amount; must be the provider's")
	fs.StringVar(&a.bucket, "bucket", "", "the balance (bucket id) an amount goes to, when the line has several")
}

// byAmount: any of the amount flags makes it a top-up by amount, which
// then refuses --offer.
func (a *topupArgs) byAmount() bool { return a.amount != "" || a.currency != "" || a.bucket != "" }

func runTopup(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("topup", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	var a topupArgs
	a.register(fs)
	pos, err := env.start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	a.pos = pos
	if a.byAmount() {
		return runTopupAmount(ctx, env, c, a)
	}
	return runTopupOffer(ctx, env, c, a)
}

// runTopupOffer tops a line (or nothing, for an offer sold without a line,
// such as an eSIM) up with an offer. Every check that needs no provider
// runs before anything is opened; bad input exits 2.
func runTopupOffer(ctx context.Context, env Env, c common, a topupArgs) int {
	target, err := a.offerTarget()
	if err != nil {
		return fail(env, err)
	}
	s, code := openForTopup(env, c, a.yes)
	if s == nil {
		return code
	}
	defer s.Close()
	offer, err := checkOffer(ctx, s, a, target)
	if err != nil {
		return fail(env, err)
	}
	if !a.yes && !confirm(env, s, offer, target, a.ref) {
		return cancelled(env)
	}
	out, err := s.engine.Topup(ctx, engine.TopupInput{Provider: a.provider, Offer: offer, Target: target, Reference: a.ref, Force: a.force})
	if err != nil {
		return topupRefused(env, err)
	}
	res := out.Result
	if c.format == "json" {
		writeJSON(env.Stdout, topupJSON{JournalID: out.JournalID, Status: res.Status, TransactionID: res.TransactionID, StockLeft: res.StockLeft, Reason: res.Reason, Forced: a.force, Reference: a.ref})
	} else {
		writeTopupText(env.Stdout, offer, target, out)
	}
	return topupExit(env, out)
}

// offerTarget checks the flags of a top-up by offer and parses its
// identifier, if one is given (an offer sold without a line takes none).
func (a topupArgs) offerTarget() (model.Identifier, error) {
	switch {
	case a.provider == "":
		return model.Identifier{}, usageErr("topup needs --provider NAME")
	case strings.TrimSpace(a.offer) == "":
		return model.Identifier{}, usageErr("topup needs --offer OFFER_ID or --amount AMOUNT")
	case len(a.pos) > 1:
		return model.Identifier{}, usageErr("topup takes at most one identifier (got %d)", len(a.pos))
	}
	if err := validOfferID(a.offer); err != nil {
		return model.Identifier{}, err
	}
	if err := validRef(a.ref); err != nil {
		return model.Identifier{}, err
	}
	if len(a.pos) == 0 {
		if a.typ != "" {
			return model.Identifier{}, usageErr("--type given without an identifier")
		}
		return model.Identifier{}, nil
	}
	target, err := parseTarget(a.pos[0], a.typ)
	if err == nil && target.Type != model.MSISDN && target.Type != model.SIM {
		err = usageErr("a top-up goes to a MSISDN or a SIM id, not a %s", target.Type.Label())
	}
	return target, err
}

// parseTarget parses the line to top up, of type typ when given.
func parseTarget(id, typ string) (model.Identifier, error) {
	t, err := model.ParseIDType(typ)
	if err != nil {
		return model.Identifier{}, err
	}
	return model.ParseIdentifier(id, t, "")
}

// checkOffer finds the offer and checks it against the line: an offer
// for a line needs one, an offer sold without a line refuses one, and a
// recent top-up of the same line and offer is refused (before asking
// anything; the engine checks again under the journal's lock).
func checkOffer(ctx context.Context, s *session, a topupArgs, target model.Identifier) (model.Offer, error) {
	offer, err := s.engine.FindOffer(ctx, a.provider, strings.TrimSpace(a.offer))
	if err != nil {
		return offer, err
	}
	if target.Value == "" && offer.TargetType != "" {
		return offer, usageErr("offer %q of %s tops up a %s: give it as the last argument", offer.Name, offer.Supplier, offer.TargetType.Label())
	}
	if err := engine.CheckTarget(offer, target); err != nil {
		return offer, err
	}
	if !a.force {
		if at, dup := s.engine.Duplicate(a.provider, target, offer.ID); dup {
			return offer, usageErr("%s", (&engine.DuplicateError{Attempt: at, Window: s.cfg.DuplicateWindow, Asker: s.engine.Options().Operator}).Error())
		}
	}
	return offer, nil
}

// writeTopupText is the text answer of a top-up by offer.
func writeTopupText(w io.Writer, offer model.Offer, target model.Identifier, out engine.TopupOutcome) {
	res := out.Result
	switch present.KindOf(res) {
	case present.OutcomeOK:
		to := ""
		if target.Value != "" {
			to = " applied to " + target.Value
		}
		fmt.Fprintf(w, "ok: %s%s · transaction %s", offer.Name, to, res.TransactionID)
		if res.StockLeft != nil {
			fmt.Fprintf(w, " · stock left %d", *res.StockLeft)
		}
		fmt.Fprintf(w, " · journal %s\n", out.JournalID)
	case present.OutcomeDanger:
		fmt.Fprintf(w, "rejected: %s · journal %s\n", res.Reason, out.JournalID)
	default:
		fmt.Fprintf(w, "unknown: %s · journal %s — run `simdesk journal --reconcile` before trying again\n", res.Reason, out.JournalID)
	}
}

// cancelled is the operator's no at the confirmation.
func cancelled(env Env) int {
	fmt.Fprintln(env.Stderr, "simdesk: top-up cancelled; nothing was sent")
	return ExitUsage
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
	switch present.KindOf(res) {
	case present.OutcomeOK:
		return ExitOK
	case present.OutcomeDanger:
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
