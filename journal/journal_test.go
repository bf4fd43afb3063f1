package journal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/topup"
)

// openTemp opens a journal in a fresh, not yet existing sub-directory.
func openTemp(t *testing.T) *File {
	t.Helper()
	j, err := Open(filepath.Join(t.TempDir(), "state", "simdesk", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func intent(id, op string) Entry {
	return Entry{JournalID: id, Phase: PhaseIntent, Operator: op, Provider: "orange", OfferID: "offer-1",
		TargetType: "msisdn", TargetID: "33612345678"}
}

func outcome(id string, status Status, trx string) Entry {
	e := intent(id, "alice")
	e.Phase, e.Status, e.TransactionID = PhaseOutcome, status, trx
	return e
}

func mustAppend(t *testing.T, j *File, e Entry) Entry {
	t.Helper()
	got, err := j.Append(bg, e)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("file does not end with a newline: %q", b)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestIntentOutcomeRoundTrip(t *testing.T) {
	j := openTemp(t)
	if fi, err := os.Stat(filepath.Dir(j.Path())); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(j.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v %v", fi.Mode(), err)
	}
	price := new(topup.MustParse("27.5", "EUR"))
	stock := 11
	in := intent(NewID(), "alice")
	in.Price, in.OfferName, in.Reference, in.Environment, in.Forced = price, "Orange 5GB", "TICKET-9", "sandbox", true
	before := time.Now()
	w1 := mustAppend(t, j, in)
	if w1.TS.Before(before.Add(-time.Second)) || w1.TS.Location() != time.UTC {
		t.Errorf("TS not filled in UTC: %v", w1.TS)
	}
	if w1.Prev != "" {
		t.Errorf("first entry Prev = %q", w1.Prev)
	}
	out := outcome(in.JournalID, topup.OK, "trx-1")
	out.StockLeft = &stock
	out.TS = time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("X", 3600))
	w2 := mustAppend(t, j, out)
	if !w2.TS.Equal(out.TS) || w2.TS.Location() != time.UTC {
		t.Errorf("given TS not kept in UTC: %v", w2.TS)
	}

	// On disk: one JSON object per line with the contract's keys.
	lines := fileLines(t, j.Path())
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if w2.Prev != hashOf(lines[0]) {
		t.Errorf("Prev %q is not the hash of line 1", w2.Prev)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ts", "journal_id", "phase", "operator", "provider", "offer_id", "target_type", "target_id", "status", "transaction_id", "prev", "stock_left"} {
		if _, ok := m[k]; !ok {
			t.Errorf("outcome line lacks %q: %s", k, lines[1])
		}
	}
	if m["ts"] != "2025-03-01T11:00:00Z" || m["phase"] != "outcome" || m["status"] != "ok" {
		t.Errorf("outcome line: %s", lines[1])
	}
	if !strings.Contains(lines[0], `"price":{"amount":27.5,"currency":"EUR"}`) || !strings.Contains(lines[0], `"forced":true`) {
		t.Errorf("intent line: %s", lines[0])
	}
	if strings.Contains(lines[0], `"status"`) || strings.Contains(lines[0], `"reconciled"`) {
		t.Errorf("intent line carries outcome keys: %s", lines[0])
	}

	// Read back, through this handle and a fresh one.
	j2, err := Open(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	for _, h := range []*File{j, j2} {
		got, probs, err := h.Entries()
		if err != nil || len(probs) != 0 {
			t.Fatalf("Entries: %v %v", probs, err)
		}
		if !reflect.DeepEqual(got, []Entry{w1, w2}) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, []Entry{w1, w2})
		}
	}
	if r, err := j2.Verify(bg); err != nil || !r.OK || r.Entries != 2 {
		t.Errorf("Verify: %+v %v", r, err)
	}
}

func TestAppendValidatesAndClose(t *testing.T) {
	j := openTemp(t)
	if _, err := j.Append(bg, Entry{Phase: PhaseIntent}); err == nil {
		t.Error("entry without journal_id accepted")
	}
	if _, err := j.Append(bg, Entry{JournalID: "x", Phase: "maybe"}); err == nil {
		t.Error("entry with a bad phase accepted")
	}
	if b, _ := os.ReadFile(j.Path()); len(b) != 0 {
		t.Errorf("refused entries were written: %q", b)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := j.Append(bg, intent("x", "a")); err == nil {
		t.Error("Append after Close succeeded")
	}
	if _, _, err := j.Entries(); err == nil {
		t.Error("Entries after Close succeeded")
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open(directory) succeeded")
	}
}

func TestHashChain(t *testing.T) {
	j := openTemp(t)
	for i := 0; i < 20; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("id-%02d", i), "op"))
	}
	lines := fileLines(t, j.Path())
	for i, l := range lines {
		var e Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		want := ""
		if i > 0 {
			want = hashOf(lines[i-1])
		}
		if e.Prev != want {
			t.Errorf("line %d: Prev %q, want %q", i+1, e.Prev, want)
		}
	}
	r, err := j.Verify(bg)
	if err != nil || !r.OK || r.Entries != 20 || len(r.Problems) != 0 {
		t.Errorf("Verify: %+v %v", r, err)
	}
}

