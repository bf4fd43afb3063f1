package orange

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/seeds"
	"simdesk/topup"
)

const offerFR = "0f0f0f0f-0000-4000-8000-000000000001"

var frOffer = model.Offer{ID: offerFR, Supplier: "Orange France", SupplierID: franceID, ProductType: "topup"}

func frRequest() model.TopupRequest {
	return model.TopupRequest{Offer: frOffer, Target: model.Identifier{Type: model.MSISDN, Value: seedMSISDN}, Operator: "alice"}
}

func TestTopupSuccess(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), frRequest())
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != topup.OK || res.TransactionID != "aaaaaaaa-0000-4000-8000-000000000001" || !res.Sent {
		t.Fatalf("result %+v", res)
	}
	if res.StockLeft == nil || *res.StockLeft != 123 {
		t.Fatalf("stock left %v, want 123", res.StockLeft)
	}
	if !res.Created.Equal(epoch) {
		t.Fatalf("created %v", res.Created)
	}
	b := f.postBodies[0]
	if b.OfferID != offerFR || b.UserID != "alice" || len(b.Parameters) != 1 || b.Parameters["msisdn"] != seedMSISDN {
		t.Fatalf("POST body %+v", b)
	}
}

func TestTopupParametersBySupplier(t *testing.T) {
	cases := []struct {
		name  string
		offer model.Offer
		tgt   model.Identifier
		want  map[string]string
	}{
		// A Welcome Travelers SIM id detects as a MSISDN; the supplier decides.
		{"welcome simId", model.Offer{ID: "w1", Supplier: "Welcome Travelers", ProductType: "topup"},
			model.Identifier{Type: model.MSISDN, Value: seedSimID}, map[string]string{"simId": seedSimID}},
		{"spain msisdn with +", model.Offer{ID: "s1", Supplier: "Orange Spain", ProductType: "topup"},
			model.Identifier{Type: model.MSISDN, Value: "+34600000001"}, map[string]string{"msisdn": "34600000001"}},
		{"esim sale", model.Offer{ID: "e1", Supplier: "Orange France", ProductType: "eSim"},
			model.Identifier{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			c, _ := newClient(t, f)
			res, err := c.Topup(context.Background(), model.TopupRequest{Offer: tc.offer, Target: tc.tgt})
			if err != nil || res.Status != topup.OK {
				t.Fatalf("%+v, %v", res, err)
			}
			b := f.postBodies[0]
			if fmt.Sprint(b.Parameters) != fmt.Sprint(tc.want) || b.UserID != "" {
				t.Fatalf("POST body %+v, want parameters %v", b, tc.want)
			}
		})
	}
}

func TestTopupLooksUpAnOfferKnownOnlyByID(t *testing.T) {
	f := newFake(t)
	f.offers = []map[string]any{offerJSON("w-offer", "Recharge Holiday Voix", "topup", welcomeID, "Welcome Travelers", 5)}
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), model.TopupRequest{Offer: model.Offer{ID: "w-offer"}, Target: model.Identifier{Type: model.MSISDN, Value: seedSimID}})
	if err != nil || res.Status != topup.OK {
		t.Fatalf("%+v, %v", res, err)
	}
	if b := f.postBodies[0]; b.Parameters["simId"] != seedSimID {
		t.Fatalf("POST body %+v", b)
	}
}

func TestTopupRefusedLocallyIsNotSent(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	for name, req := range map[string]model.TopupRequest{
		"no offer":       {Target: model.Identifier{Type: model.MSISDN, Value: seedMSISDN}},
		"no target":      {Offer: frOffer},
		"transaction id": {Offer: frOffer, Target: model.Identifier{Type: model.Transaction, Value: "aaaaaaaa-0000-4000-8000-000000000001"}},
	} {
		res, err := c.Topup(context.Background(), req)
		if res.Status != topup.Rejected || res.Sent || !strings.HasPrefix(res.Reason, "not sent: ") {
			t.Errorf("%s: %+v", name, res)
		}
		kindOf(t, err, model.ErrBadRequest)
	}
	if _, _, posts := f.counts(); posts != 0 {
		t.Fatalf("%d POSTs", posts)
	}
}

// The documented rejections, with the provider's message as the reason.
func TestTopupDocumentedRejections(t *testing.T) {
	msgs := []string{
		"bucket empty for offer " + offerFR,
		"missing offer_id parameter in body",
		"invalid offer_id parameter",
		"missing parameters parameter in body",
		"bad parameter for transaction for offer " + offerFR,
	}
	for _, msg := range msgs {
		t.Run(msg, func(t *testing.T) {
			f := newFake(t)
			f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
				writeJSON(w, 400, map[string]string{"code": "400", "message": msg, "description": "Bad Request"})
				return true
			}
			c, _ := newClient(t, f)
			res, err := c.Topup(context.Background(), frRequest())
			if err != nil {
				t.Fatalf("error %v beside a rejection", err)
			}
			if res.Status != topup.Rejected || res.Reason != msg || !res.Sent || res.TransactionID != "" {
				t.Fatalf("result %+v, want rejected with reason %q", res, msg)
			}
			if _, _, posts := f.counts(); posts != 1 {
				t.Fatalf("%d POSTs", posts)
			}
		})
	}
}

