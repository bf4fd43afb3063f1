//go:build unix

// Package proccpu reads the CPU time the process has used, for benchmarks
// that report a cost per operation on a shared machine (where the wall time
// measures the load more than the code).
package proccpu

import (
	"syscall"
	"time"
)

// Used is the process's user and system CPU time so far; 0 when it cannot
// be read.
func Used() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
