package cli

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
	// hang, when set, makes the API (not the token endpoint) never answer;
	// hangAll makes the token endpoint hang too.
	hang, hangAll atomic.Bool
	badNumbers    atomic.Bool   // offers with NaN and out-of-range prices and stock
	done          chan struct{} // closed at cleanup: hanging handlers return
}

func (h *hostileOrange) seen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.tokens...)
}

func startHostileOrange(t *testing.T) *hostileOrange {
	t.Helper()
	s := sim.New(sim.Options{ClientSecret: trustSecret})
	h := &hostileOrange{done: make(chan struct{})}
	basic := base64.StdEncoding.EncodeToString([]byte(sim.ClientID + ":" + trustSecret))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			h.mu.Lock()
			h.tokens = append(h.tokens, strings.TrimPrefix(a, "Bearer "))
			h.mu.Unlock()
		}
		if h.hangAll.Load() || h.hang.Load() && !strings.Contains(r.URL.Path, "/oauth/") {
			select {
			case <-r.Context().Done():
			case <-h.done:
			}
			return
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
			if h.badNumbers.Load() {
				// Unusable amounts: a NaN price, an out-of-range price and a
				// NaN stock, on the first offers of the list.
				body = replaceFirst(body, `"resell_value":\s*39\.9\b`, `"resell_value":"NaN"`)
				body = replaceFirst(body, `"resell_value":\s*9\.9\b`, `"resell_value":1e17`)
				body = replaceFirst(body, `"bucket":\s*60\b`, `"bucket":"NaN"`)
			}
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
	t.Cleanup(func() { close(h.done) })
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

// foreign reports the first character in s that may drive a terminal: ESC
// and every other C0 control but newline and tab, DEL, C1, bidi controls.
func foreign(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	return 0, false
}

// TestHostileOfferNameHeadless: an offer name full of escape sequences
// reaches text output only as visible escapes, and JSON output keeps the
// exact string with no raw control byte.
func TestHostileOfferNameHeadless(t *testing.T) {
	h := startHostileOrange(t)
	env, _ := hostileConfig(t, h, "")
	code, out, errs := run(t, env, "", "stock")
	if code != ExitOK || !strings.Contains(out, `Recharge \x1b[8mhidden`) {
		t.Fatalf("stock: exit %d, no visible escape:\n%s%s", code, out, errs)
	}
	if r, bad := foreign(out + errs); bad {
		t.Errorf("text output holds %U:\n%q", r, out+errs)
	}
	code, out, errs = run(t, env, "", "stock", "--format", "json")
	if code != ExitOK {
		t.Fatalf("stock json: exit %d\n%s", code, errs)
	}
	if r, bad := foreign(out); bad {
		t.Errorf("JSON output holds raw %U:\n%q", r, out)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JSON output does not decode: %v\n%s", err, out)
	}
	if !strings.Contains(fmtAny(doc), hostileName) {
		t.Errorf("JSON output lost the exact offer name:\n%s", out)
	}
	// The rejected reason quotes an OSC 52 write: on stderr it is inert.
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", "92276658-1e27-41c0-8a6a-63ec24ede6a4", "--yes", "33612345678")
	if code != ExitRejected {
		t.Fatalf("topup: exit %d\n%s%s", code, out, errs)
	}
	if r, bad := foreign(out + errs); bad {
		t.Errorf("topup output holds %U:\n%q", r, out+errs)
	}
	code, out, errs = run(t, env, "", "journal")
	if r, bad := foreign(out + errs); bad || code != ExitOK {
		t.Errorf("journal: exit %d, holds %U:\n%q", code, r, out+errs)
	}
}

// fmtAny flattens decoded JSON into its strings, for a containment check.
func fmtAny(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestRefWithControlsRefused: a call reference with a C1 control or a bidi
// override is refused as bad input, before anything is sent.
func TestRefWithControlsRefused(t *testing.T) {
	h := startHostileOrange(t)
	env, journal := hostileConfig(t, h, "")
	for _, ref := range []string{"T-1\u009b2J", "T-\u202e1", "a\x1b]52;c;x\x07", "x\u2066y"} {
		code, out, errs := run(t, env, "", "topup", "--ref", ref, "--provider", "orange", "--offer", "92276658-1e27-41c0-8a6a-63ec24ede6a4", "--yes", "33612345678")
		if code != ExitUsage {
			t.Errorf("--ref %q: exit %d, want %d\n%s%s", ref, code, ExitUsage, out, errs)
		}
	}
	if b, _ := os.ReadFile(journal); len(b) != 0 {
		t.Errorf("a refused reference reached the journal:\n%s", b)
	}
}

// TestFailedStdoutWrite: output to a full device is an error, never exit 0.
func TestFailedStdoutWrite(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	var errb bytes.Buffer
	code := Run(Env{Args: []string{"version"}, Stdin: strings.NewReader(""), Stdout: full, Stderr: &errb, Getenv: os.Getenv})
	if code == ExitOK || !strings.Contains(errb.String(), "cannot write") {
		t.Errorf("version > /dev/full: exit %d, stderr %q", code, errb.String())
	}
	s, env := startSim(t, sim.Options{}, "")
	_ = s
	for k, v := range env {
		t.Setenv(k, v)
	}
	code = Run(Env{Args: []string{"stock"}, Stdin: strings.NewReader(""), Stdout: full, Stderr: &errb, Getenv: os.Getenv})
	if code == ExitOK {
		t.Errorf("stock > /dev/full: exit 0")
	}
}

// TestSighupStopsLikeSigterm runs `simdesk sim` in a child process and
// sends it SIGHUP: it must stop through its context (the console's terminal
// is restored on that path) and exit 0, not die of the signal.
func TestSighupStopsLikeSigterm(t *testing.T) {
	if os.Getenv("SIMDESK_TEST_CHILD") == "sim" {
		os.Exit(Run(Env{Args: []string{"sim", "--addr", "127.0.0.1:0"}, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSighupStopsLikeSigterm$")
	cmd.Env = append(os.Environ(), "SIMDESK_TEST_CHILD=sim")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(out)
	line, err := rd.ReadString('\n')
	if err != nil || !strings.Contains(line, "listening") {
		cmd.Process.Kill()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, rd)
	cmd.Process.Signal(syscall.SIGHUP)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGHUP: %v (want an orderly exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGHUP did not stop the child")
	}
}

// TestTimeoutDrill: with timeout = "1s", a lookup against a provider that
// never answers (its API, or its token endpoint too) ends within about
// 1.5 s and says how long it actually waited.
func TestTimeoutDrill(t *testing.T) {
	for _, all := range []bool{false, true} {
		h := startHostileOrange(t)
		env, _ := hostileConfig(t, h, "")
		cfg := env["SIMDESK_CONFIG"]
		b, _ := os.ReadFile(cfg)
		os.WriteFile(cfg, append(b, "timeout = \"1s\"\n"...), 0o600)
		h.hang.Store(true)
		h.hangAll.Store(all)
		for _, id := range []string{"trx:3f98e277-4cbd-47ad-9c90-a9587403e430", "33612345678", "sim:1956392841179"} {
			start := time.Now()
			code, out, errs := run(t, env, "", "lookup", id)
			took := time.Since(start)
			t.Logf("token hangs too: %v, lookup %s: %s, exit %d: %s", all, id, took.Round(time.Millisecond), code, strings.ReplaceAll(strings.TrimSpace(out+errs), "\n", " | "))
			if took > 1500*time.Millisecond {
				t.Errorf("lookup %s against a hanging provider with timeout 1s took %s", id, took)
			}
			if code != ExitProvider || !regexp.MustCompile(`no answer after 1\.[0-4] s \(timeout 1s\)`).MatchString(out+errs) {
				t.Errorf("lookup %s: exit %d, no message saying how long it waited:\n%s%s", id, code, out, errs)
			}
		}
	}
}

// TestUnusableAmountsHeadless: a NaN price, a 1e17 price and a NaN stock
// print as invalid, never as 0, EMPTY or a wrapped negative figure.
func TestUnusableAmountsHeadless(t *testing.T) {
	h := startHostileOrange(t)
	h.badNumbers.Store(true)
	env, _ := hostileConfig(t, h, "")
	code, out, errs := run(t, env, "", "stock")
	if code != ExitOK {
		t.Fatalf("stock: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"price invalid: provider sent NaN", "price invalid: provider sent an out-of-range amount (1e+17)", "stock invalid: provider sent NaN"} {
		if !strings.Contains(out, want) {
			t.Errorf("stock output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "invalid") && (strings.Contains(line, "EMPTY") || strings.Contains(line, "EUR -") || strings.Contains(line, "EUR 0.00")) {
			t.Errorf("an unusable amount shows as a number: %s", line)
		}
	}
}

// replaceFirst replaces the first match of the pattern in b.
func replaceFirst(b []byte, pattern, with string) []byte {
	loc := regexp.MustCompile(pattern).FindIndex(b)
	if loc == nil {
		return b
	}
	return append(append(append([]byte(nil), b[:loc[0]]...), with...), b[loc[1]:]...)
}
