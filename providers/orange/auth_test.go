package orange

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
)

func TestOAuthBasicFormAndTokenReuse(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Suppliers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Offers(ctx); err != nil {
		t.Fatal(err)
	}
	tokens, api, _ := f.counts()
	if tokens != 1 || api != 3 {
		t.Fatalf("token fetches %d, API calls %d; want 1 and 3 (token reused)", tokens, api)
	}
	for _, a := range f.seenAuth {
		if a != "Bearer tok-1-abcdef" {
			t.Errorf("Authorization %q, want the first token as Bearer", a)
		}
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	f := newFake(t)
	f.expiresIn = 3600
	c, clk := newClient(t, f)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Add(50 * time.Minute) // well within the token's hour
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := f.counts(); n != 1 {
		t.Fatalf("token fetched %d times within its lifetime, want 1", n)
	}
	clk.Add(9*time.Minute + 30*time.Second) // 59.5 min: inside the renewal margin
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := f.counts(); n != 2 {
		t.Fatalf("token fetched %d times, want a renewal before expiry (2)", n)
	}
	if got := f.seenAuth[len(f.seenAuth)-1]; got != "Bearer tok-2-abcdef" {
		t.Fatalf("after renewal the call used %q", got)
	}
}

func TestTokenRenewedOnceOn401ThenSuccess(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	f.revokeAll() // the server forgets the token before its expiry
	sup, err := c.Suppliers(ctx)
	if err != nil {
		t.Fatalf("call after revocation: %v", err)
	}
	if len(sup) != 3 {
		t.Fatalf("suppliers %v", sup)
	}
	tokens, api, _ := f.counts()
	if tokens != 2 || api != 3 {
		t.Fatalf("token fetches %d, API calls %d; want 2 and 3 (401, renew, retry once)", tokens, api)
	}
}

func TestSecond401IsUnauthorized(t *testing.T) {
	f := newFake(t)
	f.deny401 = true
	c, _ := newClient(t, f)
	_, err := c.Suppliers(context.Background())
	me := kindOf(t, err, model.ErrUnauthorized)
	if me.Status != 401 {
		t.Fatalf("status %d", me.Status)
	}
	tokens, api, _ := f.counts()
	if tokens != 2 || api != 2 {
		t.Fatalf("token fetches %d, API calls %d; want exactly one renewal (2 and 2)", tokens, api)
	}
}

func TestTokenEndpointRefusesCredentials(t *testing.T) {
	cases := []struct {
		name string
		fail func(w http.ResponseWriter) bool
	}{
		{"401 invalid_client", nil}, // wrong secret below
		{"400 invalid_client", func(w http.ResponseWriter) bool {
			writeJSON(w, 400, map[string]string{"error": "invalid_client"})
			return true
		}},
		{"401 echoing the secret", func(w http.ResponseWriter) bool {
			writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "secret " + testSecret + " unknown"})
			return true
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.tokenFail = tc.fail
			c, _ := newClient(t, f, func(o *Options) {
				if tc.fail == nil {
					o.ClientSecret = testSecret + "-wrong"
					o.HTTP = httpx.New("orange", 2*time.Second, httpx.NewRedactor(o.ClientSecret))
				}
			})
			_, err := c.Offers(context.Background())
			me := kindOf(t, err, model.ErrUnauthorized)
			if !strings.Contains(me.Message, "refused the client credentials") {
				t.Fatalf("message %q", me.Message)
			}
			if strings.Contains(err.Error(), "-wrong") {
				t.Fatalf("wrong secret leaked: %v", err)
			}
			if _, api, _ := f.counts(); api != 0 {
				t.Fatalf("API called %d times without a token", api)
			}
		})
	}
}

func TestTokenEndpointDownOrFailing(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		f := newFake(t)
		c, _ := newClient(t, f, func(o *Options) { o.TokenURL = closedURL(t) + "/oauth/v3/token" })
		err := c.Ping(context.Background())
		me := kindOf(t, err, model.ErrUnavailable)
		if !strings.Contains(me.Message, "token endpoint") {
			t.Fatalf("message %q", me.Message)
		}
	})
	t.Run("500", func(t *testing.T) {
		f := newFake(t)
		f.tokenFail = func(w http.ResponseWriter) bool {
			writeJSON(w, 500, "<html><title>oops</title></html>")
			return true
		}
		c, _ := newClient(t, f)
		me := kindOf(t, c.Ping(context.Background()), model.ErrUnavailable)
		if me.Status != 500 {
			t.Fatalf("status %d", me.Status)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f := newFake(t)
		f.tokenDelay = 600 * time.Millisecond
		c, _ := newClient(t, f, func(o *Options) {
			o.HTTP = httpx.New("orange", 150*time.Millisecond, httpx.NewRedactor(testSecret))
		})
		start := time.Now()
		kindOf(t, c.Ping(context.Background()), model.ErrTimeout)
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Fatalf("token fetch waited %s, not bounded by the 150ms timeout", d)
		}
	})
	t.Run("200 without a token", func(t *testing.T) {
		f := newFake(t)
		f.tokenFail = func(w http.ResponseWriter) bool {
			writeJSON(w, 200, map[string]string{"token_type": "Bearer"})
			return true
		}
		c, _ := newClient(t, f)
		kindOf(t, c.Ping(context.Background()), model.ErrUnavailable)
	})
}

func TestNewValidatesOptions(t *testing.T) {
	good := Options{Name: "o", BaseURL: "http://127.0.0.1:1/travel-b2b/v1/", TokenURL: "http://127.0.0.1:1/t", ClientID: "id", ClientSecret: "sec-ret"}
	if c, err := New(good); err != nil || c.base != "http://127.0.0.1:1/travel-b2b/v1" || c.maxScan != 2000 {
		t.Fatalf("New(good) = %+v, %v", c, err)
	}
	for name, mod := range map[string]func(*Options){
		"no base":   func(o *Options) { o.BaseURL = "" },
		"ftp base":  func(o *Options) { o.BaseURL = "ftp://x/y" },
		"no token":  func(o *Options) { o.TokenURL = "not a url" },
		"no id":     func(o *Options) { o.ClientID = " " },
		"no secret": func(o *Options) { o.ClientSecret = "" },
	} {
		o := good
		mod(&o)
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "sec-ret") {
			t.Errorf("%s: secret in %v", name, err)
		}
	}
}

func TestPingReportsNotAlive(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/live") {
			writeJSON(w, 200, `{"isAlive": false, "version": "1.7.3"}`)
			return true
		}
		return false
	}
	c, _ := newClient(t, f)
	me := kindOf(t, c.Ping(context.Background()), model.ErrUnavailable)
	if !strings.Contains(me.Message, "not alive") {
		t.Fatalf("message %q", me.Message)
	}
}
