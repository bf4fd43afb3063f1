// Package dsn reads PostgreSQL connection strings without connecting: which
// settings name a database, the password one holds (to register with a
// redactor before anything prints) and the string without it, for messages.
// It imports no store, so the config can check a DSN without linking the
// journal's database driver.
package dsn

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// IsPostgres reports a journal setting that names a PostgreSQL database
// rather than a file.
func IsPostgres(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// kvPassword finds the password of a key=value DSN; compiled when first
// used, so that the process's start-up does not pay for it.
var kvPassword = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)
})

// Password returns the password written in a DSN (URL or key=value form),
// "" when there is none.
func Password(dsn string) string {
	if IsPostgres(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return ""
		}
		if u.User != nil {
			if p, _ := u.User.Password(); p != "" {
				return p
			}
		}
		return u.Query().Get("password")
	}
	if m := kvPassword().FindStringSubmatch(dsn); m != nil {
		return strings.Trim(m[1], "'")
	}
	return ""
}

// Redact is the DSN without its password, fit for messages.
func Redact(dsn string) string {
	if IsPostgres(dsn) {
		u, err := url.Parse(dsn)
		if err == nil {
			// A query that does not parse could hide a password that
			// Query() drops silently: such a DSN is never quoted.
			_, err = url.ParseQuery(u.RawQuery)
		}
		if err != nil {
			return "postgres://(unparsable DSN)"
		}
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return kvPassword().ReplaceAllString(dsn, "password=xxxxx")
}

// Scrub removes secret from err's text (pgx hides the password in its own
// messages; this also covers a password echoed by anything else), keeping
// errors.Is and errors.As working through it. A nil error, an empty secret
// or a text without it return err unchanged.
func Scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), secret, "xxxxx"), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }

// Unwrap keeps errors.Is(err, context.Canceled) and the like working.
func (s *scrubbed) Unwrap() error { return s.err }
