package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

type trxJSON struct {
	ID                string            `json:"id"`
	Status            string            `json:"status"`
	ProductType       string            `json:"product_type"`
	CreationDate      string            `json:"creation_date"`
	OfferID           string            `json:"offer_id"`
	UserID            string            `json:"user_id,omitempty"`
	ResellValue       float64           `json:"resell_value"`
	ReferenceCurrency string            `json:"reference_currency"`
	OfferBucket       int               `json:"offer_bucket"`
	Parameters        map[string]string `json:"parameters,omitempty"`
	Supplier          supRef            `json:"supplier"`
	Reason            string            `json:"reason,omitempty"`
}

func (t *oTrx) json() trxJSON {
	return trxJSON{t.ID, t.Status, t.offer.ProductType, t.created.UTC().Format(time.RFC3339), t.offer.ID, t.userID,
		t.price, "EUR", t.stockLeft, t.parameters, supRef{t.offer.sup.ID, t.offer.sup.Name}, t.reason}
}

func (s *Server) getTransaction(rep *reply, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.orange.trxByID[strings.ToLower(id)]
	if t == nil {
		s.orangeNotFound(rep, "transaction not found")
		return
	}
	rep.json(http.StatusOK, t.json())
}

// parseDate reads a filter date: RFC 3339, or a bare YYYY-MM-DD (UTC).
func parseDate(v string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// listTransactions serves the list (newest first, paged) or, with count, the
// number of transactions matching the same filters.
func (s *Server) listTransactions(rep *reply, q map[string][]string, count bool) {
	var start, end time.Time
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"start_date", &start}, {"end_date", &end}} {
		if v := first(q, d.key); v != "" {
			t, ok := parseDate(v)
			if !ok {
				s.orangeBad(rep, "invalid "+d.key+" parameter", "dates are RFC 3339, e.g. 2024-11-05T00:00:00Z")
				return
			}
			*d.dst = t
		}
	}
	offset, limit, ok := s.paging(rep, q)
	if !ok {
		return
	}
	status, offerID, supID, ptype, user := first(q, "status"), first(q, "offer_id"), first(q, "supplier_id"), first(q, "product_type"), first(q, "user_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	var visible time.Time // a lagging list shows transactions created before it
	if s.opts.OrangeListLag > 0 {
		visible = s.now().Add(-s.opts.OrangeListLag)
	}
	var match []*oTrx
	for _, t := range s.orange.trx {
		switch {
		case !visible.IsZero() && t.created.After(visible),
			!start.IsZero() && t.created.Before(start),
			!end.IsZero() && t.created.After(end),
			status != "" && t.Status != status,
			offerID != "" && t.offer.ID != offerID,
			supID != "" && t.offer.sup.ID != supID,
			ptype != "" && t.offer.ProductType != ptype,
			user != "" && t.userID != user:
			continue
		}
		match = append(match, t)
	}
	if count {
		rep.json(http.StatusOK, map[string]int{"count": len(match)})
		return
	}
	sort.SliceStable(match, func(i, j int) bool {
		if !match[i].created.Equal(match[j].created) {
			return match[i].created.After(match[j].created)
		}
		return match[i].seq > match[j].seq
	})
	lo, hi := window(len(match), offset, limit)
	out := make([]trxJSON, 0, hi-lo)
	for _, t := range match[lo:hi] {
		out = append(out, t.json())
	}
	rep.json(http.StatusOK, map[string]any{"transactions": out, "offset": offset, "limit": limit, "total": len(match)})
}

