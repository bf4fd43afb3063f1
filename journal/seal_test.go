package journal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func newSeal(t *testing.T) (*Seal, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	key := filepath.Join(dir, "journal.key")
	s, err := OpenSeal(key, HeadPath(dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	return s, key
}

// TestSealKeyFile: the key is created 0600 on first use and read back the
// same; a key file others may read or write, a directory, or one that is
// not a key is refused, and the key never appears in a journal line.
func TestSealKeyFile(t *testing.T) {
	s, key := newSeal(t)
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v, want 0600", fi.Mode(), err)
	}
	again, err := OpenSeal(key, s.head)
	if err != nil || string(again.key) != string(s.key) || len(s.key) != keyBytes {
		t.Fatalf("reopened key differs: %v", err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o602} {
		os.Chmod(key, mode)
		if _, err := OpenSeal(key, s.head); err == nil || !strings.Contains(err.Error(), "group or others") {
			t.Errorf("mode %04o: %v, want refused", mode, err)
		}
		if r := ReadSeal(key, s.head); r.key != nil {
			t.Errorf("mode %04o: ReadSeal kept the key", mode)
		}
	}
	os.Chmod(key, 0o600)
	dir := t.TempDir()
	if _, err := OpenSeal(dir, s.head); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory as key: %v", err)
	}
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not hex at all\n"), 0o600)
	if _, err := OpenSeal(bad, s.head); err == nil || strings.Contains(err.Error(), "not hex") {
		t.Errorf("a garbled key: %v (and its content must not be quoted)", err)
	}
	j, err := Open(filepath.Join(dir, "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	j.SetSeal(s)
	mustAppend(t, j, intent("k1", "op"))
	raw, _ := os.ReadFile(j.Path())
	head, _ := os.ReadFile(s.head)
	for _, b := range [][]byte{raw, head} {
		if strings.Contains(string(b), hex.EncodeToString(s.key)) {
			t.Fatal("the key is written outside its file")
		}
	}
}

// TestSealedLineIsTheEncoding: a sealed line is exactly the entry encoded
// with its MAC (the last field), so the file and database hold the same
// bytes and the MAC covers the line without it.
func TestSealedLineIsTheEncoding(t *testing.T) {
	s, _ := newSeal(t)
	e := intent("x1", "op")
	e.Reason = `<&> "q" é`
	b, mac, err := encodeLine(e, s)
	if err != nil {
		t.Fatal(err)
	}
	e.MAC = mac
	want, _ := encodeEntry(e)
	if string(b) != string(want) || !s.check(b) {
		t.Fatalf("sealed line\n%s\nis not the encoding\n%s", b, want)
	}
	var back Entry
	if err := json.Unmarshal(b, &back); err != nil || back.MAC != mac {
		t.Fatalf("decoded mac %q %v", back.MAC, err)
	}
}

// sealedFile writes 3 lines without a key, then 5 with one: lines 1–3
// plain, 4–8 sealed, the head anchored at 8.
func sealedFile(t *testing.T) (path string, s *Seal) {
	t.Helper()
	s, _ = newSeal(t)
	path = filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := 1; i <= 3; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("p%d", i), "op"))
	}
	j.SetSeal(s)
	for i := 4; i <= 8; i++ {
		mustAppend(t, j, intent(fmt.Sprintf("s%d", i), "op"))
	}
	return path, s
}

