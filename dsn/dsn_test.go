package dsn

import (
	"errors"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	for _, c := range []struct{ dsn, pw, red string }{
		{"postgres://u:s3cret@h:5432/db?sslmode=require", "s3cret", "postgres://u:xxxxx@h:5432/db?sslmode=require"},
		{"postgresql://u@h/db?password=s3cret", "s3cret", "postgresql://u@h/db?password=xxxxx"},
		{"host=h user=u password=s3cret dbname=db", "s3cret", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password='a b' dbname=db", "a b", "host=h password=xxxxx dbname=db"},
		{"postgres://u@h/db", "", "postgres://u@h/db"},
		{"postgres://u@h/db?password=%zz", "", "postgres://(unparsable DSN)"},
	} {
		if got := Password(c.dsn); got != c.pw {
			t.Errorf("Password(%q) = %q, want %q", c.dsn, got, c.pw)
		}
		if got := Redact(c.dsn); got != c.red {
			t.Errorf("Redact(%q) = %q, want %q", c.dsn, got, c.red)
		}
	}
	if IsPostgres("/var/lib/simdesk/journal.jsonl") || !IsPostgres("postgresql://h/db") {
		t.Error("IsPostgres mistakes a path or a postgresql:// URL")
	}
}

// FuzzRedact: whatever DSN an operator writes, Redact never panics and its
// result never holds the password Password finds (when that password is
// long enough not to occur by chance in the rest of the DSN).
func FuzzRedact(f *testing.F) {
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
		pw := Password(dsn)
		red := Redact(dsn)
		if len(pw) < 6 || strings.Count(dsn, pw) > 1 {
			return
		}
		if strings.Contains(red, pw) {
			t.Fatalf("Redact(%q) = %q keeps the password %q", dsn, red, pw)
		}
	})
}

// TestScrub: the password leaves the text, the cause stays reachable, and
// what holds no password is the same error.
func TestScrub(t *testing.T) {
	cause := errors.New("dial: password hunter2 refused")
	err := Scrub(cause, "hunter2")
	if strings.Contains(err.Error(), "hunter2") || !errors.Is(err, cause) {
		t.Errorf("Scrub = %q (is cause: %v)", err, errors.Is(err, cause))
	}
	if other := errors.New("timeout"); Scrub(other, "hunter2") != other || Scrub(cause, "") != cause || Scrub(nil, "x") != nil {
		t.Error("Scrub changed what it had nothing to scrub in")
	}
}
