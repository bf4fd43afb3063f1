package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// opsCase is one state of an operators file: set puts it there (in the
// test server's directory, with its operators file at ts.opsPath), want is
// what the refusal says ("" for a file that is accepted).
type opsCase struct {
	name string
	set  func(t *testing.T, ts *testServer)
	want string
	root bool // needs root (chown to another uid)
}

func opsCases() []opsCase {
	chmod := func(mode os.FileMode) func(*testing.T, *testServer) {
		return func(t *testing.T, ts *testServer) { must(t, os.Chmod(ts.opsPath, mode)) }
	}
	return []opsCase{
		{"0600", chmod(0o600), "", false},
		{"0640", chmod(0o640), "", false},
		{"0666", chmod(0o666), "mode 0666 lets group and others write it", false},
		{"0620", chmod(0o620), "mode 0620 lets its group write it", false},
		{"0602", chmod(0o602), "mode 0602 lets others write it", false},
		{"symlink to a 0666 file", func(t *testing.T, ts *testServer) {
			target := filepath.Join(ts.dir, "real", "operators")
			must(t, os.MkdirAll(filepath.Dir(target), 0o700))
			must(t, os.WriteFile(target, []byte(ts.keys.operatorsText()), 0o600))
			must(t, os.Chmod(target, 0o666))
			must(t, os.Remove(ts.opsPath))
			must(t, os.Symlink(target, ts.opsPath))
		}, "lets group and others write its target REAL", false},
		{"directory 0777", func(t *testing.T, ts *testServer) {
			must(t, os.Chmod(filepath.Dir(ts.opsPath), 0o777))
		}, "is writable by others (mode 0777)", false},
		{"removed", func(t *testing.T, ts *testServer) { must(t, os.Remove(ts.opsPath)) }, "no such file", false},
		{"owned by another uid", func(t *testing.T, ts *testServer) {
			must(t, os.Chown(ts.opsPath, 4242, -1))
		}, "owned by uid 4242, neither this server's user", true},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// restore puts the test server's operators file back: a 0600 file of the
// test's user in a 0700 directory.
func restore(t *testing.T, ts *testServer) {
	t.Helper()
	must(t, os.Chmod(filepath.Dir(ts.opsPath), 0o700))
	_ = os.Remove(ts.opsPath)
	must(t, os.WriteFile(ts.opsPath, []byte(ts.keys.operatorsText()), 0o600))
}

func wantProblem(c opsCase, ts *testServer) string {
	return strings.ReplaceAll(c.want, "REAL", filepath.Join(ts.dir, "real", "operators"))
}

// TestOperatorsFileRefusedAtStart: a server does not start on an operators
// file others may write (0666, 0620, 0602, through a symlink), in a
// directory others may write, owned by another user, or missing; 0600 and
// 0640 start. Before, a 0666 file and a symlink to one were accepted.
func TestOperatorsFileRefusedAtStart(t *testing.T) {
	ts := startServer(t, time.Hour)
	for _, c := range opsCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.root && os.Geteuid() != 0 {
				t.Skip("chown to another uid needs root")
			}
			restore(t, ts)
			c.set(t, ts)
			defer restore(t, ts)
			srv, err := New(Options{Engine: ts.eng, Hub: ts.hub, HostKey: filepath.Join(ts.dir, "hostkey", "key"),
				Operators: ts.opsPath, StateDir: filepath.Join(ts.dir, "state2")})
			if err == nil {
				srv.closeLogs()
			}
			switch want := wantProblem(c, ts); {
			case want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case want != "" && err == nil:
				t.Fatalf("started; want a refusal saying %q", want)
			case want != "" && (!strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ts.opsPath)):
				t.Errorf("refused with %q, want it to name %s and say %q", err, ts.opsPath, want)
			}
		})
	}
}

// TestOperatorsFileRefusedOnReloadRevokesEveryone: a running server whose
// operators file turns unsafe (or disappears) ends every console, lets
// nobody in, and says why in one log line; the file put right lets the
// operators back in. Before, a file that disappeared kept every key valid
// and a 0666 one was simply read.
func TestOperatorsFileRefusedOnReloadRevokesEveryone(t *testing.T) {
	ts := startServer(t, time.Hour)
	cn := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	if !cn.waitFor("alice", 10*time.Second) {
		t.Fatalf("no console: %q", tail(cn.text(), 200))
	}
	logins := func(want bool) bool {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			c, err := ts.dial(ts.keys.alice, "alice")
			if err == nil {
				c.Close()
			}
			if (err == nil) == want {
				return true
			}
		}
		return false
	}
	refused := 0
	for i, c := range opsCases() {
		if c.want == "" || (c.root && os.Geteuid() != 0) {
			continue
		}
		refused++
		c.set(t, ts)
		if !logins(false) {
			t.Fatalf("%s: alice still logs in", c.name)
		}
		if i == 2 && !cn.ended(5*time.Second) {
			t.Fatalf("%s: the console outlived the refused file", c.name)
		}
		line := `"msg":"operators file refused on reload: everyone is locked out until it is fixed","reason":"operators_file","error":"operators file ` + ts.opsPath + ": "
		if c.name == "removed" {
			line = `"msg":"operators file is gone: every console ends and nobody can log in until it is back","reason":"operators_file","error":"operators file ` + ts.opsPath + ": no such file"
		}
		// The server applies the refusal, then logs it: the log line may
		// trail the refused login by a moment (it did under -race).
		logged := func(log string) bool {
			i := strings.LastIndex(log, line)
			return i >= 0 && (c.name == "removed" || strings.Contains(log[i:], wantProblem(c, ts)))
		}
		log := serveLogText(t, ts)
		for deadline := time.Now().Add(5 * time.Second); !logged(log) && time.Now().Before(deadline); log = serveLogText(t, ts) {
			time.Sleep(20 * time.Millisecond)
		}
		if !logged(log) {
			t.Errorf("%s: no log line %q…%q in:\n%s", c.name, line, wantProblem(c, ts), tail(log, 600))
		}
		restore(t, ts)
		if !logins(true) {
			t.Fatalf("%s put right: alice still locked out", c.name)
		}
	}
	if !strings.Contains(cn.text(), "access revoked") {
		t.Errorf("the console ended without saying why: %q", tail(cn.text(), 200))
	}
	if n := ts.srv.RefusalsByReason()[RefusedOperatorsFile]; n < uint64(refused) {
		t.Errorf("%d operators_file refusals counted, want at least %d", n, refused)
	}
}
