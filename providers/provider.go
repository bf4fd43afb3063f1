// Package providers defines what the console and the headless commands need
// from an upstream API, independent of its dialect. Each kind lives in its own
// sub-package and speaks only model types to its callers; the registry
// (registry.go) is the one table from a kind's name to its implementation.
//
// What a provider can do is a set of separate capabilities: a provider that
// sells by amount implements AmountTopper and never has to invent offers or
// stock, and one that only reads balances implements Provider alone. Callers
// ask Capabilities instead of type-asserting themselves.
package providers

import (
	"context"
	"time"

	"simdesk/model"
)

// Provider is one configured upstream API: one pane in the console. Looking a
// line up is the one capability every provider has.
type Provider interface {
	// Name is the configured, unique name (pane title, --provider value).
	Name() string
	// Kind is the provider kind, as registered in the registry.
	Kind() string
	// Accepts reports whether the provider can look up this identifier type.
	Accepts(model.IDType) bool
	// Lookup returns every line the provider holds for id, or a *model.Error.
	Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error)
}

// Stocker is a provider that sells offers and has a stock of each.
type Stocker interface {
	Provider
	// Offers lists every offer with its current stock (all pages).
	Offers(ctx context.Context) ([]model.Offer, error)
}

// OfferTopper is a provider that can apply one of its offers to a line.
// Topup is never retried: a request that may have reached the provider
// without an answer yields Status unknown.
type OfferTopper interface {
	Provider
	Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error)
}

// AmountTopper is a provider that tops a line's balance up by an amount of
// money (TMF654), within the rules it states. TopupAmount is never retried,
// like Topup.
type AmountTopper interface {
	Provider
	// AmountRules are the currency, presets and ceiling of a top-up, so a
	// caller can refuse bad input before anything is written or sent.
	AmountRules() model.AmountRules
	// AmountTargets lists the line's balances an amount top-up can go to
	// (none: the top-up is refused before anything is sent; several: the
	// operator picks one).
	AmountTargets(ctx context.Context, id model.Identifier) ([]model.Bucket, error)
	TopupAmount(ctx context.Context, req model.TopupRequest) (model.TopupResult, error)
}

// Reconciler is the one reconciliation contract: a provider lists the
// transactions that may be an attempt's, and the engine alone decides which
// one is (one rule for every provider: by the attempt's own reference where
// the provider carries one, else by line, offer or amount and time, never a
// transaction another attempt holds). A provider only reports what it holds;
// absence is for the engine to weigh.
type Reconciler interface {
	Provider
	// Candidates lists the provider's transactions for req created between
	// from and to (a provider that carries our reference may list by it
	// alone, whatever the time), each with its Outcome set (topup.Unknown:
	// still processing), and whether the list is complete for that window
	// (false: cut short, so absence proves nothing).
	Candidates(ctx context.Context, req model.TopupRequest, from, to time.Time) (sales []model.Sale, complete bool, err error)
	// Reference is the reference of our own the provider carries for req
	// (Orange's user_id, TMF654's description), "" when it carries none. A
	// transaction that carries an attempt's reference is that attempt's,
	// whatever its time.
	Reference(req model.TopupRequest) string
	// OwnsReference reports a carried reference that one of our top-ups
	// wrote: such a transaction is never matched by time to another attempt.
	OwnsReference(ref string) bool
}

// ToppingUp is a provider that tops up by offer and can reconcile its
// attempts: what the offer top-up procedure needs. It no longer implies a
// stock (a provider may sell offers without one).
type ToppingUp interface {
	OfferTopper
	Reconciler
}

// Health is implemented by providers with a cheap liveness probe.
type Health interface {
	Ping(ctx context.Context) error
}

// Capabilities is what one provider can do, answered once so that the UI
// and the headless commands never type-assert providers themselves.
type Capabilities struct {
	Lookup      bool `json:"lookup"`
	Offers      bool `json:"offers"`       // lists offers with their stock
	TopupOffer  bool `json:"topup_offer"`  // tops up by offer
	TopupAmount bool `json:"topup_amount"` // tops up by amount
	Reconcile   bool `json:"reconcile"`    // settles attempts of unknown outcome
	Health      bool `json:"health"`
	// Amounts holds the rules of an amount top-up when TopupAmount is set.
	Amounts model.AmountRules `json:"amounts,omitzero"`
}

// TopsUp reports whether the provider tops up at all, by offer or by amount.
func (c Capabilities) TopsUp() bool { return c.TopupOffer || c.TopupAmount }

// CapabilitiesOf reads p's capabilities from the interfaces it implements.
func CapabilitiesOf(p Provider) Capabilities {
	if p == nil {
		return Capabilities{}
	}
	c := Capabilities{Lookup: true}
	_, c.Offers = p.(Stocker)
	_, c.TopupOffer = p.(OfferTopper)
	_, c.Reconcile = p.(Reconciler)
	_, c.Health = p.(Health)
	if a, ok := p.(AmountTopper); ok {
		c.TopupAmount = true
		c.Amounts = a.AmountRules()
	}
	return c
}

// AsStocker returns p as a Stocker when it lists offers. The engine uses
// these accessors, so that no other package type-asserts a provider.
func AsStocker(p Provider) (Stocker, bool) { s, ok := p.(Stocker); return s, ok }

// AsOfferTopper returns p as an OfferTopper when it tops up by offer.
func AsOfferTopper(p Provider) (OfferTopper, bool) { t, ok := p.(OfferTopper); return t, ok }

// AsAmountTopper returns p as an AmountTopper when it tops up by amount.
func AsAmountTopper(p Provider) (AmountTopper, bool) { t, ok := p.(AmountTopper); return t, ok }

// AsReconciler returns p as a Reconciler when it can settle unknown outcomes.
func AsReconciler(p Provider) (Reconciler, bool) { r, ok := p.(Reconciler); return r, ok }

// AsToppingUp returns p as a ToppingUp (offer top-ups with reconciliation).
func AsToppingUp(p Provider) (ToppingUp, bool) { t, ok := p.(ToppingUp); return t, ok }

// AsHealth returns p's liveness probe, if it has one.
func AsHealth(p Provider) (Health, bool) { h, ok := p.(Health); return h, ok }
