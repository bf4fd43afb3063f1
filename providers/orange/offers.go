package orange

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"simdesk/model"
)

// Suppliers lists the distributor's suppliers (GET /distributors/suppliers)
// and refreshes the cached list used to address balance calls.
func (c *Client) Suppliers(ctx context.Context) ([]Supplier, error) {
	var out []Supplier
	err := c.get(ctx, "/distributors/suppliers", nil, func(b []byte) error {
		var err error
		out, err = decodeSuppliers(b)
		if err != nil {
			return c.badResponse("supplier list", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.suppliers, c.suppliersAt = append([]Supplier(nil), out...), c.now()
	c.mu.Unlock()
	return out, nil
}

// findSupplier returns the first supplier accepted by match, from the cache
// when it is fresh, else from a new list. ok is false when none matches.
func (c *Client) findSupplier(ctx context.Context, match func(Supplier) bool) (Supplier, bool, error) {
	c.mu.Lock()
	list, at := c.suppliers, c.suppliersAt
	c.mu.Unlock()
	fresh := list != nil && c.now().Sub(at) < supplierTTL
	if fresh {
		for _, s := range list {
			if match(s) {
				return s, true, nil
			}
		}
	}
	list, err := c.Suppliers(ctx)
	if err != nil {
		return Supplier{}, false, err
	}
	for _, s := range list {
		if match(s) {
			return s, true, nil
		}
	}
	return Supplier{}, false, nil
}

// welcomeSupplier finds the Welcome Travelers supplier, the only one whose
// lines can be read by SIM id.
func (c *Client) welcomeSupplier(ctx context.Context) (Supplier, error) {
	s, ok, err := c.findSupplier(ctx, func(s Supplier) bool { return isWelcome(s.Name) })
	if err != nil {
		return s, err
	}
	if !ok {
		return s, c.errorf(model.ErrNotFound, "no Welcome Travelers supplier on this account: SIM ids can only be read for Welcome Travelers")
	}
	return s, nil
}

// Offers lists every offer with its stock bucket, following offset/limit
// paging (at most 100 pages). Low is left to the caller, who knows the
// configured threshold.
func (c *Client) Offers(ctx context.Context) ([]model.Offer, error) {
	var all []model.Offer
	seen := map[string]bool{}
	offset := 0
	for pages := 0; pages < maxOfferPages; pages++ {
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(pageSize)}}
		var got []model.Offer
		var pg page
		err := c.get(ctx, "/distributors/offers", q, func(b []byte) error {
			var err error
			got, pg, err = decodeOffers(b)
			if err != nil {
				return c.badResponse("offer list", err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		fresh := 0
		for _, o := range got {
			if o.ID != "" {
				if seen[o.ID] {
					continue
				}
				seen[o.ID] = true
			}
			o.Provider = c.name
			all = append(all, o)
			fresh++
		}
		// Paging counts what the list held, empty entries included.
		offset += pg.Count
		if pg.Count == 0 || fresh == 0 || // end, or a server that ignores offset
			pg.HasTotal && offset >= pg.Total ||
			!pg.HasTotal && pg.Count < pageSize {
			break
		}
	}
	c.remember(all...)
	return all, nil
}

// offer reads one offer (GET /distributors/offers/{id}).
func (c *Client) offer(ctx context.Context, id string) (model.Offer, error) {
	var o model.Offer
	err := c.get(ctx, "/distributors/offers/"+pathID(id), nil, func(b []byte) error {
		var err error
		o, err = decodeOffer(b)
		if err != nil {
			return c.badResponse("offer", err)
		}
		return nil
	})
	if err != nil {
		return model.Offer{}, err
	}
	o.Provider = c.name
	c.remember(o)
	return o, nil
}

// remember caches offers by id, for offer names and suppliers in lookups.
func (c *Client) remember(os ...model.Offer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range os {
		if o.ID != "" {
			c.offers[o.ID] = o
		}
	}
}

// cachedOffer returns an offer seen before.
func (c *Client) cachedOffer(id string) (model.Offer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.offers[strings.TrimSpace(id)]
	return o, ok
}

// knownOffer returns an offer from the cache, or reads it; errors only mean
// the name and supplier stay unknown, so they are not returned.
func (c *Client) knownOffer(ctx context.Context, id string) (model.Offer, bool) {
	if id == "" {
		return model.Offer{}, false
	}
	if o, ok := c.cachedOffer(id); ok {
		return o, true
	}
	o, err := c.offer(ctx, id)
	return o, err == nil
}
