package config

import (
	"fmt"
	"os"
	"time"

	"simdesk/providers/httpx"
)

// Secret holds a credential read from the environment, a file or the config
// file. Every way Go has of printing or encoding a value (fmt verbs, %#v,
// JSON, text) yields the mask, so a Secret that ends up in a log line, an
// error or a debug dump leaks nothing; only Reveal returns the value, and
// only the HTTP layer should call it.
type Secret string

// mask is the same string httpx.Redactor uses, so masked values look alike
// wherever they appear.
const mask = httpx.Mask

// Reveal returns the secret itself, for the Authorization or client_secret
// header and for registering it with an httpx.Redactor.
func (s Secret) Reveal() string { return string(s) }

// String returns the mask, never the value.
func (s Secret) String() string { return mask }

// GoString returns the mask, so %#v of a struct holding a Secret is safe.
func (s Secret) GoString() string { return mask }

// Format makes every fmt verb (%s, %v, %q, %x, %d …) print the mask.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(mask)) }

// MarshalJSON encodes the mask, so a Config dumped as JSON is safe to share.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + mask + `"`), nil }

// MarshalText encodes the mask (TOML, YAML, map keys, flag printing).
func (s Secret) MarshalText() ([]byte, error) { return []byte(mask), nil }

// Duration is a time.Duration written in the config file as a Go duration
// string ("10s", "1m30s"), which is what operators can read at a glance.
type Duration struct{ time.Duration }

// UnmarshalText reads "10s"-style durations.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (use a value such as \"10s\" or \"2m\")", clipValue(string(b)))
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration the way UnmarshalText reads it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// clipValue keeps a quoted, non-secret value short in an error message.
func clipValue(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// secretFileMode refuses a client_secret_file that group or others may
// read or change (any of the 077 bits), the way ssh refuses an unprotected
// private key: a secret every local user can read is no secret, and a
// literal client_secret in a world-readable config is refused the same way.
func secretFileMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // readSmall reports a missing or unreadable file
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Errorf("%s is accessible by group or others (mode %04o): run chmod 600 %s", path, mode, path)
	}
	return nil
}