func verifyFile(t *testing.T, path string, s *Seal) Report {
	t.Helper()
	j, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	j.SetSeal(s)
	r, err := j.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rechain makes every line's prev the hash of the line before (touching
// nothing else of it), as someone who can edit the file but holds no key.
func rechain(t *testing.T, lines []string) []string {
	t.Helper()
	out := make([]string, len(lines))
	for i, l := range lines {
		prev := ""
		if i > 0 {
			sum := sha256.Sum256([]byte(out[i-1]))
			prev = hex.EncodeToString(sum[:])
		}
		out[i] = prevField.ReplaceAllString(l, `"prev":"`+prev+`"`)
	}
	return out
}

var prevField = regexp.MustCompile(`"prev":"[0-9a-f]*"`)

// TestSealedFileVerifyNamesTheLine: edits, insertions, removals and a
// removed tail of a sealed file journal are each named at their line, even
// with the chain recomputed after them; lines written before the key are
// reported as checked by the chain alone.
func TestSealedFileVerifyNamesTheLine(t *testing.T) {
	path, s := sealedFile(t)
	r := verifyFile(t, path, s)
	if !r.OK || r.Entries != 8 || r.Plain != 3 || r.Sealed != 5 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Msg, "before the journal key existed") {
		t.Fatalf("clean sealed journal: %+v", r)
	}
	raw, _ := os.ReadFile(path)
	orig := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	edit := func(i int, l []string) []string {
		l[i] = strings.Replace(l[i], `"operator":"op"`, `"operator":"mallory"`, 1)
		return l
	}
	cases := []struct {
		name string
		do   func(l []string) []string
		line int
		msg  string
	}{
		{"edit middle sealed line", func(l []string) []string { return edit(5, l) }, 6, "altered"},
		{"edit last line", func(l []string) []string { return edit(7, l) }, 8, "MAC is not the journal key's"},
		{"edit last line, chain recomputed", func(l []string) []string { return rechain(t, edit(7, l)) }, 8, "MAC"},
		{"edit middle line, chain recomputed", func(l []string) []string { return rechain(t, edit(4, l)) }, 5, "MAC"},
		{"edit plain line, chain recomputed up to the key", func(l []string) []string {
			fixed := rechain(t, edit(1, l)[:3])
			return append(fixed, l[3:]...)
		}, 3, "hash chain broken"},
		{"insert a line, chain recomputed", func(l []string) []string {
			forged := strings.Replace(l[5], `"s6"`, `"forged"`, 1)
			return rechain(t, append(l[:6], append([]string{forged}, l[6:]...)...))
		}, 7, "MAC"},
		{"remove a middle line", func(l []string) []string { return append(l[:5], l[6:]...) }, 5, "hash chain broken"},
		{"remove the last line", func(l []string) []string { return l[:7] }, 8, "removed tail"},
		{"remove the last three lines", func(l []string) []string { return l[:5] }, 6, "lines 6 to 8 are missing"},
		{"strip every MAC and rechain", func(l []string) []string {
			for i := range l {
				if k := strings.Index(l[i], `,"mac":"`); k > 0 {
					l[i] = l[i][:k] + "}"
				}
			}
			return rechain(t, l)
		}, 8, "head anchor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "j.jsonl")
			rewrite(t, p, c.do(append([]string(nil), orig...)))
			r := verifyFile(t, p, s)
			if r.OK || len(r.Problems) == 0 || r.Problems[0].Line != c.line || !strings.Contains(reportText(r), c.msg) {
				t.Fatalf("first problem should be line %d (%q): %+v", c.line, c.msg, r)
			}
		})
	}
	t.Run("tail cut mid-line", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "j.jsonl")
		os.WriteFile(p, raw[:len(raw)-20], 0o600)
		r := verifyFile(t, p, s)
		if r.OK || len(r.Problems) != 1 || r.Problems[0].Line != 8 || len(r.Warnings) == 0 {
			t.Fatalf("a cut last line is a warning, the anchored line 8 a problem: %+v", r)
		}
	})
	t.Run("no anchor", func(t *testing.T) {
		noHead := &Seal{keyPath: s.keyPath, key: s.key, head: filepath.Join(t.TempDir(), "none.json")}
		r := verifyFile(t, path, noHead)
		if !r.OK || !strings.Contains(reportText(r), "no head anchor at "+noHead.head) {
			t.Fatalf("missing anchor: %+v", r)
		}
	})
	t.Run("no key", func(t *testing.T) {
		r := verifyFile(t, path, ReadSeal(filepath.Join(t.TempDir(), "missing.key"), s.head))
		if r.OK || r.Problems[0].Line != 4 || !strings.Contains(r.Problems[0].Msg, "cannot be checked") || !strings.Contains(r.Problems[0].Msg, "missing.key") {
			t.Fatalf("missing key: %+v", r)
		}
	})
	t.Run("another key", func(t *testing.T) {
		other, _ := newSeal(t)
		other.head = s.head
		r := verifyFile(t, path, other)
		if r.OK || r.Problems[0].Line != 4 {
			t.Fatalf("another key: %+v", r)
		}
	})
}

// reportText is the report's problems and warnings as one text.
func reportText(r Report) string {
	var b strings.Builder
	for _, p := range append(append([]Problem(nil), r.Problems...), r.Warnings...) {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// FuzzSealedTamper: a sealed journal of three lines holding any operator
// and reason verifies; any single byte changed, anywhere, is a problem
// (the anchored head covers a change that only tears the last line).
func FuzzSealedTamper(f *testing.F) {
	f.Add("alice", "ok", uint16(0), byte('x'))
	f.Add("bob", `<&> "q" é`, uint16(300), byte('\n'))
	f.Add("", "\x00\xff", uint16(65535), byte('}'))
	dir := f.TempDir()
	s, err := OpenSeal(filepath.Join(dir, "k"), HeadPath(dir, "fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, operator, reason string, at uint16, b byte) {
		path := filepath.Join(t.TempDir(), "j.jsonl")
		j, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		j.SetSeal(s)
		for i := 0; i < 3; i++ {
			e := intent(fmt.Sprintf("f%d", i), operator)
			e.Reason = reason
			if _, err := j.Append(context.Background(), e); err != nil {
				t.Fatal(err)
			}
		}
		j.Close()
		raw, _ := os.ReadFile(path)
		if r := verifyFile(t, path, s); !r.OK || r.Sealed != 3 {
			t.Fatalf("clean: %+v", r)
		}
		i := int(at) % len(raw)
		if raw[i] == b {
			return
		}
		raw[i] = b
		os.WriteFile(path, raw, 0o600)
		if r := verifyFile(t, path, s); r.OK {
			t.Fatalf("byte %d changed to %q and the journal still verifies: %+v", i, b, r)
		}
	})
}

// TestSealKeyCreatedOnce: processes starting at once with no key all end
// up with the same whole key.
func TestSealKeyCreatedOnce(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "state", "journal.key")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenSeal(key, HeadPath(dir, "x"))
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = s.key
		}()
	}
	wg.Wait()
	for i := range keys {
		if len(keys[i]) != keyBytes || string(keys[i]) != string(keys[0]) {
			t.Fatalf("process %d got another key", i)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "state", "*.new*")); len(left) != 0 {
		t.Fatalf("temporary key files left: %v", left)
	}
}

