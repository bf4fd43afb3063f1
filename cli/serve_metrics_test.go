package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeMetricsListen: simdesk serve --metrics-listen serves /metrics
// (the shift's stock poll already counted, the breakers read), /healthz
// and /readyz on loopback, and stops with the server.
func TestServeMetricsListen(t *testing.T) {
	for k, v := range isolated(t) {
		t.Setenv(k, v)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sg, _ := gossh.NewSignerFromKey(priv)
	dir := t.TempDir()
	ops := filepath.Join(dir, "operators")
	os.WriteFile(ops, []byte(`operator="alice",role="agent" `+string(gossh.MarshalAuthorizedKey(sg.PublicKey()))), 0o600)
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runServe(ctx, Env{Stdout: &out, Stderr: &errb, Getenv: os.Getenv}, []string{"--demo", "--listen", "127.0.0.1:0",
			"--operators", ops, "--host-key", filepath.Join(dir, "hk"), "--metrics-listen", fmt.Sprintf("127.0.0.1:%d", port)})
	}()
	defer func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("serve exit %d: %s", code, errb.String())
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	// The first stock poll of every provider is counted, recorded by the
	// breaker and published to the hub: wait until a scrape shows all three
	// (bounded), since they happen one after the other.
	var body string
	want := regexp.MustCompile(`simdesk_provider_requests_total\{error="none",operation="offers",provider="orange"\} [1-9]`)
	lines := []string{`simdesk_provider_state{provider="orange",state="ok"} 1`, `simdesk_journal_writable 1`, "go_goroutines", "simdesk_stock_remaining{"}
	complete := func() bool {
		for _, s := range lines {
			if !strings.Contains(body, s) {
				return false
			}
		}
		return want.MatchString(body)
	}
	for i := 0; i < 200 && !complete(); i++ {
		time.Sleep(50 * time.Millisecond)
		if strings.Contains(out.String(), "metrics on http://127.0.0.1:") {
			_, body = httpGet(t, base+"/metrics")
		}
	}
	if !complete() {
		t.Fatalf("the first stock poll is not all in /metrics (want %s and %q); stdout %q stderr %q\n%s", want, lines, out.String(), errb.String(), body)
	}
	if code, b := httpGet(t, base+"/readyz"); code != 200 || b != "ready\n" {
		t.Errorf("/readyz = %d %q", code, b)
	}
	if code, b := httpGet(t, base+"/healthz"); code != 200 || b != "ok\n" {
		t.Errorf("/healthz = %d %q", code, b)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
