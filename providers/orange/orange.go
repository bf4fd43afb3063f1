// Package orange is the client for the Orange Travel B2B API (provider kind
// orange-travel): travel SIMs, eSIMs and top-ups sold by a distributor for
// suppliers such as Orange France, Orange Spain and Welcome Travelers.
//
// It authenticates with OAuth 2.0 client credentials, lists offers with their
// stock bucket, sells top-ups (never retrying the POST), reads transactions,
// usage balances and SIM status, and resolves a MSISDN to its lines by
// scanning the transaction list, because Orange France lines are found by
// transaction only. Everything it returns speaks package model.
package orange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
)

// Kind is the provider kind this package serves, as written in the config.
const Kind = "orange-travel"

// Bounds that keep every operation finite whatever the API answers.
const (
	defaultMaxScan    = 2000 // transactions scanned for a MSISDN lookup
	pageSize          = 50   // offset/limit page size, as in the API's examples
	maxOfferPages     = 100  // offers: at most this many pages
	lookupConcurrency = 4    // balance fetches in flight for one MSISDN lookup
	maxLinesPerLookup = 50   // newest transactions shown for one MSISDN
	supplierTTL       = 10 * time.Minute
	// maxReconcileDetails bounds the transactions read one by one when the
	// list leaves out their parameters.
	maxReconcileDetails = 20
)

// Options configures a Client. The lead wires it from the config file.
type Options struct {
	// Name is the configured provider name: pane title and error prefix.
	Name string
	// BaseURL is the API root, e.g. https://host/travel-b2b/v1; paths are
	// appended to it.
	BaseURL string
	// TokenURL is the OAuth 2.0 token endpoint, e.g. https://host/oauth/v3/token.
	TokenURL string
	// ClientID and ClientSecret are the client credentials, sent with HTTP
	// Basic to the token endpoint only.
	ClientID, ClientSecret string
	// HTTP is the shared plumbing built by the caller (timeout, redactor with
	// the secret registered). Nil means a default client with a 10 s timeout.
	HTTP *httpx.Client
	// MaxScan bounds the transactions scanned for a MSISDN lookup or a
	// reconciliation; 0 means 2000.
	MaxScan int
	// Now is the clock (as_of of lines, token expiry); nil means time.Now.
	Now func() time.Time
}

// Client talks to one Orange Travel B2B endpoint. It is safe for concurrent
// use: the token, the supplier list and the offer names are shared caches.
type Client struct {
	name    string
	base    string
	http    *httpx.Client
	red     *httpx.Redactor
	auth    *tokens
	maxScan int
	now     func() time.Time

	mu          sync.Mutex
	suppliers   []Supplier
	suppliersAt time.Time
	offers      map[string]model.Offer // by id: names and suppliers of offers seen
}

var (
	_ providers.ToppingUp = (*Client)(nil)
	_ providers.Health    = (*Client)(nil)
)

