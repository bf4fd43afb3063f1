package sim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/seeds"
)

// fakeClock is a settable clock for token expiry and creation dates.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestTokenEndpoint(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + OrangeTokenPath
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

	basic := func(id, secret string) map[string]string {
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		h["Authorization"] = "Basic " + b64(id+":"+secret)
		return h
	}
	a := do(t, "POST", u, basic(ClientID, ClientSecret), "grant_type=client_credentials")
	mustStatus(t, a, 200)
	m := a.json(t)
	if m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) || len(m["access_token"].(string)) < 32 {
		t.Fatalf("token answer %v", m)
	}
	b := do(t, "POST", u, basic(ClientID, ClientSecret), "grant_type=client_credentials")
	if b.json(t)["access_token"] == m["access_token"] {
		t.Error("two tokens are equal: tokens must be random")
	}
	// Credentials in the form, as some clients send them.
	mustStatus(t, do(t, "POST", u, form, "grant_type=client_credentials&client_id=demo&client_secret=demo-secret"), 200)

	for _, h := range []map[string]string{basic(ClientID, "nope"), basic("someone", ClientSecret), form} {
		a = do(t, "POST", u, h, "grant_type=client_credentials")
		mustStatus(t, a, 401)
		if a.json(t)["error"] != "invalid_client" {
			t.Errorf("401 body %s", a.body)
		}
	}
	a = do(t, "POST", u, basic(ClientID, ClientSecret), "grant_type=password")
	mustStatus(t, a, 400)
	mustStatus(t, do(t, "GET", u, basic(ClientID, ClientSecret), ""), 405)
}

func TestOrangeNeedsAValidBearerToken(t *testing.T) {
	clk := &fakeClock{t: fixedNow}
	s := start(t, Options{Now: clk.Now})
	a := do(t, "GET", s.URL()+OrangeBasePath+"/distributors/offers", nil, "")
	mustStatus(t, a, 401)
	if m := a.json(t); m["code"] != "401" || m["message"] == "" || m["description"] == nil {
		t.Errorf("401 body %s", a.body)
	}
	mustStatus(t, orange(t, s, "made-up", "GET", "/distributors/offers", ""), 401)

	tok := token(t, s)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers", ""), 200)
	clk.Add(3599 * time.Second)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers", ""), 200)
	clk.Add(time.Second)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers", ""), 401)

	tok = token(t, s)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/suppliers", ""), 200)
	s.ExpireTokens()
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/suppliers", ""), 401)

	// The health probe needs no token.
	a = do(t, "GET", s.URL()+OrangeBasePath+"/live", nil, "")
	mustStatus(t, a, 200)
	if string(a.body) != "{\n    \"isAlive\": true,\n    \"version\": \"1.7.3\"\n}" {
		t.Errorf("live: %s", a.body)
	}
}

type offerView struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	ProductType string  `json:"product_type"`
	Supplier    supRef  `json:"supplier"`
	Price       float64 `json:"resell_value"`
	Currency    string  `json:"reference_currency"`
	Fees        float64 `json:"distributor_fees"`
	FeesType    string  `json:"distributor_fees_type"`
	Bucket      int     `json:"bucket"`
}

func offers(t *testing.T, s *Server, tok string) map[string]offerView {
	t.Helper()
	var page struct {
		Offers []offerView `json:"offers"`
		Total  int         `json:"total"`
	}
	a := orange(t, s, tok, "GET", "/distributors/offers?offset=0&limit=200", "")
	mustStatus(t, a, 200)
	if err := json.Unmarshal(a.body, &page); err != nil {
		t.Fatal(err)
	}
	out := map[string]offerView{}
	for _, o := range page.Offers {
		out[o.ID] = o
	}
	if len(out) != page.Total {
		t.Fatalf("%d offers listed, total %d", len(out), page.Total)
	}
	return out
}