// createTransaction sells one unit of an offer. Validation and its messages
// follow the API (seed 001 and its integration notes); on success the stock
// loses one unit and the line gains the offer's allowance, before the
// latency wait, like a backend that commits and then answers slowly.
func (s *Server) createTransaction(rep *reply, r *http.Request) {
	var raw []byte
	if r.Body != nil {
		raw, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		s.orangeBad(rep, "invalid body", "the body must be a JSON object")
		return
	}
	var offerID string
	if v, ok := body["offer_id"]; !ok || string(v) == "null" || string(v) == `""` {
		s.orangeBad(rep, "missing offer_id parameter in body", "offer_id is mandatory")
		return
	} else if json.Unmarshal(v, &offerID) != nil {
		s.orangeBad(rep, "invalid offer_id parameter", "offer_id must be the id of an offer")
		return
	}
	var userID string
	if v, ok := body["user_id"]; ok && string(v) != "null" && json.Unmarshal(v, &userID) != nil {
		s.orangeBad(rep, "invalid user_id parameter", "user_id must be a string")
		return
	}
	var params map[string]any
	hasParams := false
	if v, ok := body["parameters"]; ok && string(v) != "null" {
		if json.Unmarshal(v, &params) != nil {
			params = map[string]any{"": nil} // present but not an object: a bad parameter
		}
		hasParams = len(params) > 0
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orange.offerByID[offerID]
	if o == nil || o.retired {
		s.orangeBad(rep, "invalid offer_id parameter", "no offer on sale has this id")
		return
	}
	if o.stock <= 0 {
		s.orangeBad(rep, "bucket empty for offer "+o.ID, "the distributor has no stock left for this offer; nothing was sold")
		return
	}
	bad := func() { s.orangeBad(rep, "bad parameter for transaction for offer "+o.ID, badParamHint(o)) }
	now := s.now().UTC().Truncate(time.Second)
	var line *oLine
	var stored map[string]string
	if o.ProductType != "eSim" {
		if !hasParams {
			s.orangeBad(rep, "missing parameters parameter in body", badParamHint(o))
			return
		}
		stored = map[string]string{}
		for k, v := range params {
			str, ok := v.(string)
			if !ok {
				bad()
				return
			}
			stored[k] = str
		}
		key := ""
		if o.sup.bySim {
			sim := stored["simId"]
			if _, has := stored["msisdn"]; has || !validSimID(sim) {
				bad()
				return
			}
			key = lineKey(o.sup, "sim", sim)
		} else {
			n, ok := normMSISDN(stored["msisdn"], o.sup.countryCode)
			if _, has := stored["simId"]; has || !ok {
				bad()
				return
			}
			key = lineKey(o.sup, "msisdn", n)
		}
		line = s.orange.lines[key]
		if line == nil {
			line = &oLine{sup: o.sup, status: "active", dataUnit: "Gb", airUnit: "seconds", bal: oBalances{Buckets: []oBucket{}}}
			s.orange.lines[key] = line
		}
	} else {
		if hasParams {
			stored = map[string]string{}
			for k, v := range params {
				if str, ok := v.(string); ok {
					stored[k] = str
				}
			}
		}
		line = &oLine{sup: o.sup, status: "active", dataUnit: "Gb", airUnit: "seconds", bal: oBalances{Buckets: []oBucket{}}}
	}
	o.stock--
	line.add(o, now)
	t := &oTrx{ID: newUUID(s.idRand), Status: "ok", offer: o, created: now, userID: userID, price: o.price,
		stockLeft: o.stock, parameters: stored, line: line}
	if o.ProductType == "eSim" {
		s.orange.lines[lineKey(o.sup, "trx", t.ID)] = line
	}
	s.orange.record(t)
	rep.json(http.StatusCreated, t.json())
}

func badParamHint(o *offer) string {
	if o.sup.bySim {
		return o.sup.Name + " " + o.ProductType + " needs parameters.simId (8 to 22 digits) and no msisdn"
	}
	return o.sup.Name + " " + o.ProductType + " needs parameters.msisdn, a +" + o.sup.countryCode + " mobile number, and no simId"
}

// OkTransactions counts the successful transactions recorded for an offer,
// so a test can tell whether a top-up it lost track of went through.
func (s *Server) OkTransactions(offerID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.orange.trx {
		if t.Status == "ok" && t.offer.ID == offerID {
			n++
		}
	}
	return n
}
