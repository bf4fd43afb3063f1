package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretFileModeRefused: a client_secret_file that group or others may
// read is refused at start with one line naming the file and the fix,
// never the secret; 0600 and 0400 are accepted.
func TestSecretFileModeRefused(t *testing.T) {
	const secret = "mode-canary-51d0"
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o640, false}, {0o604, false}, {0o644, false}, {0o620, false}} {
		dir := t.TempDir()
		file := filepath.Join(dir, "secret")
		if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, tc.mode); err != nil {
			t.Fatal(err)
		}
		text := strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret_file = \""+file+"\"", 1)
		_, err := Parse(filepath.Join(dir, "config.toml"), []byte(text), testEnv(nil))
		switch {
		case tc.ok && err != nil:
			t.Errorf("mode %04o refused: %v", tc.mode, err)
		case !tc.ok && err == nil:
			t.Errorf("mode %04o accepted", tc.mode)
		case !tc.ok:
			msg := err.Error()
			if strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, "client_secret_file: "+file+" is accessible by group or others") ||
				!strings.Contains(msg, "chmod 600") || strings.Contains(msg, secret) {
				t.Errorf("mode %04o: message %q", tc.mode, msg)
			}
		}
	}
}
