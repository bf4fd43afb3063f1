package orange

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers"
)

// Lookup finds the lines behind an identifier:
//   - transaction: the transaction's supplier, then its usage balances;
//   - sim: a Welcome Travelers SIM id, read directly;
//   - msisdn: the transactions sold for that MSISDN (a bounded scan of the
//     transaction list, because Orange France lines are found by transaction
//     only), one line per transaction, newest first.
//
// Each line's status comes from the SIM-status call; if that call fails the
// status is "" and the lookup still succeeds.
func (c *Client) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	switch id.Type {
	case model.Transaction:
		return c.lookupTransaction(ctx, id)
	case model.SIM:
		return c.lookupSIM(ctx, id)
	case model.MSISDN:
		return c.lookupMSISDN(ctx, id)
	}
	return nil, c.errorf(model.ErrBadRequest, "Orange finds lines by MSISDN, Welcome Travelers SIM id or transaction id, not by %s", strings.ToLower(id.Type.Label()))
}

func (c *Client) lookupTransaction(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	s, err := c.transaction(ctx, id.Value)
	if err != nil {
		return nil, err
	}
	l, err := c.lineOfSale(ctx, s)
	if err != nil {
		return nil, err
	}
	l.ID, l.Type = id.Value, model.Transaction
	return []model.Line{l}, nil
}

func (c *Client) lookupSIM(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	sup, err := c.welcomeSupplier(ctx)
	if err != nil {
		return nil, err
	}
	l, err := c.line(ctx, sup.ID, id)
	if err != nil {
		return nil, err
	}
	l.Supplier, l.SimID = sup.Name, id.Value
	return []model.Line{l}, nil
}

func (c *Client) lookupMSISDN(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	res, err := c.scan(ctx, TxFilter{})
	if err != nil {
		return nil, err
	}
	var matches []sale
	for _, s := range res.sales {
		if sameNumber(s.param("msisdn"), id.Value) {
			matches = append(matches, s)
		}
	}
	if len(matches) == 0 {
		scope := fmt.Sprintf("among all %d transactions", res.read)
		if !res.complete {
			scope = fmt.Sprintf("among the %d most recent transactions read", res.read)
		}
		return nil, c.errorf(model.ErrNotFound, "no transaction for MSISDN %s %s", id.Value, scope)
	}
	if len(matches) > maxLinesPerLookup {
		matches = matches[:maxLinesPerLookup] // newest first: the oldest go
	}
	providers.ReportProgress(ctx, providers.Progress{Step: "balances of the lines found", Done: 0, Total: len(matches)})
	lines := make([]model.Line, len(matches))
	errs := make([]error, len(matches))
	sem := make(chan struct{}, lookupConcurrency)
	var wg sync.WaitGroup
	for i, s := range matches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				errs[i] = c.errorf(model.ErrTimeout, "cancelled")
				return
			}
			lines[i], errs[i] = c.lineOfSale(ctx, s)
		}()
	}
	wg.Wait()
	out := make([]model.Line, 0, len(matches))
	var first error
	for i, s := range matches {
		l := lines[i]
		if errs[i] != nil {
			if first == nil {
				first = errs[i]
			}
			// Keep the transaction visible: the sale is a fact even when its
			// balances cannot be read right now.
			l = model.Line{
				Payment: "prepaid", AsOf: c.asOf(), Buckets: []model.Bucket{},
				Supplier: s.Supplier, SupplierID: s.SupplierID, TransactionID: s.ID,
				OfferID: s.OfferID, OfferName: s.OfferName,
				Description: "balances unavailable: " + model.AsError(errs[i]).Message,
			}
		}
		l.ID, l.Type, l.MSISDN = id.Value, model.MSISDN, id.Value
		if l.Description == "" {
			l.Description = saleDescription(s, l.OfferName)
		}
		out = append(out, l)
	}
	if first != nil && len(out) == countFailed(errs) {
		return nil, first
	}
	return out, nil
}

func countFailed(errs []error) int {
	n := 0
	for _, e := range errs {
		if e != nil {
			n++
		}
	}
	return n
}

// saleDescription tells the lines of one MSISDN apart: which sale each is.
func saleDescription(s sale, offerName string) string {
	d := "transaction " + s.ID
	if offerName != "" {
		d += " · " + offerName
	}
	if !s.Created.IsZero() {
		d += " · " + s.Created.UTC().Format("2006-01-02 15:04 UTC")
	}
	return d
}