// rewrite replaces the journal's file content (simulating an editor).
func rewrite(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	j := openTemp(t)
	for i := 0; i < 6; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("id-%d", i), "op"))
	}
	orig := fileLines(t, j.Path())
	clone := func() []string { return append([]string{}, orig...) }

	cases := []struct {
		name   string
		edit   func([]string) []string
		line   int
		msg    string
		badAny bool
	}{
		{"altered line 3", func(l []string) []string {
			l[2] = strings.Replace(l[2], `"operator":"op"`, `"operator":"mallory"`, 1)
			return l
		}, 3, "line 3 was altered", false},
		{"altered first line", func(l []string) []string {
			l[0] = strings.Replace(l[0], `"offer-1"`, `"offer-2"`, 1)
			return l
		}, 1, "line 1 was altered", false},
		{"removed line 4", func(l []string) []string { return append(l[:3], l[4:]...) }, 3, "hash chain broken", false},
		{"removed first line", func(l []string) []string { return l[1:] }, 1, "lines before it were removed", false},
		{"garbled line 2", func(l []string) []string { l[1] = "{garbage"; return l }, 2, "not a journal entry", false},
		{"inserted entry", func(l []string) []string {
			ins := `{"ts":"2025-01-01T00:00:00Z","journal_id":"evil","phase":"outcome","operator":"m","provider":"orange","offer_id":"o","target_type":"msisdn","target_id":"1","status":"ok","prev":""}`
			return append(l[:2], append([]string{ins}, l[2:]...)...)
		}, 3, "it was inserted", false},
		{"non-entry JSON", func(l []string) []string { l[4] = `{"hello":"world"}`; return l }, 5, "no journal_id", false},
		{"blank line", func(l []string) []string { return append(l[:1], append([]string{""}, l[1:]...)...) }, 2, "empty line", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rewrite(t, j.Path(), tc.edit(clone()))
			r, err := j.Verify(bg)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK {
				t.Fatal("tampering not detected")
			}
			found := false
			for _, p := range r.Problems {
				if p.Line == tc.line && strings.Contains(p.Msg, tc.msg) {
					found = true
				}
				if strings.Contains(p.Msg, "\n") {
					t.Errorf("multi-line problem %q", p.Msg)
				}
			}
			if !found {
				t.Errorf("want a problem at line %d containing %q, got %+v", tc.line, tc.msg, r.Problems)
			}
		})
	}
	rewrite(t, j.Path(), orig)
	if r, _ := j.Verify(bg); !r.OK {
		t.Errorf("restored journal: %+v", r)
	}
}

