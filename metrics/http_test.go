package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"simdesk/metrics"
)

// TestListenerHostile: the metrics listener answers only GET of its three
// paths, refuses oversized headers, and /readyz masks secrets in its
// reasons.
func TestListenerHostile(t *testing.T) {
	m := metrics.New(metrics.Options{})
	defer m.Attach(metrics.Sources{Probe: func(context.Context) error {
		return errors.New("connect postgres://simdesk:hunter2@db/journal: refused")
	}})()
	ln, err := metrics.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := m.Server(func(s string) string { return strings.ReplaceAll(s, "hunter2", "[REDACTED]") })
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	if code, body := get(t, base+"/readyz"); code != 503 || strings.Contains(body, "hunter2") || !strings.Contains(body, "[REDACTED]") ||
		!strings.Contains(body, "providers: none configured") {
		t.Errorf("/readyz = %d %q", code, body)
	}
	resp, err := http.Post(base+"/metrics", "text/plain", strings.NewReader("x"))
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %v %v", resp, err)
	}
	if code, _ := get(t, base+"/debug/pprof/"); code != 404 {
		t.Errorf("/debug/pprof/ = %d", code)
	}
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB header: %v %v", resp, err)
	}
	if _, err := metrics.Listen(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "metrics: cannot listen on "+ln.Addr().String()) {
		t.Errorf("second listen: %v", err)
	}
}
