//go:build !unix

// Package proccpu reads the CPU time the process has used, for benchmarks
// that report a cost per operation on a shared machine (where the wall time
// measures the load more than the code).
package proccpu

import "time"

// Used is 0 where getrusage does not exist: the benchmarks report no CPU.
func Used() time.Duration { return 0 }
