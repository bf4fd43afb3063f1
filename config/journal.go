package config

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"simdesk/dsn"
)

// journal reads where the top-up journal lives: `journal` is a file path
// (the default) or a PostgreSQL DSN ("postgres://user@host:5432/db?…"), and
// `journal_dsn_env` names an environment variable holding the DSN, so that
// a password stays out of the file. A DSN is kept as a Secret: it may hold
// a password, and no message ever quotes it.
func (p *parser) journal(t *table, c *Config, def string) {
	envName, hasEnv := t.str("journal_dsn_env")
	raw, hasJournal := t.str("journal")
	switch {
	case hasEnv && hasJournal:
		t.bad("journal_dsn_env", "set only one of journal, journal_dsn_env")
		c.Journal = def
		return
	case hasEnv:
		if !validEnvName(envName) {
			t.bad("journal_dsn_env", "%q is not an environment variable name", clipValue(envName))
			return
		}
		v := strings.TrimSpace(p.env(envName))
		if v == "" {
			t.bad("journal_dsn_env", "environment variable %s is unset or empty", envName)
			return
		}
		if !dsn.IsPostgres(v) {
			t.bad("journal_dsn_env", "environment variable %s must hold a postgres:// DSN", envName)
			return
		}
		if msg := checkDSN(v); msg != "" {
			t.bad("journal_dsn_env", "environment variable %s: %s", envName, msg)
			return
		}
		c.JournalDSN = Secret(v)
	case hasJournal && dsn.IsPostgres(strings.TrimSpace(raw)):
		v := strings.TrimSpace(raw)
		if msg := checkDSN(v); msg != "" {
			t.bad("journal", "%s", msg)
			return
		}
		if dsn.Password(v) != "" && !ownerOnly(p.path) {
			t.bad("journal", "a DSN with a password is accepted only in a file readable by its owner alone (or use journal_dsn_env)")
			return
		}
		c.JournalDSN = Secret(v)
	default:
		c.Journal = p.pathKey(t, "journal", def)
	}
	if c.JournalDSN != "" {
		c.Journal = dsn.Redact(string(c.JournalDSN))
	}
	state := filepath.Dir(def)
	c.JournalKeyFile = p.pathKey(t, "journal_key_file", filepath.Join(state, "journal.key"))
	c.JournalHeads = state
	p.journalAdmin(t, c)
}

// journalAdmin reads journal_admin_dsn_env: the variable holding the DSN of
// the schema's owner role, which creates and migrates the PostgreSQL
// schema (at start, or `journal --migrate`) while simdesk runs as a role
// that cannot alter the journal. An unset variable is no error: a host
// that does not migrate (a back office running --verify) need not hold it.
func (p *parser) journalAdmin(t *table, c *Config) {
	name, ok := t.str("journal_admin_dsn_env")
	if !ok {
		return
	}
	switch v := strings.TrimSpace(p.env(name)); {
	case !validEnvName(name):
		t.bad("journal_admin_dsn_env", "%q is not an environment variable name", clipValue(name))
	case c.JournalDSN == "":
		t.bad("journal_admin_dsn_env", "needs a PostgreSQL journal (journal = \"postgres://…\" or journal_dsn_env)")
	case v == "":
		c.JournalAdminEnv = name
	case !dsn.IsPostgres(v):
		t.bad("journal_admin_dsn_env", "environment variable %s must hold a postgres:// DSN", name)
	case checkDSN(v) != "":
		t.bad("journal_admin_dsn_env", "environment variable %s: %s", name, checkDSN(v))
	default:
		c.JournalAdminEnv, c.JournalAdminDSN = name, Secret(v)
	}
}

// checkDSN validates a PostgreSQL URL without echoing it.
func checkDSN(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return "not a valid postgres:// URL"
	case u.Host == "" && u.Query().Get("host") == "":
		return "the DSN names no host"
	case strings.Trim(u.Path, "/") == "" && u.Query().Get("dbname") == "":
		return "the DSN names no database (postgres://user@host:5432/DATABASE)"
	}
	return ""
}

// ownerOnly reports a config file that only its owner can read, the
// condition for a password written in it.
func ownerOnly(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o077 == 0
}
