package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	charmlog "charm.land/log/v2"
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

func TestLogsAreJSONLinesWithSessionAndRequest(t *testing.T) {
	ts := startServer(t, time.Hour)
	if out, _, code := run(t, ts.mustDial(ts.keys.alice), "topup"); code != 0 {
		t.Fatalf("topup: %q exit %d", out, code)
	}
	start := waitLog(t, ts, "serve.log", "session start", map[string]string{"operator": "alice", "command": "topup"})
	sid, rid := start.str("session"), start.str("request")
	if len(sid) != 16 || len(rid) != 16 || sid == rid || start.str("level") != "INFO" {
		t.Fatalf("session start %v: want 16-hex session and request ids", start)
	}
	acc := findLog(readLog(t, ts, "access.log"), "topup", map[string]string{"session": sid})
	if len(acc) != 2 || acc[1].str("result") != "ok" || acc[1].str("request") != rid {
		t.Fatalf("access log: %d topup records of session %s, want its request and its outcome: %v", len(acc), sid, readLog(t, ts, "access.log"))
	}
	if cmds := findLog(readLog(t, ts, "access.log"), "command", map[string]string{"session": sid, "request": rid}); len(cmds) != 2 {
		t.Errorf("access log: %d command records of session %s request %s, want accepted and its exit: %v", len(cmds), sid, rid, cmds)
	}
	want := map[string]string{"operator": "alice", "role": "agent", "request": rid, "addr": start.str("addr"), "action": "topup",
		"provider": "fk", "target": "0611111111", "offer": "OF1", "result": "requested", "level": "INFO"}
	for k, v := range want {
		if acc[0].str(k) != v {
			t.Errorf("access record %s = %q, want %q (%v)", k, acc[0].str(k), v, acc[0])
		}
	}
	waitLog(t, ts, "serve.log", "session end", map[string]string{"session": sid, "request": rid, "operator": "alice"})
	// Another session gets other ids.
	run(t, ts.mustDial(ts.keys.alice), "stock")
	if n := len(findLog(readLog(t, ts, "serve.log"), "session start", map[string]string{"session": sid})); n != 1 {
		t.Errorf("session id %s used by %d sessions", sid, n)
	}
}

func TestAHostileUserNameStaysInItsRecord(t *testing.T) {
	for _, format := range []string{LogJSON, LogText} {
		t.Run(format, func(t *testing.T) {
			ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.LogFormat = format })
			user := "eve\n{\"time\":\"2026-01-01T00:00:00Z\",\"level\":\"INFO\",\"msg\":\"forged\"}\r\x1b[2Jlevel=INFO msg=forged " + strings.Repeat("x", 5000)
			if _, err := ts.dial(ts.keys.eve, user); err == nil {
				t.Fatal("eve logged in")
			}
			data, _ := os.ReadFile(filepath.Join(ts.dir, "state", "serve.log"))
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(lines) != 2 { // serving, refused
				t.Fatalf("%d lines, want 2 (serving, refused):\n%s", len(lines), data)
			}
			if strings.ContainsAny(string(data), "\r\x1b") || len(lines[1]) > 1000 {
				t.Errorf("the user name reached the log raw or unbounded: %q", lines[1])
			}
			if format == LogText {
				if !strings.HasPrefix(lines[1], "time=") || !strings.Contains(lines[1], "level=WARN msg=refused reason=unknown_key") {
					t.Errorf("text line %q", lines[1])
				}
				return
			}
			refused := findLog(readLog(t, ts, "serve.log"), "refused", map[string]string{"reason": ReasonUnknownKey, "key": fp(ts.keys.eve)})
			if len(refused) != 1 || !strings.HasPrefix(refused[0].str("user"), "eve {") || refused[0].str("level") != "WARN" {
				t.Errorf("refused %v", refused)
			}
		})
	}
}

func TestTextLogFormat(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.LogFormat = "TEXT" })
	run(t, ts.mustDial(ts.keys.alice), "topup")
	for name, want := range map[string]string{"serve.log": `msg="session start" operator=alice role=agent session=`, "access.log": `msg=topup operator=alice role=agent session=`} {
		var data []byte
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(string(data), want); time.Sleep(10 * time.Millisecond) {
			data, _ = os.ReadFile(filepath.Join(ts.dir, "state", name))
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %s:\n%s", name, want, data)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if !strings.HasPrefix(l, "time=") || strings.HasPrefix(l, "{") {
				t.Errorf("%s: %q is not a text record", name, l)
			}
		}
	}
	if _, err := ParseLogFormat("yaml"); err == nil || !strings.Contains(err.Error(), "json or text") {
		t.Errorf("yaml: %v", err)
	}
}

// What wish logs through charm's default logger becomes a record of
// serve.log, not a line of another format.
func TestLibraryLogIsARecord(t *testing.T) {
	ts := startServer(t, time.Hour)
	charmlog.Error("app exit with error", "error", "boom\nsecond line")
	rec := waitLog(t, ts, "serve.log", "ssh library", nil)
	if !strings.HasPrefix(rec.str("detail"), "app exit with error") || !strings.Contains(rec.str("detail"), "second line") || rec.str("level") != "ERROR" {
		t.Errorf("record %v", rec)
	}
}
