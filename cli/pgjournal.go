package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
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
// a DSN (its password registered with the redactor first, so no message can
// carry it), else the file. The error is one line.
func openJournal(cfg *config.Config, red *httpx.Redactor) (journal.Store, error) {
	dsn := cfg.JournalDSN.Reveal()
	if dsn == "" {
		j, err := journal.Open(cfg.Journal)
		if err != nil {
			return nil, fmt.Errorf("cannot open the journal %s: %v", cfg.Journal, err)
		}
		return j, nil
	}
	if pw := journal.DSNPassword(dsn); pw != "" && red != nil {
		red.Add(pw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgOpenTimeout)
	defer cancel()
	p, err := journal.OpenPG(ctx, dsn)
	if err != nil {
		msg := err.Error()
		if red != nil {
			msg = red.Redact(msg)
		}
		return nil, errors.New("cannot open the journal: " + msg)
	}
	return p, nil
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
