package sim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// tokenLifetime is the expires_in of every token, in seconds.
const tokenLifetime = 3600

// orangeErr is Orange's flat error envelope.
func orangeErr(code, message, description string) map[string]string {
	return map[string]string{"code": code, "message": message, "description": description}
}

// handleToken is the OAuth 2.0 client-credentials endpoint. Credentials are
// read from HTTP Basic, or from the form as some clients send them.
func (s *Server) handleToken(rep *reply, r *http.Request) {
	if r.Method != http.MethodPost {
		rep.header.Set("Allow", http.MethodPost)
		rep.json(http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "use POST"})
		return
	}
	if r.Body != nil {
		r.Body = io.NopCloser(io.LimitReader(r.Body, 64<<10))
	}
	_ = r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !validCredentials(id, secret) {
		rep.header.Set("WWW-Authenticate", `Basic realm="orange-travel"`)
		rep.json(http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "client authentication failed"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		rep.json(http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"})
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	now := s.now()
	s.mu.Lock()
	if len(s.tokens) > 1000 {
		for t, exp := range s.tokens {
			if !now.Before(exp) {
				delete(s.tokens, t)
			}
		}
	}
	s.tokens[tok] = now.Add(tokenLifetime * time.Second)
	s.mu.Unlock()
	rep.header.Set("Cache-Control", "no-store")
	rep.json(http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": tokenLifetime})
}

// ExpireTokens invalidates every token issued so far, as if they had all
// reached their expiry, so tests can prove a client renews on a 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

func (s *Server) bearerOK(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return false
	}
	tok := strings.TrimSpace(h[7:])
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && now.Before(exp)
}

// handleOrange routes the Travel B2B API below its base path.
func (s *Server) handleOrange(rep *reply, r *http.Request, rest string) {
	if rest == "/live" {
		if r.Method != http.MethodGet {
			s.orangeMethod(rep, http.MethodGet)
			return
		}
		rep.json(http.StatusOK, map[string]any{"isAlive": true, "version": "1.7.3"})
		return
	}
	if !s.bearerOK(r) {
		rep.header.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		rep.json(http.StatusUnauthorized, orangeErr("401", "unauthorized", "missing, invalid or expired bearer token"))
		return
	}
	seg := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if len(seg) < 2 || seg[0] != "distributors" {
		s.orangeNotFound(rep, "resource not found")
		return
	}
	get := func(h func()) {
		if r.Method != http.MethodGet {
			s.orangeMethod(rep, http.MethodGet)
			return
		}
		h()
	}
	q := r.URL.Query()
	switch {
	case len(seg) == 2 && seg[1] == "suppliers":
		get(func() { s.listSuppliers(rep) })
	case len(seg) == 3 && seg[1] == "suppliers":
		get(func() { s.getSupplier(rep, seg[2]) })
	case len(seg) == 4 && seg[1] == "suppliers" && (seg[3] == "usagebalances" || seg[3] == "simstatus"):
		get(func() { s.lineInfo(rep, seg[2], seg[3], q) })
	case len(seg) == 2 && seg[1] == "offers":
		get(func() { s.listOffers(rep, q) })
	case len(seg) == 3 && seg[1] == "offers":
		get(func() { s.getOffer(rep, seg[2]) })
	case len(seg) == 2 && seg[1] == "transactions":
		switch r.Method {
		case http.MethodGet:
			s.listTransactions(rep, q, false)
		case http.MethodPost:
			s.createTransaction(rep, r)
		default:
			s.orangeMethod(rep, "GET, POST")
		}
	case len(seg) == 3 && seg[1] == "transactions" && seg[2] == "count":
		get(func() { s.listTransactions(rep, q, true) })
	case len(seg) == 3 && seg[1] == "transactions":
		get(func() { s.getTransaction(rep, seg[2]) })
	default:
		s.orangeNotFound(rep, "resource not found")
	}
}

func (s *Server) orangeMethod(rep *reply, allow string) {
	rep.header.Set("Allow", allow)
	rep.json(http.StatusMethodNotAllowed, orangeErr("405", "method not allowed", "allowed: "+allow))
}

func (s *Server) orangeNotFound(rep *reply, msg string) {
	rep.json(http.StatusNotFound, orangeErr("404", msg, "no such resource"))
}

func (s *Server) orangeBad(rep *reply, msg, desc string) {
	rep.json(http.StatusBadRequest, orangeErr("400", msg, desc))
}

type supRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func supplierByID(id string) *supplier {
	for _, sp := range suppliers {
		if sp.ID == id {
			return sp
		}
	}
	return nil
}

func (s *Server) listSuppliers(rep *reply) {
	out := make([]supRef, 0, len(suppliers))
	for _, sp := range suppliers {
		out = append(out, supRef{sp.ID, sp.Name})
	}
	rep.json(http.StatusOK, map[string]any{"suppliers": out})
}

func (s *Server) getSupplier(rep *reply, id string) {
	sp := supplierByID(id)
	if sp == nil {
		s.orangeNotFound(rep, "supplier not found")
		return
	}
	rep.json(http.StatusOK, supRef{sp.ID, sp.Name})
}

type offerJSON struct {
	ID                  string  `json:"id"`
	Name                string  `json:"name"`
	Description         string  `json:"description"`
	ProductType         string  `json:"product_type"`
	Supplier            supRef  `json:"supplier"`
	ResellValue         float64 `json:"resell_value"`
	ReferenceCurrency   string  `json:"reference_currency"`
	DistributorFees     float64 `json:"distributor_fees"`
	DistributorFeesType string  `json:"distributor_fees_type"`
	Bucket              int     `json:"bucket"`
}

func (o *offer) json() offerJSON {
	return offerJSON{o.ID, o.Name, o.Description, o.ProductType, supRef{o.sup.ID, o.sup.Name}, o.price, "EUR", o.fees, o.feesType, o.stock}
}

// paging reads offset and limit (default 50, at most 200).
func (s *Server) paging(rep *reply, q map[string][]string) (offset, limit int, ok bool) {
	offset, limit = 0, 50
	if v := first(q, "offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.orangeBad(rep, "invalid offset parameter", "offset must be a non-negative integer")
			return 0, 0, false
		}
		offset = n
	}
	if v := first(q, "limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.orangeBad(rep, "invalid limit parameter", "limit must be an integer from 1 to 200")
			return 0, 0, false
		}
		limit = min(n, 200)
	}
	return offset, limit, true
}

