package engine

import (
	"context"
	"errors"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
)

// Capabilities answers what the named provider can do (look up, list offers
// and stock, top up by offer or by amount, reconcile), so that the console
// and the headless commands decide what to offer without ever type-asserting
// a provider. An unknown name can do nothing.
func (e *Engine) Capabilities(name string) providers.Capabilities {
	r, ok := e.Find(name)
	if !ok {
		return providers.Capabilities{}
	}
	return providers.CapabilitiesOf(r.Provider)
}

// Capabilities of a registered provider.
func (r Registered) Capabilities() providers.Capabilities {
	return providers.CapabilitiesOf(r.Provider)
}

// AmountTargets lists the balances of a line an amount top-up of the named
// provider can go to (none: refuse; several: the operator picks). It sends
// only a read.
func (e *Engine) AmountTargets(ctx context.Context, provider string, id model.Identifier) ([]model.Bucket, error) {
	r, ok := e.Find(provider)
	if !ok {
		return nil, e.UnknownProvider(provider)
	}
	at, ok := providers.AsAmountTopper(r.Provider)
	if !ok {
		return nil, &model.InputError{Msg: "provider " + provider + " (" + r.Provider.Kind() + ") does not top up by amount"}
	}
	bs, err := at.AmountTargets(httpx.WithOperation(ctx, "lookup"), id)
	if err != nil {
		var ie *model.InputError
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, e.cleanErr(model.AsError(err))
	}
	// The same boundary as a lookup: every provider text redacted once.
	l := model.Line{Buckets: bs}
	l.MapText(e.redact)
	return l.Buckets, nil
}
