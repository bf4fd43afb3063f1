package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRevokedKeysFileTrustedLikeTheOperatorsFile: whoever can write the
// revoked_keys file can lift a revocation, so it is refused, as the
// operators file is, when it is owned by another user (who may chmod and
// write it whatever its mode) or sits in a directory others may write
// (anyone could replace it). Before, only a group/world-writable mode was
// refused: a 0644 file of uid 4242, or one in a 0777 directory, was read.
func TestRevokedKeysFileTrustedLikeTheOperatorsFile(t *testing.T) {
	const text = "SHA256:" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + " someone\n"
	cases := []struct {
		name, want string
		root       bool
		set        func(t *testing.T, dir, path string)
	}{
		{"0644 in a 0700 directory", "", false, func(*testing.T, string, string) {}},
		{"owned by another uid", "owned by uid 4242", true, func(t *testing.T, _, path string) { must(t, os.Chown(path, 4242, -1)) }},
		{"directory 0777", "writable by others", false, func(t *testing.T, dir, _ string) { must(t, os.Chmod(dir, 0o777)) }},
		{"symlink from a 0777 directory", "writable by others", false, func(t *testing.T, dir, path string) {
			open := filepath.Join(t.TempDir(), "open")
			must(t, os.Mkdir(open, 0o777))
			must(t, os.Chmod(open, 0o777))
			must(t, os.Rename(path, filepath.Join(open, "revoked_keys")))
			must(t, os.Symlink(filepath.Join(open, "revoked_keys"), path))
		}},
		{"mode 0666", "lets others write it", false, func(t *testing.T, _, path string) { must(t, os.Chmod(path, 0o666)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.root && os.Geteuid() != 0 {
				t.Skip("chown to another uid needs root")
			}
			dir := filepath.Join(t.TempDir(), "etc")
			must(t, os.Mkdir(dir, 0o700))
			path := filepath.Join(dir, "revoked_keys")
			must(t, os.WriteFile(path, []byte(text), 0o644))
			c.set(t, dir, path)
			r, err := LoadRevoked(path)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want == "" && r.Len() != 1:
				t.Fatalf("%d fingerprints, want 1", r.Len())
			case c.want != "" && err == nil:
				t.Fatalf("read (%d fingerprints); want a refusal saying %q", r.Len(), c.want)
			case c.want != "" && (!strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "revoked_keys "+path)):
				t.Errorf("refused with %q, want it to name revoked_keys %s and say %q", err, path, c.want)
			}
		})
	}
}
