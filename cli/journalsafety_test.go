package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers/sim"
)

// configJournal rewrites the config's journal path.
func configJournal(t *testing.T, env map[string]string, journal string) {
	t.Helper()
	b, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "journal = ") {
			l = "journal = \"" + journal + "\""
		}
		out = append(out, l)
	}
	if err := os.WriteFile(env["SIMDESK_CONFIG"], []byte(strings.Join(out, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// offerWithStock is an Orange MSISDN top-up offer with stock.
func offerWithStock(t *testing.T, env map[string]string) model.Offer {
	t.Helper()
	code, out, errs := run(t, env, "", "stock", "--format", "json")
	if code != 0 {
		t.Fatalf("stock: %d %s", code, errs)
	}
	var st stockJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for _, o := range st.Offers {
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock > 20 {
			return o
		}
	}
	t.Fatal("no offer with stock")
	return model.Offer{}
}

// A journal that cannot be opened (its directory cannot exist) stops
// top-ups with one line and nothing sent, and nothing else: lookup and
// stock work.
func TestJournalMissingDirectoryOnlyStopsTopups(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	configJournal(t, env, "/dev/null/simdesk/journal.jsonl")
	o := offerWithStock(t, env)
	if code, _, errs := run(t, env, "", "lookup", "--format", "json", "9077613"); code != 0 {
		t.Fatalf("lookup: %d %s", code, errs)
	}
	before := s.OkTransactions(o.ID)
	code, out, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "33612345678")
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code == 0 || len(lines) != 1 || !strings.Contains(errs, "journal") || s.OkTransactions(o.ID) != before {
		t.Fatalf("topup without a journal: exit %d, out %q, stderr %q, transactions %d→%d", code, out, errs, before, s.OkTransactions(o.ID))
	}
}

// A journal that can be read but not written: `journal --verify` and the
// listing still work; a top-up is refused, nothing sent.
func TestReadOnlyJournalStillVerifies(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	configJournal(t, env, path)
	o := offerWithStock(t, env)
	if code, _, errs := run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "33612345678"); code != 0 {
		t.Fatalf("first topup: %d %s", code, errs)
	}
	if os.Geteuid() == 0 {
		if err := exec.Command("chattr", "+i", path).Run(); err != nil {
			t.Skip("cannot make the journal unwritable as root here (chattr):", err)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	} else if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skip("the journal is still writable")
	}
	code, out, errs := run(t, env, "", "journal", "--verify")
	if code != 0 || !strings.Contains(out, "hash chain intact") {
		t.Fatalf("verify of an unwritable journal: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, env, "", "journal", "--format", "json"); code != 0 || !strings.Contains(out, o.ID) {
		t.Fatalf("listing: %d %s", code, out)
	}
	before := s.OkTransactions(o.ID)
	code, _, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", o.ID, "--yes", "--force", "33612345678")
	if code == 0 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "journal") || s.OkTransactions(o.ID) != before {
		t.Fatalf("topup with an unwritable journal: %d %q", code, errs)
	}
}

// `journal --resolve JOURNAL_ID TRANSACTION_ID|none` settles a pending
// attempt by hand, journalled with who decided.
func TestJournalResolve(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	configJournal(t, env, path)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{journal.NewID(), journal.NewID()} {
		if _, err := j.Append(t.Context(), journal.Entry{JournalID: id, Phase: journal.PhaseIntent, Operator: "carol", Provider: "orange",
			OfferID: "off-1", TargetType: "msisdn", TargetID: "33612345678"}); err != nil {
			t.Fatal(err)
		}
	}
	pend, _ := j.Pending(t.Context())
	j.Close()
	a, b := pend[0].Intent.JournalID, pend[1].Intent.JournalID
	code, out, errs := run(t, env, "", "journal", "--resolve", a, "trx-42")
	if code != 0 || !strings.Contains(out, "resolved "+a+" → ok trx-42 (by ") {
		t.Fatalf("resolve: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, env, "", "journal", "--resolve", b, "trx-42"); code == 0 || !strings.Contains(errs, "belongs to attempt "+a) {
		t.Fatalf("the same transaction for a second attempt: %d %q", code, errs)
	}
	if code, out, errs := run(t, env, "", "journal", "--resolve", b, "none"); code != 0 || !strings.Contains(out, "not_found") {
		t.Fatalf("resolve none: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, env, "", "journal", "--pending", "--format", "json")
	if code != 0 || strings.Contains(out, a) || strings.Contains(out, b) {
		t.Fatalf("still pending after resolving: %s", out)
	}
	if code, _, errs := run(t, env, "", "journal", "--resolve", a); code != ExitUsage {
		t.Fatalf("--resolve without a transaction: %d %s", code, errs)
	}
}

// `journal --reconcile` against a list that lags: the attempt stays
// pending, "not visible yet", and the exit status says the outcome is
// still unknown (6), not that the provider failed (4).
func TestReconcileNotVisibleYetExit(t *testing.T) {
	_, env := startSim(t, sim.Options{OrangeListLag: time.Hour}, "")
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	configJournal(t, env, path)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id := journal.NewID()
	if _, err := j.Append(t.Context(), journal.Entry{JournalID: id, Phase: journal.PhaseIntent, Operator: "carol", Provider: "orange",
		OfferID: "off-1", TargetType: "msisdn", TargetID: "33612345678"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	code, _, errs := run(t, env, "", "journal", "--reconcile")
	if code != ExitUnknown || !strings.Contains(errs, id+" still pending: not visible yet") {
		t.Fatalf("reconcile: exit %d, %q", code, errs)
	}
	if code, out, _ := run(t, env, "", "journal", "--pending", "--format", "json"); code != 0 || !strings.Contains(out, id) {
		t.Fatalf("no longer pending: %s", out)
	}
}
