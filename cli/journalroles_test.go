package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"simdesk/config"
	"simdesk/journal/pgtest"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

// TestJournalVerifyJSONAndTornTail: `journal --verify --format json` answers
// in snake_case with [] for no problems; a torn last line is a warning on
// stderr and in "warnings", never exit 7; the journal's lines carry a MAC
// under a key created 0600 in the state directory.
func TestJournalVerifyJSONAndTornTail(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	configJournal(t, env, path)
	o := offerWithStock(t, env)
	if code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "33612345678"); code != 0 {
		t.Fatalf("topup: %d %s", code, errs)
	}
	_ = s
	key := filepath.Join(env["XDG_STATE_HOME"], "simdesk", "journal.key")
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Count(string(raw), `,"mac":"`) != 2 {
		t.Fatalf("the intent and outcome carry no MAC:\n%s", raw)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"ts":"2026-01-01T00:00:00Z","journal_id":"torn`)
	f.Close()
	code, out, errs := run(t, env, "", "journal", "--verify", "--format", "json")
	if code != ExitOK || !strings.Contains(errs, "warning: line 3: incomplete last line") {
		t.Fatalf("a torn last line: exit %d, stderr %q", code, errs)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"journal_id"`) || strings.Contains(out, `"mac"`) {
		t.Fatalf("the listing shows no attempt, or the lines' MACs:\n%s", out)
	}
	var v map[string]any
	if err := json.Unmarshal(doc["verify"], &v); err != nil {
		t.Fatal(err)
	}
	if v["ok"] != true || v["entries"] != 2.0 || v["sealed"] != 2.0 || string(mustJSON(t, v["problems"])) != "[]" {
		t.Fatalf("verify document: %s", doc["verify"])
	}
	w, _ := v["warnings"].([]any)
	if len(w) != 1 || w[0].(map[string]any)["line"] != 3.0 || w[0].(map[string]any)["message"] == nil {
		t.Fatalf("warnings: %s", doc["verify"])
	}
	for _, k := range []string{"OK", "Entries", "Problems"} {
		if _, ok := v[k]; ok {
			t.Fatalf("Go field name %s in the JSON: %s", k, doc["verify"])
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(string(doc["problems"])), "[") {
		t.Fatalf("top-level problems %s", doc["problems"])
	}
	// The key readable by others: the journal is refused (top-ups stop),
	// --verify says the MACs cannot be checked.
	os.Chmod(key, 0o644)
	code, _, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "--force", "33612345678")
	if code == ExitOK || !strings.Contains(errs, "group or others") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("topup with a shared key: %d %q", code, errs)
	}
	code, _, errs = run(t, env, "", "journal", "--verify")
	if code != ExitVerify || !strings.Contains(errs, "cannot be checked") {
		t.Fatalf("verify with a shared key: %d %q", code, errs)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestJournalMigrateAndRolesPG: the deployment of the README. The runtime
// role alone cannot create the schema and says `journal --migrate`; the
// owner's DSN migrates and grants; simdesk then runs as the runtime role
// without a warning; started as the owner it warns (serve's line and
// --verify), and a row the owner rewrites is named by --verify.
func TestJournalMigrateAndRolesPG(t *testing.T) {
	r := pgtest.NewRoles(t)
	s, env, _ := startSimPG(t, sim.Options{Seed: 3})
	setJournal := func(lines string) {
		b, _ := os.ReadFile(env["SIMDESK_CONFIG"])
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "journal") {
				continue
			}
			out = append(out, l)
			if strings.HasPrefix(l, "readonly = ") {
				out = append(out, lines)
			}
		}
		if err := os.WriteFile(env["SIMDESK_CONFIG"], []byte(strings.Join(out, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env["JDSN"], env["ADSN"] = r.App, r.Admin
	setJournal(`journal_dsn_env = "JDSN"`)
	code, _, errs := run(t, env, "", "journal")
	if code == ExitOK || !strings.Contains(errs, "journal --migrate") || strings.Contains(errs, pgtest.TestPassword) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("runtime role, no schema: %d %q", code, errs)
	}
	if code, _, errs := run(t, env, "", "journal", "--migrate"); code == ExitOK {
		t.Fatalf("the runtime role migrated: %q", errs)
	}
	setJournal("journal_dsn_env = \"JDSN\"\njournal_admin_dsn_env = \"ADSN\"")
	code, out, errs := run(t, env, "", "journal", "--migrate")
	if code != ExitOK || !strings.Contains(out, "role simdesk_app may insert and read") || strings.Contains(out+errs, pgtest.TestPassword) {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	setJournal(`journal_dsn_env = "JDSN"`)
	o := offerWithStock(t, env)
	if code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "33612345678"); code != 0 {
		t.Fatalf("topup as the runtime role: %d %s", code, errs)
	}
	code, out, errs = run(t, env, "", "journal", "--verify")
	if code != ExitOK || errs != "" || !strings.Contains(out, "2 entries, hash chain intact; 2 sealed") {
		t.Fatalf("verify as the runtime role: %d %q %q", code, out, errs)
	}
	_ = s
	// As the owner: one warning at serve's start, and from --verify.
	setJournal(`journal_dsn_env = "ADSN"`)
	sess, err := open(Env{Getenv: os.Getenv}, common{config: env["SIMDESK_CONFIG"]})
	if err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	warnJournalRole(Env{Stderr: &warn}, sess)
	sess.Close()
	if lines := strings.Split(strings.TrimSpace(warn.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "owns simdesk_journal") {
		t.Fatalf("serve's warning as the owner: %q", warn.String())
	}
	code, _, errs = run(t, env, "", "journal", "--verify")
	if code != ExitOK || !strings.Contains(errs, "it can alter the journal") {
		t.Fatalf("verify as the owner: %d %q", code, errs)
	}
	// The owner rewrites the last row: --verify names it.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, r.Admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		"ALTER TABLE simdesk_journal DISABLE TRIGGER USER",
		`UPDATE simdesk_journal SET line = replace(line, '"status":"ok"', '"status":"rejected"') WHERE seq = 2`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	setJournal(`journal_dsn_env = "JDSN"`)
	code, _, errs = run(t, env, "", "journal", "--verify")
	if code != ExitVerify || !strings.Contains(errs, "line 2: line 2 was altered") {
		t.Fatalf("verify after the owner's rewrite of the last row: %d %q", code, errs)
	}
}

// TestMigrateRefusedOverSSH: a command run by the server for an SSH
// session never migrates, whoever asks, and says so in one line.
func TestMigrateRefusedOverSSH(t *testing.T) {
	var out, errb bytes.Buffer
	cfg := &config.Config{JournalDSN: "postgres://simdesk_app@127.0.0.1:1/simdesk", JournalAdminDSN: "postgres://simdesk_owner:pw@127.0.0.1:1/simdesk"}
	code := journalMigrate(context.Background(), Env{Stdout: &out, Stderr: &errb, shared: &session{cfg: cfg}}, cfg, httpx.NewRedactor())
	if code != ExitUsage || !strings.Contains(errb.String(), "not available over SSH") || out.Len() != 0 {
		t.Fatalf("over SSH: %d %q %q", code, out.String(), errb.String())
	}
}
