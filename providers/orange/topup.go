package orange

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// topupBody is the POST /distributors/transactions request.
type topupBody struct {
	OfferID    string            `json:"offer_id"`
	UserID     string            `json:"user_id,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// Topup sells one unit of an offer: a top-up of a MSISDN (Orange France and
// Spain), of a SIM id (Welcome Travelers), or an eSIM/SIM sale (no target).
// The POST is sent at most once, plus once more only after a 401, which
// means it was refused unprocessed. The outcome is:
//   - ok: the transaction id, the stock left and the creation time;
//   - rejected, Sent: the provider refused it (any 4xx, or status error),
//     Reason is its message, and no error is returned;
//   - rejected, not Sent: it never left (no token, no connection, bad
//     input), Reason starts with "not sent:" and the error says why;
//   - unknown: it may have been processed (timeout, reset, 5xx, unreadable
//     answer); the error says why and reconciliation finds out later.
func (c *Client) Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error) {
	offer := req.Offer
	offer.ID = strings.TrimSpace(offer.ID)
	if offer.ID == "" {
		return c.notSent(c.errorf(model.ErrBadRequest, "no offer id"))
	}
	if offer.ProductType == "" || offer.Supplier == "" && offer.SupplierID == "" {
		// The caller knows only the id: ask what the offer is, because the
		// parameter name depends on its supplier and product type.
		full, err := c.offer(ctx, offer.ID)
		if err != nil {
			return c.notSent(err)
		}
		offer = full
	}
	params, err := c.topupParams(offer, req.Target)
	if err != nil {
		return c.notSent(err)
	}
	body, err := json.Marshal(topupBody{OfferID: offer.ID, UserID: c.Reference(req), Parameters: params})
	if err != nil {
		return c.notSent(c.errorf(model.ErrBadRequest, "cannot encode the request"))
	}
	if ctx.Err() != nil {
		return c.notSent(c.errorf(model.ErrTimeout, "cancelled before sending"))
	}

	capt := &captured{}
	var s sale
	tokenFailed, err := c.call(context.WithValue(ctx, captureKey{}, capt), c.postClient(),
		http.MethodPost, "/distributors/transactions", nil, body, func(b []byte) error {
			var err error
			s, err = decodeTransaction(b)
			if err != nil {
				return c.badResponse("top-up answer", err)
			}
			return nil
		})
	switch {
	case err == nil:
		return saleResult(s), nil
	case tokenFailed || httpx.NotSent(err):
		return c.notSent(err)
	}
	me := model.AsError(err)
	if me.Status >= 400 && me.Status < 500 {
		reason := providerMessage(capt.body())
		if reason == "" {
			reason = me.Message
		}
		return model.TopupResult{Status: topup.Rejected, Reason: reason, Sent: true}, nil
	}
	return model.TopupResult{Status: topup.Unknown, Reason: me.Message, Sent: true}, me
}

// notSent is the result of an attempt that provably never reached the API.
func (c *Client) notSent(err error) (model.TopupResult, error) {
	me := model.AsError(err)
	if me.Provider == "" {
		me.Provider = c.name
	}
	why := me.Message
	if why == "" {
		why = me.Kind.Describe()
	}
	return model.TopupResult{Status: topup.Rejected, Reason: "not sent: " + why, Sent: false}, me
}

// topupParams builds the "parameters" object: msisdn for Orange France and
// Spain, simId for Welcome Travelers, none for an eSIM/SIM sale. The offer's
// supplier decides the name, not the detected type of the target, since a
// Welcome Travelers SIM id looks like a MSISDN.
func (c *Client) topupParams(o model.Offer, target model.Identifier) (map[string]string, error) {
	tt := targetType(o)
	if tt == "" {
		return nil, nil
	}
	v := strings.TrimPrefix(strings.TrimSpace(target.Value), "+")
	what := "a MSISDN"
	if tt == model.SIM {
		what = "a Welcome Travelers SIM id"
	}
	if v == "" {
		return nil, c.errorf(model.ErrBadRequest, "offer %s tops up %s: give one", o.ID, what)
	}
	if target.Type != "" && target.Type != model.MSISDN && target.Type != model.SIM {
		return nil, c.errorf(model.ErrBadRequest, "offer %s tops up %s, not a %s", o.ID, what, strings.ToLower(target.Type.Label()))
	}
	if tt == model.SIM {
		return map[string]string{"simId": v}, nil
	}
	return map[string]string{"msisdn": v}, nil
}

// saleResult maps a transaction's status to a top-up outcome.
func saleResult(s sale) model.TopupResult {
	r := model.TopupResult{TransactionID: s.ID, StockLeft: s.StockLeft, Created: s.Created, Sent: true}
	switch s.Status {
	case "ok", "success", "succeeded", "successful", "completed", "done", "accepted":
		r.Status = topup.OK
	case "":
		// A 2xx transaction with an id and no status was created.
		r.Status = topup.OK
	case "error", "failed", "failure", "rejected", "refused", "ko", "cancelled", "canceled":
		r.Status = topup.Rejected
		r.Reason = s.Reason
		if r.Reason == "" {
			r.Reason = "the provider answered status " + s.Status
		}
	default:
		// pending, processing…: not decided yet; reconcile later.
		r.Status = topup.Unknown
		r.Reason = "the provider reports status " + s.Status
	}
	return r
}

// providerMessage is the "message" of an Orange error envelope (or its
// description, error or reason), exactly as the provider wrote it.
func providerMessage(body []byte) string {
	m, ok := objectOf(body)
	if !ok {
		var arr []json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(body), &arr) != nil || len(arr) == 0 {
			return ""
		}
		if m, ok = objectOf(arr[0]); !ok {
			return ""
		}
	}
	return model.OneLine(errorText(m), 240)
}

// captureKey marks a request whose error body the top-up wants verbatim:
// httpx turns error bodies into a combined message, but a rejected top-up
// must show the provider's own reason.
type captureKey struct{}

// captured holds the body of the last non-2xx answer of one top-up call.
type captured struct {
	b []byte
}

func (c *captured) body() []byte {
	if c == nil {
		return nil
	}
	return c.b
}

// captureTransport copies the (size-limited) body of non-2xx answers to the
// request's captured holder and hands httpx an identical body.
type captureTransport struct{ base http.RoundTripper }

func (t captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	holder, ok := r.Context().Value(captureKey{}).(*captured)
	if !ok {
		return resp, nil
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	holder.b = b
	if rerr != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{rerr}))
	} else {
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// postClient is the caller's httpx client, field for field, with the body
// capture in its transport and no retries: a top-up is never resent blindly.
func (c *Client) postClient() *httpx.Client {
	src := c.http
	base := src.HTTP.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &httpx.Client{
		HTTP: &http.Client{
			Transport:     captureTransport{base},
			CheckRedirect: src.HTTP.CheckRedirect,
			Jar:           src.HTTP.Jar,
			Timeout:       src.HTTP.Timeout,
		},
		Timeout:   src.Timeout,
		Retries:   0,
		MaxBody:   src.MaxBody,
		MaxWait:   src.MaxWait,
		Redactor:  src.Redactor,
		Provider:  src.Provider,
		UserAgent: src.UserAgent,
		Sleep:     src.Sleep,
	}
}

// Reference is what a top-up carries of ours in Orange's user_id: the
// operator and the journal id ("alice/20261129T061820.821066Z-69d2ae9c4707"),
// so the transaction list names the attempt exactly and still says who sold
// it. Without a journal id it is the operator alone, as before.
func (c *Client) Reference(req model.TopupRequest) string {
	op := strings.TrimSpace(req.Operator)
	id := strings.TrimSpace(req.JournalID)
	switch {
	case id == "":
		return op
	case op == "":
		return id
	}
	return op + "/" + id
}

// journalIDRef matches the journal id at the end of a reference we sent.
var journalIDRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|/)\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}$`) })