// TestSealKeyFileOwnerAndDirectory: like OpenSSH's StrictModes, a key file
// someone else owns (they chose the key: they could forge every line), or
// one in a directory others may write (they could swap it for theirs), or
// a symlink to either, is refused, by the writer and by --verify alike.
func TestSealKeyFileOwnerAndDirectory(t *testing.T) {
	s, key := newSeal(t)
	if os.Geteuid() == 0 {
		other := filepath.Join(t.TempDir(), "other.key")
		os.WriteFile(other, []byte(hex.EncodeToString(s.key)+"\n"), 0o600)
		os.Chown(other, 4242, 4242)
		link := filepath.Join(filepath.Dir(key), "link.key")
		os.Symlink(other, link)
		for _, p := range []string{other, link} {
			if _, err := OpenSeal(p, s.head); err == nil || !strings.Contains(err.Error(), "owned by uid 4242") {
				t.Errorf("%s owned by another user: %v, want refused", p, err)
			}
			if r := ReadSeal(p, s.head); r.key != nil {
				t.Errorf("%s owned by another user: ReadSeal kept the key", p)
			}
		}
	}
	open := t.TempDir()
	os.Chmod(open, 0o777)
	inOpen := filepath.Join(open, "journal.key")
	os.WriteFile(inOpen, []byte(hex.EncodeToString(s.key)+"\n"), 0o600)
	link := filepath.Join(filepath.Dir(key), "open.key")
	os.Symlink(inOpen, link)
	for _, p := range []string{inOpen, link} {
		if _, err := OpenSeal(p, s.head); err == nil || !strings.Contains(err.Error(), "writable by others") {
			t.Errorf("%s in a directory others may write: %v, want refused", p, err)
		}
	}
	// A fresh key is never created in such a directory either.
	if _, err := OpenSeal(filepath.Join(open, "new.key"), s.head); err == nil {
		t.Error("a new key created in a directory others may write")
	}
	if _, err := OpenSeal(key, s.head); err != nil {
		t.Errorf("the key in its own 0700 directory: %v", err)
	}
}

// TestSealedCheckpointIsNotBelieved: the index checkpoint (PATH.idx) holds
// the open attempts that --pending, reconciliation and the duplicate guard
// read. With a key, one the key did not seal (written by whoever can write
// the journal's directory, dropping an open attempt) is ignored and the
// index rebuilt from the lines, which the MACs cover.
func TestSealedCheckpointIsNotBelieved(t *testing.T) {
	s, _ := newSeal(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	j.SetSeal(s)
	mustAppend(t, j, intent("open-1", "op"))
	mustAppend(t, j, intent("done-1", "op"))
	mustAppend(t, j, outcome("done-1", StatusOK, "T1"))
	j.saveCheckpoint()
	j.Close()
	reopen := func() []string {
		k, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		k.SetSeal(s)
		p, err := k.Pending(bg)
		if err != nil {
			t.Fatal(err)
		}
		return aids(p)
	}
	if got := fmt.Sprint(reopen()); got != "[open-1]" {
		t.Fatalf("sealed checkpoint: pending %s", got)
	}
	raw, err := os.ReadFile(path + ".idx")
	if err != nil {
		t.Fatal(err)
	}
	body, oldMAC, _ := strings.Cut(string(raw), "\n")
	var c checkpoint
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	c.Open = nil // the open attempt vanishes from the cache
	forged, _ := json.Marshal(c)
	for name, b := range map[string][]byte{"no MAC": forged, "the old MAC": append(append(forged, '\n'), oldMAC...)} {
		os.WriteFile(path+".idx", b, 0o600)
		if got := fmt.Sprint(reopen()); got != "[open-1]" {
			t.Errorf("forged checkpoint (%s): pending %s, want [open-1]", name, got)
		}
	}
}
