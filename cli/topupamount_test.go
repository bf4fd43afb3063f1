package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"simdesk/providers/sim"
)

// TestTopupByAmountHeadless: --amount tops up through the TMF654 provider,
// prints the offer top-up's JSON plus the amount, and journals the amount.
func TestTopupByAmountHeadless(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	code, out, errs := run(t, env, "", "topup", "--provider", "lla-topup", "--amount", "10", "--currency", "usd", "--yes", "--ref", "INC-7", "--format", "json", "9077613")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	amt, _ := doc["amount"].(map[string]any)
	if doc["status"] != "ok" || doc["transaction_id"] == "" || doc["bucket"] != "B-9077613-1" || amt["amount"] != 10.0 || amt["currency"] != "USD" || doc["reference"] != "INC-7" {
		t.Errorf("json %s", out)
	}
	// The journal has the amount beside offer_id.
	code, out, _ = run(t, env, "", "journal", "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"amount"`) || !strings.Contains(out, "9077613") {
		t.Errorf("journal (exit %d): %s", code, out)
	}
	// The same amount again: a duplicate, refused before asking (exit 2);
	// with --force it goes through.
	code, _, errs = run(t, env, "", "topup", "--provider", "lla-topup", "--amount", "10.00", "--yes", "9077613")
	if code != ExitUsage || !strings.Contains(errs, "amount USD 10.00") {
		t.Errorf("duplicate: exit %d %s", code, errs)
	}
	code, out, errs = run(t, env, "", "topup", "--provider", "lla-topup", "--amount", "10", "--force", "--yes", "9077613")
	if code != ExitOK || !strings.Contains(out, "ok: USD 10.00 added to Prepaid Balance (B-9077613-1)") {
		t.Errorf("forced: exit %d %s %s", code, out, errs)
	}
}

func TestTopupByAmountOutcomes(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--amount", "5", "2466217773"}, ExitRejected, "Bucket not active"},
		{[]string{"--amount", "25", "7875550124"}, ExitRejected, "top-up limit of 20.00 USD"},
		{[]string{"--amount", "5", "7875550125"}, ExitRejected, "not served through this channel"},
		{[]string{"--amount", "4", "12424495927"}, ExitUnknown, "accepted, not applied yet"},
		{[]string{"--amount", "3", "7875550123"}, ExitUnknown, "HTTP 500"},
		{[]string{"--amount", "5", "--bucket", "B-18767911940-2", "18767911940"}, ExitOK, "Bonus Balance (B-18767911940-2)"},
	} {
		args := append([]string{"topup", "--provider", "lla-topup", "--yes"}, tc.args...)
		code, out, errs := run(t, env, "", args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d (want %d)\n%s%s", tc.args, code, tc.code, out, errs)
		}
	}
	// Reconciliation settles the 500 at once (found by journal id); the
	// created one stays pending until the provider completes it.
	code, out, errs := run(t, env, "", "journal", "--reconcile")
	if !strings.Contains(out+errs, "7875550123") {
		t.Errorf("reconcile (exit %d): %s %s", code, out, errs)
	}
}

// TestTopupByAmountBadInputSendsNothing: every bad input exits 2 and the
// simulator receives no top-up.
func TestTopupByAmountBadInputSendsNothing(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--amount", "0", "9077613"}, "more than zero"},
		{[]string{"--amount", "-5", "9077613"}, "not an amount"},
		{[]string{"--amount", "100.5", "9077613"}, "over this provider's maximum"},
		{[]string{"--amount", "10.001", "9077613"}, "at most 2 decimals"},
		{[]string{"--amount", "10", "--currency", "EUR", "9077613"}, "tops up in USD, not EUR"},
		{[]string{"--amount", "10", "S-1001"}, "by MSISDN"},
		{[]string{"--amount", "10", "sim:8944110068256270054"}, "by MSISDN"},
		{[]string{"--amount", "10", "--offer", "abc", "9077613"}, "exclusive"},
		{[]string{"--amount", "10", "4933562"}, "no monetary balance"},
		{[]string{"--amount", "10", "18767911940"}, "choose one with --bucket"},
		{[]string{"--amount", "10", "--bucket", "B-nope", "18767911940"}, "no balance \"B-nope\""},
		{[]string{"--amount", "10"}, "exactly one line identifier"},
	} {
		args := append([]string{"topup", "--provider", "lla-topup", "--yes"}, tc.args...)
		code, _, errs := run(t, env, "", args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d %s", tc.args, code, errs)
		}
	}
	if b, err := os.ReadFile(env["SIMDESK_CONFIG"]); err == nil {
		journal := ""
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "journal = ") {
				journal = strings.Trim(strings.TrimPrefix(l, "journal = "), `"`)
			}
		}
		if j, _ := os.ReadFile(journal); len(j) != 0 {
			t.Errorf("journal written:\n%s", j)
		}
	}
	code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--amount", "5", "--yes", "33612345678")
	if code != ExitUsage || !strings.Contains(errs, "does not top up by amount") {
		t.Errorf("orange by amount: exit %d %s", code, errs)
	}
}
