package engine

import (
	"context"
	"strings"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/topup"
)

// sendFunc sends one top-up request to its provider, once.
type sendFunc func(ctx context.Context, req model.TopupRequest) (model.TopupResult, error)

// sender checks a top-up request before anything is written or sent and
// returns how to send it: by offer (the provider must top up by offer and
// the target fit the offer) or by amount (the provider must top up by
// amount, the amount pass its rules, and the target be a line it accepts).
// An amount is normalised to its currency's decimals, and named in the
// journal as "USD 10.00 top-up".
func (e *Engine) sender(in *TopupInput) (sendFunc, error) {
	if in.Amount == nil {
		if in.Bucket != "" {
			return nil, &model.InputError{Msg: "a balance (bucket) is chosen only for a top-up by amount"}
		}
		tp, err := e.topupper(in.Provider)
		if err != nil {
			return nil, err
		}
		if in.Offer.ID == "" {
			return nil, &model.InputError{Msg: "no offer given"}
		}
		if err := CheckTarget(in.Offer, in.Target); err != nil {
			return nil, err
		}
		return tp.Topup, nil
	}
	if in.Offer.ID != "" {
		return nil, &model.InputError{Msg: "a top-up is by offer or by amount, not both"}
	}
	r, ok := e.Find(in.Provider)
	if !ok {
		return nil, e.UnknownProvider(in.Provider)
	}
	at, ok := providers.AsAmountTopper(r.Provider)
	if !ok {
		return nil, &model.InputError{Msg: "provider " + in.Provider + " (" + r.Provider.Kind() + ") does not top up by amount"}
	}
	if in.Target.Value == "" || !r.Provider.Accepts(in.Target.Type) {
		return nil, &model.InputError{Msg: "provider " + in.Provider + " tops up a line it can look up; " + quote(in.Target.Value) + " (" + in.Target.Type.Label() + ") is not one"}
	}
	rules := at.AmountRules()
	m, err := rules.Check(*in.Amount)
	if err != nil {
		return nil, err
	}
	in.Amount = &m
	in.Bucket = strings.TrimSpace(in.Bucket)
	in.Offer = model.Offer{Provider: in.Provider, Name: m.String() + " top-up", Price: m}
	return at.TopupAmount, nil
}

// DuplicateAmount is Duplicate for a top-up by amount: an attempt of the
// same amount on the same line still pending, or within the duplicate
// window.
func (e *Engine) DuplicateAmount(provider string, target model.Identifier, m model.Money) (journal.Attempt, bool) {
	return e.duplicate(topup.NewKey(provider, target, "", &m))
}
