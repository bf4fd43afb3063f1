//go:build unix

package serve

import "syscall"

// RaiseFileLimit raises the process's soft limit on open files to its hard
// limit and returns the limit now in force. Every connection, logged in or
// not, holds a descriptor: the caps (max_startups, max_sessions) keep the
// count far below this, and the higher limit keeps the journal, the logs
// and the provider connections clear of a burst. (Go raises it too when
// the os package starts, on most systems; this says so in the log, and
// holds where it did not.)
func RaiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Cur < l.Max {
		want := l
		want.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
			return l.Cur, err
		}
		l = want
	}
	return l.Cur, nil
}
