package journal

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5"
)

// Moving a journal between a file and PostgreSQL, so a team can switch
// either way without losing or altering one byte of its history: the lines
// travel as they are (the hash chain does not change), and each move ends by
// comparing the destination with the source line by line.

// Import copies the file journal at path into this database, whose journal
// must be empty, and returns the number of entries. The file must verify
// clean (a torn or altered line would be carried into a chain that then
// fails --verify; MACs are checked with this store's key) and mean what a
// store could have written (checkHistory): otherwise it is refused with
// FILE:LINE and nothing is written. Everything is written in one
// transaction under the append lock, so no top-up interleaves and a failed
// import leaves nothing behind; the rows are then read back and compared
// with the file's lines.
func (p *PG) Import(ctx context.Context, path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	lines, entries, err := importable(path, data, p.seal)
	if err != nil {
		return 0, err
	}
	err = p.tx(ctx, func(tx pgx.Tx) error {
		if err := pgLock(ctx, tx); err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM simdesk_journal LIMIT 1) s").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errors.New("the database's journal is not empty: import only into a new journal")
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"simdesk_journal"},
			[]string{"seq", "line", "journal_id", "phase", "first", "ts", "provider", "line_key", "offer_id", "amount", "status", "transaction_id"},
			&importRows{lines: lines, entries: entries, seen: make(map[string]bool, len(entries)/2), i: -1}); err != nil {
			return err
		}
		seqOf := map[string]int64{}
		for i, e := range entries {
			if _, ok := seqOf[e.JournalID]; !ok {
				seqOf[e.JournalID] = int64(i + 1)
			}
		}
		var pend [][]any
		for _, a := range attempts(entries) {
			if a.Intent.Phase == PhaseIntent && (a.Pending() || a.AwaitsID()) {
				k := KeyOf(a.Intent)
				pend = append(pend, []any{a.Intent.JournalID, seqOf[a.Intent.JournalID], k.Provider, k.Line, k.OfferID, k.Amount})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"simdesk_pending"}, []string{"journal_id", "seq", "provider", "line_key", "offer_id", "amount"}, pgx.CopyFromRows(pend)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", pgChannel, fmt.Sprint(len(entries)))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("import into %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	if err := p.compare(ctx, bytes.NewReader(data)); err != nil {
		return 0, fmt.Errorf("import into %s: read back: %v", p.where, err)
	}
	if len(entries) > 0 {
		if err := p.anchor(int64(len(entries)), entries[len(entries)-1].MAC); err != nil {
			return 0, err
		}
	}
	// Fresh statistics, so the planner uses the indexes on the imported
	// history at once instead of waiting for autovacuum.
	_ = p.read(ctx, func(q pgQuerier) error {
		_, err := q.Exec(ctx, "ANALYZE simdesk_journal")
		return err
	})
	return len(entries), nil
}

// importable checks a file journal for Import: it verifies (with the
// store's key, not its head anchor: the file has its own), has no torn
// line, and its history means something (checkHistory). It returns the
// lines and their entries, or the first refusal as FILE:LINE.
func importable(path string, data []byte, s *Seal) ([]line, []Entry, error) {
	var keyOnly *Seal
	if s != nil {
		keyOnly = &Seal{keyPath: s.keyPath, key: s.key, keyErr: s.keyErr}
	}
	refuse := func(n int, msg string) error {
		return fmt.Errorf("import: %s:%d: %s: the file does not verify; nothing imported (repair it, or keep it as a file)", path, n, msg)
	}
	rep := verifyData(data, keyOnly)
	if !rep.OK {
		return nil, nil, refuse(rep.Problems[0].Line, rep.Problems[0].Msg)
	}
	for _, w := range rep.Warnings {
		if w.Line > 0 {
			return nil, nil, refuse(w.Line, w.Msg)
		}
	}
	lines := splitLines(data)
	entries := make([]Entry, len(lines))
	nums := make([]int, len(lines))
	for i, l := range lines {
		entries[i], _ = decodeLine(l) // verify accepted every line
		nums[i] = l.n
	}
	if pr := checkHistory(entries, nums); pr != nil {
		return nil, nil, fmt.Errorf("import: %s:%d: %s: nothing imported", path, pr.Line, pr.Msg)
	}
	return lines, entries, nil
}

// Export writes this database's journal to a new file at path (it must not
// exist), fsyncs it, and compares the file with the rows line by line. The
// file is a journal the file store opens and verifies as it is.
func (p *PG) Export(ctx context.Context, path string) (int, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n, err := p.writeLines(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return 0, fmt.Errorf("export to %s: %v", path, oneLineErr(p.scrub(err)))
	}
	back, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer back.Close()
	if err := p.compare(ctx, back); err != nil {
		return 0, fmt.Errorf("export to %s: read back: %v", path, err)
	}
	return n, nil
}

// writeLines streams every line, in order, each ended by '\n'.
func (p *PG) writeLines(ctx context.Context, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	n := 0
	err := p.read(ctx, func(q pgQuerier) error {
		n = 0
		rows, err := q.Query(ctx, "SELECT line FROM simdesk_journal ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			raw := rows.RawValues()[0]
			bw.Write(raw)
			bw.WriteByte('\n')
			n++
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	return n, bw.Flush()
}

// compare reads the rows in seq order beside the file's lines: every line
// must be there, at its number, byte for byte.
func (p *PG) compare(ctx context.Context, file io.Reader) error {
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	return p.read(ctx, func(q pgQuerier) error {
		rows, err := q.Query(ctx, "SELECT seq, line FROM simdesk_journal ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		want := int64(1)
		for rows.Next() {
			var seq int64
			if err := rows.Scan(&seq, nil); err != nil {
				return err
			}
			if seq != want {
				return fmt.Errorf("line %d is missing from the database", want)
			}
			if !sc.Scan() {
				return fmt.Errorf("the file ends at line %d, the database goes on", seq-1)
			}
			if !bytes.Equal(sc.Bytes(), rows.RawValues()[1]) {
				return fmt.Errorf("line %d differs between the file and the database", seq)
			}
			want++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if sc.Scan() {
			return fmt.Errorf("the database ends at line %d, the file goes on", want-1)
		}
		return sc.Err()
	})
}

// importRows feeds COPY one row at a time, so an import holds the file and
// its entries but never a second copy of every row.
type importRows struct {
	lines   []line
	entries []Entry
	seen    map[string]bool
	i       int
}

func (r *importRows) Next() bool { r.i++; return r.i < len(r.entries) }

func (r *importRows) Values() ([]any, error) {
	e := r.entries[r.i]
	k := KeyOf(e)
	first := !r.seen[e.JournalID]
	r.seen[e.JournalID] = true
	return []any{int64(r.i + 1), string(r.lines[r.i].b), e.JournalID, string(e.Phase), first, e.TS, e.Provider,
		k.Line, k.OfferID, k.Amount, string(e.Status), e.TransactionID}, nil
}

func (r *importRows) Err() error { return nil }
