package config

import (
	"regexp"
	"testing"
)

// The provider and environment-variable names are checked by hand-written
// functions (no regexp compiled at every process start); they must accept
// exactly what the patterns they replaced accepted.
var (
	refName    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
	refEnvName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func FuzzNamesMatchTheirPatterns(f *testing.F) {
	for _, s := range []string{"", "a", "dxp-pr", "_X", "9a", "-a", "a..b", "é", "a b", "A_1",
		"abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz0123456", "x\n", "SIMDESK_SIM_SECRET"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validName(s), refName.MatchString(s); got != want {
			t.Fatalf("validName(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := validEnvName(s), refEnvName.MatchString(s); got != want {
			t.Fatalf("validEnvName(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
