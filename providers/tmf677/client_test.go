package tmf677

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/seeds"
)

const testSecret = "s3cr3t-Zq9-demo-value"

// served records what a test server saw.
type served struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *served) add(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
}

func (s *served) all() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

// setup starts a loopback server with handler and a client of kind pointing
// at it; the HTTP client never really sleeps between retries and records the
// waits it was asked for.
func setup(t *testing.T, kind string, handler http.HandlerFunc) (*Client, *httpx.Client, *served, *[]time.Duration) {
	t.Helper()
	rec := &served{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", srv.URL)
	}
	hc := httpx.New("lla-test", 2*time.Second, httpx.NewRedactor())
	var waits []time.Duration
	var mu sync.Mutex
	hc.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	o := Options{Name: "lla-test", Kind: kind, BusinessID: "PR", ClientID: "demo", ClientSecret: testSecret, HTTP: hc}
	if kind == KindDXP {
		o.BaseURL, o.ChannelID, o.TargetSystem = srv.URL+"/lla/dxp-ux/v1", "APP", "Matrixx"
	} else {
		o.BaseURL, o.ChannelID, o.TargetSystem, o.Lob = srv.URL+"/lla/cisco-cvp-ux/v1/", "ivrB2C", "matrixx", "PREPAID"
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, hc, rec, &waits
}

func serveSeed(name string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(seeds.MustRead(name))
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestClientImplementsProvider(t *testing.T) {
	var p providers.Provider = &Client{o: Options{Name: "n", Kind: KindCVP}}
	if p.Name() != "n" || p.Kind() != KindCVP {
		t.Fatal("name/kind")
	}
	if _, ok := p.(providers.Health); ok {
		t.Fatal("no cheap probe exists: Health must not be claimed")
	}
	for typ, want := range map[model.IDType]bool{model.MSISDN: true, model.Subscription: true, model.SIM: false, model.Transaction: false} {
		if p.Accepts(typ) != want {
			t.Errorf("Accepts(%s) = %v", typ, !want)
		}
	}
}

func TestDXPRequestAndAnswer(t *testing.T) {
	c, _, rec, _ := setup(t, KindDXP, serveSeed("dxp_pr_prepaid_S-1001.json", 200))
	id := model.Identifier{Type: model.Subscription, Value: "S-1001", Account: "12345"}
	lines, err := c.Lookup(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].ID != "S-1001" || lines[0].Dialect != "matrixx" || len(lines[0].Buckets) != 7 || lines[0].Payment != "prepaid" {
		t.Fatalf("lines: %+v", lines)
	}
	if _, err := c.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "8201"}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodGet || r.URL.Path != "/lla/dxp-ux/v1/PR/usageConsumptionReport" {
		t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	wantQuery(t, r.URL.Query(), url.Values{"product.publicIdentifier": {"S-1001"}, "product.publicIdentifierType": {"SubscriptionId"}})
	wantQuery(t, reqs[1].URL.Query(), url.Values{"product.publicIdentifier": {"8201"}, "product.publicIdentifierType": {"MSISDN"}})
	wantHeaders(t, r.Header, map[string]string{"client_id": "demo", "client_secret": testSecret, "channelId": "APP", "targetSystem": "Matrixx"},
		"lob", "Client-id", "Client-secret")
	freshCorrelation(t, reqs)
}

func TestCVPRequestAndAnswer(t *testing.T) {
	c, _, rec, _ := setup(t, KindCVP, serveSeed("cvp_cwc_liberate_4933562.json", 200))
	lines, err := c.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "4933562", Account: "150015680000"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].Account != "150015680000" || lines[0].Dialect != "liberate" || len(lines[0].Buckets) != 6 {
		t.Fatalf("lines: %+v", lines)
	}
	if _, err := c.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "4933562"}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	r := reqs[0]
	if r.URL.Path != "/lla/cisco-cvp-ux/v1/PR/usageConsumptionReport" {
		t.Errorf("path %s", r.URL.Path)
	}
	wantQuery(t, r.URL.Query(), url.Values{"product.publicIdentifier": {"4933562"}, "product.publicIdentifierType": {"MSISDN"}, "relatedParty.id": {"150015680000"}})
	wantQuery(t, reqs[1].URL.Query(), url.Values{"product.publicIdentifier": {"4933562"}, "product.publicIdentifierType": {"MSISDN"}})
	wantHeaders(t, r.Header, map[string]string{"lob": "PREPAID", "channelId": "ivrB2C", "targetSystem": "matrixx", "Client-id": "demo", "Client-secret": testSecret},
		"client_id", "client_secret")
	freshCorrelation(t, reqs)
}