func TestTopupOtherClientErrorsAreRejections(t *testing.T) {
	for _, st := range []int{403, 404, 409, 429} {
		f := newFake(t)
		f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
			writeJSON(w, st, "<html><title>nope</title></html>")
			return true
		}
		c, _ := newClient(t, f)
		res, err := c.Topup(context.Background(), frRequest())
		if err != nil || res.Status != topup.Rejected || !res.Sent || res.Reason == "" {
			t.Errorf("HTTP %d: %+v, %v", st, res, err)
		}
		if _, _, posts := f.counts(); posts != 1 {
			t.Errorf("HTTP %d: %d POSTs", st, posts)
		}
	}
}

func TestTopupStatusErrorIn2xx(t *testing.T) {
	f := newFake(t)
	f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
		writeJSON(w, 200, `{"id":"bbbbbbbb-0000-4000-8000-000000000001","status":"error","message":"bucket empty for offer `+offerFR+`","offer_bucket":0}`)
		return true
	}
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), frRequest())
	if err != nil || res.Status != topup.Rejected || res.Reason != "bucket empty for offer "+offerFR || res.TransactionID == "" {
		t.Fatalf("%+v, %v", res, err)
	}
}

func TestTopupTimeoutIsUnknownAndSentOnce(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	defer close(release)
	f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
		select {
		case <-release:
		case <-time.After(3 * time.Second):
		}
		return false
	}
	c, _ := newClient(t, f, func(o *Options) {
		o.HTTP = httpx.New("orange", 200*time.Millisecond, httpx.NewRedactor(testSecret))
		o.HTTP.Sleep = func(context.Context, time.Duration) error { return nil }
	})
	res, err := c.Topup(context.Background(), frRequest())
	if res.Status != topup.Unknown || !res.Sent {
		t.Fatalf("result %+v", res)
	}
	kindOf(t, err, model.ErrTimeout)
	time.Sleep(300 * time.Millisecond) // a retry, if any, would have arrived
	if _, _, posts := f.counts(); posts != 1 {
		t.Fatalf("%d POSTs received, want exactly 1", posts)
	}
}

func TestTopupServerErrorIsUnknownAndNotRetried(t *testing.T) {
	for _, st := range []int{500, 502, 503} {
		f := newFake(t)
		f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
			writeJSON(w, st, `{"code":"500","message":"internal error","description":"Internal Server Error"}`)
			return true
		}
		c, _ := newClient(t, f)
		res, err := c.Topup(context.Background(), frRequest())
		if res.Status != topup.Unknown {
			t.Errorf("HTTP %d: %+v", st, res)
		}
		if me := kindOf(t, err, model.ErrUnavailable); me.Status != st {
			t.Errorf("HTTP %d: status %d", st, me.Status)
		}
		if _, _, posts := f.counts(); posts != 1 {
			t.Errorf("HTTP %d: %d POSTs, want 1", st, posts)
		}
	}
}

func TestTopupUnreadable2xxIsUnknown(t *testing.T) {
	f := newFake(t)
	f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
		writeJSON(w, 201, `<html>created</html>`)
		return true
	}
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), frRequest())
	if res.Status != topup.Unknown {
		t.Fatalf("%+v", res)
	}
	kindOf(t, err, model.ErrBadResponse)
}

func TestTopupConnectionRefusedIsNotSent(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f, func(o *Options) { o.BaseURL = closedURL(t) + "/travel-b2b/v1" })
	res, err := c.Topup(context.Background(), frRequest())
	if res.Status != topup.Rejected || res.Sent || !strings.HasPrefix(res.Reason, "not sent: ") {
		t.Fatalf("%+v", res)
	}
	kindOf(t, err, model.ErrUnavailable)
	if !httpx.NotSent(err) {
		t.Fatalf("error %v does not say not sent", err)
	}
}

func TestTopupTokenFailureIsNotSent(t *testing.T) {
	f := newFake(t)
	f.tokenFail = func(w http.ResponseWriter) bool {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return true
	}
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), frRequest())
	if res.Status != topup.Rejected || res.Sent || !strings.HasPrefix(res.Reason, "not sent: ") {
		t.Fatalf("%+v", res)
	}
	kindOf(t, err, model.ErrUnauthorized)
	if _, _, posts := f.counts(); posts != 0 {
		t.Fatalf("%d POSTs", posts)
	}
}

