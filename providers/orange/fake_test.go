package orange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/seeds"
)

// Test credentials. The secret is long and distinctive so that any leak into
// an error string is caught by noSecret.
const (
	testClientID = "distri-42"
	testSecret   = "s3cr3t-Orange-9f8e7d6c5b4a"
	welcomeID    = "wt-0001"
	franceID     = "ofr-0002"
	spainID      = "oes-0003"
	seedSimID    = "1956392841179"
	seedMSISDN   = "33612345678"
)

// fake is an Orange Travel B2B API on 127.0.0.1 with its token endpoint, as
// the public integration notes describe it, with knobs for failures.
type fake struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	tokenCalls int
	apiCalls   int
	posts      int
	issued     map[string]bool // valid bearer tokens
	tokenFail  func(w http.ResponseWriter) bool
	tokenDelay time.Duration
	expiresIn  int
	deny401    bool        // refuse every bearer token
	seenAuth   []string    // Authorization of every API call
	queries    []string    // raw query of every transaction-list call
	postBodies []topupBody // every POST body
	postRaw    [][]byte    // every POST body as sent
	postHook   func(w http.ResponseWriter, n int, b topupBody) bool
	hook       func(w http.ResponseWriter, r *http.Request) bool // runs first on API calls

	suppliers []map[string]any
	offers    []map[string]any
	txs       []map[string]any
	balances  map[string]string // "<supplier>?<query>" → body
	statuses  map[string]string // same keys → status body
	offerCap  int               // page size the server allows (default 50)
}

func newFake(t *testing.T) *fake {
	f := &fake{
		t:         t,
		issued:    map[string]bool{},
		expiresIn: 3600,
		balances:  map[string]string{},
		statuses:  map[string]string{},
		offerCap:  50,
		suppliers: []map[string]any{
			{"id": welcomeID, "name": "Welcome Travelers"},
			{"id": franceID, "name": "Orange France"},
			{"id": spainID, "name": "Orange Spain"},
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/orange/oauth/v3/token", f.token)
	mux.HandleFunc("/orange/travel-b2b/v1/", f.api)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) baseURL() string  { return f.srv.URL + "/orange/travel-b2b/v1" }
func (f *fake) tokenURL() string { return f.srv.URL + "/orange/oauth/v3/token" }

func (f *fake) counts() (tokens, api, posts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCalls, f.apiCalls, f.posts
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if s, ok := v.(string); ok {
		io.WriteString(w, s)
		return
	}
	json.NewEncoder(w).Encode(v)
}

func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tokenCalls++
	n := f.tokenCalls
	fail, delay, exp := f.tokenFail, f.tokenDelay, f.expiresIn
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if r.Method != http.MethodPost {
		writeJSON(w, 405, map[string]string{"error": "invalid_request"})
		return
	}
	if fail != nil && fail(w) {
		return
	}
	id, sec, ok := r.BasicAuth()
	if !ok || id != testClientID || sec != testSecret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "bad client credentials"})
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "content type " + ct})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_secret") != "" {
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	tok := fmt.Sprintf("tok-%d-abcdef", n)
	f.mu.Lock()
	f.issued[tok] = true
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": exp})
}

// revokeAll makes every issued token invalid (as after a server-side expiry).
func (f *fake) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued = map[string]bool{}
}

func (f *fake) api(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.apiCalls++
	auth := r.Header.Get("Authorization")
	f.seenAuth = append(f.seenAuth, auth)
	valid := strings.HasPrefix(auth, "Bearer ") && f.issued[strings.TrimPrefix(auth, "Bearer ")] && !f.deny401
	hook := f.hook
	f.mu.Unlock()
	if !valid {
		writeJSON(w, 401, map[string]string{"code": "401", "message": "invalid token", "description": "Unauthorized"})
		return
	}
	if hook != nil && hook(w, r) {
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/orange/travel-b2b/v1")
	q := r.URL.Query()
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/live":
		writeJSON(w, 200, map[string]any{"isAlive": true, "version": "1.7.3"})
	case path == "/distributors/suppliers":
		writeJSON(w, 200, map[string]any{"suppliers": f.suppliers})
	case path == "/distributors/offers":
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		lim = min(max(lim, 1), f.offerCap)
		writeJSON(w, 200, map[string]any{"offers": window(f.offers, off, lim), "offset": off, "limit": lim, "total": len(f.offers)})
	case len(parts) == 3 && parts[1] == "offers":
		for _, o := range f.offers {
			if o["id"] == parts[2] {
				writeJSON(w, 200, o)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"code": "404", "message": "offer not found", "description": "Not Found"})
	case path == "/distributors/transactions" && r.Method == http.MethodPost:
		f.post(w, r)
	case path == "/distributors/transactions":
		f.list(w, r)
	case len(parts) == 3 && parts[1] == "transactions":
		for _, tx := range f.txs {
			if tx["id"] == parts[2] {
				writeJSON(w, 200, tx)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"code": "404", "message": "transaction not found", "description": "Not Found"})
	case len(parts) == 4 && parts[1] == "suppliers" && (parts[3] == "usagebalances" || parts[3] == "simstatus"):
		key := parts[2] + "?" + r.URL.RawQuery
		m := f.balances
		if parts[3] == "simstatus" {
			m = f.statuses
		}
		f.mu.Lock()
		body, ok := m[key]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, 404, map[string]string{"code": "404", "message": "unknown line " + key, "description": "Not Found"})
			return
		}
		writeJSON(w, 200, body)
	default:
		writeJSON(w, 404, map[string]string{"code": "404", "message": "no route " + path})
	}
}