func first(q map[string][]string, k string) string {
	if v := q[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func window(total, offset, limit int) (int, int) {
	lo := min(offset, total)
	return lo, min(lo+limit, total)
}

func (s *Server) listOffers(rep *reply, q map[string][]string) {
	offset, limit, ok := s.paging(rep, q)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lo, hi := window(len(s.orange.offers), offset, limit)
	out := make([]offerJSON, 0, hi-lo)
	for _, o := range s.orange.offers[lo:hi] {
		out = append(out, o.json())
	}
	rep.json(http.StatusOK, map[string]any{"offers": out, "offset": offset, "limit": limit, "total": len(s.orange.offers)})
}

func (s *Server) getOffer(rep *reply, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orange.offerByID[id]
	if o == nil {
		s.orangeNotFound(rep, "offer not found")
		return
	}
	rep.json(http.StatusOK, o.json())
}

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
	var match []*oTrx
	for _, t := range s.orange.trx {
		switch {
		case !start.IsZero() && t.created.Before(start),
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

// lineInfo serves usagebalances and simstatus of a line found by
// transaction (every supplier) or by simId (Welcome Travelers only).
func (s *Server) lineInfo(rep *reply, supID, what string, q map[string][]string) {
	sup := supplierByID(supID)
	if sup == nil {
		s.orangeNotFound(rep, "supplier not found")
		return
	}
	trx, sim := first(q, "transaction"), first(q, "simId")
	s.mu.Lock()
	defer s.mu.Unlock()
	var line *oLine
	switch {
	case trx != "":
		t := s.orange.trxByID[strings.ToLower(trx)]
		if t == nil || t.offer.sup != sup {
			s.orangeNotFound(rep, "transaction not found for this supplier")
			return
		}
		if t.line == nil {
			s.orangeNotFound(rep, "no line for transaction "+t.ID+" (status "+t.Status+")")
			return
		}
		line = t.line
	case sim != "":
		if !sup.bySim {
			s.orangeBad(rep, "simId not supported for this supplier", sup.Name+" lines are found by transaction only")
			return
		}
		line = s.orange.lines[lineKey(sup, "sim", sim)]
		if line == nil {
			s.orangeNotFound(rep, "sim not found")
			return
		}
	default:
		s.orangeBad(rep, "missing transaction parameter", "give transaction (or simId for Welcome Travelers)")
		return
	}
	if what == "simstatus" {
		rep.json(http.StatusOK, map[string]string{"status": line.status})
		return
	}
	rep.raw(http.StatusOK, "application/json", line.body())
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
	if o == nil {
		s.orangeBad(rep, "invalid offer_id parameter", "no offer has this id")
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
