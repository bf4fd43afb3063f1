package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckHistory: what the stores write passes; each invented history is
// refused at its first wrong line.
func TestCheckHistory(t *testing.T) {
	in := func(id string) Entry { return pgIntent(id, "33612345678", "o1", time.Time{}) }
	out := func(id string, st Status, trx string) Entry { return pgOutcome(id, st, trx, time.Time{}) }
	reconciled := out("a", StatusOK, "T-a")
	reconciled.Reconciled = true
	resolved := out("w", StatusOK, "T-w")
	resolved.ResolvedBy = "sup"
	cases := []struct {
		name    string
		entries []Entry
		line    int
		msg     string
	}{
		{"what the stores write", []Entry{
			in("a"), out("a", StatusUnknown, ""), reconciled, out("a", StatusUnknown, ""),
			in("r"), out("r", StatusRejected, ""), out("r", StatusUnknown, ""),
			in("w"), out("w", StatusOK, ""), resolved,
			in("n"), out("n", StatusNotFound, ""),
			in("p"),
		}, 0, ""},
		{"duplicated intent", []Entry{in("a"), out("a", StatusOK, "T"), in("a")}, 3, "second intent (the first is line 1)"},
		{"two ok outcomes", []Entry{in("a"), out("a", StatusOK, "T1"), out("a", StatusOK, "T2")}, 3, "second definitive outcome"},
		{"rejected after ok", []Entry{in("a"), out("a", StatusOK, "T1"), out("a", StatusRejected, "")}, 3, "second definitive outcome"},
		{"not found after ok without id", []Entry{in("a"), out("a", StatusOK, ""), out("a", StatusNotFound, "")}, 3, "only the ok that adds the transaction id"},
		{"outcome without intent", []Entry{in("a"), out("b", StatusOK, "T")}, 2, "has no intent"},
		{"outcome before intent", []Entry{out("a", StatusOK, "T"), in("a")}, 1, "comes before its intent (line 2)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nums := make([]int, len(c.entries))
			for i := range nums {
				nums[i] = i + 1
			}
			p := checkHistory(c.entries, nums)
			switch {
			case c.line == 0 && p != nil:
				t.Fatalf("refused: %v", p)
			case c.line != 0 && (p == nil || p.Line != c.line || !strings.Contains(p.Msg, c.msg)):
				t.Fatalf("got %v, want line %d: %s", p, c.line, c.msg)
			}
		})
	}
}

// TestPGImportRefusesInventedHistory: a file whose chain recomputes but
// whose history no store writes is refused with FILE:LINE, and nothing is
// written; so is a file with a torn line.
func TestPGImportRefusesInventedHistory(t *testing.T) {
	ctx := context.Background()
	p, _ := openPG(t)
	for _, c := range []struct {
		name    string
		entries []Entry
		line    int
	}{
		{"duplicated intent", []Entry{pgIntent("d", "33612345678", "o1", time.Time{}), pgIntent("d", "33612345678", "o1", time.Time{})}, 2},
		{"two ok outcomes", []Entry{pgIntent("d", "33612345678", "o1", time.Time{}), pgOutcome("d", StatusOK, "T1", time.Time{}), pgOutcome("d", StatusOK, "T2", time.Time{})}, 3},
		{"outcome without intent", []Entry{pgIntent("d", "33612345678", "o1", time.Time{}), pgOutcome("x", StatusOK, "T1", time.Time{})}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "invented.jsonl")
			j, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range c.entries {
				if _, err := j.Append(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			j.Close()
			_, err = p.Import(ctx, path)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d:", path, c.line)) || !strings.Contains(err.Error(), "nothing imported") {
				t.Fatalf("import: %v, want refused at %s:%d", err, path, c.line)
			}
			if h, _ := p.Head(ctx); h != 0 {
				t.Fatal("a refused import wrote rows")
			}
		})
	}
}

// FuzzImportable: whatever a file to import holds, the check never panics;
// a refusal is one line naming FILE:LINE, and what it accepts verifies and
// has one intent per journal id with its outcomes after it.
func FuzzImportable(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.jsonl")
	j, err := Open(path)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range []Entry{pgIntent("a", "33612345678", "o1", time.Time{}), pgOutcome("a", StatusOK, "T", time.Time{}), pgIntent("b", "1", "o", time.Time{})} {
		if _, err := j.Append(context.Background(), e); err != nil {
			f.Fatal(err)
		}
	}
	j.Close()
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add([]byte(""))
	f.Add(seed[:len(seed)-10])
	f.Fuzz(func(t *testing.T, data []byte) {
		_, entries, err := importable("F.jsonl", data, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "import: F.jsonl:") || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("refusal %q", err)
			}
			return
		}
		if !verify(data).OK {
			t.Fatal("accepted a file that does not verify")
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if e.Phase == PhaseIntent {
				if seen[e.JournalID] {
					t.Fatalf("accepted a second intent of %s", e.JournalID)
				}
				seen[e.JournalID] = true
			} else if !seen[e.JournalID] {
				t.Fatalf("accepted an outcome of %s before its intent", e.JournalID)
			}
		}
	})
}