func window(items []map[string]any, off, lim int) []map[string]any {
	if off < 0 || off >= len(items) {
		return []map[string]any{}
	}
	return items[off:min(len(items), off+lim)]
}

func (f *fake) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.RawQuery)
	txs := f.txs
	f.mu.Unlock()
	var start time.Time
	if s := q.Get("start_date"); s != "" {
		var err error
		if start, err = time.Parse(time.RFC3339, s); err != nil {
			writeJSON(w, 400, map[string]string{"code": "400", "message": "bad start_date"})
			return
		}
	}
	var sel []map[string]any
	for _, tx := range txs {
		if v := q.Get("offer_id"); v != "" && tx["offer_id"] != v {
			continue
		}
		if v := q.Get("user_id"); v != "" && tx["user_id"] != v {
			continue
		}
		if !start.IsZero() {
			c, _ := time.Parse(time.RFC3339, fmt.Sprint(tx["creation_date"]))
			if c.Before(start) {
				continue
			}
		}
		sel = append(sel, tx)
	}
	off, _ := strconv.Atoi(q.Get("offset"))
	lim, _ := strconv.Atoi(q.Get("limit"))
	lim = min(max(lim, 1), 50)
	writeJSON(w, 200, map[string]any{"transactions": window(sel, off, lim), "offset": off, "limit": lim, "total": len(sel)})
}

func (f *fake) post(w http.ResponseWriter, r *http.Request) {
	var b topupBody
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.posts++
	n := f.posts
	hook := f.postHook
	f.mu.Unlock()
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		writeJSON(w, 400, map[string]string{"code": "400", "message": "invalid body"})
		return
	}
	json.Unmarshal(raw, &b)
	if _, ok := probe["parameters"]; ok && b.Parameters == nil {
		b.Parameters = map[string]string{}
	}
	f.mu.Lock()
	f.postBodies = append(f.postBodies, b)
	f.postRaw = append(f.postRaw, raw)
	f.mu.Unlock()
	if hook != nil && hook(w, n, b) {
		return
	}
	writeJSON(w, 201, map[string]any{
		"id": fmt.Sprintf("aaaaaaaa-0000-4000-8000-%012d", n), "status": "ok", "product_type": "topup",
		"creation_date": "2026-11-23T10:00:00Z", "offer_id": b.OfferID, "user_id": b.UserID,
		"resell_value": 9.9, "reference_currency": "EUR", "offer_bucket": 123, "parameters": b.Parameters,
		"supplier": map[string]string{"id": franceID, "name": "Orange France"},
	})
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var epoch = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// newClient builds a client against f with a 2 s timeout, no retry waits
// and a settable clock.
func newClient(t *testing.T, f *fake, mod ...func(*Options)) (*Client, *clock) {
	t.Helper()
	clk := &clock{t: epoch}
	hc := httpx.New("orange", 2*time.Second, httpx.NewRedactor(testSecret))
	hc.Sleep = func(context.Context, time.Duration) error { return nil }
	o := Options{
		Name: "orange", BaseURL: f.baseURL(), TokenURL: f.tokenURL(),
		ClientID: testClientID, ClientSecret: testSecret, HTTP: hc, Now: clk.Now,
	}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

// noSecret fails when the secret (or an issued token) shows anywhere in an
// error: its text, its %+v form, or any error it wraps.
func noSecret(t *testing.T, err error) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			if strings.Contains(s, testSecret) || strings.Contains(s, "-abcdef") {
				t.Errorf("secret or token leaked in error: %s", s)
			}
		}
	}
}

func kindOf(t *testing.T, err error, want model.ErrorKind) *model.Error {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a *model.Error", err, err)
	}
	if me.Kind != want {
		t.Fatalf("kind %s, want %s (%v)", me.Kind, want, err)
	}
	noSecret(t, err)
	return me
}

// closedURL is an address on 127.0.0.1 where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// offer builds a realistic offer object.
func offerJSON(id, name, productType, supplierID, supplier string, stock int) map[string]any {
	return map[string]any{
		"id": id, "name": name, "description": name + " for travellers", "product_type": productType,
		"supplier":     map[string]string{"id": supplierID, "name": supplier},
		"resell_value": 9.9, "reference_currency": "EUR", "distributor_fees": 5,
		"distributor_fees_type": "percent", "bucket": stock,
	}
}

// txJSON builds a realistic transaction object.
func txJSON(id, offerID, user, created, key, value string) map[string]any {
	tx := map[string]any{
		"id": id, "status": "ok", "product_type": "topup", "creation_date": created,
		"offer_id": offerID, "user_id": user, "resell_value": 9.9, "reference_currency": "EUR",
		"offer_bucket": 10, "supplier": map[string]string{"id": franceID, "name": "Orange France"},
	}
	if key != "" {
		tx["parameters"] = map[string]string{key: value}
	}
	return tx
}

func seedBalances() string { return string(seeds.MustRead("orange_usagebalances.json")) }
