package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers/sim"
)

// TestHelpOnEveryCommand: -h and --help print the command's usage on
// stdout and exit 0; `simdesk help` lists every flag each command knows.
func TestHelpOnEveryCommand(t *testing.T) {
	env := isolated(t)
	_, general, _ := run(t, env, "", "help")
	flagRe := regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
	for _, cmd := range []string{"lookup", "stock", "topup", "journal", "sim"} {
		for _, h := range []string{"-h", "--help"} {
			code, out, errs := run(t, env, "", cmd, h)
			if code != ExitOK || errs != "" || !strings.HasPrefix(out, "usage: simdesk "+cmd) {
				t.Fatalf("%s %s: exit %d, stdout %q, stderr %q", cmd, h, code, out, errs)
			}
			flags := flagRe.FindAllStringSubmatch(out, -1)
			if len(flags) == 0 {
				t.Fatalf("%s %s lists no flag:\n%s", cmd, h, out)
			}
			for _, f := range flags {
				if !strings.Contains(general, "--"+f[1]+" ") && !strings.Contains(general, "-"+f[1]+" ") {
					t.Errorf("simdesk help does not list %s's -%s", cmd, f[1])
				}
			}
		}
	}
	if code, out, _ := run(t, env, "", "--help"); code != ExitOK || !strings.Contains(out, "7 journal --verify") {
		t.Fatalf("simdesk --help: %d\n%s", code, out)
	}
}

// TestJournalPendingNothingAndVerifyExitStatus: --pending with nothing
// pending says so; a broken hash chain exits 7, not 2 (bad usage).
func TestJournalPendingNothingAndVerifyExitStatus(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	code, out, errs := run(t, env, "", "journal", "--pending")
	if code != ExitOK || !strings.Contains(out, "nothing pending") {
		t.Fatalf("pending: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", firstOffer(t, env), "--yes", "--ref", "INC-4411", "33612345678")
	if code != ExitOK {
		t.Fatalf("topup: %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, env, "", "journal")
	for _, want := range []string{"WHEN (UTC)", "OFFER", "REFERENCE", "INC-4411", "transaction "} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Fatalf("journal text lacks %q: %d\n%s", want, code, out)
		}
	}
	// Tamper with the journal file: the chain breaks.
	cfg, _ := os.ReadFile(env["SIMDESK_CONFIG"])
	m := regexp.MustCompile(`journal = "([^"]+)"`).FindSubmatch(cfg)
	if m == nil {
		t.Fatal("no journal in the config")
	}
	path := string(m[1])
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), "INC-4411", "INC-4412", 1))
	if err := os.WriteFile(filepath.Clean(path), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, env, "", "journal", "--verify"); code != ExitVerify {
		t.Fatalf("broken chain: exit %d (want %d) %s", code, ExitVerify, errs)
	}
}

// firstOffer is an orange MSISDN top-up offer with stock.
func firstOffer(t *testing.T, env map[string]string) string {
	t.Helper()
	_, j, _ := run(t, env, "", "stock", "--provider", "orange", "--format", "json")
	var st stockJSON
	if err := json.Unmarshal([]byte(j), &st); err != nil {
		t.Fatal(err)
	}
	for _, o := range st.Offers {
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock > 20 {
			return o.ID
		}
	}
	t.Fatalf("no orange msisdn offer with stock:\n%s", j)
	return ""
}

func TestSimConfigSaysDemo(t *testing.T) {
	got := simDemoConfig("# header\n# more\noperator = \"demo\"\n[[provider]]\n")
	if !strings.Contains(got, "# more\nenvironment = \"demo\"\noperator") {
		t.Fatalf("no environment line before the first key:\n%s", got)
	}
	if again := simDemoConfig(got); again != got {
		t.Fatal("environment written twice")
	}
	s := sim.New(sim.Options{})
	if !strings.Contains(simDemoConfig(s.ConfigTOML()), "environment = \"demo\"") {
		t.Fatal("the simulator's config is not marked demo")
	}
}

// TestCWCPostpaidAccountAskedBeforeSending: with a CWC market and lob
// POSTPAID in the config, a lookup without the billing account exits 2 and
// sends nothing; with ID@ACCOUNT it is sent.
func TestCWCPostpaidAccountAskedBeforeSending(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	cfg, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(cfg)
	i := strings.Index(s, `business_id       = "JM"`)
	if i < 0 {
		t.Fatalf("no JM provider in the simulator's config:\n%s", s)
	}
	s = s[:i] + strings.Replace(s[i:], `lob               = "PREPAID"`, `lob               = "POSTPAID"`, 1)
	if err := os.WriteFile(env["SIMDESK_CONFIG"], []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, env, "", "lookup", "--provider", "cvp-jm", "4933562")
	if code != ExitUsage || out != "" || !strings.Contains(errs, "4933562@ACCOUNT") || !strings.Contains(errs, "--account") {
		t.Fatalf("without account: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = run(t, env, "", "lookup", "--provider", "cvp-jm", "4933562@150015680000")
	if code == ExitUsage {
		t.Fatalf("with the account: exit %d %s", code, errs)
	}
}
