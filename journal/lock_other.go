//go:build !unix

package journal

import (
	"context"
	"os"
)

// lockFile: without flock, only the Journal's own mutex serialises appends,
// which covers one console process but not several on the same file.
func lockFile(ctx context.Context, f *os.File, exclusive bool) error { return ctx.Err() }

func unlockFile(f *os.File) {}
