package journal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	pgdsn "simdesk/dsn"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL journal. Several hosts append to one table: each append
// is a READ COMMITTED transaction that first takes one transaction-level
// advisory lock (pgAppendLock), so appends are ordered exactly as the file
// store's flock orders them, and the hash chain stays one chain. (An
// experiment showed REPEATABLE READ with the lock breaks the chain: the
// snapshot is taken before the lock is granted, so it misses the previous
// append; SERIALIZABLE needs thousands of retries under contention.)

//go:embed migrations/*.sql
var pgMigrations embed.FS

// Advisory lock keys (one 64-bit key space per database; the high bits
// spell "simdesk" so they do not collide with another application's).
const (
	pgAppendLock    int64 = 0x73696d6465736b01 // every append, and Locked sections
	pgMigrateLock   int64 = 0x73696d6465736b02 // schema migration at start
	pgStockLockBase int64 = 0x73696d6465736b10 // + provider hash: stock poll leaders
)

// pgChannel is the NOTIFY channel of new entries; its payload is the seq.
const pgChannel = "simdesk_journal"

// PG is the journal in PostgreSQL. Its methods are safe for concurrent use
// and any number of processes on any number of hosts may share one
// database.
type PG struct {
	dsn    string
	secret string // the DSN's password, scrubbed from every error
	where  string
	cfg    *pgx.ConnConfig // for the feed's own LISTEN connection
	pool   *pgxpool.Pool
	seal   *Seal
	// alter says why this role can alter the journal (a superuser, the
	// table's owner, or UPDATE/DELETE/TRUNCATE granted), "" when it cannot.
	alter string
}

var _ Store = (*PG)(nil)

// scrub removes the password from an error's text (pgx already hides it in
// its own messages; this also covers a password echoed by anything else).
func (p *PG) scrub(err error) error { return pgdsn.Scrub(err, p.secret) }

// PGOptions are what OpenPGWith needs beside the runtime DSN.
type PGOptions struct {
	// AdminDSN, when set, names the schema's owner role: the schema is
	// created or migrated with it before the runtime pool opens, and the
	// runtime role is granted what it needs (see PGRuntimeGrants). Without
	// it the runtime role migrates only when it may, and otherwise says
	// the schema is behind in one line naming `journal --migrate`.
	AdminDSN string
	// Seal, when not nil, MACs every new row and anchors the head.
	Seal *Seal
}

// OpenPG opens the journal with the runtime DSN alone (OpenPGWith).
func OpenPG(ctx context.Context, dsn string) (*PG, error) {
	return OpenPGWith(ctx, dsn, PGOptions{})
}

// OpenPGWith connects to the database, brings the schema to this build's
// version when it may (see PGOptions.AdminDSN), and returns the store. An
// unreachable database is an error (one line, no password): the caller
// stops top-ups and keeps lookups working.
func OpenPGWith(ctx context.Context, dsn string, o PGOptions) (*PG, error) {
	p := &PG{dsn: dsn, secret: pgdsn.Password(dsn), where: pgdsn.Redact(dsn), seal: o.Seal}
	fail := func(err error) (*PG, error) {
		if p.pool != nil {
			p.pool.Close()
		}
		return nil, fmt.Errorf("journal %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	if o.AdminDSN != "" {
		if _, err := MigratePG(ctx, o.AdminDSN, dsn); err != nil {
			return nil, err
		}
	}
	pcfg, err := pgPoolConfig(dsn)
	if err != nil {
		return fail(err)
	}
	p.cfg = pcfg.ConnConfig
	if p.pool, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return fail(err)
	}
	if err := p.ensureSchema(ctx, o.AdminDSN == ""); err != nil {
		return fail(err)
	}
	if p.alter, err = p.canAlter(ctx); err != nil {
		return fail(err)
	}
	return p, nil
}

// pgPoolConfig is the pool's configuration for a DSN: 16 connections at
// most, durable commits, and a short connect timeout.
func pgPoolConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cc := cfg.ConnConfig
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = 5 * time.Second
	}
	// Durable before returning: the intent must survive a crash of the
	// database host before the top-up is sent.
	cc.RuntimeParams["synchronous_commit"] = "on"
	cc.RuntimeParams["application_name"] = "simdesk"
	cfg.MaxConns = 16
	// A connection that failed is never handed out again: pgxpool destroys
	// a closed one, or one released inside a transaction, on release; an
	// idle one is pinged before use (its default after a second idle).
	return cfg, nil
}

