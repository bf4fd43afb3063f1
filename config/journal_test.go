package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// TestJournalAdminAndKey: journal_admin_dsn_env holds the schema owner's
// DSN (a secret, its password redacted; an unset variable is no error, a
// file journal refuses it); journal_key_file defaults to the state
// directory, next to the head anchors.
func TestJournalAdminAndKey(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "s", "XDG_STATE_HOME": "/st",
		"JDSN": "postgres://simdesk_app@db.example/simdesk", "ADSN": "postgres://simdesk_owner:0wnerpw@db.example/simdesk", "BAD": "/x"})
	for _, c := range []struct {
		name, top, admin, problem string
	}{
		{"admin from env", "journal_dsn_env = \"JDSN\"\njournal_admin_dsn_env = \"ADSN\"", "postgres://simdesk_owner:0wnerpw@db.example/simdesk", ""},
		{"admin unset", "journal_dsn_env = \"JDSN\"\njournal_admin_dsn_env = \"NOPE\"", "", ""},
		{"admin not a dsn", "journal_dsn_env = \"JDSN\"\njournal_admin_dsn_env = \"BAD\"", "", "must hold a postgres:// DSN"},
		{"admin with a file journal", `journal_admin_dsn_env = "ADSN"`, "", "needs a PostgreSQL journal"},
		{"admin bad name", "journal_dsn_env = \"JDSN\"\njournal_admin_dsn_env = \"A B\"", "", "not an environment variable name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := c.top + "\n" + minimal
			cfg, err := Parse(writeConfig(t, text, 0o644), []byte(text), env)
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) || strings.Contains(err.Error(), "0wnerpw") {
					t.Fatalf("err %v, want %q without the password", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.JournalAdminDSN.Reveal() != c.admin || strings.Contains(fmt.Sprintf("%v %+v", cfg, cfg), "0wnerpw") {
				t.Fatalf("admin DSN %q", cfg.JournalAdminDSN.Reveal())
			}
			if c.admin != "" && !slices.Contains(cfg.Secrets(), "0wnerpw") {
				t.Fatal("the admin DSN's password is not among the secrets to redact")
			}
			if cfg.JournalKeyFile != "/st/simdesk/journal.key" || cfg.JournalHeads != "/st/simdesk" {
				t.Fatalf("key file %q, heads %q", cfg.JournalKeyFile, cfg.JournalHeads)
			}
		})
	}
	text := "journal_key_file = \"keys/j.key\"\n" + minimal
	path := writeConfig(t, text, 0o644)
	cfg, err := Parse(path, []byte(text), env)
	if err != nil || cfg.JournalKeyFile != filepath.Join(filepath.Dir(path), "keys", "j.key") {
		t.Fatalf("journal_key_file: %q %v", cfg.JournalKeyFile, err)
	}
}