// OwnsReference reports a user_id that one of our top-ups wrote (it ends
// with a journal id): such a transaction belongs to that attempt and is
// never matched by time to another one.
func (c *Client) OwnsReference(ref string) bool {
	return journalIDRef().MatchString(strings.TrimSpace(ref))
}

// Candidates lists the transactions of req's offer for req's target created
// between from and to, with their status mapped to a top-up outcome, for
// the engine's reconciliation. complete is false when the list was cut
// short before reaching from (absence then proves nothing). A list that
// leaves out the parameters makes it read the transactions one by one, a
// bounded number of them.
func (c *Client) Candidates(ctx context.Context, req model.TopupRequest, from, to time.Time) ([]model.Sale, bool, error) {
	offerID := strings.TrimSpace(req.Offer.ID)
	if offerID == "" {
		return nil, false, c.errorf(model.ErrBadRequest, "cannot reconcile an attempt without an offer id")
	}
	f := TxFilter{OfferID: offerID, Start: from, End: to}
	res, err := c.scan(ctx, f)
	if err != nil {
		return nil, false, err
	}
	target := model.NormalLine(req.Target.Type, req.Target.Value)
	var out []model.Sale
	details := 0
	for i := range res.sales {
		s := &res.sales[i]
		if s.ID == "" || !strings.EqualFold(s.OfferID, offerID) {
			continue
		}
		if target != "" && len(s.Parameters) == 0 {
			if details++; details > maxReconcileDetails {
				return nil, false, c.errorf(model.ErrUnavailable,
					"the transaction list omits parameters and too many candidates remain: still pending")
			}
			full, err := c.transaction(ctx, s.ID)
			if err != nil {
				return nil, false, err
			}
			s.Parameters = full.Parameters
		}
		if target != "" && model.NormalLine(model.MSISDN, s.param("msisdn")) != model.NormalLine(model.MSISDN, target) &&
			strings.TrimSpace(s.param("simId")) != target {
			continue
		}
		sl := s.Sale
		sl.Outcome = saleResult(*s).Status
		out = append(out, sl)
	}
	return out, res.covers(from), nil
}
