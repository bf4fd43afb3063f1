//go:build !unix

package cli

import "errors"

// mkfifo: no named pipes here; the tests that plant one are skipped.
func mkfifo(string) error { return errors.New("no named pipes on this system") }
