package cli

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers/sim"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real simdesk binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "simdesk-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "simdesk")
		out, err := exec.Command("go", "build", "-o", binPath, "..").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building simdesk: %v", buildErr)
	}
	return binPath
}

func envList(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// plentyOffer returns an msisdn top-up offer with a large stock.
func plentyOffer(t *testing.T, env map[string]string) model.Offer {
	t.Helper()
	code, out, errs := run(t, env, "", "stock", "--format", "json", "--provider", "orange")
	if code != 0 {
		t.Fatalf("stock: %d %s", code, errs)
	}
	var st stockJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for _, o := range st.Offers {
		if o.ProductType == "topup" && o.TargetType == model.MSISDN && o.Stock >= 50 {
			return o
		}
	}
	t.Fatal("no offer with plenty of stock")
	return model.Offer{}
}

// killableTopup runs the real binary's `topup --yes --force` of offerID on
// the Orange line, SIGKILLing it after killAfter (never when 0).
func killableTopup(t *testing.T, bin string, env map[string]string, offerID string) func(killAfter time.Duration) {
	return func(killAfter time.Duration) {
		cmd := exec.Command(bin, "topup", "--provider", "orange", "--offer", offerID, "--yes", "--force", "--format", "json", "33612345678")
		cmd.Env = envList(env)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var timer <-chan time.Time
		if killAfter > 0 {
			timer = time.After(killAfter)
		}
		select {
		case <-done:
		case <-timer:
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
	}
}

// TestCrashDuringTopup kills the real binary with SIGKILL at random moments
// of a top-up, then reconciles: every journalled attempt ends with exactly
// one definitive outcome, and the ok outcomes match the transactions the
// provider holds: no attempt lost, none doubled.
func TestCrashDuringTopup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := binary(t)
	s, env := startSim(t, sim.Options{Latency: 300 * time.Millisecond, Seed: 7}, "")
	offer := plentyOffer(t, env)
	before := s.OkTransactions(offer.ID)
	if before != 0 {
		t.Fatalf("an offer on sale starts with %d transactions in the simulator", before)
	}
	rng := rand.New(rand.NewSource(42))
	pendingNow := func() int {
		j, err := journal.Open(journalPath(t, env))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		list, err := j.Pending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range list {
			if a.Pending() {
				n++
			}
		}
		return n
	}
	// One top-up left alone tells how long a whole one takes on this machine
	// (busy or not); the kills then land anywhere from before the intent to
	// after the answer.
	topup := killableTopup(t, bin, env, offer.ID)
	start := time.Now()
	topup(0)
	whole := time.Since(start)
	// At least 10 kills, and on until three attempts were left pending
	// mid-flight (bounded at 40 runs), so reconciliation is really exercised.
	runs := 1
	for ; runs < 40 && (runs < 11 || pendingNow() < 3); runs++ {
		topup(whole/4 + time.Duration(rng.Int63n(int64(whole))))
	}
	_, pendOut, _ := run(t, env, "", "journal", "--pending", "--format", "json")
	var pend journalJSON
	json.Unmarshal([]byte(pendOut), &pend)
	// The simulator's list does not lag: no settle time to wait before an
	// absent attempt may be concluded "not found".
	cfgText, _ := os.ReadFile(env["SIMDESK_CONFIG"])
	os.WriteFile(env["SIMDESK_CONFIG"], []byte(strings.Replace(string(cfgText), "readonly = false\n", "readonly = false\nsettle_time = \"0s\"\n", 1)), 0o600)
	code, out, errs := run(t, env, "", "journal", "--reconcile", "--format", "json")
	if code != 0 {
		t.Fatalf("reconcile: %d %s %s", code, out, errs)
	}
	j, err := journal.Open(journalPath(t, env))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	entries, probs, err := j.Entries()
	if err != nil || len(probs) != 0 {
		t.Fatalf("journal: %v %v", err, probs)
	}
	intents, outcomes, ok := map[string]bool{}, map[string]int{}, 0
	for _, e := range entries {
		switch e.Phase {
		case "intent":
			intents[e.JournalID] = true
		case "outcome":
			outcomes[e.JournalID]++
			if e.Status == "ok" {
				ok++
			}
		}
	}
	if len(intents) == 0 {
		t.Fatal("no attempt reached the journal")
	}
	for id := range intents {
		if outcomes[id] != 1 {
			t.Errorf("attempt %s has %d outcomes", id, outcomes[id])
		}
	}
	if got := s.OkTransactions(offer.ID) - before; got != ok {
		t.Fatalf("journal has %d ok outcomes, the provider holds %d new transactions", ok, got)
	}
	if len(pend.Attempts) == 0 {
		t.Error("no kill left an attempt pending: the drill did not test reconciliation")
	}
	t.Logf("%d runs: %d attempts journalled, %d left pending by SIGKILL, after reconciliation %d ok, %d rejected or not found", runs, len(intents), len(pend.Attempts), ok, len(intents)-ok)
}

func journalPath(t *testing.T, env map[string]string) string {
	b, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "journal = ") {
			return strings.Trim(strings.TrimPrefix(l, "journal = "), `"`)
		}
	}
	t.Fatal("no journal in config")
	return ""
}
