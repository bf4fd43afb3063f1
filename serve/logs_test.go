package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// logLine is one decoded record of serve.log or access.log.
type logLine map[string]any

func (l logLine) str(k string) string { s, _ := l[k].(string); return s }

// readLog decodes every line of a log file of the test server; a line
// that is not one JSON object fails the test.
func readLog(t testing.TB, ts *testServer, name string) []logLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ts.dir, "state", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []logLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l logLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&l); err != nil || dec.More() {
			t.Fatalf("%s: line %q is not one JSON object: %v", name, sc.Text(), err)
		}
		if _, err := time.Parse(time.RFC3339Nano, l.str("time")); err != nil || l.str("level") == "" || l.str("msg") == "" {
			t.Fatalf("%s: line %q lacks time, level or msg", name, sc.Text())
		}
		out = append(out, l)
	}
	return out
}

// findLog returns the records with msg whose attributes include want.
func findLog(lines []logLine, msg string, want map[string]string) []logLine {
	var out []logLine
next:
	for _, l := range lines {
		if l.str("msg") != msg {
			continue
		}
		for k, v := range want {
			if l.str(k) != v {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

// waitLog waits (bounded) until the log has a record with msg and want.
func waitLog(t testing.TB, ts *testServer, name, msg string, want map[string]string) logLine {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got := findLog(readLog(t, ts, name), msg, want); len(got) > 0 {
			return got[0]
		}
	}
	t.Fatalf("%s has no %q record with %v:\n%v", name, msg, want, readLog(t, ts, name))
	return nil
}