// TestHeaderSpellingOnTheWire reads the raw request: the documented header
// names go out as written (client_id, Client-secret, channelId…).
func TestHeaderSpellingOnTheWire(t *testing.T) {
	for _, kind := range []string{KindDXP, KindCVP} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		raw := make(chan string, 1)
		go func() {
			conn, err := ln.Accept()
			if err != nil {
				raw <- ""
				return
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			var sb strings.Builder
			for {
				line, err := br.ReadString('\n')
				sb.WriteString(line)
				if err != nil || line == "\r\n" {
					break
				}
			}
			raw <- sb.String()
			body := seeds.MustRead("cvp_pr_9077613.json")
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		}()
		hc := httpx.New("wire", 2*time.Second, nil)
		c, err := New(Options{Name: "wire", Kind: kind, BaseURL: "http://" + ln.Addr().String() + "/v1", BusinessID: "PR",
			ChannelID: "APP", TargetSystem: "Matrixx", Lob: "PREPAID", ClientID: "demo", ClientSecret: testSecret, HTTP: hc})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "9077613"}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		got := <-raw
		ln.Close()
		want := []string{"\r\nchannelId: APP\r\n", "\r\ntargetSystem: Matrixx\r\n", "\r\nX-Correlation-Id: "}
		if kind == KindDXP {
			want = append(want, "\r\nclient_id: demo\r\n", "\r\nclient_secret: "+testSecret+"\r\n")
		} else {
			want = append(want, "\r\nlob: PREPAID\r\n", "\r\nClient-id: demo\r\n", "\r\nClient-secret: "+testSecret+"\r\n")
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: raw request lacks %q:\n%s", kind, w, got)
			}
		}
	}
}

func wantQuery(t *testing.T, got, want url.Values) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("query %v, want %v", got, want)
	}
	for k, v := range want {
		if g := got[k]; len(g) != 1 || g[0] != v[0] {
			t.Errorf("query %s = %v, want %v", k, g, v)
		}
	}
}

func wantHeaders(t *testing.T, h http.Header, want map[string]string, absent ...string) {
	t.Helper()
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range absent {
		if h.Get(k) != "" {
			t.Errorf("header %s must not be sent", k)
		}
	}
}

func freshCorrelation(t *testing.T, reqs []*http.Request) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range reqs {
		id := r.Header.Get("X-Correlation-ID")
		if !model.IsUUID(id) || len(r.Header.Values("X-Correlation-ID")) != 1 {
			t.Errorf("X-Correlation-ID %v is not one UUID", r.Header.Values("X-Correlation-ID"))
		}
		if seen[id] {
			t.Errorf("X-Correlation-ID %s reused across calls", id)
		}
		seen[id] = true
	}
}

func TestUnsupportedTypeIsRefusedWithoutACall(t *testing.T) {
	c, hc, _, _ := setup(t, KindCVP, serveSeed("cvp_pr_9077613.json", 200))
	for _, id := range []model.Identifier{{Type: model.SIM, Value: "8944500102198304826"}, {Type: model.Transaction, Value: "123e4567-e89b-12d3-a456-426614174000"}} {
		_, err := c.Lookup(ctx(t), id)
		wantKind(t, string(id.Type), err, model.ErrBadRequest)
	}
	if hc.Calls() != 0 {
		t.Fatalf("%d calls for refused identifiers", hc.Calls())
	}
}

