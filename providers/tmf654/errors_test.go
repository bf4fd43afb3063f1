package tmf654_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/providers/tmf654"
	"simdesk/topup"
)

// TestErrorBodies: a TMF Error with only code and reason, a full one, and a
// plain-text body are all read into the rejection's reason.
func TestErrorBodies(t *testing.T) {
	var status int
	var ctype, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`[{"id":"B1","usageType":"monetary","remainingValue":{"amount":1,"units":"USD"},"partyAccount":{"id":"PA"},"status":"active"}]`))
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := tmf654.New(tmf654.Options{Name: "t", Kind: tmf654.Kind, BaseURL: srv.URL + "/v4", ClientID: "id", ClientSecret: "s3cret-value",
		Currency: "USD", MaxAmount: 50, HTTP: httpx.New("t", 5*time.Second, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status      int
		ctype, body string
		want        string
		result      topup.Outcome
	}{
		{409, "application/json", `{"code":"409","reason":"Top-up barred"}`, "Top-up barred", topup.Rejected},
		{400, "application/json", `{"code":"ERR-12","reason":"Invalid amount","message":"amount exceeds the account limit","status":"400"}`, "amount exceeds the account limit (Invalid amount)", topup.Rejected},
		{409, "text/plain", "bucket locked by another operation", "bucket locked by another operation", topup.Rejected},
		{503, "text/html", "<html><title>Down for maintenance</title></html>", "Down for maintenance", topup.Unknown},
	} {
		status, ctype, body = tc.status, tc.ctype, tc.body
		res, err := c.TopupAmount(context.Background(), model.TopupRequest{JournalID: "j", Amount: new(topup.MustParse("5", "USD")), Target: model.Identifier{Type: model.MSISDN, Value: "9077613"}})
		if res.Status != tc.result || !strings.Contains(res.Reason, tc.want) || strings.Contains(res.Reason, "s3cret-value") {
			t.Errorf("%d %s: %+v %v", tc.status, tc.body, res, err)
		}
	}
}

// TestReconcileCutShortListConcludesNothing: a top-up list that never ends
// (every page full) is read at most 20 pages, and an attempt absent from it
// stays pending instead of being declared never arrived.
func TestReconcileCutShortListConcludesNothing(t *testing.T) {
	pages := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages++
		var b strings.Builder
		b.WriteString("[")
		for i := 0; i < 100; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"id":"TB","status":"completed","description":"other"}`)
		}
		b.WriteString("]")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(b.String()))
	}))
	defer srv.Close()
	c, err := tmf654.New(tmf654.Options{Name: "t", Kind: tmf654.Kind, BaseURL: srv.URL + "/v4", ClientID: "id", ClientSecret: "s",
		Currency: "USD", MaxAmount: 50, HTTP: httpx.New("t", 5*time.Second, nil)})
	if err != nil {
		t.Fatal(err)
	}
	// A list cut short is reported incomplete: absence from it proves
	// nothing, and the engine keeps the attempt pending.
	res, complete, err := c.Candidates(context.Background(), model.TopupRequest{JournalID: "j-1", Target: model.Identifier{Type: model.MSISDN, Value: "9077613"}}, time.Time{}, time.Time{})
	if err != nil || complete || len(res) != 0 || pages != 20 {
		t.Errorf("%+v complete %v, %v after %d pages", res, complete, err, pages)
	}
}
