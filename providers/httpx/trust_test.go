package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/seeds"
)

// hanging is a server that never answers until the test ends.
func hanging(t *testing.T, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv
}

var waitedMsg = regexp.MustCompile(`no answer after 1\.[0-4] s \(timeout 1s\)`)

// TestTimeoutBoundsTheWholeCall: with timeout 1s a GET to a hanging provider
// ends within about 1.5 s, retries included (it took three attempts and two
// backoffs, ~3.75 s, before), and says how long it actually waited.
func TestTimeoutBoundsTheWholeCall(t *testing.T) {
	var calls atomic.Int32
	srv := hanging(t, &calls)
	c := New("hang", time.Second, nil)
	start := time.Now()
	err := c.Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	took := time.Since(start)
	if took > 1500*time.Millisecond {
		t.Errorf("a hanging GET with timeout 1s took %s (%d attempts)", took, calls.Load())
	}
	me := model.AsError(err)
	if me.Kind != model.ErrTimeout || !waitedMsg.MatchString(me.Message) {
		t.Errorf("error %v: want a timeout saying how long it waited", err)
	}
}

// TestTimeoutBoundsSlowRetries: a provider answering 503 after 600 ms is
// retried only while the timeout leaves room for it.
func TestTimeoutBoundsSlowRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(600 * time.Millisecond)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c := New("slow", time.Second, nil)
	start := time.Now()
	err := c.Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	if took := time.Since(start); took > 1500*time.Millisecond || err == nil {
		t.Errorf("slow 503s with timeout 1s: %s, %d attempts, err %v", took, calls.Load(), err)
	}
}

// TestRetryAfterBeyondOurWaitIsReported: a 429 asking for 30 s says so.
func TestRetryAfterBeyondOurWaitIsReported(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
		w.Write([]byte(`{"code":"429","message":"too many requests"}`))
	}))
	defer srv.Close()
	err := newClient(t).Do(context.Background(), Request{URL: srv.URL}, read(new(string)))
	me := model.AsError(err)
	if me.Kind != model.ErrRateLimited || !strings.Contains(me.Message, "retry after 30s") || calls.Load() != 1 {
		t.Errorf("429 Retry-After 30: %d calls, %v", calls.Load(), err)
	}
}

// TestMalformed405ReadsCleanly: the seed's 405 body is not valid JSON (its
// description lacks the closing quote); the message has no `}] }` tail.
func TestMalformed405ReadsCleanly(t *testing.T) {
	e := DecodeError(405, "application/json", seeds.MustRead("cvp_error_405_malformed.txt"))
	want := "HTTP Method post not allowed for : /tmf-api/usageConsumption/v3/{businessId}/usageConsumptionReport (APIKIT:METHOD_NOT_ALLOWED)"
	if e.Message != want {
		t.Errorf("405 message %q, want %q", e.Message, want)
	}
}
