package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/providers"
)

// lockedBuffer is a bytes.Buffer safe for the progress goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressLineOnATerminalOnly(t *testing.T) {
	var errb lockedBuffer
	env := Env{Stderr: &errb, StderrIsTerminal: func() bool { return true }}
	ctx, stop := startProgress(context.Background(), env, "looking up MSISDN 33612345678")
	providers.ReportProgress(ctx, providers.Progress{Step: "transactions read", Done: 150, Total: 2000, Pages: 3})
	time.Sleep(slowAfter + 2*progressEvery)
	stop()
	stop() // twice is harmless
	got := errb.String()
	if !strings.Contains(got, "simdesk: looking up MSISDN 33612345678 … · transactions read 150 of 2 000 · page 3 · ") {
		t.Fatalf("progress line %q", got)
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Fatalf("the line is not erased at the end: %q", got)
	}
	// A quick step says nothing.
	errb = lockedBuffer{}
	_, stop = startProgress(context.Background(), env, "quick")
	stop()
	if errb.String() != "" {
		t.Fatalf("a quick step wrote %q", errb.String())
	}
	// Not a terminal: nothing at all, however long it takes.
	env.StderrIsTerminal = func() bool { return false }
	ctx, stop = startProgress(context.Background(), env, "slow")
	providers.ReportProgress(ctx, providers.Progress{Step: "x", Done: 1})
	time.Sleep(slowAfter + progressEvery)
	stop()
	if errb.String() != "" {
		t.Fatalf("wrote to a non-terminal: %q", errb.String())
	}
}
