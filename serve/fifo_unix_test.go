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

// TestFilesThatAreFIFOsRefusedNotWaited: a FIFO where the operators file,
// the revoked_keys file or the host key should be is refused at once with
// "not a regular file". Before, opening it waited for a writer forever:
// the server's start hung with nothing said, and a reload (the watcher
// goroutine) stopped reloading anything, revocations included.
func TestFilesThatAreFIFOsRefusedNotWaited(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Chmod(dir, 0o700))
	load := map[string]func(string) error{
		"operators":    func(p string) error { _, err := LoadOperators(p); return err },
		"revoked_keys": func(p string) error { _, err := LoadRevoked(p); return err },
		"host key":     func(p string) error { _, _, err := HostKey(p); return err },
	}
	for name, f := range load {
		t.Run(name, func(t *testing.T) {
			fifo := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip("no FIFO here:", err)
			}
			done := make(chan error, 1)
			go func() { done <- f(fifo) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				// Let the blocked open go: a writer that closes at once.
				if w, werr := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); werr == nil {
					w.Close()
				}
				<-done
				t.Fatalf("%s: a FIFO was opened and waited on for a writer", name)
			}
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: a FIFO gave %v, want \"not a regular file\"", name, err)
			}
		})
	}
}
