package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"

	charmlog "charm.land/log/v2"

	"simdesk/model"
)

// Log formats of serve.log and access.log. JSON lines are the default: the
// files are read by a log collector more often than by a person, and a
// JSON line cannot be broken by what a client sends (a user name, a
// command) since every value is escaped.
const (
	LogJSON = "json"
	LogText = "text" // slog's key=value lines, for a person tailing the file
)

// ParseLogFormat accepts json or text ("" is json).
func ParseLogFormat(s string) (string, error) {
	switch strings.ToLower(s) {
	case "", LogJSON:
		return LogJSON, nil
	case LogText:
		return LogText, nil
	}
	return "", fmt.Errorf("log format %q: must be json or text", clip(s))
}

// newLogHandler writes records to w in format, with times in UTC.
func newLogHandler(w io.Writer, format string) slog.Handler {
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 && a.Value.Kind() == slog.KindTime {
			return slog.Time(slog.TimeKey, a.Value.Time().UTC())
		}
		return a
	}}
	if format == LogText {
		return slog.NewTextHandler(w, opts)
	}
	return slog.NewJSONHandler(w, opts)
}

// newID is a random id for a session or a request: 16 hex digits, unique
// enough to find one session's lines among a year of logs.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// routeLibraryLog sends what wish's middleware logs through charm's
// default logger to serve.log: never to a session or the terminal the
// server was started from.
func routeLibraryLog(l *slog.Logger) {
	charmlog.SetOutput(libraryLog{l})
	charmlog.SetReportTimestamp(false)
}

// libraryLog takes what the SSH libraries log through charm's default
// logger (wish's middleware) and writes it as records of serve.log, so the
// file stays one format a collector can read.
type libraryLog struct{ log *slog.Logger }

func (l libraryLog) Write(p []byte) (int, error) {
	line := model.OneLine(string(p), 500)
	level := slog.LevelWarn
	word, rest, _ := strings.Cut(line, " ")
	switch word { // charm's text format starts with the level
	case "ERROR", "FATAL":
		level, line = slog.LevelError, rest
	case "WARN":
		line = rest
	case "INFO":
		level, line = slog.LevelInfo, rest
	case "DEBUG":
		level, line = slog.LevelDebug, rest
	}
	l.log.Log(context.Background(), level, "ssh library", slog.String("detail", line))
	return len(p), nil
}
