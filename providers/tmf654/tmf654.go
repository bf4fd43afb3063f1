// Package tmf654 is the client of a TM Forum Prepay Balance Management API
// (TMF654 v4): a line's balance buckets by MSISDN, top-ups by amount into
// the line's bucket of one usage type, and reconciliation of top-ups whose
// outcome is unknown by the journal id the top-up carries in its
// description. It speaks only model types to its callers.
package tmf654

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// Kind is the provider kind this package serves, as written in the config
// (registered in providers/all).
const Kind = "tmf654"

// Options configure one provider; the registry builds them from the config.
type Options struct {
	Name, Kind string
	// BaseURL is the API root, …/tmf-api/prepayBalanceManagement/v4.
	BaseURL string
	// TokenURL, when set, switches authentication from client_id /
	// client_secret headers to an OAuth 2.0 client-credentials bearer token.
	TokenURL               string
	ClientID, ClientSecret string
	// Currency is the only currency top-ups are made in (ISO 4217).
	Currency string
	// Amounts are the presets offered in the console.
	Amounts []float64
	// MaxAmount: a larger top-up is refused before anything is sent.
	MaxAmount float64
	// UsageType is the bucket usageType topped up (TMF654: monetary …).
	UsageType string
	// Channel is sent as channel.name (and id) with every top-up.
	Channel string
	// HTTP is the shared plumbing (timeout, redactor, logging).
	HTTP *httpx.Client
	// Now is the clock (as_of of lines, token expiry); nil means time.Now.
	Now func() time.Time
}

// Client is one TMF654 provider.
type Client struct {
	o     Options
	rules model.AmountRules // from Options, exact

	tokMu   sync.Mutex
	tok     string
	renewAt time.Time
}

var (
	_ providers.AmountTopper = (*Client)(nil)
	_ providers.Reconciler   = (*Client)(nil)
)

// New checks the options and returns a client. The client secret is
// registered with the HTTP client's redactor, so no error can show it.
func New(o Options) (*Client, error) {
	if strings.TrimSpace(o.Name) == "" {
		return nil, fmt.Errorf("tmf654: a provider needs a name")
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("tmf654: base URL must be an http(s) URL without query or fragment")
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if !topup.ValidCurrency(o.Currency) {
		return nil, fmt.Errorf("tmf654: currency %q is not an ISO 4217 code", o.Currency)
	}
	rules, err := amountRules(o)
	if err != nil {
		return nil, err
	}
	if o.UsageType == "" {
		o.UsageType = "monetary"
	}
	if o.Channel == "" {
		o.Channel = "simdesk"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTP == nil {
		o.HTTP = httpx.New(o.Name, 0, nil)
	}
	if o.HTTP.Redactor == nil {
		o.HTTP.Redactor = httpx.NewRedactor()
	}
	o.HTTP.Redactor.Add(o.ClientSecret)
	if o.TokenURL != "" {
		o.HTTP.Redactor.AddBasic(o.ClientID, o.ClientSecret)
	}
	if o.HTTP.Provider == "" {
		o.HTTP.Provider = o.Name
	}
	rules.UsageType = o.UsageType
	return &Client{o: o, rules: rules}, nil
}

// amountRules are the configured ceiling and presets, exact, checked.
func amountRules(o Options) (model.AmountRules, error) {
	max, err := configMoney(o.MaxAmount, o.Currency)
	switch {
	case err != nil && !math.IsNaN(o.MaxAmount) && o.MaxAmount > 0:
		return model.AmountRules{}, fmt.Errorf("tmf654: max_amount %v is not a %s amount: %v", o.MaxAmount, o.Currency, err)
	case err != nil || !max.Positive():
		return model.AmountRules{}, fmt.Errorf("tmf654: max_amount must be more than zero")
	}
	rules := model.AmountRules{Currency: o.Currency, Max: max}
	for _, a := range o.Amounts {
		m, err := configMoney(a, o.Currency)
		if err == nil {
			_, err = rules.Check(m)
		}
		if err != nil {
			return model.AmountRules{}, fmt.Errorf("tmf654: preset amount %v: %v", a, err)
		}
		rules.Presets = append(rules.Presets, m)
	}
	return rules, nil
}

// configMoney is a configured amount (TOML gives a float64) read exactly:
// the shortest decimal that gives back the float is the text written in
// the file (5, 12.5, 0.1), so no rounding happens here, and a value with
// more decimals than the currency has is refused, not rounded.
func configMoney(f float64, currency string) (topup.Money, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return topup.Money{}, topup.ErrSyntax
	}
	return topup.FromNumber(strconv.FormatFloat(f, 'f', -1, 64), currency)
}

// Name is the configured provider name.
func (c *Client) Name() string { return c.o.Name }

// Kind is the kind the registry built this client for.
func (c *Client) Kind() string { return c.o.Kind }

// Accepts: TMF654 buckets are found by the line's MSISDN (logicalResource).
func (c *Client) Accepts(t model.IDType) bool { return t == model.MSISDN }

// AmountRules are the currency, presets and ceiling from the config, exact.
func (c *Client) AmountRules() model.AmountRules {
	r := c.rules
	r.Presets = append([]topup.Money(nil), r.Presets...)
	return r
}

// headers authenticates one call: client_id/client_secret headers, or a
// bearer token when a token URL is configured.
func (c *Client) headers(ctx context.Context) (http.Header, error) {
	h := http.Header{}
	if c.o.TokenURL == "" {
		h.Set("client_id", c.o.ClientID)
		h.Set("client_secret", c.o.ClientSecret)
		return h, nil
	}
	tok, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	h.Set("Authorization", "Bearer "+tok)
	return h, nil
}

// token returns a cached client-credentials token or fetches one (POST is
// fine here: asking for a token twice changes nothing).
func (c *Client) token(ctx context.Context) (string, error) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok != "" && c.o.Now().Before(c.renewAt) {
		return c.tok, nil
	}
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.o.ClientID)+":"+url.QueryEscape(c.o.ClientSecret))))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	var ans struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	err := c.o.HTTP.Do(ctx, httpx.Request{Method: http.MethodPost, URL: c.o.TokenURL, Header: h, Body: []byte("grant_type=client_credentials")},
		func(_ int, _ http.Header, body io.Reader) error {
			if err := json.NewDecoder(body).Decode(&ans); err != nil {
				return badJSON(err)
			}
			return nil
		})
	if err != nil {
		me := model.AsError(err)
		me.Message = "token endpoint: " + me.Message
		return "", me
	}
	if strings.TrimSpace(ans.AccessToken) == "" {
		return "", &model.Error{Kind: model.ErrBadResponse, Provider: c.o.Name, Message: "token endpoint answered without an access token"}
	}
	c.o.HTTP.Redactor.AddBearer(ans.AccessToken)
	life := 10 * time.Minute
	if n, err := strconv.ParseFloat(strings.Trim(string(ans.ExpiresIn), `"`), 64); err == nil && n > 0 && n < 1e7 {
		life = time.Duration(n) * time.Second
	}
	c.tok, c.renewAt = ans.AccessToken, c.o.Now().Add(life*9/10)
	return c.tok, nil
}

