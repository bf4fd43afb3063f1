package journal

import (
	"strings"
	"testing"
)

// FuzzRedactDSN: whatever DSN an operator writes, RedactDSN never panics and
// its result never holds the password DSNPassword finds (when that password
// is long enough not to occur by chance in the rest of the DSN).
func FuzzRedactDSN(f *testing.F) {
	for _, s := range []string{
		"postgres://u:s3cret@h:5432/db?sslmode=require",
		"postgresql://u@h/db?password=s3cret&sslmode=disable",
		"host=h user=u password=s3cret dbname=db",
		"host=h password='a b\\' c' dbname=db",
		"postgres://u:p%40ss@h/db",
		"postgres://:pw@/db?host=/tmp",
		"postgres://u:pw@[::1]:5432/db",
		"password=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		pw := DSNPassword(dsn)
		red := RedactDSN(dsn)
		if len(pw) < 6 || strings.Count(dsn, pw) > 1 {
			return
		}
		if strings.Contains(red, pw) {
			t.Fatalf("RedactDSN(%q) = %q keeps the password %q", dsn, red, pw)
		}
	})
}
