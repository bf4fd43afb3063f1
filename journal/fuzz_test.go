package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzEntries: whatever bytes a journal file holds (crashes, editors, disk
// errors), Entries and Verify never panic, account for every line, and the
// next Append still lands on its own, correctly chained line.
func FuzzEntries(f *testing.F) {
	good := `{"ts":"2025-01-01T00:00:00Z","journal_id":"a","phase":"intent","operator":"o","provider":"p","offer_id":"x","target_type":"msisdn","target_id":"1","prev":""}`
	f.Add([]byte(""))
	f.Add([]byte(good + "\n"))
	f.Add([]byte(good + "\n" + good[:40]))
	f.Add([]byte(good))
	f.Add([]byte("\n\n\n"))
	f.Add([]byte("{}\n[]\nnull\n\"x\"\n"))
	f.Add([]byte(`{"journal_id":"a","phase":"outcome","ts":"bad"}` + "\n"))
	f.Add([]byte("\xff\xfe\x00{\"a\":1}\r\n"))
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++
		path := filepath.Join(dir, "j"+string(rune('a'+n%26))+".jsonl")
		os.Remove(path)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		lines := len(splitLines(data))
		entries, probs, err := j.Entries()
		if err != nil {
			t.Fatal(err)
		}
		if len(entries)+len(probs) != lines {
			t.Fatalf("%d entries + %d problems for %d lines", len(entries), len(probs), lines)
		}
		for _, p := range probs {
			if p.Line < 1 || p.Line > lines || bytes.ContainsAny([]byte(p.Msg), "\r\n") {
				t.Fatalf("bad problem %+v", p)
			}
		}
		r, err := j.Verify(bg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Entries != len(entries) || r.OK != (len(r.Problems) == 0) {
			t.Fatalf("report %+v vs %d entries", r, len(entries))
		}
		w, err := j.Append(bg, intent("after", "op"))
		if err != nil {
			t.Fatal(err)
		}
		entries2, probs2, _ := j.Entries()
		if len(entries2) == 0 || entries2[len(entries2)-1].JournalID != "after" || entries2[len(entries2)-1].Prev != w.Prev {
			t.Fatalf("appended entry not read back last: %+v", entries2)
		}
		if len(probs2) != len(probs) {
			t.Fatalf("append changed the problems: %+v → %+v", probs, probs2)
		}
		r2, _ := j.Verify(bg)
		for _, p := range r2.Problems {
			if p.Line == lines+1 {
				t.Fatalf("appended line %d has a problem: %+v", lines+1, r2.Problems)
			}
		}
		if r.OK && !r2.OK {
			t.Fatalf("a sound journal became unsound by one append: %+v", r2.Problems)
		}
	})
}
