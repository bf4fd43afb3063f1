//go:build unix

package serve

import (
	"syscall"
	"testing"
)

// lowerFileLimit sets the process's soft limit on open files for the test.
func lowerFileLimit(t testing.TB, n uint64) {
	t.Helper()
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Skipf("no file limit here: %v", err)
	}
	if l.Max < n {
		t.Skipf("hard file limit %d below %d", l.Max, n)
	}
	was := l
	l.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &was) })
}
