package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers/sim"
)

const canary = "CANARY-7f3a9c-do-not-leak"

// secretConfig writes a config whose three providers take the canary secret
// from a file, from the environment and as a literal in a 0600 file.
func secretConfig(t *testing.T, s *sim.Server) map[string]string {
	t.Helper()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "orange.secret")
	os.WriteFile(secretFile, []byte(canary+"\n"), 0o600)
	base := s.URL()
	cfg := `operator = "alice"
journal = "` + filepath.Join(dir, "journal.jsonl") + `"
[[provider]]
name = "orange"
kind = "orange-travel"
base_url = "` + base + `/orange/travel-b2b/v1"
token_url = "` + base + `/orange/oauth/v3/token"
client_id = "demo"
client_secret_file = "` + secretFile + `"
[[provider]]
name = "dxp-pr"
kind = "tmf677-dxp"
base_url = "` + base + `/lla/dxp-ux/v1"
business_id = "PR"
client_id = "demo"
client_secret_env = "CANARY_SECRET"
[[provider]]
name = "cvp-pr"
kind = "tmf677-cvp"
base_url = "` + base + `/lla/cisco-cvp-ux/v1"
business_id = "PR"
lob = "PREPAID"
client_id = "demo"
client_secret = "` + canary + `"
`
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(cfg), 0o600)
	env := isolated(t)
	env["SIMDESK_CONFIG"] = path
	env["CANARY_SECRET"] = canary
	env["SIMDESK_LOG"] = filepath.Join(dir, "debug.log")
	return env
}

// TestSecretCanary runs every headless command, in success and failure, with
// a canary secret taken from a file, the environment and a literal, and
// finds it in none of stdout, stderr, the journal or the debug log.
func TestSecretCanary(t *testing.T) {
	for _, accepted := range []bool{true, false} {
		o := sim.Options{ClientSecret: canary}
		if !accepted {
			o.ClientSecret = "" // the simulator refuses the canary: every error path
		}
		s := sim.New(o)
		if err := s.Start(""); err != nil {
			t.Fatal(err)
		}
		env := secretConfig(t, s)
		var seen strings.Builder
		runAll := func(args ...string) (int, string) {
			code, out, errs := run(t, env, "", args...)
			seen.WriteString(out + errs)
			return code, out
		}
		for _, id := range []string{"9077613", "S-1001", "8201", "sim:1956392841179", "33612345678", "7879999991", "trx:3f98e277-4cbd-47ad-9c90-a9587403e430"} {
			runAll("lookup", "--format", "json", id)
			runAll("lookup", id)
		}
		_, out := runAll("stock", "--format", "json")
		runAll("stock")
		var st stockJSON
		json.Unmarshal([]byte(out), &st)
		if accepted && len(st.Offers) == 0 {
			t.Fatalf("canary accepted but no offers: %s", out)
		}
		for _, o := range st.Offers {
			if o.ProductType == "topup" && o.TargetType == model.MSISDN {
				runAll("topup", "--provider", "orange", "--offer", o.ID, "--yes", "--force", "--ref", "INC-1", "--format", "json", "33612345678")
			}
		}
		runAll("topup", "--provider", "orange", "--offer", "00000000-0000-0000-0000-000000000000", "--yes", "33612345678")
		runAll("journal", "--reconcile")
		runAll("journal", "--format", "json", "--verify")
		s.Close()
		runAll("lookup", "9077613") // provider gone: connection errors
		journal, _ := os.ReadFile(journalPath(t, env))
		debugLog, _ := os.ReadFile(env["SIMDESK_LOG"])
		if accepted && (len(journal) == 0 || len(debugLog) == 0) {
			t.Fatalf("drill wrote no journal (%d bytes) or log (%d bytes)", len(journal), len(debugLog))
		}
		for name, text := range map[string]string{"output": seen.String(), "journal": string(journal), "debug log": string(debugLog)} {
			if strings.Contains(text, canary) {
				t.Errorf("accepted=%v: the canary secret appears in the %s", accepted, name)
			}
			if strings.Contains(strings.ToLower(text), "bearer ") {
				t.Errorf("accepted=%v: a bearer token appears in the %s", accepted, name)
			}
		}
	}
}
