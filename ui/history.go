package ui

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// historyCap bounds the persisted search history.
const historyCap = 200

// history is the list of past lookups, oldest first, newest last, as stored
// on disk one per line. The model owns the slice; writes happen in a
// tea.Cmd through a historyWriter.
type history struct {
	entries []string
}

// loadHistory reads the history file; a missing file is an empty history.
// It runs once in New, before the program starts.
func loadHistory(path string) (*history, error) {
	h := &history{}
	if path == "" {
		return h, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		h.add(sc.Text())
	}
	return h, nil
}

// add records a lookup as the newest entry (moving an older copy up) and
// reports whether the history changed.
func (h *history) add(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 || strings.ContainsAny(s, "\r\n") {
		return false
	}
	if n := len(h.entries); n > 0 && h.entries[n-1] == s {
		return false
	}
	out := h.entries[:0:0]
	for _, e := range h.entries {
		if e != s {
			out = append(out, e)
		}
	}
	out = append(out, s)
	if len(out) > historyCap {
		out = out[len(out)-historyCap:]
	}
	h.entries = out
	return true
}

// newestFirst lists the entries newest first (the order suggestions use).
func (h *history) newestFirst() []string {
	out := make([]string, len(h.entries))
	for i, e := range h.entries {
		out[len(out)-1-i] = e
	}
	return out
}

// historyWriter writes snapshots of the history atomically (temp file in the
// same directory, fsync, rename). Writes are serialised and a snapshot older
// than one already written is skipped, so commands finishing out of order
// never put an older history back.
type historyWriter struct {
	path    string
	mu      sync.Mutex
	written int
}

// write stores the snapshot with sequence number seq.
func (w *historyWriter) write(seq int, entries []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if seq <= w.written {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(w.path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(w.path), ".history-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, w.path); err != nil {
		return err
	}
	w.written = seq
	return nil
}
