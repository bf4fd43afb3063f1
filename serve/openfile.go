package serve

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without waiting: with O_NONBLOCK, a
// FIFO (or a terminal) where a file should be is opened at once, and the
// caller's check of the descriptor (what is checked is what would be read)
// refuses it, instead of the open waiting for a writer forever. O_NONBLOCK
// changes nothing for a regular file's reads.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
