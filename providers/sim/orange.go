package sim

import (
	"net/http"
	"strconv"
	"strings"
)

// orangeErr is Orange's flat error envelope.
func orangeErr(code, message, description string) map[string]string {
	return map[string]string{"code": code, "message": message, "description": description}
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
