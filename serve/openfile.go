package serve

import (
	"errors"
	"fmt"
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

// openLogFile opens (creating it, 0600) a log for appending: a regular
// file, or an error at once. O_NONBLOCK: opening a FIFO for writing would
// wait for a reader forever (with none, it fails at once instead).
func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NONBLOCK, 0o600)
	if errors.Is(err, syscall.ENXIO) { // a FIFO without a reader
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return f, nil
}