func TestTornLastLine(t *testing.T) {
	j := openTemp(t)
	for i := 0; i < 3; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("id-%d", i), "op"))
	}
	// A crash in the middle of a write: half an object, no newline.
	full, _ := json.Marshal(outcome("id-2", "ok", "trx-2"))
	torn := full[:len(full)/2]
	f, err := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(torn)
	f.Close()

	entries, probs, err := j.Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || len(probs) != 1 || probs[0].Line != 4 || !strings.Contains(probs[0].Msg, "torn") {
		t.Fatalf("entries %d, problems %+v", len(entries), probs)
	}
	// Reported, never blocking: a warning at its line, the chain intact.
	r, _ := j.Verify(bg)
	if !r.OK || r.Entries != 3 || len(r.Problems) != 0 || len(r.Warnings) != 1 || r.Warnings[0].Line != 4 ||
		!strings.Contains(r.Warnings[0].Msg, "incomplete last line") {
		t.Errorf("Verify: %+v", r)
	}

	// The next append starts on its own line, chained to the torn line.
	w := mustAppend(t, j, outcome("id-2", "ok", "trx-2"))
	raw, _ := os.ReadFile(j.Path())
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 5 || lines[3] != string(torn) || w.Prev != hashOf(string(torn)) {
		t.Fatalf("after recovery:\n%s", raw)
	}
	entries, probs, _ = j.Entries()
	if len(entries) != 4 || entries[3].TransactionID != "trx-2" || len(probs) != 1 || probs[0].Line != 4 {
		t.Errorf("after recovery: %d entries, problems %+v", len(entries), probs)
	}
	// The next entry is chained to the torn line: it was there before
	// that entry was written (a crash), still a warning, not a break.
	r, _ = j.Verify(bg)
	if !r.OK || r.Entries != 4 || len(r.Warnings) != 1 || r.Warnings[0].Line != 4 {
		t.Errorf("after recovery Verify: %+v", r)
	}
	// And the chain keeps going from there.
	mustAppend(t, j, intent("id-9", "op"))
	if r, _ := j.Verify(bg); !r.OK || len(r.Warnings) != 1 || r.Entries != 5 {
		t.Errorf("later Verify: %+v", r)
	}
	// A garbled line put in later (the next entry not chained to it) is
	// a problem.
	raw, _ = os.ReadFile(j.Path())
	lines = strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	lines = append(lines[:2], append([]string{`{"ts": garbage`}, lines[2:]...)...)
	rewrite(t, j.Path(), lines)
	if r, _ := j.Verify(bg); r.OK || len(r.Problems) == 0 || r.Problems[0].Line != 3 {
		t.Errorf("inserted garbage: %+v", r)
	}
}

// A write cut just before its newline leaves a complete entry: it counts,
// and the next append ends its line without breaking the chain.
func TestCompleteLastLineWithoutNewline(t *testing.T) {
	j := openTemp(t)
	mustAppend(t, j, intent("a", "op"))
	raw, _ := os.ReadFile(j.Path())
	if err := os.WriteFile(j.Path(), bytes.TrimSuffix(raw, []byte("\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, probs, _ := j.Entries()
	if len(entries) != 1 || len(probs) != 0 {
		t.Fatalf("%d entries, %+v", len(entries), probs)
	}
	mustAppend(t, j, outcome("a", "ok", "t"))
	if r, _ := j.Verify(bg); !r.OK || r.Entries != 2 {
		t.Errorf("Verify: %+v", r)
	}
	if n := len(fileLines(t, j.Path())); n != 2 {
		t.Errorf("%d lines", n)
	}
}

func TestConcurrentAppends(t *testing.T) {
	j := openTemp(t)
	j2, err := Open(j.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		h := j
		if w%2 == 1 {
			h = j2
		}
		wg.Add(1)
		go func(w int, h *File) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := h.Append(bg, intent(fmt.Sprintf("w%d-%d", w, i), "op")); err != nil {
					errs <- err
				}
			}
		}(w, h)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r, err := j.Verify(bg)
	if err != nil || !r.OK || r.Entries != workers*each {
		t.Fatalf("Verify: %+v %v", r, err)
	}
	entries, _, _ := j2.Entries()
	ids := map[string]bool{}
	for _, e := range entries {
		ids[e.JournalID] = true
	}
	if len(ids) != workers*each {
		t.Errorf("%d distinct entries, want %d", len(ids), workers*each)
	}
}

// TestConcurrentProcesses appends from two child processes and this one at
// once: the flock must keep one valid chain across processes.
func TestConcurrentProcesses(t *testing.T) {
	if path := os.Getenv("AUDIT_HELPER_JOURNAL"); path != "" {
		j, err := Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for i := 0; i < 40; i++ {
			if _, err := j.Append(bg, intent(fmt.Sprintf("%s-%d", os.Getenv("AUDIT_HELPER_NAME"), i), "child")); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	j := openTemp(t)
	var cmds []*exec.Cmd
	for _, name := range []string{"p1", "p2"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "AUDIT_HELPER_JOURNAL="+j.Path(), "AUDIT_HELPER_NAME="+name)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() {
			if stderr.Len() > 0 {
				t.Log(stderr.String())
			}
		})
	}
	for i := 0; i < 40; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("parent-%d", i), "parent"))
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	r, err := j.Verify(bg)
	if err != nil || !r.OK || r.Entries != 120 {
		t.Fatalf("Verify: %+v %v", r, err)
	}
}

