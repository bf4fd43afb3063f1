package all

import (
	"regexp"
	"testing"
)

// businessID and cvpMarket check by hand (no regexp compiled at every
// process start) what these patterns accepted.
var (
	refBusinessID = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)
	refCVPMarket  = regexp.MustCompile(`^[A-Z]{2}$`)
)

func FuzzCodesMatchTheirPatterns(f *testing.F) {
	for _, s := range []string{"", "PR", "pr", "JM", "P", "PRX", "0123456789abcdef", "0123456789abcdefg", "P R", "É", "P\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validBusinessID(s), refBusinessID.MatchString(s); got != want {
			t.Fatalf("validBusinessID(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := validCVPMarket(s), refCVPMarket.MatchString(s); got != want {
			t.Fatalf("validCVPMarket(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
