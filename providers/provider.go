// Package providers defines what the console and the headless commands need
// from an upstream API, independent of its dialect. Each kind lives in its own
// sub-package and speaks only model types to its callers.
package providers

import (
	"context"

	"simdesk/model"
)

// Provider is one configured upstream API: one pane in the console.
type Provider interface {
	// Name is the configured, unique name (pane title, --provider value).
	Name() string
	// Kind is the provider kind: orange-travel, tmf677-dxp or tmf677-cvp.
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

// ToppingUp is a provider that can apply an offer to a line. Topup is never
// retried: a request that may have reached the provider without an answer
// yields Status unknown. Reconcile finds what became of an attempt whose
// outcome is unknown; claimed lists transaction ids already attributed to
// other attempts, so that one transaction is never counted twice.
type ToppingUp interface {
	Stocker
	Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error)
	Reconcile(ctx context.Context, req model.TopupRequest, claimed map[string]bool) (model.TopupResult, error)
}

// Health is implemented by providers with a cheap liveness probe.
type Health interface {
	Ping(ctx context.Context) error
}