func TestAppendGuarded(t *testing.T) {
	j := openTemp(t)
	since := time.Now().Add(-10 * time.Minute)
	guard := func(same []Attempt) error {
		for _, a := range same {
			if a.Status().Spent() {
				return fmt.Errorf("duplicate of %s", a.Intent.JournalID)
			}
		}
		return nil
	}
	if _, err := j.AppendGuarded(bg, intent("first", "op"), since, guard); err != nil {
		t.Fatal(err)
	}
	_, err := j.AppendGuarded(bg, intent("second", "op"), since, guard)
	if err == nil || err.Error() != "duplicate of first" {
		t.Fatalf("guard: %v", err)
	}
	if entries, _, _ := j.Entries(); len(entries) != 1 {
		t.Errorf("refused entry written: %d entries", len(entries))
	}
	// Once rejected, the same offer may be tried again.
	mustAppend(t, j, outcome("first", StatusRejected, ""))
	if _, err := j.AppendGuarded(bg, intent("third", "op"), since, guard); err != nil {
		t.Errorf("retry after rejection: %v", err)
	}
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	var ids []string
	for i := 0; i < 500; i++ {
		id := NewID()
		if !re.MatchString(id) {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		ids = append(ids, id)
		if i%100 == 0 {
			time.Sleep(2 * time.Microsecond)
		}
	}
	// Ids sort by time: an id made later never sorts before an earlier one's
	// timestamp part.
	for i := 1; i < len(ids); i++ {
		if ids[i][:23] < ids[i-1][:23] {
			t.Errorf("%s sorts before %s", ids[i], ids[i-1])
		}
	}
	sorted := append([]string{}, ids...)
	sort.Strings(sorted)
	if sorted[0][:23] != ids[0][:23] {
		t.Errorf("first id by sort %s, by time %s", sorted[0], ids[0])
	}
}

// The journal has no place for a secret: no field of Entry could hold one.
func TestEntryHasNoSecretField(t *testing.T) {
	typ := reflect.TypeOf(Entry{})
	for i := 0; i < typ.NumField(); i++ {
		name := strings.ToLower(typ.Field(i).Name + " " + typ.Field(i).Tag.Get("json"))
		for _, bad := range []string{"secret", "token", "password", "authorization", "credential"} {
			if strings.Contains(name, bad) {
				t.Errorf("Entry field %s looks like a secret", typ.Field(i).Name)
			}
		}
	}
}

func TestProblemString(t *testing.T) {
	if s := (Problem{Line: 7, Msg: "torn"}).String(); s != "line 7: torn" {
		t.Errorf("%q", s)
	}
}

// BenchmarkAppend measures one fsync'd append (the cost added before every
// top-up is sent).
func BenchmarkAppend(b *testing.B) {
	j, err := Open(filepath.Join(b.TempDir(), "j.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	for i := 0; b.Loop(); i++ {
		if _, err := j.Append(bg, intent(fmt.Sprintf("id-%d", i), "op")); err != nil {
			b.Fatal(err)
		}
	}
}

// bg is the context of tests that never cancel.
var bg = context.Background()

// BenchmarkAppendSealed is BenchmarkAppend with the key and head anchor:
// what the MAC and the anchor (a second file fsynced per append) cost.
func BenchmarkAppendSealed(b *testing.B) {
	dir := b.TempDir()
	s, err := OpenSeal(filepath.Join(dir, "k"), HeadPath(dir, "j"))
	if err != nil {
		b.Fatal(err)
	}
	j, err := Open(filepath.Join(dir, "j.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	j.SetSeal(s)
	for i := 0; b.Loop(); i++ {
		if _, err := j.Append(bg, intent(fmt.Sprintf("id-%d", i), "op")); err != nil {
			b.Fatal(err)
		}
	}
}
