// Package tmf677 is the client of LLA's two TMF677 usage consumption APIs —
// dxp-ux (kind tmf677-dxp, the PR market on Matrixx) and cisco-cvp-ux (kind
// tmf677-cvp: PR, CWC Liberate, CWC/BTC Cerillion, CWC Limeware, BTC
// Ericsson) — and the one decoder that reads all six response dialects into
// model lines. The dialect is told from the body's shape, never from the
// market, because the same market can be served by different backends.
package tmf677

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
)

// The provider kinds this package serves.
const (
	KindDXP = "tmf677-dxp"
	KindCVP = "tmf677-cvp"
)

// MaxBody is the size limit of a usage consumption report (the HTTP client's
// MaxBody when the caller sets none): far above httpx's default, because
// DecodeReader's memory does not grow with the body.
const MaxBody = 256 << 20

// Options configure one provider; the lead builds them from the config file.
// BaseURL is the API root (…/dxp-ux/v1 or …/cisco-cvp-ux/v1): a lookup asks
// BaseURL/{BusinessID}/usageConsumptionReport. ChannelID, TargetSystem and
// Lob are sent as headers when set (the APIs make them mandatory per market).
type Options struct {
	Name, Kind                          string
	BaseURL                             string
	BusinessID, ChannelID, TargetSystem string
	Lob                                 string
	ClientID, ClientSecret              string
	HTTP                                *httpx.Client // timeout and redactor set by the caller
}

// Client is one dxp-ux or cisco-cvp-ux provider. It has no cheap liveness
// probe (these APIs offer none, and a lookup of a made-up line would cost a
// backend query), so it does not implement providers.Health.
type Client struct {
	o   Options
	url string // full usageConsumptionReport URL, without query
}

var (
	_ providers.Provider = (*Client)(nil)
	_ providers.Streamer = (*Client)(nil)
)

// New checks the options and returns a client. It registers the client
// secret with the HTTP client's redactor, so no error can ever show it.
func New(o Options) (*Client, error) {
	if o.Kind != KindDXP && o.Kind != KindCVP {
		return nil, fmt.Errorf("tmf677: unknown kind %q (want %s or %s)", o.Kind, KindDXP, KindCVP)
	}
	if strings.TrimSpace(o.Name) == "" {
		return nil, fmt.Errorf("tmf677: a provider needs a name")
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tmf677: base URL %q is not an http(s) URL", o.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("tmf677: base URL %q must not carry a query or fragment", o.BaseURL)
	}
	bid := strings.TrimSpace(o.BusinessID)
	if bid == "" || strings.ContainsAny(bid, "/?#% ") {
		return nil, fmt.Errorf("tmf677: business id %q must be a market code such as PR or JM", o.BusinessID)
	}
	if o.HTTP == nil {
		o.HTTP = httpx.New(o.Name, 0, nil)
	}
	if o.HTTP.MaxBody == 0 {
		// The decoder streams: memory follows the buckets kept, not the
		// bytes read, so the size limit only bounds the transfer.
		o.HTTP.MaxBody = MaxBody
	}
	if o.HTTP.Redactor == nil {
		o.HTTP.Redactor = httpx.NewRedactor()
	}
	o.HTTP.Redactor.Add(o.ClientSecret)
	if o.HTTP.Provider == "" {
		o.HTTP.Provider = o.Name
	}
	return &Client{o: o, url: strings.TrimRight(o.BaseURL, "/") + "/" + url.PathEscape(bid) + "/usageConsumptionReport"}, nil
}

// Name is the configured provider name.
func (c *Client) Name() string { return c.o.Name }

// Kind is tmf677-dxp or tmf677-cvp.
func (c *Client) Kind() string { return c.o.Kind }

// Accepts reports the identifier types these APIs can search by: MSISDN and
// subscription id (product.publicIdentifierType MSISDN or SubscriptionId).
func (c *Client) Accepts(t model.IDType) bool {
	return t == model.MSISDN || t == model.Subscription
}

// Lookup asks for the usage consumption report of one line. Every call has a
// fresh X-Correlation-ID (kept across the HTTP client's retries of that
// call), which comes back on any error so an operator can quote it to LLA.
func (c *Client) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	return c.lookup(ctx, id, nil)
}

// LookupStream is Lookup with every bucket handed to s as it is decoded
// (providers.Streamer): the lines returned have no buckets.
func (c *Client) LookupStream(ctx context.Context, id model.Identifier, s providers.Sink) ([]model.Line, error) {
	if s == nil {
		return c.lookup(ctx, id, nil)
	}
	return c.lookup(ctx, id, &countingSink{Sink: s})
}

func (c *Client) lookup(ctx context.Context, id model.Identifier, sink *countingSink) ([]model.Line, error) {
	req, err := c.request(id)
	if err != nil {
		return nil, err
	}
	hint := Hint{ID: id, Lob: c.o.Lob, AsOf: time.Now()}
	if sink != nil {
		hint.sink = sink
	}
	var lines []model.Line
	err = c.o.HTTP.Do(ctx, req, func(status int, h http.Header, body io.Reader) error {
		hint.size = announced(h, c.o.HTTP.MaxBody)
		ls, err := DecodeReader(body, hint)
		if sink != nil && sink.n > 0 {
			err = streamedError(err, sink.n)
		}
		if me, ok := err.(*model.Error); ok && me.Status == 0 {
			me.Status = status
		}
		lines = ls
		return err
	})
	if err != nil {
		return nil, err
	}
	return lines, nil
}

// announced is the body's size as its Content-Length says, for the sink's
// estimate of a huge line's buckets (providers.Expecter): 0 when absent,
// malformed or not positive, and never more than the body may be (limit,
// the HTTP client's MaxBody). The transport drops the header of a body it
// decompresses, whose size it does not say.
func announced(h http.Header, limit int64) int64 {
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	if limit > 0 {
		n = min(n, limit)
	}
	return n
}

// request builds the GET for one identifier.
func (c *Client) request(id model.Identifier) (httpx.Request, error) {
	var idType string
	switch id.Type {
	case model.MSISDN:
		idType = "MSISDN"
	case model.Subscription:
		idType = "SubscriptionId"
	default:
		return httpx.Request{}, &model.Error{Kind: model.ErrBadRequest, Provider: c.o.Name,
			Message: fmt.Sprintf("%s looks lines up by MSISDN or subscription id, not by %s", c.o.Kind, id.Type.Label())}
	}
	q := url.Values{}
	q.Set("product.publicIdentifier", id.Value)
	q.Set("product.publicIdentifierType", idType)
	if c.o.Kind == KindCVP && id.Account != "" {
		q.Set("relatedParty.id", id.Account)
	}
	h := http.Header{}
	h.Set("X-Correlation-ID", httpx.NewID())
	// The documented spellings are sent as written (header names are
	// case-insensitive, but some gateways' policies are not).
	set := func(name, value string) {
		if value != "" {
			h[name] = []string{value}
		}
	}
	if c.o.Kind == KindDXP {
		set("client_id", c.o.ClientID)
		set("client_secret", c.o.ClientSecret)
		set("channelId", c.o.ChannelID)
		set("targetSystem", c.o.TargetSystem)
	} else {
		set("lob", c.o.Lob)
		set("channelId", c.o.ChannelID)
		set("targetSystem", c.o.TargetSystem)
		set("Client-id", c.o.ClientID)
		set("Client-secret", c.o.ClientSecret)
	}
	return httpx.Request{Method: http.MethodGet, URL: c.url + "?" + q.Encode(), Header: h}, nil
}
