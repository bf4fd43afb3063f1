package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers/sim"
)

// TestUsageSaysWhatTheCommandsDo: issue 18 item 8, the command line's
// part: every synopsis in simdesk help, the top-up's ID optional for an
// offer (an eSIM offer refuses one), --amount named where --offer is
// missing, version and help refusing arguments with one line.
func TestUsageSaysWhatTheCommandsDo(t *testing.T) {
	env := isolated(t)
	code, general, _ := run(t, env, "", "help")
	for _, want := range []string{
		"simdesk journal [--config FILE] --export FILE | --import FILE",
		"simdesk topup   [--config FILE | --demo] --provider NAME --amount AMOUNT",
		"[--format json|text] [ID]\n",
		"8 not permitted",
	} {
		if code != ExitOK || !strings.Contains(general, want) {
			t.Errorf("simdesk help lacks %q:\n%s", want, general)
		}
	}
	code, out, _ := run(t, env, "", "topup", "-h")
	if code != ExitOK || !strings.Contains(out, "usage: simdesk topup [--config FILE | --demo] --provider NAME --offer OFFER_ID") ||
		!strings.Contains(out, "\n       simdesk topup [--config FILE | --demo] --provider NAME --amount AMOUNT") {
		t.Errorf("topup -h:\n%s", out)
	}
	if code, out, _ := run(t, env, "", "journal", "-h"); code != ExitOK || !strings.Contains(out, "--export FILE | --import FILE") {
		t.Errorf("journal -h lacks the export line:\n%s", out)
	}
	code, out, errs := run(t, env, "", "topup", "--demo", "--provider", "orange", "--yes", "33612345678")
	if code != ExitUsage || out != "" || errs != "simdesk: topup needs --offer OFFER_ID or --amount AMOUNT\n" {
		t.Errorf("topup without offer: exit %d %q %q", code, out, errs)
	}
	for _, args := range [][]string{{"version", "extra"}, {"help", "extra"}, {"--version", "x", "y"}} {
		code, out, errs := run(t, env, "", args...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "takes no arguments") {
			t.Errorf("%q: exit %d %q %q, want exit 2 and one line", args, code, out, errs)
		}
	}
	if code, out, _ := run(t, env, "", "version"); code != ExitOK || !strings.HasPrefix(out, "simdesk ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// TestTopupIDOnlyWhereTheOfferHasALine: the synopsis's [ID]. An eSIM offer
// (sold without a line) tops up with no identifier and says so without an
// empty "applied to"; an offer for a line without one is refused with a
// message that says what to give, and nothing is sent.
func TestTopupIDOnlyWhereTheOfferHasALine(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	_, j, _ := run(t, env, "", "stock", "--provider", "orange", "--format", "json")
	var st stockJSON
	if err := json.Unmarshal([]byte(j), &st); err != nil {
		t.Fatal(err)
	}
	var esim, line model.Offer
	for _, o := range st.Offers {
		switch {
		case esim.ID == "" && o.TargetType == "" && o.ProductType == "eSim" && o.Stock > 20:
			esim = o
		case line.ID == "" && o.TargetType == model.MSISDN && o.Stock > 20:
			line = o
		}
	}
	if esim.ID == "" || line.ID == "" {
		t.Fatalf("no eSIM or line offer with stock:\n%s", j)
	}
	code, out, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", esim.ID, "--yes")
	if code != ExitOK || !strings.HasPrefix(out, "ok: "+esim.Name+" · transaction ") || errs != "" {
		t.Errorf("eSIM without ID: exit %d %q %q", code, out, errs)
	}
	before := s.OkTransactions(line.ID)
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", line.ID, "--yes")
	want := fmt.Sprintf("simdesk: offer %q of %s tops up a MSISDN: give it as the last argument\n", line.Name, line.Supplier)
	if code != ExitUsage || out != "" || errs != want {
		t.Errorf("line offer without ID: exit %d %q %q, want %q", code, out, errs, want)
	}
	if code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", esim.ID, "--yes", "33612345678"); code != ExitUsage || !strings.Contains(errs, "do not give an identifier") {
		t.Errorf("eSIM with ID: exit %d %q", code, errs)
	}
	if n := s.OkTransactions(line.ID) - before; n != 0 {
		t.Errorf("%d top-ups of %s sent without a line", n, line.ID)
	}
}
