package cli

import (
	"os"
	"strings"
	"testing"

	"simdesk/providers/sim"
)

// lookup --provider builds the one provider it asks (its constructor, HTTP
// client and credential forms are a process's start-up cost), still masks
// every configured secret, and an unknown name is refused with the list of
// the configured ones, as before.
func TestLookupProviderBuildsOnlyThatOne(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	// The first provider (orange) gets a secret of its own.
	cfg, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), `client_secret_env = "SIMDESK_SIM_SECRET"`, `client_secret_env = "ORANGE_ONLY_SECRET"`, 1))
	if err := os.WriteFile(env["SIMDESK_CONFIG"], cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	const orangeSecret = "orange-only-secret-42"
	env["ORANGE_ONLY_SECRET"] = orangeSecret
	for k, v := range env {
		t.Setenv(k, v)
	}
	e := Env{Getenv: os.Getenv}
	s, err := open(e, common{only: "cvp-pr", noJournal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.engine.Names(), ","); got != "cvp-pr" {
		t.Errorf("providers built for lookup --provider cvp-pr: %s", got)
	}
	if !strings.Contains(string(cfg), "ORANGE_ONLY_SECRET") || !strings.Contains(strings.Join(mustOpenAll(t, e).engine.Names(), ","), "orange") {
		t.Fatal("the config has no orange provider with a secret of its own")
	}
	for _, secret := range []string{sim.ClientSecret, orangeSecret} {
		if got := s.redactor.Redact("x " + secret + " y"); strings.Contains(got, secret) {
			t.Errorf("a configured secret is not masked: %q", got)
		}
	}

	all := mustOpenAll(t, e)
	if n := len(all.engine.Names()); n < 4 {
		t.Fatalf("a command for every provider built %d", n)
	}

	code, _, errs := run(t, env, "", "lookup", "--provider", "nope", "9077613")
	if code != ExitUsage || !strings.Contains(errs, `unknown provider "nope" (configured: `+strings.Join(all.engine.Names(), ", ")+")") {
		t.Errorf("exit %d: %s", code, errs)
	}
	code, out, errs := run(t, env, "", "lookup", "--provider", "cvp-pr", "--format", "json", "9077613")
	if code != ExitOK || !strings.Contains(out, `"provider": "cvp-pr"`) {
		t.Errorf("exit %d: %s %s", code, errs, out)
	}
}

func mustOpenAll(t *testing.T, e Env) *session {
	t.Helper()
	s, err := open(e, common{noJournal: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
