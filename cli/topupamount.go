package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
)

// amountArgs are the flags of `simdesk topup --amount`.
type amountArgs struct {
	provider, amount, currency, bucket, offer, typ, ref string
	yes, force                                          bool
	pos                                                 []string
}

// topupAmountJSON is the topup JSON of an offer top-up plus the amount and
// the balance it went to.
type topupAmountJSON struct {
	topupJSON
	Amount   model.Money `json:"amount"`
	Bucket   string      `json:"bucket"`
	Accepted bool        `json:"accepted,omitempty"`
}

// runTopupAmount tops a line up by an amount (`--amount`), through a
// provider that can (TMF654). Every check that needs no provider answer
// runs before anything is sent; bad input exits 2.
func runTopupAmount(ctx context.Context, env Env, c common, a amountArgs) int {
	switch {
	case a.offer != "":
		return fail(env, usageErr("--offer and --amount are exclusive: a top-up is by offer or by amount"))
	case strings.TrimSpace(a.amount) == "":
		return fail(env, usageErr("topup by amount needs --amount AMOUNT"))
	case a.provider == "":
		return fail(env, usageErr("topup needs --provider NAME"))
	case len(a.pos) != 1:
		return fail(env, usageErr("topup by amount needs exactly one line identifier (got %d)", len(a.pos)))
	}
	if err := validRef(a.ref); err != nil {
		return fail(env, err)
	}
	t, err := model.ParseIDType(a.typ)
	if err != nil {
		return fail(env, err)
	}
	target, err := model.ParseIdentifier(a.pos[0], t, "")
	if err != nil {
		return fail(env, err)
	}
	s, code := openForTopup(env, c, a.yes)
	if s == nil {
		return code
	}
	defer s.Close()
	r, ok := s.engine.Find(a.provider)
	if !ok {
		return fail(env, s.engine.UnknownProvider(a.provider))
	}
	name := r.Name()
	caps := s.engine.Capabilities(name)
	if !caps.TopupAmount {
		return fail(env, usageErr("provider %s (%s) does not top up by amount; use --offer", name, r.Provider.Kind()))
	}
	if !r.Provider.Accepts(target.Type) {
		return fail(env, usageErr("provider %s tops up lines by MSISDN, not by %s", name, target.Type.Label()))
	}
	money, err := caps.Amounts.ParseAmount(a.amount, a.currency)
	if err != nil {
		return fail(env, err)
	}
	// Which balance: read the line's balances of the usage type (a read;
	// nothing is topped up yet).
	targets, err := s.engine.AmountTargets(ctx, name, target)
	if err != nil {
		return fail(env, err)
	}
	b, err := chooseBucket(targets, a.bucket, target, caps.Amounts.UsageType)
	if err != nil {
		return fail(env, err)
	}
	if !a.force {
		if at, dup := s.engine.DuplicateAmount(name, target, money); dup {
			return fail(env, usageErr("%s", (&engine.DuplicateError{Attempt: at, Window: s.cfg.DuplicateWindow}).Error()))
		}
	}
	if !a.yes {
		if !confirmAmount(env, s, name, r.Provider.Kind(), target, money, b, a.ref) {
			fmt.Fprintln(env.Stderr, "simdesk: top-up cancelled; nothing was sent")
			return ExitUsage
		}
	}
	out, err := s.engine.Topup(ctx, engine.TopupInput{Provider: name, Amount: &money, Bucket: b.ID, Target: target, Reference: a.ref, Force: a.force})
	if err != nil {
		return topupRefused(env, err)
	}
	res := out.Result
	if c.format == "json" {
		writeJSON(env.Stdout, topupAmountJSON{
			topupJSON: topupJSON{JournalID: out.JournalID, Status: res.Status, TransactionID: res.TransactionID, StockLeft: res.StockLeft, Reason: res.Reason, Forced: a.force, Reference: a.ref},
			Amount:    money, Bucket: b.ID, Accepted: res.Accepted,
		})
	} else {
		switch kind := present.KindOf(res); {
		case kind == present.OutcomeOK:
			fmt.Fprintf(env.Stdout, "ok: %s added to %s of %s · transaction %s · journal %s\n", model.FormatMoney(money), present.BucketLabel(b), target.Value, res.TransactionID, out.JournalID)
		case kind == present.OutcomeDanger:
			fmt.Fprintf(env.Stdout, "rejected: %s · journal %s\n", res.Reason, out.JournalID)
		case res.Accepted:
			fmt.Fprintf(env.Stdout, "accepted, not applied yet: %s for %s · transaction %s · journal %s — `simdesk journal --reconcile` settles it\n", model.FormatMoney(money), target.Value, res.TransactionID, out.JournalID)
		default:
			fmt.Fprintf(env.Stdout, "unknown: %s · journal %s — run `simdesk journal --reconcile` before trying again\n", res.Reason, out.JournalID)
		}
	}
	return topupExit(env, out)
}

// chooseBucket picks the balance: the only one, or the one --bucket names.
func chooseBucket(targets []model.Bucket, want string, target model.Identifier, usage string) (model.Bucket, error) {
	ids := make([]string, len(targets))
	for i, b := range targets {
		ids[i] = b.ID
		if want != "" && b.ID == want {
			return b, nil
		}
	}
	switch {
	case len(targets) == 0:
		return model.Bucket{}, usageErr("%s has no %s balance on this provider: nothing to top up, nothing sent", target.Value, nonEmptyStr(usage, "monetary"))
	case want == "" && len(targets) == 1:
		return targets[0], nil
	case want == "":
		return model.Bucket{}, usageErr("%s has several %s balances (%s): choose one with --bucket ID", target.Value, nonEmptyStr(usage, "monetary"), strings.Join(ids, ", "))
	}
	return model.Bucket{}, usageErr("%s has no balance %q (it has %s)", target.Value, clip(want), strings.Join(ids, ", "))
}

func nonEmptyStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// confirmAmount shows the amount top-up and reads an explicit yes.
func confirmAmount(env Env, s *session, provider, kind string, t model.Identifier, m model.Money, b model.Bucket, ref string) bool {
	w := env.Stderr
	for _, f := range present.AmountConfirmFacts(present.AmountFacts{Environment: s.cfg.Environment, Provider: provider, ProviderKind: kind, Target: t, Amount: m, Bucket: b, Reference: ref}) {
		fmt.Fprintf(w, "%-12s %s\n", f.Label, f.Value)
	}
	fmt.Fprint(w, "Top up? Type yes to confirm [no]: ")
	line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}
