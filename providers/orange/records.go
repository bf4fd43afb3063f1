package orange

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"simdesk/model"
)

// The Orange records: suppliers, offers, transactions and SIM status, read
// with the liberal helpers of decode.go.

// Supplier is one supplier the distributor sells for (Orange France, Orange
// Spain, Welcome Travelers). Its id is needed for the usage-balance and
// SIM-status calls, whose paths are per supplier.
type Supplier struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// decodeSuppliers reads the supplier list; entries without an id are dropped
// because no call can be addressed to them.
func decodeSuppliers(body []byte) ([]Supplier, error) {
	p, err := decodePage(body)
	if err != nil {
		return nil, err
	}
	var out []Supplier
	for _, m := range p.Items {
		s := Supplier{ID: text(m, "id", "supplier_id"), Name: text(m, "name", "supplier_name")}
		if s.ID != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// decodeOfferObject reads one offer object; the provider name is attached
// by the caller.
func decodeOfferObject(m map[string]json.RawMessage) model.Offer {
	o := model.Offer{
		ID:          text(m, "id", "offer_id"),
		Name:        text(m, "name", "offer_name"),
		Description: text(m, "description"),
		ProductType: text(m, "product_type", "productType", "type"),
		FeesType:    text(m, "distributor_fees_type"),
	}
	o.SupplierID, o.Supplier = supplierRef(m)
	cur := strings.ToUpper(text(m, "reference_currency", "currency"))
	if c := model.CurrencyCode(cur); c != "" {
		cur = c
	}
	o.Price = money(m, cur, "resell_value", "price")
	if f, ok := number(m, "distributor_fees"); ok {
		o.Fees = f
	}
	if n, ok, invalid := stock(m, "bucket", "offer_bucket", "stock"); ok {
		o.Stock = n
	} else {
		o.StockInvalid = invalid
	}
	o.TargetType = targetType(o)
	return o
}

// decodeOffers reads one page of the offer list.
func decodeOffers(body []byte) ([]model.Offer, page, error) {
	p, err := decodePage(body)
	if err != nil {
		return nil, p, err
	}
	out := make([]model.Offer, 0, len(p.Items))
	for _, m := range p.Items {
		out = append(out, decodeOfferObject(m))
	}
	p.Items = nil // decoded: the raw objects need not stay alive
	return out, p, nil
}

// decodeOffer reads one offer (GET /distributors/offers/{id}).
func decodeOffer(body []byte) (model.Offer, error) {
	m, ok := unwrapObject(body, []string{"id", "offer_id"}, []string{"offer", "data"})
	if !ok {
		return model.Offer{}, errNoJSON
	}
	o := decodeOfferObject(m)
	if o.ID == "" {
		return o, errors.New("offer without an id")
	}
	return o, nil
}

// isSale reports an eSIM/SIM sale, which takes no target parameters.
func isSale(productType string) bool {
	switch strings.ToLower(strings.TrimSpace(productType)) {
	case "esim", "e-sim", "sim":
		return true
	}
	return false
}

// isWelcome reports the Welcome Travelers supplier, whose top-ups and
// balances are addressed by simId rather than MSISDN.
func isWelcome(supplier string) bool {
	return strings.Contains(strings.ToLower(supplier), "welcome")
}

// targetType is what a top-up of the offer is addressed to: a SIM id for
// Welcome Travelers, a MSISDN for Orange France/Spain (and by default, as in
// the API's minimal example), nothing for an eSIM/SIM sale.
func targetType(o model.Offer) model.IDType {
	if isSale(o.ProductType) {
		return ""
	}
	if isWelcome(o.Supplier) {
		return model.SIM
	}
	return model.MSISDN
}

// sale is a transaction as decoded, with what model.Sale has no room for.
type sale struct {
	model.Sale
	SupplierID string
	OfferName  string
	Reason     string // the provider's explanation when status is error
}

// decodeTransactionObject reads one transaction object.
func decodeTransactionObject(m map[string]json.RawMessage) sale {
	var s sale
	s.ID = text(m, "id", "transaction_id")
	s.Status = strings.ToLower(text(m, "status"))
	s.ProductType = text(m, "product_type", "productType")
	s.Created = model.ParseTime(text(m, "creation_date", "created_at", "creationDate"))
	s.OfferID = text(m, "offer_id")
	s.OfferName = text(m, "offer_name")
	if v, ok := lookupFold(m, "offer"); ok {
		if o, ok := objectOf(v); ok {
			if s.OfferID == "" {
				s.OfferID = text(o, "id")
			}
			if s.OfferName == "" {
				s.OfferName = text(o, "name")
			}
		} else if s.OfferID == "" {
			s.OfferID = strings.TrimSpace(scalarText(v))
		}
	}
	s.UserID = text(m, "user_id")
	s.Price = money(m, strings.ToUpper(text(m, "reference_currency", "currency")), "resell_value")
	if n, ok, _ := stock(m, "offer_bucket", "bucket"); ok {
		s.StockLeft = &n
	}
	if v, ok := lookupFold(m, "parameters"); ok {
		if o, ok := objectOf(v); ok && len(o) > 0 {
			s.Parameters = make(map[string]string, len(o))
			for k, x := range o {
				s.Parameters[k] = strings.TrimSpace(scalarText(x))
			}
		}
	}
	s.SupplierID, s.Supplier = supplierRef(m)
	s.Reason = errorText(m)
	return s
}

// errorText finds the provider's explanation in an error envelope or a
// transaction whose status is error.
func errorText(m map[string]json.RawMessage) string {
	if t := text(m, "message", "reason", "error_description", "description"); t != "" {
		return t
	}
	if v, ok := lookupFold(m, "error"); ok {
		if o, ok := objectOf(v); ok {
			return errorText(o)
		}
		if t := strings.TrimSpace(scalarText(v)); t != "" {
			return t
		}
	}
	if v, ok := lookupFold(m, "errors"); ok {
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) == nil && len(arr) > 0 {
			if o, ok := objectOf(arr[0]); ok {
				return errorText(o)
			}
		}
	}
	return ""
}

// decodeTransaction reads one transaction (the POST answer or GET by id),
// bare or wrapped under "transaction"/"data".
func decodeTransaction(body []byte) (sale, error) {
	m, ok := unwrapObject(body, []string{"id", "transaction_id", "status"}, []string{"transaction", "data"})
	if !ok {
		return sale{}, errNoJSON
	}
	s := decodeTransactionObject(m)
	if s.ID == "" && s.Status == "" {
		return s, errors.New("answer holds neither a transaction id nor a status")
	}
	return s, nil
}

// decodeTransactions reads one page of the transaction list.
func decodeTransactions(body []byte) ([]sale, page, error) {
	p, err := decodePage(body)
	if err != nil {
		return nil, p, err
	}
	out := make([]sale, 0, len(p.Items))
	for _, m := range p.Items {
		out = append(out, decodeTransactionObject(m))
	}
	p.Items = nil
	return out, p, nil
}

// param returns a transaction parameter by name, ignoring case.
func (s sale) param(name string) string {
	if v, ok := s.Parameters[name]; ok {
		return v
	}
	for k, v := range s.Parameters {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// sameNumber compares two MSISDNs or SIM ids ignoring a leading '+' and
// surrounding blanks.
func sameNumber(a, b string) bool {
	a = strings.TrimPrefix(strings.TrimSpace(a), "+")
	b = strings.TrimPrefix(strings.TrimSpace(b), "+")
	return a != "" && a == b
}

// newestFirst orders transactions by creation time, newest first; those
// without a time keep their order, after the dated ones.
func newestFirst(ss []sale) {
	sort.SliceStable(ss, func(i, j int) bool {
		a, b := ss[i].Created, ss[j].Created
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.After(b.Time)
	})
}

// decodeSimStatus reads a SIM status from {"status"}, {"sim_status"},
// {"state"} (string or object with a status/name/value), a wrapper under
// "sim"/"data", or a bare JSON string. The status is lower-cased.
func decodeSimStatus(body []byte) (string, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '"' {
		if s := strings.TrimSpace(rawText(body)); s != "" {
			return strings.ToLower(s), nil
		}
	}
	m, ok := objectOf(body)
	if !ok {
		return "", errNoJSON
	}
	if s := statusIn(m, 0); s != "" {
		return strings.ToLower(s), nil
	}
	return "", errors.New("no status in the answer")
}

func statusIn(m map[string]json.RawMessage, depth int) string {
	for _, k := range []string{"status", "sim_status", "simStatus", "state"} {
		v, ok := lookupFold(m, k)
		if !ok {
			continue
		}
		if s := strings.TrimSpace(scalarText(v)); s != "" {
			return s
		}
		if o, ok := objectOf(v); ok && depth < 2 {
			if s := text(o, "status", "name", "value", "code"); s != "" {
				return s
			}
		}
	}
	if depth < 2 {
		for _, w := range []string{"sim", "data"} {
			if v, ok := lookupFold(m, w); ok {
				if o, ok := objectOf(v); ok {
					if s := statusIn(o, depth+1); s != "" {
						return s
					}
				}
			}
		}
	}
	return ""
}
