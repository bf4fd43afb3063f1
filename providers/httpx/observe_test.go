package httpx

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/model"
)

// TestObserverSeesEveryAttempt: each attempt (retries included) is reported
// with the operation of its context and the kind of its answer; nothing is
// reported without an observer.
func TestObserverSeesEveryAttempt(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	c := New("p1", 0, nil)
	c.Sleep = func(context.Context, time.Duration) error { return nil }
	var mu sync.Mutex
	var got []Call
	defer SetObserver(func(k Call) { mu.Lock(); got = append(got, k); mu.Unlock() })()
	ctx := WithOperation(context.Background(), "lookup")
	if err := c.Do(ctx, Request{URL: srv.URL}, func(int, http.Header, io.Reader) error { return nil }); err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	c.Retries = 0
	_ = c.Do(context.Background(), Request{URL: dead}, func(int, http.Header, io.Reader) error { return nil })
	mu.Lock()
	defer mu.Unlock()
	want := []Call{{Provider: "p1", Operation: "lookup", Status: 503, Kind: model.ErrUnavailable},
		{Provider: "p1", Operation: "lookup", Status: 200}, {Provider: "p1", Operation: "other", Kind: model.ErrUnavailable}}
	if len(got) != len(want) {
		t.Fatalf("observed %+v", got)
	}
	for i := range want {
		got[i].Elapsed = 0
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