// offerWhere finds an offer of a supplier and type with stock in [lo, hi].
func offerWhere(t *testing.T, all map[string]offerView, sup, typ string, lo, hi int) offerView {
	t.Helper()
	for _, id := range sortedKeys(all) {
		o := all[id]
		if o.Supplier.Name == sup && o.ProductType == typ && o.Bucket >= lo && o.Bucket <= hi {
			return o
		}
	}
	t.Fatalf("no %s %s offer with stock %d..%d", sup, typ, lo, hi)
	return offerView{}
}

func TestSuppliersAndOffers(t *testing.T) {
	s := start(t, Options{})
	tok := token(t, s)
	a := orange(t, s, tok, "GET", "/distributors/suppliers", "")
	mustStatus(t, a, 200)
	var sups struct{ Suppliers []supRef }
	if err := json.Unmarshal(a.body, &sups); err != nil || len(sups.Suppliers) != 3 {
		t.Fatalf("suppliers %s", a.body)
	}
	names := map[string]bool{}
	for _, sp := range sups.Suppliers {
		names[sp.Name] = true
		if len(sp.ID) != 36 {
			t.Errorf("supplier id %q", sp.ID)
		}
	}
	for _, n := range []string{"Welcome Travelers", "Orange France", "Orange Spain"} {
		if !names[n] {
			t.Errorf("missing supplier %s", n)
		}
	}
	all := offers(t, s, tok)
	if len(all) < 18 {
		t.Fatalf("%d offers", len(all))
	}
	var plenty, low, empty int
	types := map[string]bool{}
	for _, o := range all {
		switch {
		case o.Bucket >= 100:
			plenty++
		case o.Bucket >= 1 && o.Bucket <= 10:
			low++
		case o.Bucket == 0:
			empty++
		}
		types[o.ProductType] = true
		if o.Currency != "EUR" || o.Price <= 0 || (o.FeesType != "percent" && o.FeesType != "value") || o.Name == "" || o.Description == "" || o.Supplier.Name == "" {
			t.Errorf("offer %+v", o)
		}
	}
	if plenty < 3 || low < 3 || empty < 3 || len(types) != 3 {
		t.Errorf("stock mix plenty=%d low=%d empty=%d, types %v", plenty, low, empty, types)
	}

	// Paging.
	var page struct {
		Offers               []offerView
		Offset, Limit, Total int
	}
	a = orange(t, s, tok, "GET", "/distributors/offers?offset=5&limit=4", "")
	mustStatus(t, a, 200)
	_ = json.Unmarshal(a.body, &page)
	if len(page.Offers) != 4 || page.Offset != 5 || page.Limit != 4 || page.Total != len(all) {
		t.Errorf("page %+v", page)
	}
	a = orange(t, s, tok, "GET", "/distributors/offers", "")
	_ = json.Unmarshal(a.body, &page)
	if page.Offset != 0 || page.Limit != 50 || len(page.Offers) != len(all) {
		t.Errorf("default page offset=%d limit=%d n=%d", page.Offset, page.Limit, len(page.Offers))
	}
	a = orange(t, s, tok, "GET", "/distributors/offers?offset=1000", "")
	_ = json.Unmarshal(a.body, &page)
	if len(page.Offers) != 0 || page.Total != len(all) {
		t.Errorf("past the end: %+v", page)
	}
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers?limit=x", ""), 400)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers?offset=-1", ""), 400)

	o := offerWhere(t, all, "Orange France", "topup", 100, 1000)
	a = orange(t, s, tok, "GET", "/distributors/offers/"+o.ID, "")
	mustStatus(t, a, 200)
	var one offerView
	_ = json.Unmarshal(a.body, &one)
	if one != o {
		t.Errorf("offer by id %+v, in list %+v", one, o)
	}
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/offers/00000000-0000-4000-8000-000000000000", ""), 404)
	mustStatus(t, orange(t, s, tok, "PUT", "/distributors/offers", "{}"), 405)
}

type trxView struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	ProductType string            `json:"product_type"`
	Created     string            `json:"creation_date"`
	OfferID     string            `json:"offer_id"`
	UserID      string            `json:"user_id"`
	Price       float64           `json:"resell_value"`
	Currency    string            `json:"reference_currency"`
	OfferBucket int               `json:"offer_bucket"`
	Parameters  map[string]string `json:"parameters"`
	Supplier    supRef            `json:"supplier"`
}