// TestSeedErrorBodies serves every error body of the seeds with its status.
func TestSeedErrorBodies(t *testing.T) {
	cases := []struct {
		kind, seed string
		status     int
		want       model.ErrorKind
		contains   []string
		attempts   int64
	}{
		{KindDXP, "dxp_error_400.json", 400, model.ErrBadRequest, []string{"The client sent too many requests", "The request is invalid or not properly formed."}, 1},
		{KindDXP, "dxp_error_401.json", 401, model.ErrUnauthorized, []string{"lacks valid authentication credentials", "The user could not be authenticated"}, 1},
		{KindDXP, "dxp_error_404_subscriber.json", 404, model.ErrNotFound, []string{"Subscriber not found (ExternalId=xxxx)", "MATRIXX:QUERY_USAGE_ERROR"}, 1},
		{KindDXP, "dxp_error_404_method.json", 404, model.ErrNotFound, []string{"HTTP Method xxx not allowed", "APIKIT:METHOD_NOT_ALLOWED"}, 1},
		{KindCVP, "cvp_error_400.json", 400, model.ErrBadRequest, []string{"The request is invalid or not properly formed."}, 1},
		{KindCVP, "cvp_error_401.json", 401, model.ErrUnauthorized, []string{"The user could not be authenticated for this request."}, 1},
		{KindCVP, "", 403, model.ErrForbidden, nil, 1}, // the seed documents 403 without a body
		{KindCVP, "cvp_error_404.json", 404, model.ErrNotFound, []string{"a resource associated with the request could not be found"}, 1},
		{KindCVP, "cvp_error_405_malformed.txt", 405, model.ErrBadRequest, []string{"APIKIT:METHOD_NOT_ALLOWED", "HTTP Method post not allowed"}, 1},
		{KindCVP, "cvp_error_500.json", 500, model.ErrUnavailable, []string{"The request failed due to an internal error."}, 3},
		{KindCVP, "cvp_error_501.json", 501, model.ErrNotImplemented, []string{"Operation GET /usageConsumptionReport for Business Id: CL not implemented"}, 1},
		{KindCVP, "cvp_error_503.json", 503, model.ErrUnavailable, []string{"HTTP:SERVICE_UNAVAILABLE", "failed: service unavailable (503)"}, 3},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d %s", c.status, c.seed), func(t *testing.T) {
			h := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(c.status) }
			if c.seed != "" {
				h = serveSeed(c.seed, c.status)
			}
			cl, hc, rec, _ := setup(t, c.kind, h)
			_, err := cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "9077613"})
			me := wantKind(t, c.seed, err, c.want)
			if me.Status != c.status {
				t.Errorf("status %d, want %d", me.Status, c.status)
			}
			for _, s := range c.contains {
				if !strings.Contains(me.Message, s) {
					t.Errorf("message %q lacks %q", me.Message, s)
				}
			}
			if c.seed == "" && !strings.Contains(me.Message, "403") {
				t.Errorf("empty 403 message %q", me.Message)
			}
			if hc.Calls() != c.attempts {
				t.Errorf("%d attempts, want %d", hc.Calls(), c.attempts)
			}
			if corr := rec.all()[0].Header.Get("X-Correlation-ID"); me.CorrelationID != corr {
				t.Errorf("correlation id %q, want the one sent (%q)", me.CorrelationID, corr)
			}
			if me.Provider != "lla-test" {
				t.Errorf("provider %q", me.Provider)
			}
		})
	}
}

func TestBadAnswers(t *testing.T) {
	html := `<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>`
	body := seeds.MustRead("cvp_pr_9077613.json")
	cases := []struct {
		name     string
		status   int
		ctype    string
		body     string
		maxBody  int64
		want     model.ErrorKind
		contains string
	}{
		{"html 502", 502, "text/html", html, 0, model.ErrUnavailable, "502 Bad Gateway"},
		{"html 200", 200, "text/html", html, 0, model.ErrBadResponse, "HTML page instead of JSON"},
		{"truncated", 200, "application/json", string(body[:len(body)/2]), 0, model.ErrBadResponse, "truncated"},
		{"empty 200", 200, "application/json", "", 0, model.ErrBadResponse, "empty answer"},
		{"oversized", 200, "application/json", string(body), 1024, model.ErrBadResponse, "larger than"},
		{"empty list", 200, "application/json", "[]", 0, model.ErrNotFound, "MSISDN 9077613"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl, hc, _, _ := setup(t, KindCVP, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			hc.MaxBody = c.maxBody
			_, err := cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "9077613"})
			me := wantKind(t, c.name, err, c.want)
			if !strings.Contains(me.Message, c.contains) {
				t.Errorf("message %q lacks %q", me.Message, c.contains)
			}
			if me.CorrelationID == "" {
				t.Error("no correlation id")
			}
		})
	}
}

