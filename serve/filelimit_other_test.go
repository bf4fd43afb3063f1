//go:build !unix

package serve

import "testing"

// lowerFileLimit: no setrlimit here, so the tests that need a low limit
// are skipped.
func lowerFileLimit(t testing.TB, n uint64) {
	t.Helper()
	t.Skip("no file limit to lower on this system")
}
