//go:build unix

package journal

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenReadOnlyRefusesAFIFO: `journal --verify` and `simdesk doctor` on
// a journal path that is a FIFO say "not a regular file" at once. Before,
// OpenReadOnly's open waited for a writer forever (and doctor ignored
// SIGTERM, stuck in the open).
func TestOpenReadOnlyRefusesAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	done := make(chan error, 1)
	go func() {
		j, err := OpenReadOnly(fifo)
		if err == nil {
			j.Close()
		}
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		if w, werr := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); werr == nil {
			w.Close() // let the blocked open go
		}
		<-done
		t.Fatal("OpenReadOnly waited on a FIFO for a writer")
	}
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("OpenReadOnly(FIFO) = %v, want \"not a regular file\"", err)
	}
}
