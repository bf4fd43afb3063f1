package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"simdesk/providers/sim"
)

// benchEnv starts a simulator on loopback and returns the environment of a
// command pointing at it (a private config, state and home directory), for
// benchmarks that run whole commands in-process.
//
// The config points at a caching front of the simulator (replay): each
// distinct request is answered by the simulator once, then from memory, as
// a real provider's answer costs this process nothing but its transfer. A
// CPU profile of the benchmark is then simdesk's alone (the simulator
// building a 23 MB body had been a tenth of it).
func benchEnv(b *testing.B) *sim.Server {
	b.Helper()
	s := sim.New(sim.Options{})
	if err := s.Start(""); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	front := httptest.NewServer(&replay{next: s, seen: map[string]*httptest.ResponseRecorder{}})
	b.Cleanup(front.Close)
	d := b.TempDir()
	path := filepath.Join(d, "config.toml")
	cfg := strings.ReplaceAll(s.ConfigTOML(), s.URL(), front.URL)
	if cfg == s.ConfigTOML() {
		b.Fatal("the simulator's config does not name its URL")
	}
	cfg = strings.Replace(cfg, "readonly = false\n", "readonly = false\njournal = \""+filepath.Join(d, "journal.jsonl")+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	// config discovery reads the process environment, so it is set here
	// (an unset SIMDESK_CONFIG would silently run the in-process demo).
	for k, v := range map[string]string{"SIMDESK_CONFIG": path, "SIMDESK_SIM_SECRET": sim.ClientSecret,
		"XDG_STATE_HOME": d + "/state", "XDG_CONFIG_HOME": d + "/config", "HOME": d, "USER": "bench", "SIMDESK_LOG": ""} {
		b.Setenv(k, v)
	}
	return s
}

// replay answers each distinct request (method, URL and headers) the way
// next answered it the first time.
type replay struct {
	next http.Handler
	mu   sync.Mutex
	seen map[string]*httptest.ResponseRecorder
}

func (p *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Clone()
	h.Del("X-Correlation-ID") // fresh on every lookup
	var k strings.Builder
	k.WriteString(r.Method + " " + r.URL.String() + "\n")
	_ = h.Write(&k)
	p.mu.Lock()
	rec, ok := p.seen[k.String()]
	if !ok {
		rec = httptest.NewRecorder()
		p.next.ServeHTTP(rec, r)
		p.seen[k.String()] = rec
	}
	p.mu.Unlock()
	for name, v := range rec.Header() {
		w.Header()[name] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// countingWriter counts what a command prints without keeping it, as a
// pipe into another process would.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// benchLookup runs `simdesk lookup --format json` in-process, the work of the
// whole process minus its start-up: config, HTTP over loopback, streaming
// decode, and the streamed JSON output.
func benchLookup(b *testing.B, args ...string) {
	s := benchEnv(b)
	var errb bytes.Buffer
	run := func(out io.Writer) int {
		errb.Reset()
		return Run(Env{Args: append([]string{"lookup", "--format", "json"}, args...), Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb, Getenv: os.Getenv})
	}
	var first bytes.Buffer
	if code := run(&first); code != ExitOK {
		b.Fatalf("exit %d: %s", code, errb.String())
	}
	if s.Requests() == 0 {
		b.Fatal("the lookup did not reach the benchmark's simulator")
	}
	want := int64(first.Len())
	buckets := int64(strings.Count(first.String(), `"usage_raw"`))
	b.SetBytes(want)
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	n := int64(0)
	defer func() {
		runtime.ReadMemStats(&m1)
		if n > 0 && buckets > 0 {
			// The simulator runs in this process too: its answer's
			// allocations are counted with the lookup's.
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n*buckets), "allocs/bucket")
		}
	}()
	for b.Loop() {
		n++
		var w countingWriter
		// elapsed_ms may gain or lose a digit from one run to the next.
		if code := run(&w); code != ExitOK || w.n < want-8 || w.n > want+8 {
			b.Fatalf("exit %d, %d bytes (want %d): %s", code, w.n, want, errb.String())
		}
	}
}

// BenchmarkLookupJSONSeed is the P1 lookup (a seed-sized cvp PR line).
func BenchmarkLookupJSONSeed(b *testing.B) { benchLookup(b, "--provider", "cvp-pr", "9077613") }

// BenchmarkLookupJSONDXP10k is the P2 lookup of the 10,000-bucket Matrixx
// subscription S-10000 (a 23 MB body).
func BenchmarkLookupJSONDXP10k(b *testing.B) { benchLookup(b, "--provider", "dxp-pr", "S-10000") }

// BenchmarkLookupJSONCVP10k is the P2 lookup of the 10,000-bucket cvp PR
// line 7870010000 (a 5 MB body).
func BenchmarkLookupJSONCVP10k(b *testing.B) { benchLookup(b, "--provider", "cvp-pr", "7870010000") }

// BenchmarkLookupJSONCVP60k is the lookup of the 60,000-bucket cvp PR line
// 7870060000 (a 30 MB body), streamed from the decoder to the output.
func BenchmarkLookupJSONCVP60k(b *testing.B) { benchLookup(b, "--provider", "cvp-pr", "7870060000") }
