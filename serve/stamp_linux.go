//go:build linux

package serve

import (
	"fmt"
	"io/fs"
	"syscall"
)

// fileID is what, beyond size and mtime, says a file was replaced
// (device, inode) or had its mode or owner changed (ctime); never its
// access time, which reading the file changes (relatime), and which made
// every reload trigger one more.
func fileID(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d %d %d.%d", st.Dev, st.Ino, st.Ctim.Sec, st.Ctim.Nsec)
}
