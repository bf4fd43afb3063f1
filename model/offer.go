package model

import (
	"time"

	"simdesk/topup"
)

// Money is an exact amount in an ISO 4217 currency: the top-up domain's
// (package topup), named here for the model types that carry one.
type Money = topup.Money

// NormalLine is the identifier's normal form (NormalLine of its type and
// value): what makes it a topup.Line, so that a duplicate key is built
// from the typed line and never from its text alone.
func (id Identifier) NormalLine() string { return NormalLine(id.Type, id.Value) }

// Offer is something the distributor sells, with its stock bucket.
type Offer struct {
	Provider    string `json:"provider"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	Supplier    string `json:"supplier"`
	ProductType string `json:"product_type"` // topup, eSim, sim
	Stock       int    `json:"stock"`
	Low         bool   `json:"low"`
	Price       Money  `json:"price"`

	SupplierID  string  `json:"supplier_id,omitempty"`
	Fees        float64 `json:"distributor_fees,omitempty"`
	FeesType    string  `json:"distributor_fees_type,omitempty"`
	Description string  `json:"description,omitempty"`
	TargetType  IDType  `json:"target_type,omitempty"` // what a top-up of this offer is addressed to
	// Unlimited marks an offer sold without a stock limit: Stock means
	// nothing then, and the offer is never "empty" or "low".
	Unlimited bool `json:"unlimited,omitempty"`
	// StockInvalid says why the provider's stock figure is unusable
	// ("provider sent NaN"): the stock is then unknown, neither 0 nor
	// EMPTY, and Stock is 0.
	StockInvalid string `json:"stock_invalid,omitempty"`
}

// Empty reports an offer with no stock left; an offer without a stock limit
// is never empty, and one whose stock figure was unusable is unknown, not
// empty.
func (o Offer) Empty() bool { return !o.Unlimited && o.StockInvalid == "" && o.Stock <= 0 }

// TopupRequest asks a provider to apply an offer to a line, or to add an
// amount of money to one of its balances: exactly one of Offer.ID and Amount
// is set.
type TopupRequest struct {
	JournalID string     // the journal entry this attempt belongs to
	Offer     Offer      // the offer as last seen (id, supplier, product type)
	Amount    *Money     // the amount of an amount top-up, in the provider's currency
	Bucket    string     // the balance (bucket id) an amount top-up goes to; "" lets the provider choose
	Target    Identifier // msisdn or sim; empty for an eSIM sale
	Operator  string     // sent as Orange user_id
	Reference string     // ticket / call reference, journal only
	Since     time.Time  // when the intent was written (for reconciliation)
}

// TopupResult is the outcome of one top-up attempt.
type TopupResult struct {
	Status        topup.Outcome `json:"status"`
	TransactionID string        `json:"transaction_id"`
	StockLeft     *int          `json:"stock_left"`
	Reason        string        `json:"reason"`
	// Sent is false when the request provably never left (e.g. the token
	// endpoint failed): such an attempt is rejected, not unknown.
	Sent bool `json:"-"`
	// Created is the provider's creation time of the transaction, if any.
	Created Time `json:"-"`
	// Accepted marks an unknown outcome the provider did answer: it took the
	// top-up but has not applied it yet (TMF654 "created"). It is shown as
	// such, not as "no answer", and settled by reconciliation.
	Accepted bool `json:"accepted,omitempty"`
	// Mismatch marks an unknown outcome whose answer is not about what was
	// sent (another reference, amount or currency): the answer is not taken
	// as ours, the reason is journalled and the attempt stays pending.
	Mismatch bool `json:"-"`
}

// Sale is a transaction as the provider records it.
type Sale struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	ProductType string            `json:"product_type"`
	Created     Time              `json:"creation_date"`
	OfferID     string            `json:"offer_id"`
	UserID      string            `json:"user_id,omitempty"`
	Price       Money             `json:"price"`
	StockLeft   *int              `json:"offer_bucket,omitempty"`
	Parameters  map[string]string `json:"parameters,omitempty"`
	Supplier    string            `json:"supplier,omitempty"`
	// Outcome is what the sale means for a top-up attempt (ok, rejected,
	// or unknown while the provider still processes it), set by a
	// provider's reconciliation candidates; Status stays the provider's word.
	Outcome topup.Outcome `json:"-"`
}
