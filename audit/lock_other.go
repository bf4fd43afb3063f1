//go:build !unix

package audit

import "os"

// lockFile: without flock, only the Journal's own mutex serialises appends,
// which covers one console process but not several on the same file.
func lockFile(f *os.File, exclusive bool) error { return nil }

func unlockFile(f *os.File) {}
