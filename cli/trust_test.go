package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"simdesk/providers/sim"
)

// trustSecret is the client secret of the hostile provider's tests.
const trustSecret = "TRUST-s3cret-9f1c2"

// hostileName is an offer name trying to drive the operator's terminal:
// hidden text, an OSC 52 clipboard write, an OSC 8 link, clear screen, BEL,
// a C1 CSI and a bidi override.
const hostileName = "Recharge \x1b[8mhidden\x1b[0m \x1b]52;c;cm0gLXJm\x07 \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1b[H\a \u009b31m \u202eGB 01\u202c"

// hostileOrange is the simulator behind a proxy that rewrites one offer's
// name to hostileName and rejects every top-up with a body quoting the
// client secret, the bearer token it was sent, the Authorization header and
// the Basic credential. It returns the proxy's base URL and the tokens seen.
type hostileOrange struct {
	url    string
	mu     sync.Mutex
	tokens []string
}

func (h *hostileOrange) seen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.tokens...)
}

func startHostileOrange(t *testing.T) *hostileOrange {
	t.Helper()
	s := sim.New(sim.Options{ClientSecret: trustSecret})
	h := &hostileOrange{}
	basic := base64.StdEncoding.EncodeToString([]byte(sim.ClientID + ":" + trustSecret))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			h.mu.Lock()
			h.tokens = append(h.tokens, strings.TrimPrefix(a, "Bearer "))
			h.mu.Unlock()
		}
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/distributors/transactions"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			msg := "refused: secret=" + trustSecret + " header=" + r.Header.Get("Authorization") + " basic=" + basic +
				" raw=" + strings.TrimRight(basic, "=") + " \x1b]52;c;cm0=\x07"
			json.NewEncoder(w).Encode(map[string]string{"code": "400", "message": msg})
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/distributors/offers"):
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			name, _ := json.Marshal(hostileName)
			body := bytes.Replace(rec.Body.Bytes(), []byte(`"Recharge Holiday Data 10 GB"`), name, 1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			w.Write(body)
		default:
			s.ServeHTTP(w, r)
		}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// hostileConfig writes a config with one Orange provider behind h, its
// secret in a 0600 file, and returns the env and the journal path.
func hostileConfig(t *testing.T, h *hostileOrange, extra string) (map[string]string, string) {
	t.Helper()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "orange.secret")
	if err := os.WriteFile(secretFile, []byte(trustSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "journal.jsonl")
	cfg := `operator = "alice"
journal = "` + journal + `"
` + extra + `
[[provider]]
name = "orange"
kind = "orange-travel"
base_url = "` + h.url + `/orange/travel-b2b/v1"
token_url = "` + h.url + `/orange/oauth/v3/token"
client_id = "` + sim.ClientID + `"
client_secret_file = "` + secretFile + `"
`
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := isolated(t)
	env["SIMDESK_CONFIG"] = path
	return env, journal
}

// credentialForms lists every form of the credentials the process sent.
func credentialForms(tokens []string) []string {
	basic := base64.StdEncoding.EncodeToString([]byte(sim.ClientID + ":" + trustSecret))
	out := []string{trustSecret, basic, strings.TrimRight(basic, "=")}
	for _, tok := range tokens {
		out = append(out, tok)
	}
	return out
}

// TestRejectedReasonRedacted: a provider that rejects a top-up and quotes
// the secret, the bearer token, the Authorization header and the Basic
// credential gets all of them masked on stdout and stderr (text and JSON),
// in the journal's reason and in `simdesk journal` output.
func TestRejectedReasonRedacted(t *testing.T) {
	h := startHostileOrange(t)
	env, journal := hostileConfig(t, h, "")
	var seen strings.Builder
	for _, format := range []string{"text", "json"} {
		code, out, errs := run(t, env, "", "topup", "--format", format, "--provider", "orange", "--offer", "92276658-1e27-41c0-8a6a-63ec24ede6a4", "--yes", "33612345678")
		if code != ExitRejected {
			t.Fatalf("%s: exit %d, want %d (rejected)\n%s%s", format, code, ExitRejected, out, errs)
		}
		if !strings.Contains(out+errs, "[REDACTED]") {
			t.Errorf("%s: the reason shows no mask: %s%s", format, out, errs)
		}
		seen.WriteString(out + errs)
	}
	for _, args := range [][]string{{"journal"}, {"journal", "--format", "json"}} {
		_, out, errs := run(t, env, "", args...)
		seen.WriteString(out + errs)
	}
	j, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), "refused: secret=[REDACTED]") {
		t.Errorf("journal holds no redacted reason:\n%s", j)
	}
	seen.Write(j)
	tokens := h.seen()
	if len(tokens) == 0 {
		t.Fatal("the proxy saw no bearer token")
	}
	for _, c := range credentialForms(tokens) {
		if strings.Contains(seen.String(), c) {
			t.Errorf("credential %q leaked:\n%s", c, seen.String())
		}
	}
}
