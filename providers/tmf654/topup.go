package tmf654

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"simdesk/model"
	"simdesk/providers/httpx"
)

// TMF654 ActionStatusType values.
const (
	statusCreated   = "created"
	statusCompleted = "completed"
	statusFailed    = "failed"
	statusCancelled = "cancelled"
)

// AmountTargets lists the line's buckets of the configured usage type that
// can take a top-up (active ones).
func (c *Client) AmountTargets(ctx context.Context, id model.Identifier) ([]model.Bucket, error) {
	if err := checkMSISDN(id); err != nil {
		return nil, err
	}
	bs, err := c.buckets(ctx, id.Value)
	if err != nil {
		return nil, err
	}
	var out []model.Bucket
	for _, b := range bs {
		if strings.EqualFold(b.UsageType, c.o.UsageType) && b.ID != "" {
			out = append(out, toBucket(b))
		}
	}
	return out, nil
}

// findBucket reads the line's buckets again, for the chosen bucket's
// partyAccount and to check it still belongs to the line and has the usage
// type. Without a chosen id, the line's only such bucket is taken.
func (c *Client) findBucket(ctx context.Context, msisdn, id string) (bucket, error) {
	bs, err := c.buckets(ctx, msisdn)
	if err != nil {
		return bucket{}, err
	}
	var of []bucket
	for _, b := range bs {
		if strings.EqualFold(b.UsageType, c.o.UsageType) && b.ID != "" {
			of = append(of, b)
		}
	}
	ids := make([]string, len(of))
	for i, b := range of {
		ids[i] = b.ID
		if id != "" && b.ID == id {
			return b, nil
		}
	}
	switch {
	case len(of) == 0:
		return bucket{}, &model.InputError{Msg: fmt.Sprintf("line %s has no %s balance to top up", msisdn, c.o.UsageType)}
	case id == "" && len(of) == 1:
		return of[0], nil
	case id == "":
		return bucket{}, &model.InputError{Msg: fmt.Sprintf("line %s has several %s balances (%s): choose one", msisdn, c.o.UsageType, strings.Join(ids, ", "))}
	}
	return bucket{}, &model.InputError{Msg: fmt.Sprintf("line %s has no %s balance %q (it has %s)", msisdn, c.o.UsageType, model.OneLine(id, 40), strings.Join(ids, ", "))}
}

// TopupAmount posts one TopupBalance: amount and currency, the bucket and
// its partyAccount, the line, the channel, the operator as requestor and the
// journal id as description. It is never retried. The answer's status maps
// to the journal's: completed → ok; created → unknown, accepted but not yet
// applied (settled by Reconcile); failed/cancelled, 400, 409 and other
// refusals → rejected with the provider's reason; no answer → unknown.
func (c *Client) TopupAmount(ctx context.Context, req model.TopupRequest) (model.TopupResult, error) {
	if err := checkMSISDN(req.Target); err != nil {
		return model.TopupResult{}, err
	}
	if req.Amount == nil {
		return model.TopupResult{}, &model.InputError{Msg: "no amount given"}
	}
	m, err := c.AmountRules().Check(*req.Amount)
	if err != nil {
		return model.TopupResult{}, err
	}
	b, err := c.findBucket(ctx, req.Target.Value, req.Bucket)
	if err != nil {
		return model.TopupResult{Status: model.TopupRejected, Reason: err.Error()}, err
	}
	if strings.TrimSpace(req.JournalID) == "" {
		return model.TopupResult{}, &model.InputError{Msg: "a top-up needs its journal id (sent as description)"}
	}
	body := topupCreate{
		Amount:          moneyOut{Amount: m.Amount, Units: m.Currency},
		UsageType:       firstNonEmpty(b.UsageType, c.o.UsageType),
		Bucket:          ref{ID: b.ID},
		LogicalResource: []ref{{ID: req.Target.Value}},
		Channel:         ref{ID: c.o.Channel, Name: c.o.Channel},
		Requestor:       ref{ID: firstNonEmpty(req.Operator, "simdesk"), ReferredType: "Individual"},
		Description:     req.JournalID,
	}
	if b.PartyAccount != nil {
		body.PartyAccount = ref{ID: b.PartyAccount.ID}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return model.TopupResult{}, err
	}
	h, err := c.headers(ctx)
	if err != nil {
		// The token could not be had: nothing was sent.
		return model.TopupResult{Status: model.TopupRejected, Reason: model.AsError(err).Error()}, err
	}
	var ans topupBalance
	err = c.o.HTTP.Do(ctx, httpx.Request{Method: http.MethodPost, URL: c.o.BaseURL + "/topupBalance", Header: h, Body: raw},
		func(_ int, _ http.Header, r io.Reader) error {
			t, err := DecodeTopup(r)
			ans = t
			return err
		})
	if err != nil {
		return c.postError(err), err
	}
	return c.result(ans), nil
}

