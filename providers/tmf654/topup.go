package tmf654

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/topup"
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
// applied (settled by reconciliation); failed/cancelled, 400, 409 and other
// refusals → rejected with the provider's reason; no answer → unknown; an
// answer about another top-up (its description is not our journal id, or
// its amount or currency is not what was sent) → unknown, whatever its
// status (checked).
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
		return model.TopupResult{Status: topup.Rejected, Reason: err.Error()}, err
	}
	if strings.TrimSpace(req.JournalID) == "" {
		return model.TopupResult{}, &model.InputError{Msg: "a top-up needs its journal id (sent as description)"}
	}
	body := topupCreate{
		Amount:          moneyOut{Amount: json.Number(m.Number()), Units: m.Currency},
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
		return model.TopupResult{Status: topup.Rejected, Reason: model.AsError(err).Error()}, err
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
	return c.checked(ans, req.JournalID, m), nil
}

// checked is the answer's outcome when the answer is about what was sent:
// our journal id as description, the amount and currency sent. An answer
// about anything else (another top-up, another amount) is not taken as
// ours whatever its status: the outcome is unknown, the reason says what
// differs, and reconciliation settles the attempt by its journal id.
func (c *Client) checked(t topupBalance, journalID string, sent topup.Money) model.TopupResult {
	var diff []string
	if t.Description != journalID {
		diff = append(diff, fmt.Sprintf("description %q, not the journal id %s", model.OneLine(t.Description, 64), journalID))
	}
	if got, ok := t.Amount.money(); !ok || got != sent {
		g := model.OneLine(strings.TrimSpace(string(t.Amount.Amount))+" "+t.Amount.Units, 40)
		if ok {
			g = got.String()
		}
		diff = append(diff, fmt.Sprintf("amount %s, not the %s sent", g, sent))
	}
	if len(diff) == 0 {
		return c.result(t)
	}
	return model.TopupResult{Status: topup.Unknown, Sent: true, Mismatch: true,
		Reason: fmt.Sprintf("the provider's answer (top-up %q, status %q) is not about this top-up: %s; not taken as ours, settled by reconciliation",
			model.OneLine(t.ID, 64), model.OneLine(t.Status, 20), strings.Join(diff, "; "))}
}

// postError maps a failed POST: the provider refused it (4xx: rejected with
// its reason), or it may have been applied without our knowing (5xx, timeout,
// lost connection, unreadable answer: unknown).
func (c *Client) postError(err error) model.TopupResult {
	me := model.AsError(err)
	if httpx.NotSent(err) {
		return model.TopupResult{Status: topup.Rejected, Reason: me.Error()}
	}
	if me.Status >= 400 && me.Status < 500 && me.Status != http.StatusRequestTimeout {
		return model.TopupResult{Status: topup.Rejected, Reason: me.Message, Sent: true}
	}
	return model.TopupResult{Status: topup.Unknown, Reason: me.Error(), Sent: true}
}

// result maps a TopupBalance the provider answered with.
func (c *Client) result(t topupBalance) model.TopupResult {
	res := model.TopupResult{TransactionID: model.OneLine(t.ID, 128), Sent: true, Created: model.ParseTime(firstNonEmpty(t.ConfirmationDate, t.RequestedDate))}
	switch strings.ToLower(strings.TrimSpace(t.Status)) {
	case statusCompleted:
		res.Status = topup.OK
	case statusCreated:
		res.Status = topup.Unknown
		res.Accepted = true
		res.Reason = "accepted by the provider, not applied yet (status created); settled by reconciliation"
	case statusFailed, statusCancelled:
		res.Status = topup.Rejected
		res.Reason = model.OneLine(firstNonEmpty(t.Reason, "the provider reports the top-up "+strings.ToLower(t.Status)), 240)
	default:
		res.Status = topup.Unknown
		res.Reason = "the provider answered with an unknown status " + fmt.Sprintf("%q", model.OneLine(t.Status, 40))
	}
	return res
}

// Reference is what a top-up carries of ours: the journal id, sent as the
// description. TMF654 attempts are matched on it alone, never by time.
func (c *Client) Reference(req model.TopupRequest) string { return strings.TrimSpace(req.JournalID) }

// OwnsReference reports a description one of our top-ups wrote (a journal
// id): such a top-up is never another attempt's.
func (c *Client) OwnsReference(ref string) bool {
	return journalIDRef().MatchString(strings.TrimSpace(ref))
}

// journalIDRef matches a journal id (journal.NewID).
var journalIDRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}$`) })

// maxRereads bounds the "created" top-ups read again by id in one listing.
const maxRereads = 5

// maxCandidates bounds the top-ups one journal id can match (normally one).
const maxCandidates = 20

// Candidates lists the line's top-ups whose description is the attempt's
// journal id, whatever their time (from and to do not narrow it: the
// description is exact), each with its outcome and the description as its
// carried reference; one still "created" is read again by id, as the list
// may lag. complete is false when the line's list was cut short.
func (c *Client) Candidates(ctx context.Context, req model.TopupRequest, _, _ time.Time) ([]model.Sale, bool, error) {
	if err := checkMSISDN(req.Target); err != nil {
		return nil, false, err
	}
	id := c.Reference(req)
	if id == "" {
		return nil, false, &model.InputError{Msg: "reconciliation needs the attempt's journal id"}
	}
	var found []topupBalance
	q := url.Values{"logicalResource.id": {req.Target.Value}}
	complete, err := c.listPaged(ctx, "/topupBalance", q, func(r io.Reader) (int, error) {
		ts, err := DecodeTopups(r)
		for _, t := range ts {
			if t.Description == id && t.ID != "" && len(found) < maxCandidates {
				found = append(found, t)
			}
		}
		return len(ts), err
	})
	if err != nil {
		return nil, false, err
	}
	out := make([]model.Sale, 0, len(found))
	for i, t := range found {
		if strings.EqualFold(t.Status, statusCreated) && i < maxRereads {
			if t, err = c.topupByID(ctx, t.ID); err != nil {
				return nil, false, err
			}
		}
		out = append(out, c.sale(t))
	}
	return out, complete, nil
}

// topupByID reads one top-up again (GET /topupBalance/{id}).
func (c *Client) topupByID(ctx context.Context, id string) (topupBalance, error) {
	var again topupBalance
	err := c.get(ctx, c.o.BaseURL+"/topupBalance/"+url.PathEscape(id), func(r io.Reader) error {
		t, err := DecodeTopup(r)
		again = t
		return err
	})
	return again, err
}

// sale is a listed top-up as a reconciliation candidate.
func (c *Client) sale(t topupBalance) model.Sale {
	r := c.result(t)
	s := model.Sale{ID: r.TransactionID, Status: model.OneLine(t.Status, 40), Created: r.Created,
		UserID: model.OneLine(t.Description, 128), Outcome: r.Status, ProductType: "topup"}
	if m, ok := t.Amount.money(); ok {
		s.Price = m
	}
	return s
}
