package serve

import (
	"context"
	"testing"
	"time"
)

// TestShutdownRightAfterServe: a server stopped before (or just as) Serve
// registered its listener must still stop. Serve used to wait forever when
// Shutdown came first, since the SSH server had no listener to close yet.
func TestShutdownRightAfterServe(t *testing.T) {
	for i := 0; i < 20; i++ {
		ts := startServer(t, time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = ts.srv.Shutdown(ctx)
		cancel()
		select {
		case err := <-ts.served:
			ts.served <- err // for the cleanup, which waits for it too
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d: Serve still running 5 s after Shutdown", i)
		}
	}
}
