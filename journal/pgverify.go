package journal

import (
	"context"
	"fmt"
	"time"
)

// What the reads answer from besides the lines is checked against the
// lines by Verify too: the MACs cover only the lines, so a column beside a
// line (Claimed reads transaction_id, the duplicate guard the key columns
// and ts, Recent first) or a row of the pending set (which --pending,
// reconciliation and the duplicate guard read) could otherwise be edited
// unseen. The pending set is the runtime role's to delete from (it settles
// attempts), so that one needs no owner at all.

// pgVerifySQL is every row with the columns written beside its line.
const pgVerifySQL = `SELECT seq, line, journal_id, phase, first, ts, provider, line_key, offer_id, amount, status, transaction_id
	FROM simdesk_journal ORDER BY seq`

// pgRowColumns are the columns beside a row's line, as scanned.
type pgRowColumns struct {
	id, phase, provider, lineKey, offer, amount, status, trx string
	first                                                    bool
	ts                                                       time.Time
}

// dest is where a row of pgVerifySQL scans to (the line is read raw).
func (c *pgRowColumns) dest(seq *int64) []any {
	return []any{seq, nil, &c.id, &c.phase, &c.first, &c.ts, &c.provider, &c.lineKey, &c.offer, &c.amount, &c.status, &c.trx}
}

// columns reports a row whose columns are not what its line says (the
// line itself is judged by add). first is checked by pgCheckIndex.
func (v *verifier) columns(seq int64, b []byte, c *pgRowColumns) {
	e, why := decodeLine(line{n: int(seq), b: b})
	if why != "" {
		return
	}
	k := KeyOf(e)
	// timestamptz keeps microseconds: the column is the line's time cut there.
	if c.id != e.JournalID || c.phase != string(e.Phase) || c.provider != e.Provider || c.lineKey != k.Line ||
		c.offer != k.OfferID || c.amount != k.Amount || c.status != string(e.Status) || c.trx != e.TransactionID ||
		!c.ts.Equal(e.TS.Truncate(time.Microsecond)) {
		v.problem(int(seq), "the columns beside line %d differ from the line (edited in the database: the reads answer from them)", seq)
	}
}

// The pending set's rows that are not an open attempt's intent as its
// line says (no such intent, another key, or the attempt closed), and the
// open attempts without a row. An attempt is closed by an outcome that
// topup.Outcome.Closes: rejected, not found, or ok with a transaction id.
const (
	pgPendingWrongSQL = `SELECT p.journal_id, p.seq FROM simdesk_pending p
		LEFT JOIN simdesk_journal i ON i.seq = p.seq
		WHERE i.seq IS NULL OR i.journal_id <> p.journal_id OR i.phase <> 'intent' OR p.provider <> i.provider OR p.line_key <> i.line_key
		   OR p.offer_id <> i.offer_id OR p.amount <> i.amount OR ` + pgClosedPending + ` ORDER BY 2 LIMIT 100`
	pgClosedPending     = `EXISTS (SELECT 1 FROM simdesk_journal o WHERE o.journal_id = p.journal_id AND o.phase = 'outcome' AND (o.status IN ('rejected', 'not_found') OR (o.status = 'ok' AND o.transaction_id <> '')))`
	pgPendingMissingSQL = `SELECT i.journal_id, i.seq FROM simdesk_journal i
		WHERE i.first AND i.phase = 'intent' AND NOT EXISTS (SELECT 1 FROM simdesk_pending p WHERE p.journal_id = i.journal_id)
		  AND NOT EXISTS (SELECT 1 FROM simdesk_journal o WHERE o.journal_id = i.journal_id AND o.phase = 'outcome'
		  AND (o.status IN ('rejected', 'not_found') OR (o.status = 'ok' AND o.transaction_id <> ''))) ORDER BY 2 LIMIT 100`
	pgFirstWrongSQL = `SELECT j.seq FROM simdesk_journal j
		WHERE j.first <> (j.seq = (SELECT min(f.seq) FROM simdesk_journal f WHERE f.journal_id = j.journal_id)) ORDER BY 1 LIMIT 100`
)

// pgCheckIndex reports the pending set's and the first column's rows that
// the lines contradict (at most 100 of each).
func pgCheckIndex(ctx context.Context, q pgQuerier, v *verifier) error {
	checks := []struct {
		sql string
		msg func(id string, seq int64) string
	}{
		{pgPendingWrongSQL, func(id string, seq int64) string {
			return fmt.Sprintf("the pending set holds %s, which its lines do not leave open with that key (added or edited in the database)", clipID(id))
		}},
		{pgPendingMissingSQL, func(id string, seq int64) string {
			return fmt.Sprintf("attempt %s is open but missing from the pending set (deleted in the database: --pending and reconciliation no longer see it)", clipID(id))
		}},
	}
	for _, c := range checks {
		rows, err := q.Query(ctx, c.sql)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var seq int64
			if err := rows.Scan(&id, &seq); err != nil {
				rows.Close()
				return err
			}
			v.problem(int(seq), "%s", c.msg(id, seq))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	rows, err := q.Query(ctx, pgFirstWrongSQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return err
		}
		v.problem(int(seq), "the column first of line %d is wrong (edited in the database: the listing answers from it)", seq)
	}
	return rows.Err()
}

func clipID(id string) string {
	if len(id) > 64 {
		return id[:64] + "…"
	}
	return fmt.Sprintf("%q", id)
}
