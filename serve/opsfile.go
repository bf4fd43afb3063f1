package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// maxOperatorsFile bounds what is read of an operators file: ten thousand
// keys fit in well under this.
const maxOperatorsFile = 4 << 20

// OperatorsFileError refuses an operators file for what it is rather than
// what it says (its permissions, its owner, its directory's, its absence):
// whoever can write it can make themselves supervisor, so a file others may
// write is trusted with nobody's access, like OpenSSH's StrictModes.
type OperatorsFileError struct {
	Path    string
	Problem string
	Missing bool // the file is not there (a reload then revokes everyone)
}

func (e *OperatorsFileError) Error() string { return "operators file " + e.Path + ": " + e.Problem }

// readOperatorsFile reads the operators file once it passed the checks:
// the file read (a symlink's target, checked on the open descriptor, so
// what is checked is what is read) is a regular file, written by nobody
// but its owner, owned by the server's user or root; the directory holding
// it, and the one holding a symlink to it, are not writable by others.
func readOperatorsFile(path string) ([]byte, error) {
	f, err := openNoWait(path) // a FIFO must be refused, not waited on
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &OperatorsFileError{Path: path, Problem: "no such file", Missing: true}
		}
		return nil, &OperatorsFileError{Path: path, Problem: unwrapPathErr(err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &OperatorsFileError{Path: path, Problem: unwrapPathErr(err)}
	}
	if err := trustFile(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxOperatorsFile+1))
	if err != nil {
		return nil, &OperatorsFileError{Path: path, Problem: unwrapPathErr(err)}
	}
	if len(data) > maxOperatorsFile {
		return nil, &OperatorsError{Problems: []string{fmt.Sprintf("%s:1: larger than %d MiB: not an operators file", path, maxOperatorsFile>>20)}}
	}
	return data, nil
}

// trustFile applies the checks to the opened file's fi and the directories.
func trustFile(path string, fi fs.FileInfo) error {
	bad := func(format string, a ...any) error {
		return &OperatorsFileError{Path: path, Problem: fmt.Sprintf(format, a...)}
	}
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		target = real
	}
	what := "it"
	if target != path {
		what = "its target " + target
	}
	switch perm := fi.Mode().Perm(); {
	case !fi.Mode().IsRegular():
		return bad("%s is not a regular file", what)
	case perm&0o022 != 0:
		return bad("mode %04o lets %s write %s (chmod go-w; 600 or 640)", perm, groupOrOthers(perm), what)
	}
	if uid, ok := fileOwner(fi); ok && uid != 0 && uid != uint32(os.Geteuid()) {
		return bad("%s is owned by uid %d, neither this server's user (uid %d) nor root", what, uid, os.Geteuid())
	}
	dirs := []string{filepath.Dir(path)}
	if d := filepath.Dir(target); d != dirs[0] {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		di, err := os.Stat(d)
		if err != nil {
			return bad("directory %s: %s", d, unwrapPathErr(err))
		}
		if di.Mode().Perm()&0o002 != 0 {
			return bad("directory %s is writable by others (mode %04o): anyone could replace the file", d, di.Mode().Perm())
		}
	}
	return nil
}

func groupOrOthers(perm fs.FileMode) string {
	switch {
	case perm&0o022 == 0o022:
		return "group and others"
	case perm&0o020 != 0:
		return "its group"
	}
	return "others"
}

// unwrapPathErr is an error's text without the path, which the caller names.
func unwrapPathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// applyOperators re-reads the operators file after a change and applies it:
// a sound file replaces the keys; a file with no key, a missing one or one
// the checks refuse revokes everyone (fail closed, one log line saying
// why); a file that no longer parses keeps the last good set, so a typo
// cannot lock the whole shift out.
func (s *Server) applyOperators() {
	ops, err := LoadOperators(s.o.Operators)
	var oe *OperatorsError
	var fe *OperatorsFileError
	switch {
	case errors.As(err, &fe):
		ops = &Operators{byKey: map[string]Operator{}}
		s.opsRefused.Store(&fe.Problem)
		s.ops.Store(ops) // before the log line: who reads it finds the new set applied
		msg := "operators file refused on reload: everyone is locked out until it is fixed"
		if fe.Missing {
			msg = "operators file is gone: every console ends and nobody can log in until it is back"
		}
		s.log.Error(msg, slog.String("reason", RefusedOperatorsFile), slog.String("error", fe.Error()))
	case errors.As(err, &oe) && oe.Empty:
		s.opsRefused.Store(nil)
		s.ops.Store(ops)
		s.log.Warn("operators file reloaded with no key: every console ends and nobody can log in until keys are added")
	case err != nil:
		s.log.Error("operators file changed but is not valid, keeping the previous one", slog.String("error", strings.ReplaceAll(err.Error(), "\n", "; ")))
		return
	default:
		s.opsRefused.Store(nil)
		s.ops.Store(ops)
		s.log.Info("operators file reloaded", slog.Int("operator_keys", ops.Len()-ops.CAs()), slog.Int("cas", ops.CAs()))
	}
	s.revoke()
}

// fileStamp changes when the file is written, replaced, removed, or its
// permissions or owner change, or those of its directory (or a symlink's
// target's) do.
func fileStamp(path string) string {
	var b strings.Builder
	stamp := func(fi fs.FileInfo, err error) {
		if err != nil {
			b.WriteString("missing;")
			return
		}
		fmt.Fprintf(&b, "%d %d %v %s;", fi.Size(), fi.ModTime().UnixNano(), fi.Mode(), fileID(fi))
	}
	stamp(os.Lstat(path))
	stamp(os.Stat(path))
	stamp(os.Stat(filepath.Dir(path)))
	if real, err := filepath.EvalSymlinks(path); err == nil {
		stamp(os.Stat(filepath.Dir(real)))
	}
	return b.String()
}
