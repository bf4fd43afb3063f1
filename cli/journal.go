package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/journal"
)

type journalJSON struct {
	Attempts   []attemptJSON     `json:"attempts"`
	Problems   []journal.Problem `json:"problems"`
	Reconciled []journal.Entry   `json:"reconciled,omitempty"`
	Unresolved []unresolvedJSON  `json:"unresolved,omitempty"`
	Verify     *journal.Report   `json:"verify,omitempty"`
}

type attemptJSON struct {
	journal.Entry
	Outcome *journal.Entry `json:"outcome"`
	Pending bool           `json:"pending"`
}

type unresolvedJSON struct {
	JournalID string `json:"journal_id"`
	Error     string `json:"error"`
}

// journalFlags are the parsed flags of `simdesk journal`.
type journalFlags struct {
	c                    common
	pending, reconcile   bool
	verify, migrate      bool
	limit                int
	resolve, resolveTrx  string
	exportTo, importFrom string
}

// parseJournal parses the command line of `simdesk journal`.
func parseJournal(env Env, args []string) (journalFlags, error) {
	var f journalFlags
	fs := flag.NewFlagSet("journal", flag.ContinueOnError)
	f.c.register(fs, true)
	fs.BoolVar(&f.pending, "pending", false, "only attempts whose outcome is unknown")
	fs.BoolVar(&f.reconcile, "reconcile", false, "ask providers what became of pending attempts")
	fs.BoolVar(&f.verify, "verify", false, "check the hash chain, the MACs and the head, and report the first broken entry")
	fs.BoolVar(&f.migrate, "migrate", false, "create or migrate the PostgreSQL schema as its owner (journal_admin_dsn_env) and grant the runtime role what it needs")
	fs.IntVar(&f.limit, "n", 50, "show at most N attempts (newest first); 0 = all (reads the whole journal)")
	fs.StringVar(&f.resolve, "resolve", "", "settle the attempt `JOURNAL_ID` by hand: give its TRANSACTION_ID, or none (it did not reach the provider)")
	fs.StringVar(&f.exportTo, "export", "", "write the PostgreSQL journal to the new file `FILE`, compared line by line")
	fs.StringVar(&f.importFrom, "import", "", "copy the file journal `FILE` into the empty PostgreSQL journal, compared line by line")
	pos, err := env.start(fs, &f.c, args)
	if err != nil {
		return f, err
	}
	if f.resolve != "" {
		if len(pos) != 1 {
			return f, usageErr("--resolve JOURNAL_ID needs one TRANSACTION_ID, or none")
		}
		f.resolveTrx, pos = pos[0], nil
		if f.resolveTrx == "none" {
			f.resolveTrx = ""
		}
	}
	if err := noArgs("journal", pos); err != nil {
		return f, err
	}
	if f.limit < 0 {
		return f, usageErr("-n must not be negative")
	}
	return f, nil
}

func runJournal(ctx context.Context, env Env, args []string) int {
	f, err := parseJournal(env, args)
	if err != nil {
		return fail(env, err)
	}
	s, err := open(env, f.c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	switch {
	case f.migrate:
		return journalMigrate(ctx, env, s.cfg, s.redactor)
	case f.exportTo != "" || f.importFrom != "":
		return journalMove(ctx, env, s.cfg, s.redactor, f.exportTo, f.importFrom)
	}
	if s.journal == nil && s.cfg.JournalDSN == "" && f.resolve == "" && !f.reconcile {
		// A journal that cannot be written can still be read: verified
		// and listed, never appended to.
		if ro := openReadOnly(s.cfg); ro != nil {
			defer ro.Close()
			s.journal = ro
		}
	}
	if s.journal == nil {
		return fail(env, s.journalErr)
	}
	if f.resolve != "" {
		return journalResolve(ctx, env, s, f)
	}
	return journalList(ctx, env, s, f)
}

// openReadOnly opens the file journal for reading, with its key read (not
// created) so --verify checks the MACs; nil when it cannot be opened.
func openReadOnly(cfg *config.Config) *journal.File {
	ro, err := journal.OpenReadOnly(cfg.Journal)
	if err != nil {
		return nil
	}
	if seal, _ := journalSeal(cfg, journalIdentity(cfg), false); seal != nil {
		ro.SetSeal(seal)
	}
	return ro
}

// journalResolve runs `journal --resolve JOURNAL_ID TRANSACTION_ID|none`.
func journalResolve(ctx context.Context, env Env, s *session, f journalFlags) int {
	w, err := s.engine.Resolve(ctx, f.resolve, f.resolveTrx)
	if err != nil {
		return fail(env, err)
	}
	if f.c.format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(listed(w))
	} else {
		fmt.Fprintf(env.Stdout, "resolved %s → %s %s (by %s)\n", w.JournalID, w.Status, w.TransactionID, w.ResolvedBy)
	}
	return ExitOK
}

// journalList runs `journal` with --reconcile, --verify, --pending and -n:
// each step adds to one document, and the worst exit status wins.
func journalList(ctx context.Context, env Env, s *session, f journalFlags) int {
	out := journalJSON{Attempts: []attemptJSON{}, Problems: []journal.Problem{}}
	code := ExitOK
	if f.reconcile {
		c, err := journalReconcile(ctx, env, s, &out)
		if err != nil {
			return fail(env, err)
		}
		code = c
	}
	if f.verify {
		c, err := journalVerify(ctx, env, s, &out)
		if err != nil {
			return fail(env, err)
		}
		if c != ExitOK {
			code = c
		}
	}
	if err := journalAttempts(ctx, s, f, &out); err != nil {
		return fail(env, err)
	}
	if f.c.format == "json" {
		writeJSON(env.Stdout, out)
	} else {
		writeJournalText(env, s, out, f.pending)
	}
	return code
}

