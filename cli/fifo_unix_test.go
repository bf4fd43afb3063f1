//go:build unix

package cli

import "syscall"

// mkfifo makes a named pipe at path (a hostile "file" for the checks).
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
