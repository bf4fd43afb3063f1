//go:build unix

package serve

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStateDirectoryAndLogsFailClosed: serve.log and access.log are opened
// in the state directory, so a state directory others may write lets any
// local user plant them as a symlink (the server then appends its log to
// a file of their choosing) or a FIFO; it is refused at start. A FIFO
// planted in a sound directory is refused at once, not waited on. Before,
// a 0777 state directory was used as it was, and a FIFO as serve.log hung
// the start with nothing said.
func TestStateDirectoryAndLogsFailClosed(t *testing.T) {
	ts := startServer(t, time.Hour)
	cases := []struct {
		name, want string
		set        func(t *testing.T, dir string)
	}{
		{"0777 directory", "writable by others", func(t *testing.T, dir string) {
			must(t, os.MkdirAll(dir, 0o700))
			must(t, os.Chmod(dir, 0o777))
		}},
		{"serve.log a FIFO", "not a regular file", func(t *testing.T, dir string) {
			must(t, os.MkdirAll(dir, 0o700))
			if err := syscall.Mkfifo(filepath.Join(dir, "serve.log"), 0o600); err != nil {
				t.Skip(err)
			}
		}},
		{"access.log a FIFO", "not a regular file", func(t *testing.T, dir string) {
			must(t, os.MkdirAll(dir, 0o700))
			if err := syscall.Mkfifo(filepath.Join(dir, "access.log"), 0o600); err != nil {
				t.Skip(err)
			}
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(ts.dir, "states", string(rune('a'+i)))
			c.set(t, dir)
			done := make(chan error, 1)
			go func() {
				srv, err := New(Options{Engine: ts.eng, Hub: ts.hub, HostKey: filepath.Join(ts.dir, "hostkey", "key"),
					Operators: ts.opsPath, StateDir: dir})
				if err == nil {
					srv.closeLogs()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				for _, n := range []string{"serve.log", "access.log"} { // let a blocked open go
					if r, rerr := os.OpenFile(filepath.Join(dir, n), os.O_RDONLY|syscall.O_NONBLOCK, 0); rerr == nil {
						defer r.Close()
					}
				}
				<-done
				t.Fatal("start waited on a FIFO for a reader")
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New = %v, want a refusal saying %q", err, c.want)
			}
		})
	}
}