func oneLineErr(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Where is the DSN without its password.
func (p *PG) Where() string { return p.where }

// Close closes every connection.
func (p *PG) Close() error {
	p.pool.Close()
	return nil
}

// tx runs fn in a READ COMMITTED transaction. When the connection turns out
// dead before the transaction began (an idle connection after a database
// restart), it retries once on a new one: nothing was written.
func (p *PG) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	for try := 0; ; try++ {
		tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			if try == 0 && ctx.Err() == nil && !isPGError(err) {
				continue
			}
			return err
		}
		if err = fn(tx); err == nil {
			return tx.Commit(ctx)
		}
		// A refusal by the caller's check rolls back on a sound connection,
		// which goes back to the pool; a failed rollback closes it, and
		// pgxpool destroys a closed connection on release.
		_ = tx.Rollback(ctx)
		return err
	}
}

// isPGError is an error the server sent (the connection is still sound).
func isPGError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe)
}

// read runs fn on a pooled connection, retrying once on a dead idle one.
func (p *PG) read(ctx context.Context, fn func(pgQuerier) error) error {
	for try := 0; ; try++ {
		c, err := p.pool.Acquire(ctx)
		if err != nil {
			return p.scrub(err)
		}
		err = fn(c)
		failed := err != nil && !isPGError(err)
		if failed {
			// Its state is unknown (rows half read, a query cut): close
			// it, so the pool destroys it instead of handing it out.
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			c.Conn().Close(cctx)
			cancel()
		}
		c.Release()
		if failed && try == 0 && ctx.Err() == nil { // a read is safe to repeat
			continue
		}
		return p.scrub(err)
	}
}

// pgQuerier is a connection or a transaction.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// encodeEntry is the entry's line exactly as the file store writes it
// (json.Encoder without HTML escaping), without the newline.
func encodeEntry(e Entry) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeLine is e's line as the stores write it, sealed (its MAC as the
// last field) when s is not nil, and that MAC.
func encodeLine(e Entry, s *Seal) ([]byte, string, error) {
	e.MAC = ""
	if s == nil {
		b, err := encodeEntry(e)
		return b, "", err
	}
	if s.key == nil {
		return nil, "", fmt.Errorf("no journal key: %v", s.keyErr)
	}
	return s.seal(e)
}

func hashLine(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func checkEntry(e *Entry) error {
	if e.JournalID == "" {
		return errors.New("journal: entry without journal_id")
	}
	if e.Phase != PhaseIntent && e.Phase != PhaseOutcome {
		return fmt.Errorf("journal: entry phase %q is neither intent nor outcome", e.Phase)
	}
	if e.TS.IsZero() {
		e.TS = time.Now()
	}
	e.TS = e.TS.UTC()
	return nil
}

// Append writes e in its own transaction, committed (synchronous_commit on)
// before it returns.
func (p *PG) Append(ctx context.Context, e Entry) (Entry, error) {
	return p.AppendGuarded(ctx, e, time.Time{}, nil)
}

// AppendGuarded is the duplicate guard: the check and the append happen in
// one transaction under the append lock, so two hosts cannot both pass it.
func (p *PG) AppendGuarded(ctx context.Context, e Entry, since time.Time, check func(same []Attempt) error) (Entry, error) {
	if err := checkEntry(&e); err != nil {
		return Entry{}, err
	}
	var out Entry
	var seq int64
	var checkErr error
	err := p.tx(ctx, func(tx pgx.Tx) error {
		if check != nil {
			if err := pgLock(ctx, tx); err != nil {
				return err
			}
			same, err := pgReader{tx}.Same(ctx, KeyOf(e), since)
			if err != nil {
				return err
			}
			if checkErr = check(same); checkErr != nil {
				return checkErr
			}
		}
		var err error
		// Without a check, the lock is taken in the same round trip as
		// the reads: the lock is held as briefly as possible.
		out, seq, err = pgAppend(ctx, tx, e, check == nil, p.seal)
		return err
	})
	if checkErr != nil {
		return Entry{}, checkErr
	}
	if err != nil {
		return Entry{}, fmt.Errorf("journal %s: append: %v", p.where, oneLineErr(p.scrub(err)))
	}
	if err := p.anchor(seq, out.MAC); err != nil {
		return Entry{}, err
	}
	return out, nil
}

// anchor writes the head after a commit: the anchor never names a line
// the database may not hold.
func (p *PG) anchor(seq int64, mac string) error {
	if p.seal == nil || seq == 0 {
		return nil
	}
	return p.seal.writeHead(p.where, seq, mac)
}

func pgLock(ctx context.Context, q pgQuerier) error {
	_, err := q.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgAppendLock)
	return err
}