// postError maps a failed POST: the provider refused it (4xx: rejected with
// its reason), or it may have been applied without our knowing (5xx, timeout,
// lost connection, unreadable answer: unknown).
func (c *Client) postError(err error) model.TopupResult {
	me := model.AsError(err)
	if httpx.NotSent(err) {
		return model.TopupResult{Status: model.TopupRejected, Reason: me.Error()}
	}
	if me.Status >= 400 && me.Status < 500 && me.Status != http.StatusRequestTimeout {
		return model.TopupResult{Status: model.TopupRejected, Reason: me.Message, Sent: true}
	}
	return model.TopupResult{Status: model.TopupUnknown, Reason: me.Error(), Sent: true}
}

// result maps a TopupBalance the provider answered with.
func (c *Client) result(t topupBalance) model.TopupResult {
	res := model.TopupResult{TransactionID: model.OneLine(t.ID, 128), Sent: true, Created: model.ParseTime(firstNonEmpty(t.ConfirmationDate, t.RequestedDate))}
	switch strings.ToLower(strings.TrimSpace(t.Status)) {
	case statusCompleted:
		res.Status = model.TopupOK
	case statusCreated:
		res.Status = model.TopupUnknown
		res.Accepted = true
		res.Reason = "accepted by the provider, not applied yet (status created); settled by reconciliation"
	case statusFailed, statusCancelled:
		res.Status = model.TopupRejected
		res.Reason = model.OneLine(firstNonEmpty(t.Reason, "the provider reports the top-up "+strings.ToLower(t.Status)), 240)
	default:
		res.Status = model.TopupUnknown
		res.Reason = "the provider answered with an unknown status " + fmt.Sprintf("%q", model.OneLine(t.Status, 40))
	}
	return res
}

// Reconcile finds the attempt by its journal id in the description of the
// line's top-ups (exact match, never by time), then reads a created one
// again by id. No top-up with that description means it never arrived:
// rejected. One still created stays unknown.
func (c *Client) Reconcile(ctx context.Context, req model.TopupRequest, claimed map[string]bool) (model.TopupResult, error) {
	if err := checkMSISDN(req.Target); err != nil {
		return model.TopupResult{}, err
	}
	if strings.TrimSpace(req.JournalID) == "" {
		return model.TopupResult{}, &model.InputError{Msg: "reconciliation needs the attempt's journal id"}
	}
	var found *topupBalance
	q := url.Values{"logicalResource.id": {req.Target.Value}}
	complete, err := c.listPaged(ctx, "/topupBalance", q, func(r io.Reader) (int, error) {
		ts, err := DecodeTopups(r)
		for i := range ts {
			if found == nil && ts[i].Description == req.JournalID && !claimed[ts[i].ID] {
				t := ts[i]
				found = &t
			}
		}
		return len(ts), err
	})
	if err != nil {
		return model.TopupResult{}, err
	}
	if found == nil && !complete {
		return model.TopupResult{}, &model.Error{Kind: model.ErrBadResponse, Provider: c.o.Name,
			Message: fmt.Sprintf("no top-up with description %s in the first %d of the line's top-ups: the list was cut short, the attempt stays pending", req.JournalID, maxPages*pageSize)}
	}
	if found == nil {
		return model.TopupResult{Status: model.TopupRejected, Sent: true,
			Reason: "the provider has no top-up with description " + req.JournalID + ": it never arrived"}, nil
	}
	if strings.EqualFold(found.Status, statusCreated) && found.ID != "" {
		var again topupBalance
		err := c.get(ctx, c.o.BaseURL+"/topupBalance/"+url.PathEscape(found.ID), func(r io.Reader) error {
			t, err := DecodeTopup(r)
			again = t
			return err
		})
		if err != nil {
			return model.TopupResult{}, err
		}
		found = &again
	}
	return c.result(*found), nil
}
