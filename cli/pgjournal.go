package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	pgdsn "simdesk/dsn"
	"time"

	"simdesk/config"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/providers"
	"simdesk/providers/httpx"
)

// pgOpenTimeout bounds connecting to the journal's database at start: an
// unreachable database must stop top-ups quickly, not hang the console.
const pgOpenTimeout = 10 * time.Second

// openJournal opens the journal the config names: PostgreSQL when it gives
// a DSN (its passwords registered with the redactor first, so no message
// can carry them; the schema migrated first when the owner's DSN is set),
// else the file; with the MAC key of journal_key_file, created at first
// start. The error is one line.
func openJournal(cfg *config.Config, red *httpx.Redactor) (journal.Store, error) {
	dsn := cfg.JournalDSN.Reveal()
	if dsn == "" {
		seal, err := journalSeal(cfg, journalIdentity(cfg), true)
		if err != nil {
			return nil, fmt.Errorf("cannot open the journal %s: %v", cfg.Journal, err)
		}
		j, err := journal.Open(cfg.Journal)
		if err != nil {
			return nil, fmt.Errorf("cannot open the journal %s: %v", cfg.Journal, err)
		}
		if seal != nil {
			j.SetSeal(seal)
		}
		return j, nil
	}
	admin := cfg.JournalAdminDSN.Reveal()
	for _, d := range []string{dsn, admin} {
		if pw := pgdsn.Password(d); pw != "" && red != nil {
			red.Add(pw)
		}
	}
	redact := func(err error) error {
		msg := err.Error()
		if red != nil {
			msg = red.Redact(msg)
		}
		return errors.New("cannot open the journal: " + msg)
	}
	seal, err := journalSeal(cfg, journalIdentity(cfg), true)
	if err != nil {
		return nil, redact(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgOpenTimeout)
	defer cancel()
	p, err := journal.OpenPGWith(ctx, dsn, journal.PGOptions{AdminDSN: admin, Seal: seal})
	if err != nil {
		return nil, redact(err)
	}
	return p, nil
}

// journalIdentity names the configured journal for its head anchor: the
// file's absolute path, or the database (never a user or password).
func journalIdentity(cfg *config.Config) string {
	if dsn := cfg.JournalDSN.Reveal(); dsn != "" {
		return journal.PGIdentity(dsn)
	}
	if abs, err := filepath.Abs(cfg.Journal); err == nil {
		return abs
	}
	return cfg.Journal
}

// journalSeal is the journal's key and head anchor: created when missing
// for a store that appends (create), only read for one that verifies
// (a key it cannot read is then reported by Verify). nil when the config
// names no key file (a config built by a test).
func journalSeal(cfg *config.Config, identity string, create bool) (*journal.Seal, error) {
	if cfg.JournalKeyFile == "" {
		return nil, nil
	}
	head := journal.HeadPath(cfg.JournalHeads, identity)
	if !create {
		return journal.ReadSeal(cfg.JournalKeyFile, head), nil
	}
	return journal.OpenSeal(cfg.JournalKeyFile, head)
}

// journalMigrate runs `journal --migrate`: the PostgreSQL schema created or
// brought to this build's version as its owner (journal_admin_dsn_env, else
// the journal's own DSN for a one-role set-up), and the runtime role
// granted what it needs.
func journalMigrate(ctx context.Context, env Env, cfg *config.Config, red *httpx.Redactor) int {
	if env.shared != nil {
		// The owner's DSN is the server's, never a session's to use.
		return fail(env, usageErr("--migrate is not available over SSH: run it on the server's host"))
	}
	dsn := cfg.JournalDSN.Reveal()
	if dsn == "" {
		return fail(env, usageErr("--migrate creates the PostgreSQL journal's schema: set journal = \"postgres://…\" (or journal_dsn_env) in the config first"))
	}
	admin := cfg.JournalAdminDSN.Reveal()
	if admin == "" && cfg.JournalAdminEnv != "" {
		return fail(env, usageErr("journal_admin_dsn_env names %s, which is unset: set it to the schema owner's DSN", cfg.JournalAdminEnv))
	}
	if admin == "" {
		admin = dsn
	}
	for _, d := range []string{dsn, admin} {
		if pw := pgdsn.Password(d); pw != "" {
			red.Add(pw)
		}
	}
	mctx, cancel := context.WithTimeout(ctx, pgOpenTimeout)
	defer cancel()
	m, err := journal.MigratePG(mctx, admin, dsn)
	if err != nil {
		return fail(env, errors.New(red.Redact(err.Error())))
	}
	what := fmt.Sprintf("journal schema of %s at version %d", journal.PGIdentity(dsn), m.To)
	if m.From != m.To {
		what += fmt.Sprintf(" (was %d), migrated as %s", m.From, m.Owner)
	}
	if m.Granted != "" {
		what += fmt.Sprintf("; role %s may insert and read, and nothing more", m.Granted)
	}
	fmt.Fprintln(env.Stdout, what)
	return ExitOK
}

// warnJournalRole is the one line `serve` logs at start when its database
// role could alter the journal (a superuser, the owner, UPDATE granted).
func warnJournalRole(env Env, s *session) {
	if p, ok := s.journal.(*journal.PG); ok && p.CanAlter() != "" {
		fmt.Fprintln(env.Stderr, "simdesk serve: warning: journal "+p.CanAlter())
	}
}

// journalMove runs `journal --export FILE` (the PostgreSQL journal into a
// new file) and `journal --import FILE` (a file journal into the empty
// PostgreSQL journal), each verified line by line. Both need the configured
// journal to be PostgreSQL.
func journalMove(ctx context.Context, env Env, cfg *config.Config, red *httpx.Redactor, exportTo, importFrom string) int {
	if exportTo != "" && importFrom != "" {
		return fail(env, usageErr("--export and --import go one at a time"))
	}
	if cfg.JournalDSN == "" {
		return fail(env, usageErr("--export and --import move the journal between a file and PostgreSQL: set journal = \"postgres://…\" (or journal_dsn_env) in the config first"))
	}
	store, err := openJournal(cfg, red)
	if err != nil {
		return fail(env, err)
	}
	defer store.Close()
	p := store.(*journal.PG)
	if exportTo != "" {
		n, err := p.Export(ctx, exportTo)
		if err != nil {
			return fail(env, errors.New(red.Redact(err.Error())))
		}
		fmt.Fprintf(env.Stdout, "exported %d entries from %s to %s, compared line by line\n", n, p.Where(), exportTo)
		return ExitOK
	}
	n, err := p.Import(ctx, importFrom)
	if err != nil {
		return fail(env, errors.New(red.Redact(err.Error())))
	}
	fmt.Fprintf(env.Stdout, "imported %d entries from %s into %s, compared line by line\n", n, importFrom, p.Where())
	return ExitOK
}

// pgStockSources are the stock sources of `simdesk serve` when the journal
// is in PostgreSQL: per provider with stock, one poller elected among every
// host sharing the database, so N hosts cost the provider one host's polls.
// nil for a file journal (each host then polls for its own sessions). A
// database down at start is fine: each source polls for itself until the
// database answers again.
func pgStockSources(s *session) []live.StockSource {
	if s.cfg == nil || s.cfg.JournalDSN == "" {
		return nil
	}
	host, _ := os.Hostname()
	host = fmt.Sprintf("%s/%d", host, os.Getpid())
	var out []live.StockSource
	for _, r := range s.engine.Registered() {
		if _, ok := providers.AsStocker(r.Provider); ok {
			out = append(out, live.NewPGStockSource(s.engine, r, s.cfg.JournalDSN.Reveal(), host))
		}
	}
	return out
}