// pgStateSQL reads, in one statement, the last line and its seq, and the
// lines already written for the attempt (its first line decides "first",
// all of them whether the attempt stays pending).
const pgStateSQL = `SELECT
	coalesce((SELECT seq FROM simdesk_journal ORDER BY seq DESC LIMIT 1), 0),
	coalesce((SELECT line FROM simdesk_journal ORDER BY seq DESC LIMIT 1), ''),
	coalesce((SELECT array_agg(line ORDER BY seq) FROM simdesk_journal WHERE journal_id = $1), '{}')`

// pgAppend writes e after the last line, holding the append lock (taken
// here first when lock is set, in the same round trip as the reads). The
// insert, the pending set's change and the NOTIFY (delivered at commit) go
// in one more round trip.
func pgAppend(ctx context.Context, q pgQuerier, e Entry, lock bool, s *Seal) (Entry, int64, error) {
	var seq int64
	var last string
	var lines []string
	rb := &pgx.Batch{}
	if lock {
		rb.Queue("SELECT pg_advisory_xact_lock($1)", pgAppendLock)
	}
	rb.Queue(pgStateSQL, e.JournalID).QueryRow(func(row pgx.Row) error { return row.Scan(&seq, &last, &lines) })
	if err := q.SendBatch(ctx, rb).Close(); err != nil {
		return Entry{}, 0, err
	}
	e.Prev = ""
	if seq > 0 {
		e.Prev = hashLine([]byte(last))
	}
	b, mac, err := encodeLine(e, s)
	if err != nil {
		return Entry{}, 0, err
	}
	e.MAC = mac
	seq++
	first := len(lines) == 0
	k := KeyOf(e)
	wb := &pgx.Batch{}
	wb.Queue(`INSERT INTO simdesk_journal
		(seq, line, journal_id, phase, first, ts, provider, line_key, offer_id, amount, status, transaction_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		seq, string(b), e.JournalID, string(e.Phase), first, e.TS, e.Provider, k.Line, k.OfferID, k.Amount,
		string(e.Status), e.TransactionID)
	switch {
	case e.Phase == PhaseIntent && first:
		wb.Queue(`INSERT INTO simdesk_pending (journal_id, seq, provider, line_key, offer_id, amount)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, e.JournalID, seq, e.Provider, k.Line, k.OfferID, k.Amount)
	case e.Phase == PhaseOutcome:
		// The attempt leaves the pending set exactly when the file store's
		// index closes it: settled, and not ok-without-a-transaction-id.
		entries := make([]Entry, 0, len(lines)+1)
		for i, l := range lines {
			if d, why := decodeLine(line{n: i + 1, b: []byte(l)}); why == "" {
				entries = append(entries, d)
			}
		}
		entries = append(entries, e)
		if as := attempts(entries); len(as) == 1 && as[0].Closed() {
			wb.Queue("DELETE FROM simdesk_pending WHERE journal_id = $1", e.JournalID)
		}
	}
	wb.Queue("SELECT pg_notify($1, $2)", pgChannel, strconv.FormatInt(seq, 10))
	if err := q.SendBatch(ctx, wb).Close(); err != nil {
		return Entry{}, 0, err
	}
	return e, seq, nil
}

