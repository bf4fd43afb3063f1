package orange

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"simdesk/model"
	"simdesk/providers"
)

// TxFilter selects transactions. Every non-zero field becomes a query
// parameter of GET /distributors/transactions, and is also checked on the
// answer where the transaction carries it, in case the API ignores one.
type TxFilter struct {
	Start, End  time.Time // creation_date bounds (start_date, end_date)
	Status      string    // ok or error
	OfferID     string
	SupplierID  string
	ProductType string // topup, eSim, sim
	UserID      string // the operator who sold it
	// Max bounds the transactions read; 0 means Options.MaxScan.
	Max int
}

func (f TxFilter) query() url.Values {
	q := url.Values{}
	if !f.Start.IsZero() {
		q.Set("start_date", f.Start.UTC().Format(time.RFC3339))
	}
	if !f.End.IsZero() {
		q.Set("end_date", f.End.UTC().Format(time.RFC3339))
	}
	for k, v := range map[string]string{"status": f.Status, "offer_id": f.OfferID, "supplier_id": f.SupplierID, "product_type": f.ProductType, "user_id": f.UserID} {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// keeps re-checks the filter on one decoded transaction; a field the
// transaction does not carry is not held against it.
func (f TxFilter) keeps(s sale) bool {
	differs := func(want, got string) bool {
		want, got = strings.TrimSpace(want), strings.TrimSpace(got)
		return want != "" && got != "" && !strings.EqualFold(want, got)
	}
	switch {
	case differs(f.Status, s.Status), differs(f.OfferID, s.OfferID), differs(f.SupplierID, s.SupplierID),
		differs(f.ProductType, s.ProductType), differs(f.UserID, s.UserID):
		return false
	case !f.Start.IsZero() && !s.Created.IsZero() && s.Created.Before(f.Start):
		return false
	case !f.End.IsZero() && !s.Created.IsZero() && s.Created.After(f.End):
		return false
	}
	return true
}

// Transaction reads one transaction (GET /distributors/transactions/{id}).
func (c *Client) Transaction(ctx context.Context, id string) (model.Sale, error) {
	s, err := c.transaction(ctx, id)
	return s.Sale, err
}

func (c *Client) transaction(ctx context.Context, id string) (sale, error) {
	if strings.TrimSpace(id) == "" {
		return sale{}, c.errorf(model.ErrBadRequest, "empty transaction id")
	}
	var s sale
	err := c.get(ctx, "/distributors/transactions/"+pathID(id), nil, func(b []byte) error {
		var err error
		s, err = decodeTransaction(b)
		if err != nil {
			return c.badResponse("transaction", err)
		}
		return nil
	})
	if err != nil {
		return sale{}, err
	}
	if s.ID == "" {
		s.ID = strings.TrimSpace(id)
	}
	return s, nil
}

// Transactions lists the transactions matching f, newest first, following
// offset/limit paging and reading at most f.Max (default MaxScan) of them.
func (c *Client) Transactions(ctx context.Context, f TxFilter) ([]model.Sale, error) {
	res, err := c.scan(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]model.Sale, len(res.sales))
	for i, s := range res.sales {
		out[i] = s.Sale
	}
	return out, nil
}

// scanned is the outcome of one bounded scan of the transaction list.
type scanned struct {
	sales     []sale     // the transactions the filter keeps, newest first
	read      int        // transactions read, kept or not
	complete  bool       // the whole list was read
	newestEnd bool       // what was read is the newest end of the list
	oldest    model.Time // the oldest creation time among those read
}

// covers reports whether every transaction created at or after start was
// read: the whole list, or its newest end reaching back before start.
func (r scanned) covers(start time.Time) bool {
	return r.complete || r.newestEnd && !start.IsZero() && !r.oldest.IsZero() && r.oldest.Before(start)
}

// scan reads the transaction list page by page, at most f.Max (default
// MaxScan) transactions. When the list is longer than that and the API
// returns it oldest first, the newest end is read instead of the oldest,
// since operators look for recent sales.
func (c *Client) scan(ctx context.Context, f TxFilter) (scanned, error) {
	var res scanned
	limit := f.Max
	if limit <= 0 {
		limit = c.maxScan
	}
	q := f.query()
	started := time.Now()
	seen := map[string]bool{}
	offset := 0
	jumped, descending := false, false
	// Each page either adds a new transaction or ends the scan, so the loop
	// is bounded by limit; the extra pass allows for the one jump.
	for pages := 0; pages <= limit+1; pages++ {
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(pageSize))
		var got []sale
		var pg page
		err := c.get(ctx, "/distributors/transactions", q, func(b []byte) error {
			var err error
			got, pg, err = decodeTransactions(b)
			if err != nil {
				return c.badResponse("transaction list", err)
			}
			return nil
		})
		if err != nil {
			return scanned{}, err
		}
		if pages == 0 {
			if pg.HasTotal && pg.Total > limit && pg.Total > pg.Count && order(got) > 0 {
				jumped = true
				offset = pg.Total - limit
				continue
			}
			descending = order(got) < 0
		}
		fresh, over := 0, false
		for _, s := range got {
			if s.ID != "" {
				if seen[s.ID] {
					continue
				}
				seen[s.ID] = true
			}
			fresh++
			if res.read == limit {
				over = true
				break
			}
			res.read++
			if !s.Created.IsZero() && (res.oldest.IsZero() || s.Created.Before(res.oldest.Time)) {
				res.oldest = s.Created
			}
			if f.keeps(s) {
				res.sales = append(res.sales, s)
			}
		}
		providers.ReportProgress(ctx, providers.Progress{Step: "transactions read", Done: res.read, Total: scanBound(limit, pg), Pages: pages + 1, Elapsed: time.Since(started)})
		// Paging counts what the list held, empty entries included.
		offset += pg.Count
		repeats := pg.Count > 0 && fresh == 0 // a server that ignores offset, or a page of nothing useful
		end := pg.Count == 0 || repeats ||
			pg.HasTotal && offset >= pg.Total ||
			!pg.HasTotal && pg.Count < pageSize
		if over || !end && res.read >= limit {
			break
		}
		if end {
			res.complete = !jumped && !(repeats && pg.HasTotal && len(seen) < pg.Total)
			break
		}
	}
	res.newestEnd = jumped || descending || res.complete
	newestFirst(res.sales)
	return res, nil
}

// order tells how a page's dated transactions run: 1 oldest first, -1
// newest first, 0 unknown.
func order(ss []sale) int {
	var first, last model.Time
	for _, s := range ss {
		if s.Created.IsZero() {
			continue
		}
		if first.IsZero() {
			first = s.Created
		}
		last = s.Created
	}
	switch {
	case first.IsZero() || first.Equal(last.Time):
		return 0
	case first.Before(last.Time):
		return 1
	}
	return -1
}

// scanBound is how many transactions a scan will read at most: the list's
// total when the API gives it and it is smaller than the limit.
func scanBound(limit int, pg page) int {
	if pg.HasTotal && pg.Total < limit {
		return pg.Total
	}
	return limit
}
