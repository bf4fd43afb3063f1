//go:build !linux

package serve

import (
	"fmt"
	"io/fs"
)

// fileID is the platform's file information (which may include the access
// time: a reload can then be followed by a second, harmless one).
func fileID(fi fs.FileInfo) string { return fmt.Sprintf("%v", fi.Sys()) }