// Locked runs fn in one transaction holding the append lock: every host's
// appends wait until it ends, so two reconcilers never both append an
// outcome for one attempt. fn's appends commit together when it returns nil.
func (p *PG) Locked(ctx context.Context, fn func(tx Tx) error) error {
	var fnErr error
	var last *pgTx
	err := p.tx(ctx, func(tx pgx.Tx) error {
		if err := pgLock(ctx, tx); err != nil {
			return err
		}
		last = &pgTx{pgReader: pgReader{tx}, seal: p.seal}
		fnErr = fn(last)
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("journal %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	return p.anchor(last.seq, last.mac)
}

// pgTx is a Locked section; it remembers its last append for the anchor.
type pgTx struct {
	pgReader
	seal *Seal
	seq  int64
	mac  string
}

// Append writes e inside the Locked section (the lock is already held).
func (t *pgTx) Append(ctx context.Context, e Entry) (Entry, error) {
	if err := checkEntry(&e); err != nil {
		return Entry{}, err
	}
	out, seq, err := pgAppend(ctx, t.q, e, false, t.seal)
	if err == nil {
		t.seq, t.mac = seq, out.MAC
	}
	return out, err
}

// Reads.

// Recent returns the n most recent attempts, newest first, by the
// position of their first line (an index scan of the newest first lines).
func (p *PG) Recent(ctx context.Context, n int) (list []Attempt, probs []Problem, err error) {
	err = p.read(ctx, func(q pgQuerier) error {
		list, probs, err = pgReader{q}.Recent(ctx, n)
		return err
	})
	return list, probs, err
}

// Pending returns the attempts reconciliation still has work on, oldest
// first, from the pending set kept by every append.
func (p *PG) Pending(ctx context.Context) (list []Attempt, err error) {
	err = p.read(ctx, func(q pgQuerier) error {
		list, err = pgReader{q}.Pending(ctx)
		return err
	})
	return list, err
}

// Get returns one attempt by journal id (false when there is none).
func (p *PG) Get(ctx context.Context, journalID string) (a Attempt, ok bool, err error) {
	err = p.read(ctx, func(q pgQuerier) error {
		a, ok, err = pgReader{q}.Get(ctx, journalID)
		return err
	})
	return a, ok, err
}

// Same returns the attempts of key begun at or after since, plus those of
// key still pending, newest first: what the duplicate guard weighs.
func (p *PG) Same(ctx context.Context, key Key, since time.Time) (list []Attempt, err error) {
	err = p.read(ctx, func(q pgQuerier) error {
		list, err = pgReader{q}.Same(ctx, key, since)
		return err
	})
	return list, err
}

// Claimed maps each transaction id recorded in an outcome since since to
// its journal id, so reconciliation never gives one transaction to two
// attempts.
func (p *PG) Claimed(ctx context.Context, since time.Time) (m map[string]string, err error) {
	err = p.read(ctx, func(q pgQuerier) error {
		m, err = pgReader{q}.Claimed(ctx, since)
		return err
	})
	return m, err
}

// The reads, each answered from an index (TestPGReadsUseIndexes checks the
// plans on a journal of 20,000 entries): none reads the history.
const (
	pgAttemptsSQL = "SELECT seq, line FROM simdesk_journal WHERE journal_id = ANY($1) ORDER BY seq"
	pgRecentSQL   = "SELECT journal_id FROM simdesk_journal WHERE first ORDER BY seq DESC LIMIT $1"
	pgPendingSQL  = "SELECT journal_id FROM simdesk_pending ORDER BY seq"
	pgSameSQL     = `
		SELECT journal_id FROM (
			SELECT journal_id, seq FROM simdesk_journal
			 WHERE phase = 'intent' AND provider = $1 AND line_key = $2 AND offer_id = $3 AND amount = $4 AND ts >= $5
			UNION
			SELECT journal_id, seq FROM simdesk_pending
			 WHERE provider = $1 AND line_key = $2 AND offer_id = $3 AND amount = $4
		) s ORDER BY seq DESC`
	pgClaimedSQL = `SELECT transaction_id, journal_id FROM simdesk_journal
		WHERE phase = 'outcome' AND transaction_id <> '' AND ts >= $1`
	pgSinceSQL = "SELECT seq, line FROM simdesk_journal WHERE seq > $1 ORDER BY seq LIMIT $2"
	pgHeadSQL  = "SELECT coalesce(max(seq), 0) FROM simdesk_journal"
)

// pgReader answers the Reader questions with indexed queries on a
// connection or inside a transaction.
type pgReader struct{ q pgQuerier }

// attemptsOf loads every line of the given attempts and groups them, in the
// order of ids.
func (r pgReader) attemptsOf(ctx context.Context, ids []string) ([]Attempt, []Problem, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	rows, err := r.q.Query(ctx, pgAttemptsSQL, ids)
	if err != nil {
		return nil, nil, err
	}
	entries, probs, err := scanLines(rows)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]Attempt{}
	for _, a := range attempts(entries) {
		byID[a.Intent.JournalID] = a
	}
	out := make([]Attempt, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, probs, nil
}

// scanLines decodes (seq, line) rows; a row that is not an entry (only a
// superuser bypassing the triggers can write one) is a Problem at its seq.
func scanLines(rows pgx.Rows) ([]Entry, []Problem, error) {
	defer rows.Close()
	var entries []Entry
	var probs []Problem
	for rows.Next() {
		var seq int64
		var text string
		if err := rows.Scan(&seq, &text); err != nil {
			return nil, nil, err
		}
		e, why := decodeLine(line{n: int(seq), b: []byte(text)})
		if why != "" {
			probs = append(probs, Problem{Line: int(seq), Msg: why})
			continue
		}
		entries = append(entries, e)
	}
	return entries, probs, rows.Err()
}

func collectIDs(rows pgx.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// attemptsWhere is the attempts whose journal ids a query selects.
func (r pgReader) attemptsWhere(ctx context.Context, sql string, args ...any) ([]Attempt, []Problem, error) {
	rows, err := r.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, err
	}
	ids, err := collectIDs(rows)
	if err != nil {
		return nil, nil, err
	}
	return r.attemptsOf(ctx, ids)
}

func (r pgReader) Recent(ctx context.Context, n int) ([]Attempt, []Problem, error) {
	if n <= 0 {
		n = 50
	}
	return r.attemptsWhere(ctx, pgRecentSQL, n)
}

func (r pgReader) Pending(ctx context.Context) ([]Attempt, error) {
	list, _, err := r.attemptsWhere(ctx, pgPendingSQL)
	return list, err
}

func (r pgReader) Get(ctx context.Context, journalID string) (Attempt, bool, error) {
	list, _, err := r.attemptsOf(ctx, []string{journalID})
	if err != nil || len(list) == 0 {
		return Attempt{}, false, err
	}
	return list[0], true, nil
}

func (r pgReader) Same(ctx context.Context, key Key, since time.Time) ([]Attempt, error) {
	list, _, err := r.attemptsWhere(ctx, pgSameSQL, key.Provider, key.Line, key.OfferID, key.Amount, since.UTC())
	return list, err
}

func (r pgReader) Claimed(ctx context.Context, since time.Time) (map[string]string, error) {
	rows, err := r.q.Query(ctx, pgClaimedSQL, since.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var trx, id string
		if err := rows.Scan(&trx, &id); err != nil {
			return nil, err
		}
		out[trx] = id
	}
	return out, rows.Err()
}

// Since returns the entries after position after (a seq), oldest first.
func (p *PG) Since(ctx context.Context, after Seq, max int) ([]Record, Seq, error) {
	if max <= 0 {
		max = 1000
	}
	var out []Record
	next := after
	err := p.read(ctx, func(q pgQuerier) error {
		out, next = nil, after
		rows, err := q.Query(ctx, pgSinceSQL, int64(after), max)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var text string
			if err := rows.Scan(&seq, &text); err != nil {
				return err
			}
			next = Seq(seq)
			if e, why := decodeLine(line{n: int(seq), b: []byte(text)}); why == "" {
				out = append(out, Record{Seq: Seq(seq), Entry: e})
			}
		}
		return rows.Err()
	})
	return out, next, err
}

// Head is the seq of the last entry (0 when empty).
func (p *PG) Head(ctx context.Context) (Seq, error) {
	var seq int64
	err := p.read(ctx, func(q pgQuerier) error {
		return q.QueryRow(ctx, pgHeadSQL).Scan(&seq)
	})
	return Seq(seq), err
}

// Verify streams every row in seq order through the verifier the file
// store uses (one row in memory at a time, however long the history): the
// chain, the MACs, the anchored head, and a seq that skips (rows removed)
// are reported at the line number the same journal has as a file. A role
// that can alter the journal is reported as a warning.
func (p *PG) Verify(ctx context.Context) (Report, error) {
	var v *verifier
	err := p.read(ctx, func(q pgQuerier) error {
		v = newVerifier(p.seal)
		rows, err := q.Query(ctx, pgVerifySQL)
		if err != nil {
			return err
		}
		defer rows.Close()
		want := int64(1)
		var cols pgRowColumns
		for rows.Next() {
			var seq int64
			if err := rows.Scan(cols.dest(&seq)...); err != nil {
				return err
			}
			if seq != want {
				v.gap(int(want), int(seq-1))
			}
			want = seq + 1
			v.add(int(seq), rows.RawValues()[1], false)
			v.columns(seq, rows.RawValues()[1], &cols)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return pgCheckIndex(ctx, q, v)
	})
	if err != nil {
		return Report{}, err
	}
	if msg := p.CanAlter(); msg != "" {
		v.warn(0, "%s", msg)
	}
	return v.finish(), nil
}
