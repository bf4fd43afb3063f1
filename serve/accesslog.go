package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"simdesk/engine"
)

// AccessLog is the append-only record of who looked at or topped up which
// line, from where: one record per line (JSON by default, see LogJSON),
// opened O_APPEND, 0600.
type AccessLog struct {
	h   slog.Handler
	w   io.Closer
	mu  sync.Mutex
	err error // the first write error, reported by Close
}

// OpenAccessLog opens (creating it) the access log at path, in format
// (LogJSON or LogText).
func OpenAccessLog(path, format string) (*AccessLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	f, err := openLogFile(path)
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return &AccessLog{h: newLogHandler(f, format), w: f}, nil
}

// Record appends one lookup or top-up; it is an engine.AccessLogger. The
// time is the engine's (its clock), the message the action. A console's
// action has no request id from the server: each gets its own.
func (l *AccessLog) Record(a engine.Access) {
	req := a.Request
	if req == "" {
		req = newID()
	}
	attrs := []slog.Attr{slog.String("operator", a.Operator)}
	attrs = appendNonEmpty(attrs, "role", a.Role)
	attrs = appendNonEmpty(attrs, "session", a.Session)
	attrs = append(attrs, slog.String("request", req))
	attrs = appendNonEmpty(attrs, "addr", a.Addr)
	attrs = append(attrs, slog.String("action", a.Action))
	attrs = appendNonEmpty(attrs, "provider", a.Provider)
	attrs = appendNonEmpty(attrs, "target", a.Target)
	attrs = appendNonEmpty(attrs, "offer", a.Offer)
	attrs = append(attrs, slog.String("result", a.Result))
	attrs = appendNonEmpty(attrs, "reason", a.Reason)
	if len(a.Command) > 0 {
		attrs = append(attrs, slog.Any("command", a.Command))
	}
	l.Log(a.TS, slog.LevelInfo, a.Action, attrs...)
}

// Log appends one record with the given attributes: the way for the server
// to record what is not an engine action (a command over SSH, a refusal).
// A zero t is now.
func (l *AccessLog) Log(t time.Time, level slog.Level, msg string, attrs ...slog.Attr) {
	if t.IsZero() {
		t = time.Now()
	}
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	err := l.h.Handle(context.Background(), r)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && l.err == nil {
		l.err = err
	}
}

func appendNonEmpty(attrs []slog.Attr, k, v string) []slog.Attr {
	if v == "" {
		return attrs
	}
	return append(attrs, slog.String(k, v))
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
