package proccpu

import (
	"runtime"
	"testing"
	"time"
)

// Used grows with the work the process does (on unix; elsewhere it is 0).
func TestUsedGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no getrusage")
	}
	before := Used()
	x := 0
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
		x++
	}
	if after := Used(); after <= before || x == 0 {
		t.Errorf("CPU used %v then %v after 50 ms of work", before, after)
	}
}