// lineOfSale reads the balances of the line a transaction sold, through the
// transaction's supplier.
func (c *Client) lineOfSale(ctx context.Context, s sale) (model.Line, error) {
	supID, supName, offerName := s.SupplierID, s.Supplier, s.OfferName
	if supID == "" || offerName == "" {
		if o, ok := c.knownOffer(ctx, s.OfferID); ok {
			if supID == "" {
				supID, supName = o.SupplierID, firstNonEmpty(supName, o.Supplier)
			}
			offerName = firstNonEmpty(offerName, o.Name)
		}
	}
	if supID == "" || supName == "" {
		sup, ok, err := c.findSupplier(ctx, func(x Supplier) bool {
			return supID != "" && x.ID == supID || supID == "" && supName != "" && strings.EqualFold(x.Name, supName)
		})
		if err == nil && ok {
			supID, supName = sup.ID, firstNonEmpty(supName, sup.Name)
		}
	}
	if supID == "" {
		return model.Line{}, c.errorf(model.ErrBadResponse, "transaction %s names no supplier, so its balances cannot be asked for", s.ID)
	}
	l, err := c.line(ctx, supID, model.Identifier{Type: model.Transaction, Value: s.ID})
	if err != nil {
		return model.Line{}, err
	}
	l.Supplier, l.SupplierID = supName, supID
	l.TransactionID, l.OfferID, l.OfferName = s.ID, s.OfferID, offerName
	l.MSISDN, l.SimID = s.param("msisdn"), s.param("simId")
	return l, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// line reads the usage balances and, alongside, the SIM status of one line.
func (c *Client) line(ctx context.Context, supplierID string, by model.Identifier) (model.Line, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	status := make(chan string, 1)
	go func() {
		st, err := c.SimStatus(sctx, supplierID, by)
		if err != nil {
			st = ""
		}
		status <- st
	}()
	u, err := c.balances(ctx, supplierID, by)
	if err != nil {
		cancel()
		<-status
		return model.Line{}, err
	}
	return model.Line{
		ID:              by.Value,
		Type:            by.Type,
		Payment:         "prepaid",
		Status:          <-status,
		AsOf:            c.asOf(),
		Buckets:         u.Buckets,
		SupplierID:      supplierID,
		FirstActivation: u.FirstActivation,
		NumberExpires:   u.NumberExpires,
	}, nil
}

// asOf is now: the API gives no time of its own for a balance.
func (c *Client) asOf() model.Time {
	return model.Time{Time: c.now().UTC().Truncate(time.Millisecond)}
}

// lineQuery addresses a balance or status call by transaction or SIM id.
func (c *Client) lineQuery(supplierID string, by model.Identifier) (url.Values, error) {
	if strings.TrimSpace(supplierID) == "" {
		return nil, c.errorf(model.ErrBadRequest, "no supplier id")
	}
	v := strings.TrimSpace(by.Value)
	if v == "" {
		return nil, c.errorf(model.ErrBadRequest, "empty %s", strings.ToLower(by.Type.Label()))
	}
	switch by.Type {
	case model.Transaction:
		return url.Values{"transaction": {v}}, nil
	case model.SIM:
		return url.Values{"simId": {v}}, nil
	}
	return nil, c.errorf(model.ErrBadRequest, "usage balances are read by transaction or SIM id, not by %s", strings.ToLower(by.Type.Label()))
}

// balances reads GET /distributors/suppliers/{id}/usagebalances.
func (c *Client) balances(ctx context.Context, supplierID string, by model.Identifier) (usageBalances, error) {
	q, err := c.lineQuery(supplierID, by)
	if err != nil {
		return usageBalances{}, err
	}
	var u usageBalances
	err = c.get(ctx, "/distributors/suppliers/"+pathID(supplierID)+"/usagebalances", q, func(b []byte) error {
		var err error
		u, err = decodeUsageBalances(b)
		if err != nil {
			return c.badResponse("usage balances", err)
		}
		return nil
	})
	return u, err
}

// SimStatus reads a line's status (active, suspended, expired…) by
// transaction or, for Welcome Travelers, by SIM id.
func (c *Client) SimStatus(ctx context.Context, supplierID string, by model.Identifier) (string, error) {
	q, err := c.lineQuery(supplierID, by)
	if err != nil {
		return "", err
	}
	var st string
	err = c.get(ctx, "/distributors/suppliers/"+pathID(supplierID)+"/simstatus", q, func(b []byte) error {
		var err error
		st, err = decodeSimStatus(b)
		if err != nil {
			return c.badResponse("SIM status", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return st, nil
}
