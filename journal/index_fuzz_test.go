package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzIndexMatchesWholeFile: for journals as writers make them (outcomes
// after their intents, unknown outcomes, ok without id, torn or garbled
// lines, a torn tail), the index and the backward reads answer exactly
// what reading the whole file answers, in one handle and in a fresh one
// that starts from the checkpoint.
func FuzzIndexMatchesWholeFile(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{0, 5, 10, 15, 1, 6, 11, 16, 30, 31})
	f.Add([]byte{0, 0, 4, 9, 14, 19, 24, 29, 34, 39, 44})
	f.Add([]byte("intent outcome torn garbage"))
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		n++
		path := filepath.Join(dir, fmt.Sprintf("j%d.jsonl", n%8))
		os.Remove(path)
		os.Remove(path + ".idx")
		var b strings.Builder
		prev := ""
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids []string
		put := func(e Entry) {
			e.Prev = prev
			line := mustLine(t, e)
			prev = lineHash([]byte(line))
			b.WriteString(line + "\n")
		}
		statuses := []Status{StatusOK, StatusRejected, StatusUnknown, StatusNotFound}
		for i, op := range ops {
			ts := t0.Add(time.Duration(i) * time.Second)
			switch op % 5 {
			case 0, 1: // a new intent
				id := fmt.Sprintf("%s-%02d", ts.Format("20060102T150405.000000Z"), i)
				ids = append(ids, id)
				e := intent(id, "op")
				e.TS = ts
				e.TargetID = fmt.Sprintf("3361234567%d", op%3)
				put(e)
			case 2, 3: // an outcome of an earlier attempt
				if len(ids) == 0 {
					continue
				}
				id := ids[int(op/5)%len(ids)]
				e := outcome(id, statuses[int(op/25)%4], "")
				if e.Status == StatusOK && op%2 == 0 {
					e.TransactionID = "trx-" + id
				}
				e.TS = ts
				put(e)
			case 4: // a garbled line
				b.WriteString("{not json\n")
				prev = lineHash([]byte("{not json"))
			}
		}
		data := b.String()
		if len(ops) > 0 && ops[len(ops)-1]%7 == 0 {
			data += `{"ts":"2026` // a torn tail
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		check := func(j *File, what string) {
			entries, _, err := j.Entries()
			if err != nil {
				t.Fatal(err)
			}
			wantPend := refPending(entries)
			gotPend, err := j.Pending(bg)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range gotPend {
				if a.Pending() {
					got = append(got, a.Intent.JournalID)
				}
			}
			var want []string
			for _, e := range wantPend {
				want = append(want, e.JournalID)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: Pending %v, whole file %v", what, got, want)
			}
			for _, k := range []int{1, 3, 1000} {
				r, _, err := j.Recent(bg, k)
				if err != nil {
					t.Fatal(err)
				}
				w := refRecent(entries, k)
				if fmt.Sprint(aids(r)) != fmt.Sprint(aids(w)) {
					t.Fatalf("%s: Recent(%d) %v, whole file %v", what, k, aids(r), aids(w))
				}
				for i := range w {
					if r[i].Status() != w[i].Status() {
						t.Fatalf("%s: Recent(%d)[%d] status %s, whole file %s", what, k, i, r[i].Status(), w[i].Status())
					}
				}
			}
			for _, id := range ids {
				a, ok, err := j.Get(bg, id)
				if err != nil || !ok || a.Status() != statusIn(entries, id) {
					t.Fatalf("%s: Get(%s) = %v %v %v, whole file %s", what, id, a.Status(), ok, err, statusIn(entries, id))
				}
			}
		}
		j, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		check(j, "first handle")
		if _, err := j.Append(bg, intent("after", "op")); err != nil {
			t.Fatal(err)
		}
		j.saveCheckpoint()
		check(j, "after an append")
		k, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		check(k, "fresh handle")
	})
}

func mustLine(t *testing.T, e Entry) string {
	t.Helper()
	b, err := jsonLine(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// statusIn is the status of one attempt read from the whole file.
func statusIn(entries []Entry, id string) Status {
	for _, a := range refRecent(entries, 0) {
		if a.Intent.JournalID == id {
			return a.Status()
		}
	}
	return ""
}
