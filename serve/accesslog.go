package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"simdesk/engine"
)

// AccessLog is the append-only record of who looked at or topped up which
// line, from where: one JSON object per line, opened O_APPEND, 0600.
type AccessLog struct {
	mu  sync.Mutex
	w   io.WriteCloser
	err error // the first write error, reported by Close
}

// OpenAccessLog opens (creating it) the access log at path.
func OpenAccessLog(path string) (*AccessLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return &AccessLog{w: f}, nil
}

// Record appends one line; it is an engine.AccessLogger.
func (l *AccessLog) Record(a engine.Access) {
	b, err := json.Marshal(a)
	if err != nil {
		return
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(b); err != nil && l.err == nil {
		l.err = err
	}
}

// Close closes the file and reports the first failed write, if any.
func (l *AccessLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.w.Close(); err != nil && l.err == nil {
		l.err = err
	}
	return l.err
}
