//go:build unix

package journal

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSealFilesThatAreNotFiles: a FIFO where the key or the head anchor
// should be is refused at once; opening it would wait for a writer forever
// (the server's start, or --verify, hung).
func TestSealFilesThatAreNotFiles(t *testing.T) {
	s, _ := newSeal(t)
	dir := filepath.Dir(s.head)
	fifo := filepath.Join(dir, "fifo.key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	if _, err := OpenSeal(fifo, s.head); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FIFO key: %v", err)
	}
	if r := ReadSeal(fifo, s.head); r.key != nil || r.keyErr == nil {
		t.Errorf("FIFO key read: %v", r.keyErr)
	}
	head := filepath.Join(dir, "fifo-head.json")
	if err := syscall.Mkfifo(head, 0o600); err != nil {
		t.Fatal(err)
	}
	r := &Seal{keyPath: s.keyPath, key: s.key, head: head}
	if _, _, err := r.readHead(); err == nil {
		t.Error("FIFO head anchor accepted")
	}
	big := filepath.Join(dir, "big-head.json")
	if err := os.WriteFile(big, []byte(`{"v":1,"line":1,"mac":"`+strings.Repeat("0", 1<<20)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r.head = big
	if _, _, err := r.readHead(); err == nil {
		t.Error("a 1 MiB head anchor accepted")
	}
}
