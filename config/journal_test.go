package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestJournalDSN: journal may be a postgres:// DSN or come from
// journal_dsn_env; its password is a secret (never in messages, only in a
// config readable by its owner, registered for redaction), and bad DSNs are
// reported with the key, never the value.
func TestJournalDSN(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "s", "JDSN": "postgres://simdesk:pa55word@db.example:5432/simdesk?sslmode=require", "BAD": "/var/x.jsonl"})
	for _, c := range []struct {
		name, top string
		mode      uint32
		dsn       string // JournalDSN wanted; "" = a problem wanted when problem != ""
		problem   string
	}{
		{"dsn in file", `journal = "postgres://simdesk@db.example:5432/simdesk?sslmode=verify-full"`, 0o644, "postgres://simdesk@db.example:5432/simdesk?sslmode=verify-full", ""},
		{"dsn from env", `journal_dsn_env = "JDSN"`, 0o644, "postgres://simdesk:pa55word@db.example:5432/simdesk?sslmode=require", ""},
		{"password in a shared file", `journal = "postgres://simdesk:pa55word@db.example/simdesk"`, 0o644, "", "journal: a DSN with a password is accepted only in a file readable by its owner alone"},
		{"password in a private file", `journal = "postgres://simdesk:pa55word@db.example/simdesk"`, 0o600, "postgres://simdesk:pa55word@db.example/simdesk", ""},
		{"both", "journal = \"/x.jsonl\"\njournal_dsn_env = \"JDSN\"", 0o644, "", "journal_dsn_env: set only one of journal, journal_dsn_env"},
		{"env unset", `journal_dsn_env = "NOPE"`, 0o644, "", "environment variable NOPE is unset or empty"},
		{"env not a dsn", `journal_dsn_env = "BAD"`, 0o644, "", "must hold a postgres:// DSN"},
		{"no database", `journal = "postgres://simdesk:pa55word@db.example"`, 0o600, "", "names no database"},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := c.top + "\n" + minimal
			path := writeConfig(t, text, os.FileMode(c.mode))
			cfg, err := Parse(path, []byte(text), env)
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("err %v, want %q", err, c.problem)
				}
				if strings.Contains(err.Error(), "pa55word") {
					t.Fatalf("the password is in the message: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.JournalDSN.Reveal() != c.dsn {
				t.Fatalf("JournalDSN %q, want %q", cfg.JournalDSN.Reveal(), c.dsn)
			}
			if strings.Contains(cfg.Journal, "pa55word") || strings.Contains(fmt.Sprintf("%v %+v", cfg, cfg), "pa55word") {
				t.Fatalf("the password shows in the config's text: %q", cfg.Journal)
			}
			if strings.Contains(c.dsn, "pa55word") {
				found := false
				for _, s := range cfg.Secrets() {
					found = found || s == "pa55word"
				}
				if !found {
					t.Fatal("the DSN's password is not among the secrets to redact")
				}
			}
		})
	}
}
