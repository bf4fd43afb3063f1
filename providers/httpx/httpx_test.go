package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/seeds"
)

func newClient(t *testing.T) *Client {
	t.Helper()
	c := New("test", 2*time.Second, NewRedactor("s3cr3t-canary"))
	c.Sleep = func(ctx context.Context, d time.Duration) error { return nil }
	return c
}

func read(body *string) Handler {
	return func(status int, h http.Header, r io.Reader) error {
		b, err := io.ReadAll(r)
		*body = string(b)
		return err
	}
}

func TestRetriesGETOn503ThenSucceeds(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(503)
			w.Write(seeds.MustRead("cvp_error_503.json"))
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c := newClient(t)
	var waited time.Duration
	c.Sleep = func(ctx context.Context, d time.Duration) error { waited = d; return nil }
	var body string
	if err := c.Do(context.Background(), Request{URL: srv.URL}, read(&body)); err != nil {
		t.Fatal(err)
	}
	if body != `{"ok":true}` || n.Load() != 2 {
		t.Fatalf("body %q after %d calls", body, n.Load())
	}
	if waited != time.Second {
		t.Fatalf("Retry-After not honoured: waited %s", waited)
	}
}

func TestPOSTIsNeverRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	err := newClient(t).Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)}, read(new(string)))
	if model.KindOf(err) != model.ErrUnavailable || n.Load() != 1 {
		t.Fatalf("err %v after %d POSTs", err, n.Load())
	}
}

func TestSeedErrorBodies(t *testing.T) {
	cases := []struct {
		file   string
		status int
		kind   model.ErrorKind
		msg    string
	}{
		{"dxp_error_400.json", 400, model.ErrBadRequest, "The request is invalid or not properly formed."},
		{"dxp_error_401.json", 401, model.ErrUnauthorized, "lacks valid authentication credentials"},
		{"dxp_error_404_subscriber.json", 404, model.ErrNotFound, "Subscriber not found (ExternalId=xxxx)"},
		{"dxp_error_404_method.json", 404, model.ErrNotFound, "HTTP Method xxx not allowed"},
		{"cvp_error_400.json", 400, model.ErrBadRequest, "too many requests"},
		{"cvp_error_401.json", 401, model.ErrUnauthorized, "lacks valid authentication credentials"},
		{"cvp_error_404.json", 404, model.ErrNotFound, "could not be found"},
		{"cvp_error_405_malformed.txt", 405, model.ErrBadRequest, "APIKIT:METHOD_NOT_ALLOWED"},
		{"cvp_error_500.json", 500, model.ErrUnavailable, "The request failed due to an internal error."},
		{"cvp_error_501.json", 501, model.ErrNotImplemented, "Business Id: CL not implemented"},
		{"cvp_error_503.json", 503, model.ErrUnavailable, "service unavailable (503)"},
	}
	for _, c := range cases {
		e := DecodeError(c.status, "application/json", seeds.MustRead(c.file))
		if e.Kind != c.kind || e.Status != c.status || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s: got %s %d %q", c.file, e.Kind, e.Status, e.Message)
		}
		if strings.Contains(e.Message, "\n") {
			t.Errorf("%s: message is not one line", c.file)
		}
	}
}

func TestHTMLAndEmptyErrorBodies(t *testing.T) {
	e := DecodeError(502, "text/html", []byte("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"))
	if e.Kind != model.ErrUnavailable || e.Message != "HTML error page: 502 Bad Gateway" {
		t.Fatalf("%+v", e)
	}
	if e := DecodeError(500, "", nil); e.Message != "HTTP 500 with an empty body" {
		t.Fatalf("%+v", e)
	}
}

func TestSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 2048)))
	}))
	defer srv.Close()
	c := newClient(t)
	c.MaxBody = 1024
	err := c.Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	if model.KindOf(err) != model.ErrBadResponse || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
	c.MaxBody = 2048 // exactly at the limit is fine
	if err := c.Do(context.Background(), Request{URL: srv.URL}, read(new(string))); err != nil {
		t.Fatal(err)
	}
}

func TestTimeoutAndRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	c := newClient(t)
	c.Timeout, c.Retries = 50*time.Millisecond, 0
	err := c.Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	if model.KindOf(err) != model.ErrTimeout {
		t.Fatalf("got %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	err = c.Do(context.Background(), Request{Method: "POST", URL: "http://" + addr + "/x"}, read(new(string)))
	if model.KindOf(err) != model.ErrUnavailable || !NotSent(err) {
		t.Fatalf("refused: %v (not sent %v)", err, NotSent(err))
	}
}

func TestSecretsRedactedAndCorrelationID(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("X-Correlation-ID")
		w.WriteHeader(401)
		w.Write([]byte(`{"code":"401","message":"bad secret s3cr3t-canary"}`))
	}))
	defer srv.Close()
	err := newClient(t).Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	var me *model.Error
	if !errors.As(err, &me) || strings.Contains(err.Error(), "s3cr3t-canary") || !strings.Contains(err.Error(), Mask) {
		t.Fatalf("got %v", err)
	}
	if me.CorrelationID == "" || me.CorrelationID != got || len(got) != 36 {
		t.Fatalf("correlation id %q vs sent %q", me.CorrelationID, got)
	}
}
