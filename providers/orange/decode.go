package orange

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"simdesk/model"
)

// The decoders here are deliberately liberal: the Orange API (and whatever
// gateway sits in front of it) may send numbers as strings, wrap lists in
// different keys or omit fields. Every decoder is total: any byte sequence
// gives a value or an error, never a panic (see the fuzz targets).

// rawText renders one JSON value as the text an operator would expect:
// strings unquoted, numbers and booleans as written, null as "", objects and
// arrays as compact JSON.
func rawText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		var v string
		if json.Unmarshal(b, &v) != nil {
			return ""
		}
		return v
	case 'n':
		return ""
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, b) != nil {
			return ""
		}
		return buf.String()
	}
	return string(b)
}

// scalarText is rawText limited to scalars: objects and arrays read as "".
func scalarText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return ""
	}
	return rawText(b)
}

// parseNumber reads a number given as a JSON number or a numeric string
// ("9.90", "9,90", " 12 "). ok is false for anything else, NaN or ±Inf.
func parseNumber(b []byte) (float64, bool) {
	s := strings.TrimSpace(scalarText(b))
	if s == "" {
		return 0, false
	}
	if strings.Contains(s, ",") {
		if strings.Contains(s, ".") {
			s = strings.ReplaceAll(s, ",", "") // 1,234.5
		} else {
			s = strings.ReplaceAll(s, ",", ".") // 9,90 (decimal comma)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseAmount reads a balance amount: a number, a numeric string, or
// "infinity" (any case), which the contract treats as unlimited.
func parseAmount(b []byte) model.Amount {
	if strings.EqualFold(strings.TrimSpace(scalarText(b)), "infinity") {
		return model.Amount{Unlimited: true, Present: true}
	}
	f, ok := parseNumber(b)
	if !ok {
		return model.Amount{}
	}
	return model.Amount{Value: f, Present: true}
}

// flexStock is an offer's stock bucket: a number, a numeric string, or an
// object holding it under "remaining", "quantity" or "available".
type flexStock struct {
	V  int
	OK bool
}

func (s *flexStock) UnmarshalJSON(b []byte) error {
	*s = flexStock{}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return nil
		}
		for _, k := range []string{"remaining", "quantity", "available", "stock", "value", "count"} {
			if v, ok := lookupFold(m, k); ok {
				if f, ok := parseNumber(v); ok {
					s.V, s.OK = clampInt(f), true
					return nil
				}
			}
		}
		return nil
	}
	if f, ok := parseNumber(b); ok {
		s.V, s.OK = clampInt(f), true
	}
	return nil
}

// clampInt rounds a stock count and keeps it within a sane int range.
func clampInt(f float64) int {
	const lim = 1 << 31
	switch {
	case f > lim:
		return lim
	case f < -lim:
		return -lim
	}
	return int(math.Round(f))
}

// lookupFold finds a key in a decoded object, exactly first, then ignoring case.
func lookupFold(m map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// objectOf decodes b as a JSON object; ok is false for anything else.
func objectOf(b []byte) (map[string]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

// errNoJSON is the cause of every "not the JSON we expected" failure.
var errNoJSON = errors.New("not a JSON object or list")

// listKeys are the keys under which a list may be wrapped, most specific first.
var listKeys = []string{"offers", "suppliers", "transactions", "data", "items", "results"}

// page is one page of a paged list.
type page struct {
	Items    []json.RawMessage
	Total    int
	HasTotal bool
}

// decodePage reads a bare array or an object holding the list under one of
// listKeys (one level of nesting allowed, e.g. {"data":{"offers":[…]}}),
// with "total" paging information when present.
func decodePage(body []byte) (page, error) {
	return decodePageDepth(body, 0)
}

func decodePageDepth(body []byte, depth int) (page, error) {
	var p page
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return p, errors.New("empty answer")
	}
	switch body[0] {
	case '[':
		if err := json.Unmarshal(body, &p.Items); err != nil {
			return p, errNoJSON
		}
		return p, nil
	case '{':
	default:
		return p, errNoJSON
	}
	m, ok := objectOf(body)
	if !ok {
		return p, errNoJSON
	}
	for _, k := range []string{"total", "total_count", "totalCount", "total_results"} {
		if v, ok := lookupFold(m, k); ok {
			if f, ok := parseNumber(v); ok && f >= 0 {
				p.Total, p.HasTotal = clampInt(f), true
				break
			}
		}
	}
	for _, k := range listKeys {
		v, ok := lookupFold(m, k)
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || bytes.Equal(v, []byte("null")):
			return p, nil
		case v[0] == '[':
			if err := json.Unmarshal(v, &p.Items); err != nil {
				return p, errNoJSON
			}
			return p, nil
		case v[0] == '{' && depth == 0:
			inner, err := decodePageDepth(v, depth+1)
			if err != nil {
				continue
			}
			if !inner.HasTotal {
				inner.Total, inner.HasTotal = p.Total, p.HasTotal
			}
			return inner, nil
		}
	}
	return p, errors.New("no list in the answer")
}

// unwrapObject returns the object itself when it has one of the keys that
// mark the record, or the object found under one of the wrapper keys.
func unwrapObject(body []byte, marks []string, wrappers []string) (map[string]json.RawMessage, bool) {
	m, ok := objectOf(body)
	if !ok {
		return nil, false
	}
	for _, k := range marks {
		if _, ok := lookupFold(m, k); ok {
			return m, true
		}
	}
	for _, w := range wrappers {
		if v, ok := lookupFold(m, w); ok {
			if inner, ok := objectOf(v); ok {
				return inner, true
			}
		}
	}
	return m, true
}

// supplierRef reads a supplier given as {"id","name"}, as a plain name, or
// through supplier_id / supplier_name fields beside it.
func supplierRef(m map[string]json.RawMessage) (id, name string) {
	if v, ok := lookupFold(m, "supplier"); ok {
		if o, ok := objectOf(v); ok {
			if x, ok := lookupFold(o, "id"); ok {
				id = scalarText(x)
			}
			if x, ok := lookupFold(o, "name"); ok {
				name = scalarText(x)
			}
		} else {
			name = scalarText(v)
		}
	}
	if v, ok := lookupFold(m, "supplier_id"); ok && id == "" {
		id = scalarText(v)
	}
	if v, ok := lookupFold(m, "supplier_name"); ok && name == "" {
		name = scalarText(v)
	}
	return strings.TrimSpace(id), strings.TrimSpace(name)
}

// text returns a scalar field as trimmed text ("" when absent).
func text(m map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		if v, ok := lookupFold(m, k); ok {
			if s := strings.TrimSpace(scalarText(v)); s != "" {
				return s
			}
		}
	}
	return ""
}

