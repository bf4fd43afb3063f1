package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"simdesk/providers/sim"
)

// TestReleaserCoalescesAndSpaces: hints from the console schedule one
// release settle after the first, however many come meanwhile; the next
// release waits out the gap since the last; Close cancels a scheduled one.
// The clock and the timer are fakes: the test reads what was scheduled.
func TestReleaserCoalescesAndSpaces(t *testing.T) {
	now := time.Unix(1000, 0)
	var waits []time.Duration
	var fire func()
	stopped := 0
	frees := 0
	r := newReleaser()
	r.free = func() { frees++ }
	r.now = func() time.Time { return now }
	r.after = func(d time.Duration, f func()) func() {
		waits, fire = append(waits, d), f
		return func() { stopped++ }
	}
	r.Dropped(6000)
	r.Dropped(60000)
	r.Dropped(6000)
	if len(waits) != 1 || waits[0] != r.settle || frees != 0 {
		t.Fatalf("three hints scheduled %v and freed %d times; want one release after %v, none yet", waits, frees, r.settle)
	}
	now = now.Add(r.settle)
	fire()
	if frees != 1 {
		t.Fatalf("the release freed %d times", frees)
	}
	now = now.Add(time.Second)
	r.Dropped(6000)
	if len(waits) != 2 || waits[1] != r.gap-time.Second {
		t.Fatalf("a hint 1 s after a release waits %v; want the rest of the %v gap", waits, r.gap)
	}
	now = now.Add(r.gap - time.Second)
	fire()
	now = now.Add(time.Minute)
	r.Dropped(6000)
	if len(waits) != 3 || waits[2] != r.settle || frees != 2 {
		t.Fatalf("a hint long after the last release waits %v (%d frees); want %v", waits, frees, r.settle)
	}
	r.Close()
	if stopped != 1 {
		t.Fatal("Close did not cancel the scheduled release")
	}
}

// TestLookupLeavesTheJournalAlone: a lookup reads nothing from the journal,
// so it does not open it: the configured journal file is not created (no
// file, lock or database connection at start for a command that does not
// need one), and a journal that cannot be opened does not matter to it.
func TestLookupLeavesTheJournalAlone(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	cfg, err := os.ReadFile(env["SIMDESK_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`journal = "([^"]+)"`).FindSubmatch(cfg)
	if m == nil {
		t.Fatal("no journal in the test config")
	}
	code, out, errs := run(t, env, "", "lookup", "--format", "json", "--provider", "cvp-pr", "9077613")
	if code != 0 || !strings.Contains(out, `"buckets"`) {
		t.Fatalf("exit %d: %s %s", code, errs, out)
	}
	if _, err := os.Stat(string(m[1])); !os.IsNotExist(err) {
		t.Fatalf("the lookup created or opened the journal %s (%v)", m[1], err)
	}
	code, _, errs = run(t, env, "", "stock", "--format", "json")
	if _, err := os.Stat(string(m[1])); err != nil {
		t.Fatalf("stock (exit %d, %s) did not open the journal as before: %v", code, errs, err)
	}
}

// TestConsoleGCLeavesTheOperatorsSetting: the console raises GOGC to 200
// unless the operator set GOGC or GOMEMLIMIT, whose choice wins.
func TestConsoleGCLeavesTheOperatorsSetting(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want int
	}{{nil, consoleGCPercent}, {map[string]string{"GOGC": "50"}, -1}, {map[string]string{"GOMEMLIMIT": "1GiB"}, -1}} {
		got := -1
		consoleGC(func(k string) string { return c.env[k] }, func(p int) int { got = p; return 100 })
		if got != c.want {
			t.Errorf("env %v: GOGC set to %d, want %d (-1: left alone)", c.env, got, c.want)
		}
	}
}
