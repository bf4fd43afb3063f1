package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"simdesk/seeds"
)

// FuzzHandler drives the whole handler with arbitrary methods, paths,
// queries, bodies and credential sets: it must never panic, always answer a
// status, and every JSON answer must be valid JSON, except the seeds' own
// malformed 405 example, which is served on purpose.
func FuzzHandler(f *testing.F) {
	s := New(Options{ErrorRate: 0.05, Now: func() time.Time { return fixedNow }})
	tok := s.testToken()
	malformed := seeds.MustRead("cvp_error_405_malformed.txt")
	ofr := s.orange.offerNamed("Recharge Holiday Data 10 GB").ID
	wt := s.orange.offerNamed("Recharge Holiday Voix 30 min").ID
	es := s.orange.offerNamed("eSIM Europe 10 GB").ID

	f.Add("GET", DXPBasePath+"/PR/usageConsumptionReport", "product.publicIdentifier=S-1001&product.publicIdentifierType=SubscriptionId", []byte(nil), uint8(0xff))
	f.Add("GET", CVPBasePath+"/JM/usageConsumptionReport", "product.publicIdentifier=4933562&product.publicIdentifierType=MSISDN&relatedParty.id=150015680000", []byte(nil), uint8(0xff))
	f.Add("POST", CVPBasePath+"/CL/usageConsumptionReport", "product.publicIdentifier=1", []byte("{}"), uint8(0x02))
	f.Add("GET", CVPBasePath+"/PR/usageConsumptionReport", "product.publicIdentifier=%zz&x=;;", []byte(nil), uint8(0xff))
	f.Add("POST", OrangeTokenPath, "", []byte("grant_type=client_credentials"), uint8(0x10))
	f.Add("POST", OrangeTokenPath, "", []byte("grant_type=client_credentials&client_id=demo&client_secret=demo-secret"), uint8(0x20))
	f.Add("GET", OrangeBasePath+"/live", "", []byte(nil), uint8(0))
	f.Add("GET", OrangeBasePath+"/distributors/offers", "offset=3&limit=9999999999999999999", []byte(nil), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/offers/"+ofr, "", []byte(nil), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/transactions", "start_date=2025-01-01&end_date=2025-12-31T00:00:00Z&status=ok&limit=3", []byte(nil), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/transactions/count", "supplier_id="+supWT.ID, []byte(nil), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/transactions/"+SeedTransactionID, "", []byte(nil), uint8(0x04))
	f.Add("POST", OrangeBasePath+"/distributors/transactions", "", []byte(`{"offer_id":"`+ofr+`","user_id":"u","parameters":{"msisdn":"+33612345678"}}`), uint8(0x04))
	f.Add("POST", OrangeBasePath+"/distributors/transactions", "", []byte(`{"offer_id":"`+wt+`","parameters":{"simId":"1956392841179","x":[1]}}`), uint8(0x04))
	f.Add("POST", OrangeBasePath+"/distributors/transactions", "", []byte(`{"offer_id":"`+es+`","parameters":{"a":null}}`), uint8(0x04))
	f.Add("POST", OrangeBasePath+"/distributors/transactions", "", []byte(`{"offer_id":{},"parameters":[]}`), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/suppliers/"+supWT.ID+"/usagebalances", "simId="+SeedSimID, []byte(nil), uint8(0x04))
	f.Add("GET", OrangeBasePath+"/distributors/suppliers/"+supOFR.ID+"/simstatus", "transaction="+SeedTransactionID, []byte(nil), uint8(0x04))
	f.Add("GET", "/", "", []byte(nil), uint8(0))
	f.Add("PATCH", "/lla/dxp-ux/v1//", "", []byte{0xff, 0x00}, uint8(0x01))

	f.Fuzz(func(t *testing.T, method, path, query string, body []byte, creds uint8) {
		req := &http.Request{
			Method: method, URL: &url.URL{Path: path, RawQuery: query}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "127.0.0.1", Body: io.NopCloser(bytes.NewReader(body)),
		}
		req = req.WithContext(t.Context())
		if creds&0x01 != 0 {
			req.Header["Client_id"], req.Header["Client_secret"] = []string{ClientID}, []string{ClientSecret}
		}
		if creds&0x02 != 0 {
			req.Header.Set("Client-id", ClientID)
			req.Header.Set("Client-secret", ClientSecret)
		}
		if creds&0x04 != 0 {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if creds&0x08 != 0 {
			req.Header.Set("lob", "PREPAID")
			req.Header.Set("channelId", "APP")
			req.Header.Set("targetSystem", "Matrixx")
		}
		if creds&0x10 != 0 {
			req.SetBasicAuth(ClientID, ClientSecret)
		}
		if creds&0x30 != 0 {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if creds&0x40 != 0 {
			req.Header.Set("X-Correlation-ID", string(body))
		}
		if creds&0x80 != 0 {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		ct := rec.Header().Get("Content-Type")
		if strings.Contains(ct, "json") && !json.Valid(rec.Body.Bytes()) && !bytes.Equal(rec.Body.Bytes(), malformed) {
			t.Fatalf("invalid JSON answer for %s %s?%s: %q", method, path, query, clip(rec.Body.String(), 300))
		}
		if c := rec.Header().Get("X-Correlation-ID"); c != "" && !printableASCII(c) {
			t.Fatalf("unsafe correlation id echoed: %q", c)
		}
		if ct == "" {
			t.Fatalf("no Content-Type for %s %s", method, path)
		}
	})
}