// New checks the options and returns a client. It makes no network call: the
// first token is fetched by the first API call.
func New(o Options) (*Client, error) {
	if strings.TrimSpace(o.Name) == "" {
		o.Name = "orange"
	}
	base, err := checkURL("base_url", o.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", o.Name, err)
	}
	if _, err := checkURL("token_url", o.TokenURL); err != nil {
		return nil, fmt.Errorf("provider %s: %w", o.Name, err)
	}
	if strings.TrimSpace(o.ClientID) == "" {
		return nil, fmt.Errorf("provider %s: client_id is empty", o.Name)
	}
	if o.ClientSecret == "" {
		return nil, fmt.Errorf("provider %s: client secret is empty", o.Name)
	}
	if o.HTTP == nil {
		o.HTTP = httpx.New(o.Name, 10*time.Second, httpx.NewRedactor(o.ClientSecret))
	}
	if o.HTTP.HTTP == nil {
		return nil, fmt.Errorf("provider %s: HTTP client has no transport client", o.Name)
	}
	red := o.HTTP.Redactor
	if red == nil {
		red = httpx.NewRedactor()
	}
	red.AddBasic(o.ClientID, o.ClientSecret)
	if o.MaxScan <= 0 {
		o.MaxScan = defaultMaxScan
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	timeout := o.HTTP.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tokenHTTP := &http.Client{
		Transport:     o.HTTP.HTTP.Transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Client{
		name:    o.Name,
		base:    base,
		http:    o.HTTP,
		red:     red,
		auth:    newTokens(o, tokenHTTP, red, o.Now),
		maxScan: o.MaxScan,
		now:     o.Now,
		offers:  map[string]model.Offer{},
	}, nil
}

func checkURL(key, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s %q is not an http(s) URL", key, model.OneLine(raw, 80))
	}
	return strings.TrimRight(raw, "/"), nil
}

// Name is the configured provider name.
func (c *Client) Name() string { return c.name }

// Kind is always orange-travel.
func (c *Client) Kind() string { return Kind }

// Accepts reports the identifier types Orange can resolve: a MSISDN (through
// its transactions), a Welcome Travelers SIM id, or a transaction id.
func (c *Client) Accepts(t model.IDType) bool {
	return t == model.MSISDN || t == model.SIM || t == model.Transaction
}

// Ping checks GET /live (with a token, so that bad credentials show too).
func (c *Client) Ping(ctx context.Context) error {
	return c.get(ctx, "/live", nil, func(b []byte) error {
		m, ok := objectOf(b)
		if !ok {
			return c.badResponse("liveness answer", errNoJSON)
		}
		if v, ok := lookupFold(m, "isAlive"); ok && !strings.EqualFold(scalarText(v), "true") {
			return &model.Error{Kind: model.ErrUnavailable, Message: "API reports it is not alive (version " + text(m, "version") + ")"}
		}
		return nil
	})
}

// badResponse is the typed error for an answer we could not read.
func (c *Client) badResponse(what string, err error) *model.Error {
	msg := "unreadable " + what
	if err != nil {
		msg += ": " + model.OneLine(err.Error(), 160)
	}
	return &model.Error{Kind: model.ErrBadResponse, Message: c.red.Redact(msg), Provider: c.name}
}

// errorf is a typed error raised by this client itself (no HTTP status).
func (c *Client) errorf(kind model.ErrorKind, format string, a ...any) *model.Error {
	return &model.Error{Kind: kind, Message: c.red.Redact(fmt.Sprintf(format, a...)), Provider: c.name}
}

// get is an authorised GET; httpx retries it on transient failures.
func (c *Client) get(ctx context.Context, path string, q url.Values, handle func([]byte) error) error {
	_, err := c.call(ctx, c.http, http.MethodGet, path, q, nil, handle)
	return err
}

// call sends one authorised request through hc, renewing the token once
// after a 401 (the request was refused unprocessed, so even a POST may be
// sent again) and handing a 2xx body to handle. tokenFailed reports that no
// token could be had, so the request never left.
func (c *Client) call(ctx context.Context, hc *httpx.Client, method, path string, q url.Values, body []byte, handle func([]byte) error) (tokenFailed bool, err error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	// One wait for the operator: the token fetch, the request, its retries
	// and a renewal after a 401 all fit in the configured timeout.
	ctx, cancel := hc.Budget(ctx)
	defer cancel()
	for attempt := 0; attempt < 2; attempt++ {
		tok, terr := c.auth.token(ctx)
		if terr != nil {
			return true, terr
		}
		h := http.Header{}
		h.Set("Authorization", "Bearer "+tok)
		err = hc.Do(ctx, httpx.Request{Method: method, URL: u, Header: h, Body: body},
			func(_ int, _ http.Header, r io.Reader) error {
				b, err := io.ReadAll(r)
				if err != nil {
					return err
				}
				if handle == nil {
					return nil
				}
				return handle(b)
			})
		var me *model.Error
		if attempt == 0 && errors.As(err, &me) && me.Status == http.StatusUnauthorized {
			c.auth.invalidate(tok)
			continue
		}
		break
	}
	if err != nil {
		if me := model.AsError(err); me.Provider == "" {
			me.Provider = c.name
			err = me
		}
	}
	return false, err
}

// pathID escapes an identifier for use as one path segment.
func pathID(id string) string { return url.PathEscape(strings.TrimSpace(id)) }
