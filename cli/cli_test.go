package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers/sim"
)

// run executes one command in-process, with an isolated environment.
// The environment of a command is the process's, set per test with t.Setenv.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := Run(Env{
		Args:   args,
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: os.Getenv,
	})
	return code, out.String(), errb.String()
}

func isolated(t *testing.T) map[string]string {
	d := t.TempDir()
	return map[string]string{"XDG_STATE_HOME": d + "/state", "XDG_CONFIG_HOME": d + "/config", "USER": "alice", "HOME": d, "SIMDESK_CONFIG": ""}
}

// startSim runs a simulator on loopback and writes a config pointing at it.
func startSim(t *testing.T, o sim.Options, extra string) (*sim.Server, map[string]string) {
	t.Helper()
	s := sim.New(o)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	env := isolated(t)
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := s.ConfigTOML() + extra
	cfg = strings.Replace(cfg, "readonly = false\n", "readonly = false\njournal = \""+filepath.Join(t.TempDir(), "journal.jsonl")+"\"\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env["SIMDESK_CONFIG"] = path
	env["SIMDESK_SIM_SECRET"] = sim.ClientSecret
	return s, env
}

func TestLookupJSONDemoSeedLine(t *testing.T) {
	code, out, errs := run(t, isolated(t), "", "lookup", "--demo", "--format", "json", "9077613")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Query   map[string]string `json:"query"`
		Results []struct {
			Provider string          `json:"provider"`
			Kind     string          `json:"kind"`
			Error    *model.Error    `json:"error"`
			Lines    []model.Line    `json:"lines"`
			Raw      json.RawMessage `json:"-"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if doc.Query["id"] != "9077613" || doc.Query["type"] != "msisdn" {
		t.Fatalf("query %v", doc.Query)
	}
	found := false
	for _, r := range doc.Results {
		if r.Provider == "cvp-pr" {
			if r.Error != nil || len(r.Lines) != 1 {
				t.Fatalf("cvp-pr: %+v", r)
			}
			l := r.Lines[0]
			if l.Payment != "prepaid" || l.Status != "active" || l.AsOf.String() != "2023-01-17T00:29:41.693Z" {
				t.Fatalf("line header %+v", l)
			}
			for _, b := range l.Buckets {
				if b.ID == "5" {
					found = true
					if b.Usage != "voice" || b.Remaining.Unit != "s" || *b.Remaining.Amount != 59999940 || b.Remaining.Text != "999999 minutes" || *b.DaysLeft != 20 {
						t.Fatalf("bucket 5 %+v", b)
					}
				}
			}
		} else if r.Provider == "lla-topup" {
			// The TMF654 pane holds the same line's balances: the top-up target.
			if r.Kind != "tmf654" || r.Error != nil || len(r.Lines) != 1 || len(r.Lines[0].Buckets) != 2 {
				t.Errorf("lla-topup: %+v", r)
			}
		} else if r.Error == nil || r.Error.Kind != model.ErrNotFound {
			t.Errorf("%s: want not_found, got %+v", r.Provider, r.Error)
		}
	}
	if !found {
		t.Fatal("bucket 5 missing")
	}
	// Raw shape: error is null, amount null for unlimited.
	if !strings.Contains(out, `"error": null`) || !strings.Contains(out, `"amount": null`) {
		t.Fatal("contract JSON shape")
	}
}

func TestLookupEverySeedIdentifier(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	_ = s
	for _, id := range []string{"S-1001", "8201", "9077613", "4933562@150015680000", "2466217773", "18767911940", "12424495927", "sim:1956392841179", "33612345678"} {
		code, out, errs := run(t, env, "", "lookup", "--format", "json", id)
		if code != 0 {
			t.Errorf("%s: exit %d %s", id, code, errs)
			continue
		}
		if !strings.Contains(out, `"buckets"`) {
			t.Errorf("%s: no buckets in %s", id, out)
		}
	}
}

func TestLookupExitCodes(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	if code, _, _ := run(t, env, "", "lookup", "7879999991"); code != ExitNotFound {
		t.Errorf("unknown line: exit %d", code)
	}
	if code, _, errs := run(t, env, "", "lookup", "--provider", "nope", "9077613"); code != ExitUsage || strings.Count(errs, "\n") != 1 {
		t.Errorf("unknown provider: exit %d %q", code, errs)
	}
	env["SIMDESK_SIM_SECRET"] = "wrong-secret"
	if code, out, errs := run(t, env, "", "lookup", "--format", "json", "9077613"); code != ExitProvider || !strings.Contains(out, `"unauthorized"`) || strings.Contains(out+errs, "wrong-secret") {
		t.Errorf("bad credentials: exit %d %s %s", code, out, errs)
	}
}

func TestInvalidInputSendsNothing(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	bad := [][]string{
		{"lookup", ""}, {"lookup", "trx:123"}, {"lookup", "msisdn:12ab"}, {"lookup", "89014103211118510721"},
		{"lookup", "--type", "iccid2", "123"}, {"lookup", "a b"}, {"lookup", "x@"}, {"lookup", "--account", "!!", "9077613"},
		{"lookup"}, {"lookup", "1", "2"}, {"lookup", "--format", "xml", "9077613"}, {"lookup", "--bogus", "9077613"},
		{"topup", "--provider", "orange", "9077613"}, {"topup", "--offer", "x", "9077613"},
		{"topup", "--provider", "orange", "--offer", "bad offer", "--yes", "33612345678"},
		{"topup", "--provider", "orange", "--offer", "x", "--yes", "S-1001"},
		{"topup", "--provider", "orange", "--offer", "x", "33612345678"}, // no --yes, stdin not a terminal
		{"stock", "extra"}, {"journal", "extra"}, {"frobnicate"},
	}
	for _, args := range bad {
		code, out, errs := run(t, env, "", args...)
		if code != ExitUsage || strings.Count(errs, "\n") != 1 || out != "" {
			t.Errorf("%q: exit %d out %q err %q", args, code, out, errs)
		}
	}
	if n := s.Requests(); n != 0 {
		t.Fatalf("%d requests reached the simulator", n)
	}
}

func TestStockAndTopupAndJournal(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	code, out, errs := run(t, env, "", "stock", "--format", "json")
	if code != 0 {
		t.Fatalf("stock: %d %s", code, errs)
	}
	var st stockJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	var plenty, empty model.Offer
	for _, o := range st.Offers {
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock > 20 && plenty.ID == "" {
			plenty = o
		}
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock == 0 && empty.ID == "" {
			empty = o
		}
	}
	if plenty.ID == "" || empty.ID == "" || !empty.Low {
		t.Fatalf("offers %+v", st.Offers)
	}
	before := s.OkTransactions(plenty.ID)
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", plenty.ID, "--yes", "--format", "json", "--ref", "INC-4411", "33612345678")
	var tj topupJSON
	if code != 0 || json.Unmarshal([]byte(out), &tj) != nil || tj.Status != "ok" || tj.TransactionID == "" || tj.StockLeft == nil || *tj.StockLeft != plenty.Stock-1 {
		t.Fatalf("topup: %d %s %s", code, out, errs)
	}
	if s.OkTransactions(plenty.ID) != before+1 {
		t.Fatalf("simulator holds %d ok transactions", s.OkTransactions(plenty.ID))
	}
	// Same line and offer again: duplicate guard, nothing sent.
	code, _, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", plenty.ID, "--yes", "33612345678")
	if code != ExitUsage || !strings.Contains(errs, "--force") {
		t.Fatalf("duplicate: %d %s", code, errs)
	}
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", empty.ID, "--yes", "--format", "json", "33612345678")
	if code != ExitRejected || !strings.Contains(out, "bucket empty for offer "+empty.ID) {
		t.Fatalf("empty stock: %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, env, "", "journal", "--format", "json")
	var jj struct {
		Attempts []map[string]any `json:"attempts"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &jj) != nil || len(jj.Attempts) != 2 {
		t.Fatalf("journal: %d %s", code, out)
	}
	code, out, _ = run(t, env, "", "journal", "--verify")
	if code != 0 || !strings.Contains(out, "hash chain intact") {
		t.Fatalf("verify: %d %s", code, out)
	}
}

func TestReadOnlyRefusesTopup(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	b, _ := os.ReadFile(env["SIMDESK_CONFIG"])
	os.WriteFile(env["SIMDESK_CONFIG"], bytes.Replace(b, []byte("readonly = false"), []byte("readonly = true"), 1), 0o600)
	before := s.Requests()
	code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", "x", "--yes", "33612345678")
	if code != ExitUsage || !strings.Contains(errs, "read-only") || s.Requests() != before {
		t.Fatalf("%d %s (requests %d→%d)", code, errs, before, s.Requests())
	}
}

func TestConfigErrorsArePlain(t *testing.T) {
	env := isolated(t)
	path := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(path, []byte("operator = \"a\"\nbogus = 1\n"), 0o600)
	code, _, errs := run(t, env, "", "lookup", "--config", path, "9077613")
	if code != ExitUsage || !strings.Contains(errs, fmt.Sprintf("%s:2: bogus", path)) {
		t.Fatalf("%d %q", code, errs)
	}
	code, _, errs = run(t, env, "", "lookup", "--config", "/nonexistent/simdesk.toml", "9077613")
	if code != ExitUsage || strings.Count(errs, "\n") != 1 {
		t.Fatalf("%d %q", code, errs)
	}
}
