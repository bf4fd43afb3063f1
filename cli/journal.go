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

func runJournal(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("journal", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	pending := fs.Bool("pending", false, "only attempts whose outcome is unknown")
	reconcile := fs.Bool("reconcile", false, "ask providers what became of pending attempts")
	verify := fs.Bool("verify", false, "check the hash chain and report the first broken entry")
	limit := fs.Int("n", 50, "show at most N attempts (newest first); 0 = all (reads the whole journal)")
	resolve := fs.String("resolve", "", "settle the attempt `JOURNAL_ID` by hand: give its TRANSACTION_ID, or none (it did not reach the provider)")
	exportTo := fs.String("export", "", "write the PostgreSQL journal to the new file `FILE`, compared line by line")
	importFrom := fs.String("import", "", "copy the file journal `FILE` into the empty PostgreSQL journal, compared line by line")
	pos, err := start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	resolveTrx := ""
	if *resolve != "" {
		if len(pos) != 1 {
			return fail(env, usageErr("--resolve JOURNAL_ID needs one TRANSACTION_ID, or none"))
		}
		resolveTrx, pos = pos[0], nil
		if resolveTrx == "none" {
			resolveTrx = ""
		}
	}
	if err := noArgs("journal", pos); err != nil {
		return fail(env, err)
	}
	if *limit < 0 {
		return fail(env, usageErr("-n must not be negative"))
	}
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	if *exportTo != "" || *importFrom != "" {
		return journalMove(ctx, env, s.cfg, s.redactor, *exportTo, *importFrom)
	}
	if s.journal == nil && s.cfg.JournalDSN == "" && *resolve == "" && !*reconcile {
		// A journal that cannot be written can still be read: verified
		// and listed, never appended to.
		if ro, err := journal.OpenReadOnly(s.cfg.Journal); err == nil {
			defer ro.Close()
			s.journal = ro
		}
	}
	if s.journal == nil {
		return fail(env, s.journalErr)
	}
	if *resolve != "" {
		w, err := s.engine.Resolve(ctx, *resolve, resolveTrx)
		if err != nil {
			return fail(env, err)
		}
		if c.format == "json" {
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(w)
		} else {
			fmt.Fprintf(env.Stdout, "resolved %s → %s %s (by %s)\n", w.JournalID, w.Status, w.TransactionID, w.ResolvedBy)
		}
		return ExitOK
	}
	out := journalJSON{Attempts: []attemptJSON{}, Problems: []journal.Problem{}}
	code := ExitOK
	if *reconcile {
		rctx, stopProgress := startProgress(ctx, env, "reconciling pending attempts")
		appended, unresolved, err := s.engine.Reconcile(rctx)
		stopProgress()
		if err != nil {
			return fail(env, err)
		}
		out.Reconciled = appended
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
	}
	if *verify {
		rep, err := s.journal.Verify(ctx)
		if err != nil {
			return fail(env, err)
		}
		out.Verify = &rep
		if !rep.OK {
			for _, p := range rep.Problems {
				fmt.Fprintf(env.Stderr, "simdesk: journal %s line %d: %s\n", s.journal.Where(), p.Line, p.Msg)
			}
			code = ExitVerify
		}
	}
	n := *limit
	if n == 0 {
		n = math.MaxInt32
	}
	var attempts []journal.Attempt
	var probs []journal.Problem
	if *pending {
		// Every pending attempt, however old, from the journal's index.
		attempts, err = s.journal.Pending(ctx)
		slices.Reverse(attempts)
		if len(attempts) > n {
			attempts = attempts[:n]
		}
	} else {
		attempts, probs, err = s.journal.Recent(ctx, n)
	}
	if err != nil {
		return fail(env, err)
	}
	if probs != nil {
		out.Problems = probs
	}
	for _, a := range attempts {
		if *pending && !a.Pending() {
			continue
		}
		out.Attempts = append(out.Attempts, attemptJSON{Entry: a.Intent, Outcome: a.Outcome, Pending: a.Pending()})
	}
	if c.format == "json" {
		writeJSON(env.Stdout, out)
	} else {
		writeJournalText(env, s, out, *pending)
	}
	return code
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
	if out.Verify != nil && out.Verify.OK {
		fmt.Fprintf(w, "verified: %d entries, hash chain intact\n", out.Verify.Entries)
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
