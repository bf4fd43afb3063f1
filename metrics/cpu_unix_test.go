//go:build unix

package metrics_test

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU so far: on a shared machine the
// wall time of a scrape measures the load, its CPU what it costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