func balances(t *testing.T, s *Server, tok, supID, query string) oBalances {
	t.Helper()
	a := orange(t, s, tok, "GET", "/distributors/suppliers/"+supID+"/usagebalances?"+query, "")
	mustStatus(t, a, 200)
	var b oBalances
	if err := json.Unmarshal(a.body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func hasBucket(b oBalances, name string) bool {
	for _, x := range b.Buckets {
		if x.Name == name {
			return true
		}
	}
	return false
}

func TestTopupDeductsStockAndCreditsTheLine(t *testing.T) {
	s := start(t, Options{Now: func() time.Time { return fixedNow }})
	tok := token(t, s)
	all := offers(t, s, tok)
	o := offerWhere(t, all, "Orange France", "topup", 100, 10000)
	okBefore := s.OkTransactions(o.ID)

	a := orange(t, s, tok, "POST", "/distributors/transactions",
		fmt.Sprintf(`{"offer_id":%q,"user_id":"alice","parameters":{"msisdn":"+%s"}}`, o.ID, SeedMSISDN))
	mustStatus(t, a, 201)
	var tx trxView
	if err := json.Unmarshal(a.body, &tx); err != nil {
		t.Fatal(err)
	}
	if tx.Status != "ok" || tx.OfferID != o.ID || tx.OfferBucket != o.Bucket-1 || tx.UserID != "alice" ||
		tx.Created != fixedNow.Format(time.RFC3339) || tx.Parameters["msisdn"] != "+"+SeedMSISDN ||
		tx.Supplier.Name != "Orange France" || tx.Price != o.Price || tx.Currency != "EUR" || tx.ProductType != "topup" || len(tx.ID) != 36 {
		t.Fatalf("transaction %+v", tx)
	}
	if got := offers(t, s, tok)[o.ID].Bucket; got != o.Bucket-1 {
		t.Errorf("stock %d after one top-up, want %d", got, o.Bucket-1)
	}
	if s.OkTransactions(o.ID) != okBefore+1 {
		t.Errorf("OkTransactions did not grow")
	}
	// The new transaction and the number's earlier one both show the allowance.
	for _, trx := range []string{tx.ID, SeedTransactionID} {
		b := balances(t, s, tok, supOFR.ID, "transaction="+trx)
		if !hasBucket(b, o.Name) || !hasBucket(b, "Recharge Holiday Voix") || !hasBucket(b, "Carte Holiday Tourist LS") {
			t.Errorf("balances of %s: %+v", trx, b.Buckets)
		}
	}
	a = orange(t, s, tok, "GET", "/distributors/transactions/"+tx.ID, "")
	mustStatus(t, a, 200)
	var again trxView
	_ = json.Unmarshal(a.body, &again)
	if again.ID != tx.ID || again.OfferBucket != tx.OfferBucket {
		t.Errorf("transaction by id %+v", again)
	}

	// Welcome Travelers by simId: the SIM gains a bucket named after the offer.
	wt := offerWhere(t, all, "Welcome Travelers", "topup", 11, 10000)
	mustStatus(t, orange(t, s, tok, "POST", "/distributors/transactions", fmt.Sprintf(`{"offer_id":%q,"parameters":{"simId":%q}}`, wt.ID, SeedSimID)), 201)
	if b := balances(t, s, tok, supWT.ID, "simId="+SeedSimID); !hasBucket(b, wt.Name) || len(b.Buckets) != 3 {
		t.Errorf("WT SIM balances %+v", b.Buckets)
	}

	// An eSIM sale takes no parameters and is its own line.
	es := offerWhere(t, all, "Orange Spain", "eSim", 11, 10000)
	a = orange(t, s, tok, "POST", "/distributors/transactions", fmt.Sprintf(`{"offer_id":%q}`, es.ID))
	mustStatus(t, a, 201)
	_ = json.Unmarshal(a.body, &tx)
	if b := balances(t, s, tok, supOES.ID, "transaction="+tx.ID); len(b.Buckets) != 1 || b.Buckets[0].Name != es.Name || b.Buckets[0].DataRemaining != 15 {
		t.Errorf("eSIM balances %+v", b)
	}
	// A new number gets a line of its own.
	oes := offerWhere(t, all, "Orange Spain", "topup", 100, 10000)
	a = orange(t, s, tok, "POST", "/distributors/transactions", fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"0612345678"}}`, oes.ID))
	mustStatus(t, a, 201)
	_ = json.Unmarshal(a.body, &tx)
	if b := balances(t, s, tok, supOES.ID, "transaction="+tx.ID); len(b.Buckets) != 1 || b.Buckets[0].Name != oes.Name {
		t.Errorf("new number's balances %+v", b)
	}
}

func TestTopupValidation(t *testing.T) {
	s := start(t, Options{})
	tok := token(t, s)
	all := offers(t, s, tok)
	ofr := offerWhere(t, all, "Orange France", "topup", 1, 10000)
	wt := offerWhere(t, all, "Welcome Travelers", "topup", 1, 10000)
	empty := offerWhere(t, all, "Orange France", "topup", 0, 0)
	trxBefore := countTrx(t, s, tok)
	okEmpty := s.OkTransactions(empty.ID)
	cases := []struct{ body, message string }{
		{`{"parameters":{"msisdn":"33612345678"}}`, "missing offer_id parameter in body"},
		{`{"offer_id":"","parameters":{"msisdn":"33612345678"}}`, "missing offer_id parameter in body"},
		{`{"offer_id":null}`, "missing offer_id parameter in body"},
		{`{"offer_id":"id_offre","parameters":{"msisdn":"33612345678"}}`, "invalid offer_id parameter"},
		{`{"offer_id":42}`, "invalid offer_id parameter"},
		{fmt.Sprintf(`{"offer_id":%q}`, ofr.ID), "missing parameters parameter in body"},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{}}`, ofr.ID), "missing parameters parameter in body"},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":null}`, wt.ID), "missing parameters parameter in body"},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"simId":"1956392841179"}}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"33612345678"}}`, wt.ID), "bad parameter for transaction for offer " + wt.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"3361234"}}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"34612345678"}}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"33112345678"}}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":33612345678}}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":"33612345678"}`, ofr.ID), "bad parameter for transaction for offer " + ofr.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"simId":"12ab"}}`, wt.ID), "bad parameter for transaction for offer " + wt.ID},
		{fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"33612345678"}}`, empty.ID), "bucket empty for offer " + empty.ID},
		{`not json`, "invalid body"},
		{fmt.Sprintf(`{"offer_id":%q,"user_id":7,"parameters":{"msisdn":"33612345678"}}`, ofr.ID), "invalid user_id parameter"},
	}
	for _, c := range cases {
		a := orange(t, s, tok, "POST", "/distributors/transactions", c.body)
		if a.status != 400 {
			t.Errorf("%s: HTTP %d, want 400", c.body, a.status)
			continue
		}
		m := a.json(t)
		if m["code"] != "400" || m["message"] != c.message || m["description"] == "" {
			t.Errorf("%s: body %s, want message %q", c.body, a.body, c.message)
		}
	}
	after := offers(t, s, tok)
	for id, o := range all {
		if after[id].Bucket != o.Bucket {
			t.Errorf("%s: stock %d → %d after rejected top-ups", o.Name, o.Bucket, after[id].Bucket)
		}
	}
	if n := countTrx(t, s, tok); n != trxBefore {
		t.Errorf("rejected top-ups recorded transactions: %d → %d", trxBefore, n)
	}
	if s.OkTransactions(empty.ID) != okEmpty || after[empty.ID].Bucket != 0 {
		t.Error("empty offer changed")
	}
}

func countTrx(t *testing.T, s *Server, tok string) int {
	t.Helper()
	a := orange(t, s, tok, "GET", "/distributors/transactions/count", "")
	mustStatus(t, a, 200)
	return int(a.json(t)["count"].(float64))
}

func listTrx(t *testing.T, s *Server, tok string, q url.Values) (items []trxView, total, offset, limit int) {
	t.Helper()
	a := orange(t, s, tok, "GET", "/distributors/transactions?"+q.Encode(), "")
	mustStatus(t, a, 200)
	var page struct {
		Transactions         []trxView
		Offset, Limit, Total int
	}
	if err := json.Unmarshal(a.body, &page); err != nil {
		t.Fatal(err)
	}
	c := orange(t, s, tok, "GET", "/distributors/transactions/count?"+q.Encode(), "")
	mustStatus(t, c, 200)
	if n := int(c.json(t)["count"].(float64)); n != page.Total {
		t.Errorf("count %d != total %d for %v", n, page.Total, q)
	}
	return page.Transactions, page.Total, page.Offset, page.Limit
}

func TestTransactionListFiltersAndPaging(t *testing.T) {
	s := start(t, Options{Now: func() time.Time { return fixedNow }})
	tok := token(t, s)
	everything, total, offset, limit := listTrx(t, s, tok, url.Values{"limit": {"200"}})
	if total < 30 || len(everything) != total || offset != 0 || limit != 200 {
		t.Fatalf("total %d, got %d, offset %d limit %d", total, len(everything), offset, limit)
	}
	for i := 1; i < len(everything); i++ {
		if everything[i-1].Created < everything[i].Created {
			t.Fatalf("not newest first at %d: %s < %s", i, everything[i-1].Created, everything[i].Created)
		}
	}
	// Pages of 7 cover the same list, in the same order.
	var paged []trxView
	for off := 0; off < total; off += 7 {
		items, tot, o, l := listTrx(t, s, tok, url.Values{"offset": {fmt.Sprint(off)}, "limit": {"7"}})
		if tot != total || o != off || l != 7 {
			t.Fatalf("page at %d: total %d offset %d limit %d", off, tot, o, l)
		}
		paged = append(paged, items...)
	}
	for i := range paged {
		if paged[i].ID != everything[i].ID {
			t.Fatalf("paging differs at %d", i)
		}
	}
	_, _, _, l := listTrx(t, s, tok, url.Values{"limit": {"500"}})
	if l != 200 {
		t.Errorf("limit 500 → %d, want 200", l)
	}
	def, _, _, l := listTrx(t, s, tok, nil)
	if l != 50 || len(def) != min(50, total) {
		t.Errorf("default limit %d, %d items", l, len(def))
	}

	check := func(q url.Values, keep func(trxView) bool) {
		t.Helper()
		want := 0
		for _, x := range everything {
			if keep(x) {
				want++
			}
		}
		items, tot, _, _ := listTrx(t, s, tok, q)
		if tot != want || want == 0 {
			t.Errorf("%v: total %d, want %d (>0)", q, tot, want)
		}
		for _, x := range items {
			if !keep(x) {
				t.Errorf("%v: %+v does not match", q, x)
			}
		}
	}
	q := func(kv ...string) url.Values {
		v := url.Values{"limit": {"200"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	check(q("status", "error"), func(x trxView) bool { return x.Status == "error" })
	check(q("status", "ok"), func(x trxView) bool { return x.Status == "ok" })
	check(q("supplier_id", supOES.ID), func(x trxView) bool { return x.Supplier.ID == supOES.ID })
	check(q("product_type", "eSim"), func(x trxView) bool { return x.ProductType == "eSim" })
	check(q("user_id", "alice"), func(x trxView) bool { return x.UserID == "alice" })
	seed := everything[0]
	for _, x := range everything {
		if x.ID == SeedTransactionID {
			seed = x
		}
	}
	check(q("offer_id", seed.OfferID), func(x trxView) bool { return x.OfferID == seed.OfferID })
	from, to := fixedNow.AddDate(0, 0, -20).Format(time.RFC3339), fixedNow.AddDate(0, 0, -3).Format(time.RFC3339)
	check(q("start_date", from, "end_date", to), func(x trxView) bool { return x.Created >= from && x.Created <= to })
	check(q("start_date", from, "supplier_id", supOFR.ID, "status", "ok"), func(x trxView) bool {
		return x.Created >= from && x.Supplier.ID == supOFR.ID && x.Status == "ok"
	})
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/transactions?start_date=yesterday", ""), 400)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/transactions/count?end_date=13/03/2025", ""), 400)
	mustStatus(t, orange(t, s, tok, "GET", "/distributors/transactions/"+strings.Repeat("0", 36), ""), 404)
}

func TestUsageBalancesAndSimStatus(t *testing.T) {
	s := start(t, Options{})
	tok := token(t, s)
	seed := seeds.MustRead("orange_usagebalances.json")
	get := func(supID, q string) answer {
		return orange(t, s, tok, "GET", "/distributors/suppliers/"+supID+"/usagebalances?"+q, "")
	}
	for _, c := range []struct{ sup, q string }{
		{supWT.ID, "simId=" + SeedSimID},
		{supWT.ID, "transaction=" + seedWTTransaction},
		{supOFR.ID, "transaction=" + SeedTransactionID},
	} {
		a := get(c.sup, c.q)
		mustStatus(t, a, 200)
		bodyEq(t, a, seed)
	}
	a := get(supOFR.ID, "simId="+SeedSimID)
	mustStatus(t, a, 400)
	if a.json(t)["message"] != "simId not supported for this supplier" || a.json(t)["code"] != "400" {
		t.Errorf("simId on Orange France: %s", a.body)
	}
	mustStatus(t, get(supOES.ID, "simId=123456789"), 400)
	mustStatus(t, get(supWT.ID, "simId=1111111111111"), 404)
	mustStatus(t, get(supWT.ID, "transaction="+SeedTransactionID), 404) // another supplier's
	mustStatus(t, get(supOFR.ID, ""), 400)
	a = get("00000000-0000-4000-8000-000000000000", "transaction="+SeedTransactionID)
	mustStatus(t, a, 404)
	if a.json(t)["code"] != "404" {
		t.Errorf("404 body %s", a.body)
	}

	st := orange(t, s, tok, "GET", "/distributors/suppliers/"+supOFR.ID+"/simstatus?transaction="+SeedTransactionID, "")
	mustStatus(t, st, 200)
	if st.json(t)["status"] != "active" {
		t.Errorf("simstatus %s", st.body)
	}
	st = orange(t, s, tok, "GET", "/distributors/suppliers/"+supWT.ID+"/simstatus?simId="+SeedSimID, "")
	mustStatus(t, st, 200)

	// Every generated sample is served, in the seed's shape, with a status
	// among active/suspended/expired, and all three occur.
	statuses := map[string]bool{}
	units := map[string]bool{}
	for _, l := range s.orange.lines {
		statuses[l.status] = true
		var b oBalances
		if err := json.Unmarshal(l.body(), &b); err != nil || b.NumberExpirationDate == "" {
			t.Fatalf("line body %s: %v", l.body(), err)
		}
		for _, x := range b.Buckets {
			units[x.DataUnit+"/"+x.AirtimeUnit] = true
		}
	}
	for _, want := range []string{"active", "suspended", "expired"} {
		if !statuses[want] {
			t.Errorf("no %s line", want)
		}
	}
	if !units["Gb/seconds"] || !units["Mb/minutes"] {
		t.Errorf("units %v", units)
	}
	for _, l := range s.SampleLines() {
		if l.Provider != "orange" {
			continue
		}
		switch l.Type {
		case "sim":
			mustStatus(t, get(supWT.ID, "simId="+l.ID), 200)
		case "transaction":
			mustStatus(t, get(supOFR.ID, "transaction="+l.ID), 200)
		case "msisdn":
			var found int
			for _, tx := range s.orange.trx {
				if tx.parameters["msisdn"] == l.ID {
					mustStatus(t, get(tx.offer.sup.ID, "transaction="+tx.ID), 200)
					found++
				}
			}
			if found == 0 {
				t.Errorf("sample %s has no transaction", l.ID)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