// dropToken forgets the cached token after a 401, so the next call fetches
// a fresh one.
func (c *Client) dropToken() {
	c.tokMu.Lock()
	c.tok = ""
	c.tokMu.Unlock()
}

// get runs one GET (retried by httpx, as every GET is) and hands the body to
// read. A 401 with a token drops it and tries once more with a fresh one.
func (c *Client) get(ctx context.Context, u string, read func(io.Reader) error) error {
	for attempt := 0; ; attempt++ {
		h, err := c.headers(ctx)
		if err != nil {
			return err
		}
		err = c.o.HTTP.Do(ctx, httpx.Request{URL: u, Header: h}, func(_ int, _ http.Header, body io.Reader) error { return read(body) })
		if attempt == 0 && c.o.TokenURL != "" && model.KindOf(err) == model.ErrUnauthorized {
			c.dropToken()
			continue
		}
		return err
	}
}

// pageSize is the TMF limit asked per page; maxPages bounds one listing.
const (
	pageSize = 100
	maxPages = 20
)

// listPaged pages through a TMF collection with offset/limit until a short
// page, at most maxPages pages. complete is false when it stopped at
// maxPages: absence from such a list proves nothing.
func (c *Client) listPaged(ctx context.Context, path string, q url.Values, each func(io.Reader) (int, error)) (complete bool, err error) {
	for page := 0; page < maxPages; page++ {
		q.Set("offset", strconv.Itoa(page*pageSize))
		q.Set("limit", strconv.Itoa(pageSize))
		n := 0
		err := c.get(ctx, c.o.BaseURL+path+"?"+q.Encode(), func(r io.Reader) error {
			var err error
			n, err = each(r)
			return err
		})
		if err != nil {
			return false, err
		}
		if n < pageSize {
			return true, nil
		}
	}
	return false, nil
}

// buckets lists every bucket of a line (GET /bucket?logicalResource.id=).
func (c *Client) buckets(ctx context.Context, msisdn string) ([]bucket, error) {
	var all []bucket
	q := url.Values{"logicalResource.id": {msisdn}}
	_, err := c.listPaged(ctx, "/bucket", q, func(r io.Reader) (int, error) {
		bs, err := DecodeBuckets(r)
		all = append(all, bs...)
		return len(bs), err
	})
	return all, err
}

func checkMSISDN(id model.Identifier) error {
	if id.Type != model.MSISDN || strings.TrimSpace(id.Value) == "" {
		return &model.InputError{Msg: "a TMF654 provider finds lines by MSISDN only, not by " + id.Type.Label()}
	}
	return nil
}

// Lookup returns the line's buckets as one line (404 or no bucket: not found).
func (c *Client) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	if err := checkMSISDN(id); err != nil {
		return nil, err
	}
	bs, err := c.buckets(ctx, id.Value)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, &model.Error{Kind: model.ErrNotFound, Status: 404, Provider: c.o.Name, Message: "no balance bucket for " + id.Value}
	}
	line := model.Line{ID: id.Value, Type: model.MSISDN, Payment: "prepaid", AsOf: model.Time{Time: c.o.Now().UTC()}, MSISDN: id.Value, Buckets: make([]model.Bucket, 0, len(bs))}
	active := false
	for _, b := range bs {
		mb := toBucket(b)
		line.Buckets = append(line.Buckets, mb)
		if mb.Status == "active" {
			active = true
		}
		if line.Account == "" && b.PartyAccount != nil {
			line.Account = model.OneLine(b.PartyAccount.ID, 64)
		}
	}
	if active {
		line.Status = "active"
	} else if len(line.Buckets) > 0 {
		line.Status = line.Buckets[0].Status
	}
	return []model.Line{line}, nil
}