// journalReconcile asks the providers about the pending attempts: 6 when
// one is still unknown after the provider answered, 4 when one did not.
func journalReconcile(ctx context.Context, env Env, s *session, out *journalJSON) (int, error) {
	rctx, stopProgress := startProgress(ctx, env, "reconciling pending attempts")
	appended, unresolved, err := s.engine.Reconcile(rctx)
	stopProgress()
	if err != nil {
		return 0, err
	}
	for _, e := range appended {
		out.Reconciled = append(out.Reconciled, listed(e))
	}
	code := ExitOK
	for _, u := range unresolved {
		out.Unresolved = append(out.Unresolved, unresolvedJSON{u.JournalID, oneLine(u.Err.Error())})
		fmt.Fprintf(env.Stderr, "simdesk: %s still pending: %s\n", u.JournalID, oneLine(u.Err.Error()))
		// Not visible yet, or ambiguous: the provider answered, the
		// outcome is still unknown (6). Anything else: it did not (4).
		var amb *engine.AmbiguousError
		switch {
		case code == ExitProvider:
		case errors.Is(u.Err, engine.ErrNotVisibleYet) || errors.As(u.Err, &amb):
			code = ExitUnknown
		default:
			code = ExitProvider
		}
	}
	return code, nil
}

// journalVerify checks the journal: 7 when a line is broken; warnings (a
// torn last line, no head anchor, a role that can alter the journal) are
// reported on stderr and never change the exit status.
func journalVerify(ctx context.Context, env Env, s *session, out *journalJSON) (int, error) {
	rep, err := s.journal.Verify(ctx)
	if err != nil {
		return 0, err
	}
	out.Verify = &rep
	for _, w := range rep.Warnings {
		fmt.Fprintf(env.Stderr, "simdesk: journal %s: warning: %s\n", s.journal.Where(), w)
	}
	if rep.OK {
		return ExitOK, nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(env.Stderr, "simdesk: journal %s: %s\n", s.journal.Where(), p)
	}
	return ExitVerify, nil
}

// listed is an entry as the journal's listing shows it: without its MAC,
// which proves the line in the store and means nothing out of it (the
// listing's keys stay those of the contract).
func listed(e journal.Entry) journal.Entry {
	e.MAC = ""
	return e
}

// journalAttempts adds the attempts to list: every pending one (from the
// journal's index, however old) or the n most recent.
func journalAttempts(ctx context.Context, s *session, f journalFlags, out *journalJSON) error {
	n := f.limit
	if n == 0 {
		n = math.MaxInt32
	}
	var attempts []journal.Attempt
	var err error
	if f.pending {
		attempts, err = s.journal.Pending(ctx)
		slices.Reverse(attempts)
		attempts = attempts[:min(n, len(attempts))]
	} else {
		var probs []journal.Problem
		attempts, probs, err = s.journal.Recent(ctx, n)
		if probs != nil {
			out.Problems = probs
		}
	}
	if err != nil {
		return err
	}
	for _, a := range attempts {
		if f.pending && !a.Pending() {
			continue
		}
		aj := attemptJSON{Entry: listed(a.Intent), Pending: a.Pending()}
		if a.Outcome != nil {
			o := listed(*a.Outcome)
			aj.Outcome = &o
		}
		out.Attempts = append(out.Attempts, aj)
	}
	return nil
}

// reconciledLine says what reconciliation concluded, the transaction and
// reason only when there are some (no trailing spaces for scripts to trip on).
func reconciledLine(e journal.Entry) string {
	parts := []string{"reconciled", e.JournalID, "→", string(e.Status)}
	for _, s := range []string{e.TransactionID, e.Reason} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

func writeJournalText(env Env, s *session, out journalJSON, pendingOnly bool) {
	w := env.Stdout
	fmt.Fprintf(w, "journal %s\n", s.journal.Where())
	for _, e := range out.Reconciled {
		fmt.Fprintln(w, reconciledLine(e))
	}
	if v := out.Verify; v != nil && v.OK {
		fmt.Fprintf(w, "verified: %d entries, hash chain intact", v.Entries)
		if v.Sealed > 0 {
			fmt.Fprintf(w, "; %d sealed by the journal key", v.Sealed)
		}
		if v.Plain > 0 && v.Sealed > 0 {
			fmt.Fprintf(w, ", %d written before it (hash chain only)", v.Plain)
		}
		fmt.Fprintln(w)
	}
	switch {
	case len(out.Attempts) == 0 && pendingOnly:
		fmt.Fprintln(w, "nothing pending: every top-up attempt has a known outcome")
	case len(out.Attempts) == 0:
		fmt.Fprintln(w, "no top-up attempt yet")
	default:
		writeAttemptsText(w, out.Attempts)
	}
	for _, p := range out.Problems {
		fmt.Fprintf(w, "problem at line %d: %s\n", p.Line, p.Msg)
	}
}

// writeJSON writes v as the contract's other JSON documents are written
// (journal, stock, top-up): indented two spaces, HTML characters as they
// are, one trailing newline. The lookup document has its own encoder above.
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