func TestTopup401RenewsTokenOnce(t *testing.T) {
	t.Run("then success", func(t *testing.T) {
		f := newFake(t)
		c, _ := newClient(t, f)
		if err := c.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.revokeAll()
		res, err := c.Topup(context.Background(), frRequest())
		if err != nil || res.Status != topup.OK {
			t.Fatalf("%+v, %v", res, err)
		}
		if tokens, _, posts := f.counts(); tokens != 2 || posts != 1 {
			t.Fatalf("tokens %d, processed POSTs %d", tokens, posts)
		}
	})
	t.Run("twice", func(t *testing.T) {
		f := newFake(t)
		f.deny401 = true
		c, _ := newClient(t, f)
		res, err := c.Topup(context.Background(), frRequest())
		if err != nil || res.Status != topup.Rejected || !res.Sent || res.Reason != "invalid token" {
			t.Fatalf("%+v, %v", res, err)
		}
		if tokens, api, _ := f.counts(); tokens != 2 || api != 2 {
			t.Fatalf("tokens %d, API calls %d; want 2 and 2", tokens, api)
		}
	})
}

func TestTopupPendingStatusIsUnknown(t *testing.T) {
	f := newFake(t)
	f.postHook = func(w http.ResponseWriter, n int, b topupBody) bool {
		writeJSON(w, 202, `{"id":"cccccccc-0000-4000-8000-000000000001","status":"pending"}`)
		return true
	}
	c, _ := newClient(t, f)
	res, err := c.Topup(context.Background(), frRequest())
	if err != nil || res.Status != topup.Unknown || res.TransactionID != "cccccccc-0000-4000-8000-000000000001" {
		t.Fatalf("%+v, %v", res, err)
	}
}

// Reconciliation.

func reconcileFake(t *testing.T) *fake {
	f := newFake(t)
	f.txs = []map[string]any{
		txJSON("10000000-0000-4000-8000-000000000001", offerFR, "alice", "2026-11-23T09:50:00Z", "msisdn", seedMSISDN), // before the window
		txJSON("10000000-0000-4000-8000-000000000002", offerFR, "alice", "2026-11-23T09:59:00Z", "msisdn", seedMSISDN), // claimed
		txJSON("10000000-0000-4000-8000-000000000003", offerFR, "bob", "2026-11-23T10:00:10Z", "msisdn", seedMSISDN),   // other operator
		txJSON("10000000-0000-4000-8000-000000000004", offerFR, "alice", "2026-11-23T10:00:20Z", "msisdn", "33700000000"),
		txJSON("10000000-0000-4000-8000-000000000005", "other", "alice", "2026-11-23T10:00:25Z", "msisdn", seedMSISDN),
		txJSON("10000000-0000-4000-8000-000000000006", offerFR, "alice", "2026-11-23T10:00:30Z", "msisdn", "+"+seedMSISDN), // the one
		txJSON("10000000-0000-4000-8000-000000000007", offerFR, "alice", "2026-11-23T10:00:40Z", "msisdn", seedMSISDN),
	}
	return f
}

// The reconciliation contract (providers.Reconciler): Orange lists the
// transactions of the attempt's offer and line in the window, each with
// its outcome; the engine alone decides which one is the attempt's (its
// tests cover the choice). These tests were the old Reconcile's, which
// decided here; they now check what the provider reports.
func candidateIDs(ss []model.Sale) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID+"="+string(s.Outcome))
	}
	return out
}

func TestCandidatesOfTheOfferAndLine(t *testing.T) {
	f := reconcileFake(t)
	c, _ := newClient(t, f)
	req := frRequest()
	req.Since = epoch // 10:00:00; the window opens at 09:58:00
	got, complete, err := c.Candidates(context.Background(), req, epoch.Add(-2*time.Minute), epoch.Add(17*time.Minute))
	if err != nil || !complete {
		t.Fatal(complete, err)
	}
	// Before the window (…01), another line (…04) and another offer (…05)
	// are not candidates; another operator's sale (…03) is, for the engine
	// to weigh; +33… and 33… are one line (…06).
	want := []string{"10000000-0000-4000-8000-000000000007=ok", "10000000-0000-4000-8000-000000000006=ok",
		"10000000-0000-4000-8000-000000000003=ok", "10000000-0000-4000-8000-000000000002=ok"}
	if g := candidateIDs(got); !reflect.DeepEqual(g, want) {
		t.Fatalf("candidates %v, want %v", g, want)
	}
	q := f.queries[0]
	for _, want := range []string{"offer_id=" + offerFR, "start_date=2026-11-23T09%3A58%3A00Z"} {
		if !strings.Contains(q, want) {
			t.Errorf("list query %q lacks %q", q, want)
		}
	}
}