// number returns a numeric field (number or numeric string).
func number(m map[string]json.RawMessage, keys ...string) (float64, bool) {
	for _, k := range keys {
		if v, ok := lookupFold(m, k); ok {
			if f, ok := parseNumber(v); ok {
				return f, true
			}
		}
	}
	return 0, false
}

// stock returns the first stock field present among keys.
func stock(m map[string]json.RawMessage, keys ...string) (int, bool) {
	for _, k := range keys {
		if v, ok := lookupFold(m, k); ok {
			var s flexStock
			_ = s.UnmarshalJSON(v)
			if s.OK {
				return s.V, true
			}
		}
	}
	return 0, false
}

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
	for _, it := range p.Items {
		m, ok := objectOf(it)
		if !ok {
			continue
		}
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
	if f, ok := number(m, "resell_value", "price"); ok {
		o.Price.Amount = f
	}
	o.Price.Currency = strings.ToUpper(text(m, "reference_currency", "currency"))
	if c := model.CurrencyCode(o.Price.Currency); c != "" {
		o.Price.Currency = c
	}
	if f, ok := number(m, "distributor_fees"); ok {
		o.Fees = f
	}
	if n, ok := stock(m, "bucket", "offer_bucket", "stock"); ok {
		o.Stock = n
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
	for _, it := range p.Items {
		if m, ok := objectOf(it); ok {
			out = append(out, decodeOfferObject(m))
		}
	}
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
	if f, ok := number(m, "resell_value"); ok {
		s.Price.Amount = f
	}
	s.Price.Currency = strings.ToUpper(text(m, "reference_currency", "currency"))
	if n, ok := stock(m, "offer_bucket", "bucket"); ok {
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
	for _, it := range p.Items {
		if m, ok := objectOf(it); ok {
			out = append(out, decodeTransactionObject(m))
		}
	}
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
