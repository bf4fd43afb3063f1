package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"simdesk/providers/sim"
)

// impostor is issue 16's answer to a USD 5 top-up: completed, but another
// top-up's (its description is not our journal id, its amount is EUR 99).
const impostor = `{"id":"OTHER-1","status":"completed","description":"someone-else","amount":{"amount":99,"units":"EUR"}}`

// startImpostor runs the simulator behind a loopback proxy that lets every
// request through (so the simulator applies the top-up) but answers the
// top-up POST with the impostor, and writes a config pointing at the proxy.
func startImpostor(t *testing.T) map[string]string {
	t.Helper()
	s := sim.New(sim.Options{})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	target, _ := url.Parse(s.URL())
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method == http.MethodPost && strings.HasSuffix(r.Request.URL.Path, "/topupBalance") && r.StatusCode == http.StatusCreated {
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader([]byte(impostor)))
			r.ContentLength = int64(len(impostor))
			r.Header.Set("Content-Length", strconv.Itoa(len(impostor)))
		}
		return nil
	}
	proxy := httptest.NewServer(rp)
	t.Cleanup(proxy.Close)
	env := isolated(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := strings.ReplaceAll(s.ConfigTOML(), s.URL(), proxy.URL)
	cfg = strings.Replace(cfg, "readonly = false\n", "readonly = false\njournal = \""+filepath.Join(t.TempDir(), "journal.jsonl")+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env["SIMDESK_CONFIG"] = path
	env["SIMDESK_SIM_SECRET"] = sim.ClientSecret
	return env
}

// TestTMF654AnswerAboutAnotherTopupIsNotOurs (issue 16): a "completed"
// answer whose description and amount are not what was sent is not taken
// as ok: the top-up exits as unknown, the reason is journalled and shown
// by `journal --pending`, and reconciliation settles it by journal id with
// the provider's real top-up, never OTHER-1.
func TestTMF654AnswerAboutAnotherTopupIsNotOurs(t *testing.T) {
	env := startImpostor(t)
	code, out, errs := run(t, env, "", "topup", "--provider", "lla-topup", "--amount", "5", "--yes", "9077613")
	if code != ExitUnknown || !strings.Contains(out+errs, "not about this top-up") || strings.Contains(out, "ok:") {
		t.Fatalf("exit %d (want %d)\n%s%s", code, ExitUnknown, out, errs)
	}
	code, out, errs = run(t, env, "", "journal", "--pending")
	for _, want := range []string{"9077613", `description "someone-else"`, "amount EUR 99.00, not the USD 5.00 sent", "OTHER-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("journal --pending (exit %d) lacks %q:\n%s%s", code, want, out, errs)
		}
	}
	code, out, errs = run(t, env, "", "journal", "--reconcile", "--format", "json")
	if code != ExitOK {
		t.Fatalf("reconcile exit %d: %s%s", code, out, errs)
	}
	var doc struct {
		Reconciled []struct {
			Status        string `json:"status"`
			TransactionID string `json:"transaction_id"`
		} `json:"reconciled"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Reconciled) != 1 || doc.Reconciled[0].Status != "ok" || !strings.HasPrefix(doc.Reconciled[0].TransactionID, "TB-") {
		t.Errorf("reconciled %+v, want ok with the simulator's own top-up", doc.Reconciled)
	}
	if _, out, _ = run(t, env, "", "journal", "--pending"); !strings.Contains(out, "nothing pending") {
		t.Errorf("still pending:\n%s", out)
	}
}
