package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.10:0", "example.com:0", "no-port"} {
		s := New(Options{})
		if err := s.Start(addr); err == nil {
			s.Close()
			t.Errorf("Start(%q) succeeded", addr)
		}
	}
	s := New(Options{})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q", s.URL())
	}
	if err := s.Start(""); err == nil {
		t.Error("second Start succeeded")
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Error("second Close:", err)
	}
	if _, err := http.Get(s.URL() + "/"); err == nil {
		t.Error("still serving after Close")
	}
}

func TestRequestsCountsEveryCall(t *testing.T) {
	s := start(t, Options{ErrorRate: 0.5})
	if s.Requests() != 0 {
		t.Fatal("requests before any call")
	}
	for i := 0; i < 5; i++ {
		do(t, "GET", s.URL()+"/nowhere", nil, "")
		do(t, "POST", s.URL()+OrangeTokenPath, nil, "")
	}
	if s.Requests() != 10 {
		t.Errorf("Requests() = %d, want 10", s.Requests())
	}
}

func TestIndexListsTheAPIs(t *testing.T) {
	s := start(t, Options{})
	a := do(t, "GET", s.URL()+"/", nil, "")
	mustStatus(t, a, 200)
	for _, want := range []string{s.URL() + OrangeBasePath, s.URL() + CVPBasePath, "S-1001", SeedSimID} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("index lacks %s", want)
		}
	}
}

func TestLatencyDelaysEveryAnswer(t *testing.T) {
	s := start(t, Options{Latency: 150 * time.Millisecond})
	for _, path := range []string{OrangeBasePath + "/live", "/nowhere"} {
		t0 := time.Now()
		do(t, "GET", s.URL()+path, nil, "")
		if d := time.Since(t0); d < 150*time.Millisecond {
			t.Errorf("%s answered in %v", path, d)
		}
	}
	t0 := time.Now()
	req, _ := http.NewRequest("POST", s.URL()+OrangeTokenPath, strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(ClientID, ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(t0); d < 150*time.Millisecond || resp.StatusCode != 200 {
		t.Errorf("token endpoint: HTTP %d in %v", resp.StatusCode, d)
	}
}

// A top-up is committed before the latency wait: a client that gives up
// leaves a transaction behind, which is what reconciliation must find.
func TestTopupCommittedBeforeTheSlowAnswer(t *testing.T) {
	s := start(t, Options{Latency: 2 * time.Second})
	tok := s.testToken()
	o := s.orange.offerNamed("Recharge Holiday Data 10 GB")
	s.mu.Lock()
	stock := o.stock
	s.mu.Unlock()

	before := s.OkTransactions(o.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+OrangeBasePath+"/distributors/transactions",
		strings.NewReader(fmt.Sprintf(`{"offer_id":%q,"parameters":{"msisdn":"33611111111"}}`, o.ID)))
	req.Header.Set("Authorization", "Bearer "+tok)
	t0 := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the client to time out, got %v", err)
	}
	// Checked long before the 2 s answer would have been written.
	if s.OkTransactions(o.ID) != before+1 {
		t.Fatalf("transaction not committed %v after the request", time.Since(t0))
	}
	if time.Since(t0) > time.Second {
		t.Fatalf("test too slow to prove the order: %v", time.Since(t0))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.stock != stock-1 {
		t.Errorf("stock %d, want %d", o.stock, stock-1)
	}
}

func TestErrorRateIsAboutTheFractionAndRepeatable(t *testing.T) {
	run := func() (statuses []int, n500, n502, n503 int) {
		s := start(t, Options{ErrorRate: 0.3, Seed: 99})
		for i := 0; i < 1000; i++ {
			a := do(t, "GET", s.URL()+OrangeBasePath+"/live", nil, "")
			statuses = append(statuses, a.status)
			switch a.status {
			case 200:
			case 500:
				n500++
				if a.json(t)["code"] != "500" {
					t.Fatalf("500 body %s", a.body)
				}
			case 502:
				n502++
				if !strings.Contains(a.header.Get("Content-Type"), "html") || !strings.Contains(string(a.body), "<title>502 Bad Gateway</title>") {
					t.Fatalf("502 %s", a.body)
				}
			case 503:
				n503++
				if a.header.Get("Retry-After") != "1" {
					t.Fatal("503 without Retry-After: 1")
				}
			default:
				t.Fatalf("HTTP %d", a.status)
			}
		}
		return
	}
	s1, a, b, c := run()
	failed := a + b + c
	if failed < 250 || failed > 350 {
		t.Errorf("%d of 1000 calls failed with rate 0.3", failed)
	}
	if a < 50 || b < 50 || c < 50 {
		t.Errorf("mix 500=%d 502=%d 503=%d", a, b, c)
	}
	s2, _, _, _ := run()
	for i := range s1 {
		if s1[i] != s2[i] {
			t.Fatalf("call %d: %d then %d with the same seed", i, s1[i], s2[i])
		}
	}
}

func TestFaultsSpeakEachAPIsDialect(t *testing.T) {
	s := New(Options{ErrorRate: 1})
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		for _, p := range []string{OrangeTokenPath, DXPBasePath + "/PR/usageConsumptionReport", OrangeBasePath + "/distributors/offers"} {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("POST", p, nil))
			if rec.Code < 500 {
				t.Fatalf("%s: HTTP %d with error rate 1", p, rec.Code)
			}
			body := rec.Body.String()
			switch {
			case rec.Code == 502:
			case strings.HasPrefix(p, "/lla/"):
				seen["lla"] = strings.Contains(body, `"errors"`)
			case p == OrangeTokenPath:
				seen["token"] = strings.Contains(body, `"error"`)
			default:
				seen["orange"] = strings.Contains(body, `"code"`)
			}
		}
	}
	if !seen["lla"] || !seen["token"] || !seen["orange"] {
		t.Errorf("dialects seen %v", seen)
	}
}

// TestConfigTOMLPointsAtTheSimulator lives in providers/all: the demo set is
// read from the registry of kinds, which this package cannot import.
