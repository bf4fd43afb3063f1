package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/present"
)

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
func runTopupAmount(ctx context.Context, env Env, c common, a topupArgs) int {
	target, err := a.amountTarget()
	if err != nil {
		return fail(env, err)
	}
	s, code := openForTopup(env, c, a.yes)
	if s == nil {
		return code
	}
	defer s.Close()
	p, err := planAmount(ctx, s, a, target)
	if err != nil {
		return fail(env, err)
	}
	if !a.yes && !confirmAmount(env, s, p.provider, p.kind, target, p.money, p.bucket, a.ref) {
		return cancelled(env)
	}
	out, err := s.engine.Topup(ctx, engine.TopupInput{Provider: p.provider, Amount: &p.money, Bucket: p.bucket.ID, Target: target, Reference: a.ref, Force: a.force})
	if err != nil {
		return topupRefused(env, err)
	}
	res := out.Result
	if c.format == "json" {
		writeJSON(env.Stdout, topupAmountJSON{
			topupJSON: topupJSON{JournalID: out.JournalID, Status: res.Status, TransactionID: res.TransactionID, StockLeft: res.StockLeft, Reason: res.Reason, Forced: a.force, Reference: a.ref},
			Amount:    p.money, Bucket: p.bucket.ID, Accepted: res.Accepted,
		})
	} else {
		writeAmountText(env.Stdout, p, target, out)
	}
	return topupExit(env, out)
}

// amountTarget checks the flags of a top-up by amount and parses its line.
func (a topupArgs) amountTarget() (model.Identifier, error) {
	switch {
	case a.offer != "":
		return model.Identifier{}, usageErr("--offer and --amount are exclusive: a top-up is by offer or by amount")
	case strings.TrimSpace(a.amount) == "":
		return model.Identifier{}, usageErr("topup by amount needs --amount AMOUNT")
	case a.provider == "":
		return model.Identifier{}, usageErr("topup needs --provider NAME")
	case len(a.pos) != 1:
		return model.Identifier{}, usageErr("topup by amount needs exactly one line identifier (got %d)", len(a.pos))
	}
	if err := validRef(a.ref); err != nil {
		return model.Identifier{}, err
	}
	return parseTarget(a.pos[0], a.typ)
}

// amountPlan is a top-up by amount once checked against the provider.
type amountPlan struct {
	provider, kind string
	money          model.Money
	bucket         model.Bucket
}

// planAmount checks the provider tops up this line by amount, parses the
// amount by its rules, picks the balance (a read: nothing is topped up
// yet) and refuses a recent top-up of the same line and amount.
func planAmount(ctx context.Context, s *session, a topupArgs, target model.Identifier) (amountPlan, error) {
	r, ok := s.engine.Find(a.provider)
	if !ok {
		return amountPlan{}, s.engine.UnknownProvider(a.provider)
	}
	p := amountPlan{provider: r.Name(), kind: r.Provider.Kind()}
	caps := s.engine.Capabilities(p.provider)
	if !caps.TopupAmount {
		return p, usageErr("provider %s (%s) does not top up by amount; use --offer", p.provider, p.kind)
	}
	if !r.Provider.Accepts(target.Type) {
		return p, usageErr("provider %s tops up lines by MSISDN, not by %s", p.provider, target.Type.Label())
	}
	var err error
	if p.money, err = caps.Amounts.ParseAmount(a.amount, a.currency); err != nil {
		return p, err
	}
	targets, err := s.engine.AmountTargets(ctx, p.provider, target)
	if err != nil {
		return p, err
	}
	if p.bucket, err = chooseBucket(targets, a.bucket, target, caps.Amounts.UsageType); err != nil {
		return p, err
	}
	if !a.force {
		if at, dup := s.engine.DuplicateAmount(p.provider, target, p.money); dup {
			return p, usageErr("%s", (&engine.DuplicateError{Attempt: at, Window: s.cfg.DuplicateWindow, Asker: s.engine.Options().Operator}).Error())
		}
	}
	return p, nil
}

// writeAmountText is the text answer of a top-up by amount.
func writeAmountText(w io.Writer, p amountPlan, target model.Identifier, out engine.TopupOutcome) {
	res := out.Result
	switch kind := present.KindOf(res); {
	case kind == present.OutcomeOK:
		fmt.Fprintf(w, "ok: %s added to %s of %s · transaction %s · journal %s\n", model.FormatMoney(p.money), present.BucketLabel(p.bucket), target.Value, res.TransactionID, out.JournalID)
	case kind == present.OutcomeDanger:
		fmt.Fprintf(w, "rejected: %s · journal %s\n", res.Reason, out.JournalID)
	case res.Accepted:
		fmt.Fprintf(w, "accepted, not applied yet: %s for %s · transaction %s · journal %s — `simdesk journal --reconcile` settles it\n", model.FormatMoney(p.money), target.Value, res.TransactionID, out.JournalID)
	default:
		fmt.Fprintf(w, "unknown: %s · journal %s — run `simdesk journal --reconcile` before trying again\n", res.Reason, out.JournalID)
	}
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