func TestRateLimitedThenServed(t *testing.T) {
	var mu sync.Mutex
	n := 0
	cl, hc, _, waits := setup(t, KindCVP, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		serveSeed("cvp_pr_9077613.json", 200)(w, r)
	})
	lines, err := cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "9077613"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || hc.Calls() != 2 || len(*waits) != 1 || (*waits)[0] != time.Second {
		t.Fatalf("lines %d calls %d waits %v", len(lines), hc.Calls(), *waits)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	cl, hc, _, _ := setup(t, KindDXP, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	hc.Timeout = 100 * time.Millisecond
	hc.Retries = 1
	start := time.Now()
	_, err := cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "8201"})
	wantKind(t, "timeout", err, model.ErrTimeout)
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	// The timeout is the operator's whole wait, retries included (issue 8):
	// a GET that used all of it is not sent again.
	if hc.Calls() != 1 || time.Since(start) > 300*time.Millisecond {
		t.Errorf("a GET that timed out: %d calls in %s", hc.Calls(), time.Since(start))
	}
}

// TestSecretNeverInErrors: even when an upstream echoes the secret back, no
// error text carries it.
func TestSecretNeverInErrors(t *testing.T) {
	answers := []struct {
		status int
		body   string
	}{
		{400, `{"errors":[{"code":400,"message":"bad secret ` + testSecret + `","description":"client_secret=` + testSecret + ` refused"}]}`},
		{401, `<html><title>denied ` + testSecret + `</title></html>`},
		{200, `<html><title>login ` + testSecret + `</title></html>`},
		{200, `{"errors":[{"code":401,"message":"x","description":"bad ` + testSecret + `"}]}`},
		{200, `[{"bucket":[{"name":"` + testSecret},
		{500, testSecret},
	}
	for _, kind := range []string{KindDXP, KindCVP} {
		for _, a := range answers {
			cl, _, rec, _ := setup(t, kind, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(a.status)
				_, _ = w.Write([]byte(a.body))
			})
			_, err := cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "8201"})
			if err == nil {
				t.Fatalf("%d %q: no error", a.status, a.body)
			}
			me := model.AsError(err)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), me.Message, fmt.Sprint(errors.Unwrap(err))} {
				if strings.Contains(s, testSecret) {
					t.Errorf("%s %d: secret in error text %q", kind, a.status, s)
				}
			}
			for _, r := range rec.all() {
				if strings.Contains(r.URL.String(), testSecret) {
					t.Errorf("secret in the URL %s", r.URL)
				}
			}
		}
	}
	// A refused connection names no secret either.
	hc := httpx.New("gone", time.Second, nil)
	hc.Retries = 0
	cl, err := New(Options{Name: "gone", Kind: KindDXP, BaseURL: "http://127.0.0.1:1/dxp-ux/v1", BusinessID: "PR", ClientSecret: testSecret, HTTP: hc})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.Lookup(ctx(t), model.Identifier{Type: model.MSISDN, Value: "8201"})
	wantKind(t, "refused", err, model.ErrUnavailable)
	if strings.Contains(err.Error(), testSecret) {
		t.Error("secret in a transport error")
	}
}

func TestNewValidates(t *testing.T) {
	good := Options{Name: "n", Kind: KindDXP, BaseURL: "https://api.example/dxp-ux/v1", BusinessID: "PR", ClientSecret: testSecret}
	bad := map[string]func(o *Options){
		"kind":          func(o *Options) { o.Kind = "tmf677" },
		"name":          func(o *Options) { o.Name = " " },
		"url":           func(o *Options) { o.BaseURL = "api.example/v1" },
		"scheme":        func(o *Options) { o.BaseURL = "ftp://api.example/v1" },
		"query":         func(o *Options) { o.BaseURL = "https://api.example/v1?x=1" },
		"business id":   func(o *Options) { o.BusinessID = "" },
		"business path": func(o *Options) { o.BusinessID = "PR/../x" },
	}
	for name, mod := range bad {
		o := good
		mod(&o)
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.url != "https://api.example/dxp-ux/v1/PR/usageConsumptionReport" {
		t.Errorf("url %s", c.url)
	}
	if got := c.o.HTTP.Redactor.Redact("x " + testSecret); got != "x "+httpx.Mask {
		t.Errorf("secret not registered with the redactor: %q", got)
	}
}