func TestCandidateRejectedTransaction(t *testing.T) {
	f := newFake(t)
	tx := txJSON("20000000-0000-4000-8000-000000000001", offerFR, "alice", "2026-11-23T10:00:05Z", "msisdn", seedMSISDN)
	tx["status"], tx["message"] = "error", "bucket empty for offer "+offerFR
	f.txs = []map[string]any{tx}
	c, _ := newClient(t, f)
	got, _, err := c.Candidates(context.Background(), frRequest(), epoch.Add(-2*time.Minute), epoch.Add(17*time.Minute))
	if err != nil || len(got) != 1 || got[0].Outcome != topup.Rejected || got[0].ID != "20000000-0000-4000-8000-000000000001" {
		t.Fatalf("%+v, %v", got, err)
	}
}

func TestCandidatesNoneForAnotherLine(t *testing.T) {
	f := reconcileFake(t)
	c, _ := newClient(t, f)
	req := frRequest()
	req.Target.Value = "33699999999"
	got, complete, err := c.Candidates(context.Background(), req, epoch.Add(-2*time.Minute), epoch.Add(17*time.Minute))
	if err != nil || !complete || len(got) != 0 {
		t.Fatalf("%+v %v %v", got, complete, err)
	}
}

func TestCandidatesListErrorStaysPending(t *testing.T) {
	f := reconcileFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 500, `{"code":"500","message":"database down"}`)
		return true
	}
	c, _ := newClient(t, f)
	_, _, err := c.Candidates(context.Background(), frRequest(), epoch.Add(-2*time.Minute), epoch.Add(17*time.Minute))
	kindOf(t, err, model.ErrUnavailable)
}

func TestCandidatesCutShortListIsIncomplete(t *testing.T) {
	f := newFake(t)
	// The API ignores every filter and has more than the bound, newest first,
	// all of them inside the window: absence proves nothing.
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/transactions") {
			return false
		}
		var page []map[string]any
		for i := range 50 {
			page = append(page, txJSON(fmt.Sprintf("30000000-0000-4000-8000-%012d", i), offerFR, "alice",
				epoch.Add(time.Hour-time.Duration(i)*time.Second).Format(time.RFC3339), "msisdn", "33600000000"))
		}
		writeJSON(w, 200, map[string]any{"transactions": page, "total": 5000})
		return true
	}
	c, _ := newClient(t, f, func(o *Options) { o.MaxScan = 40 })
	got, complete, err := c.Candidates(context.Background(), frRequest(), epoch.Add(-2*time.Minute), epoch.Add(2*time.Hour))
	if err != nil || complete || len(got) != 0 {
		t.Fatalf("%d candidates, complete %v, %v", len(got), complete, err)
	}
}

func TestCandidatesReadDetailWhenListOmitsParameters(t *testing.T) {
	f := reconcileFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/transactions") {
			return false
		}
		var page []map[string]any
		for _, tx := range f.txs {
			if tx["offer_id"] == offerFR && tx["user_id"] == "alice" {
				short := map[string]any{}
				for k, v := range tx {
					if k != "parameters" {
						short[k] = v
					}
				}
				page = append(page, short)
			}
		}
		writeJSON(w, 200, map[string]any{"transactions": page, "total": len(page)})
		return true
	}
	c, _ := newClient(t, f)
	got, _, err := c.Candidates(context.Background(), frRequest(), epoch.Add(-2*time.Minute), epoch.Add(17*time.Minute))
	if err != nil || !slices.Contains(candidateIDs(got), "10000000-0000-4000-8000-000000000006=ok") {
		t.Fatalf("%v, %v", candidateIDs(got), err)
	}
}

// The POST body is exactly the seeds' request examples (no user_id when no
// operator is set).
func TestTopupBodyMatchesSeedRequests(t *testing.T) {
	cases := []struct {
		seed  string
		offer model.Offer
	}{
		{"orange_topup_request_msisdn.json", model.Offer{ID: "id_offre", Supplier: "Orange France", ProductType: "topup"}},
		{"orange_topup_request_simid.json", model.Offer{ID: "id_offre_welcome", Supplier: "Welcome Travelers", ProductType: "topup"}},
	}
	for _, tc := range cases {
		t.Run(tc.seed, func(t *testing.T) {
			var want map[string]any
			if err := json.Unmarshal(seeds.MustRead(tc.seed), &want); err != nil {
				t.Fatal(err)
			}
			var target string
			for _, v := range want["parameters"].(map[string]any) {
				target = v.(string)
			}
			f := newFake(t)
			c, _ := newClient(t, f)
			if _, err := c.Topup(context.Background(), model.TopupRequest{Offer: tc.offer, Target: model.Identifier{Type: model.MSISDN, Value: target}}); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(f.postRaw[0], &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("POST body %s, want the seed's %v", f.postRaw[0], want)
			}
		})
	}
}
