package metrics

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestWantsGzip: Accept-Encoding is negotiated as promhttp did.
func TestWantsGzip(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                           false, // curl
		"gzip":                       true,  // Prometheus, Go's client
		"gzip, deflate, br":          true,
		"GZIP":                       true,
		"*":                          false, // identity comes first on a tie
		"gzip;q=0":                   false,
		"identity;q=0.5, gzip":       true,
		"identity, gzip;q=0.5":       false,
		"gzip;q=0.8, identity;q=0.9": false,
		"deflate":                    false,
		"gzip;q=abc":                 false,
		"gzip;q=2":                   false,
		",,;;=,gzip;;q=1":            true,
	} {
		if got := wantsGzip(accept); got != want {
			t.Errorf("wantsGzip(%q) = %v, want %v", accept, got, want)
		}
	}
}

func rawGet(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestMetricsHandler: the headers promhttp sent, gzip when asked for, the
// same text either way, name[] picks families.
func TestMetricsHandler(t *testing.T) {
	m := New(Options{})
	m.src.Store(&Sources{Sessions: oddSessions{}})
	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	resp, plain := rawGet(t, srv.URL+"/metrics")
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8; escaping=underscores" || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("plain: %v", resp.Header)
	}
	if !strings.Contains(plain, "\nsimdesk_sessions{role=\"agent\"} 2\n") {
		t.Errorf("plain body:\n%s", plain)
	}
	resp, zipped := rawGet(t, srv.URL+"/metrics", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip: %v", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != plain {
		t.Errorf("gzip body differs:\n%s", b)
	}
	_, some := rawGet(t, srv.URL+"/metrics?name[]=simdesk_sessions&name[]=simdesk_settle_time_seconds&name[]=nope")
	fams := parseText(t, some)
	if len(fams) != 2 || fams["simdesk_sessions"] == nil || fams["simdesk_settle_time_seconds"] == nil {
		t.Errorf("name[] filter:\n%s", some)
	}
}

// blockingSessions holds every scrape in SessionsByRole until released,
// counting those that wait.
type blockingSessions struct {
	waiting chan struct{}
	release chan struct{}
}

func (b blockingSessions) SessionsByRole() map[string]int {
	b.waiting <- struct{}{}
	<-b.release
	return nil
}
func (b blockingSessions) RefusalsByReason() map[string]uint64 { return nil }

// TestScrapesInFlight: a fifth scrape while four are being served is
// answered 503 at once; once they end, scrapes are served again.
func TestScrapesInFlight(t *testing.T) {
	bs := blockingSessions{waiting: make(chan struct{}, maxInFlight), release: make(chan struct{})}
	m := New(Options{})
	m.src.Store(&Sources{Sessions: bs})
	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	var wg sync.WaitGroup
	codes := make(chan int, maxInFlight)
	for range maxInFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/metrics") // not rawGet: no t.Fatal off the test's goroutine
			if err != nil {
				codes <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	for range maxInFlight {
		<-bs.waiting
	}
	resp, body := rawGet(t, srv.URL+"/metrics")
	close(bs.release)
	wg.Wait()
	close(codes)
	if resp.StatusCode != http.StatusServiceUnavailable || body != "Limit of concurrent requests reached (4), try again later.\n" {
		t.Errorf("fifth scrape: %d %q", resp.StatusCode, body)
	}
	for c := range codes {
		if c != 200 {
			t.Errorf("a scrape in flight answered %d", c)
		}
	}
	if resp, _ := rawGet(t, srv.URL+"/metrics"); resp.StatusCode != 200 {
		t.Errorf("after: %d", resp.StatusCode)
	}
}
