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
	"io/fs"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	cfg    *pgx.ConnConfig
	pool   *pgPool
}

var _ Store = (*PG)(nil)

// IsPostgresDSN reports a journal setting that names a PostgreSQL database
// rather than a file.
func IsPostgresDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

var kvPassword = regexp.MustCompile(`(?i)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// DSNPassword returns the password written in a DSN (URL or key=value
// form), "" when there is none, so that callers can register it with a
// redactor before anything prints.
func DSNPassword(dsn string) string {
	if IsPostgresDSN(dsn) {
		if u, err := url.Parse(dsn); err == nil && u.User != nil {
			p, _ := u.User.Password()
			if p != "" {
				return p
			}
		}
		if u, err := url.Parse(dsn); err == nil {
			if p := u.Query().Get("password"); p != "" {
				return p
			}
		}
		return ""
	}
	if m := kvPassword.FindStringSubmatch(dsn); m != nil {
		return strings.Trim(m[1], "'")
	}
	return ""
}

// RedactDSN is the DSN without its password, fit for messages.
func RedactDSN(dsn string) string {
	if IsPostgresDSN(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "postgres://(unparsable DSN)"
		}
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return kvPassword.ReplaceAllString(dsn, "password=xxxxx")
}

// scrub removes the password from an error's text (pgx already hides it in
// its own messages; this also covers a password echoed by anything else).
func (p *PG) scrub(err error) error {
	if err == nil || p.secret == "" || !strings.Contains(err.Error(), p.secret) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), p.secret, "xxxxx"), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }

// Unwrap keeps errors.Is(err, context.Canceled) and the like working.
func (s *scrubbed) Unwrap() error { return s.err }

// OpenPG connects to the database, creates or migrates the schema, and
// returns the store. An unreachable database is an error (one line, no
// password): the caller stops top-ups and keeps lookups working.
func OpenPG(ctx context.Context, dsn string) (*PG, error) {
	p := &PG{dsn: dsn, secret: DSNPassword(dsn), where: RedactDSN(dsn)}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	// Durable before returning: the intent must survive a crash of the
	// database host before the top-up is sent.
	cfg.RuntimeParams["synchronous_commit"] = "on"
	cfg.RuntimeParams["application_name"] = "simdesk"
	p.cfg = cfg
	p.pool = &pgPool{cfg: cfg, sem: make(chan struct{}, 16)}
	if err := p.migrate(ctx); err != nil {
		p.pool.close()
		return nil, fmt.Errorf("journal %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	return p, nil
}

func oneLineErr(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Where is the DSN without its password.
func (p *PG) Where() string { return p.where }

// Close closes every connection.
func (p *PG) Close() error {
	p.pool.close()
	return nil
}

// PGSchemaVersion is the schema version this build creates and expects.
func PGSchemaVersion() int {
	names, _ := fs.Glob(pgMigrations, "migrations/*.sql")
	return len(names)
}

// migrate applies every embedded migration newer than the database's
// version, in order, each in the same transaction as its version row, under
// an advisory lock so that two hosts starting at once do not both apply it.
func (p *PG) migrate(ctx context.Context) error {
	names, err := fs.Glob(pgMigrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return p.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgMigrateLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS simdesk_schema (
			version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM simdesk_schema").Scan(&have); err != nil {
			return err
		}
		if have > len(names) {
			return fmt.Errorf("the database's journal schema is version %d, newer than this simdesk (%d): upgrade simdesk", have, len(names))
		}
		for i := have; i < len(names); i++ {
			sql, err := pgMigrations.ReadFile(names[i])
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("schema migration %s: %w", names[i], err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO simdesk_schema (version, name) VALUES ($1, $2)", i+1, names[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// pgPool is a small pool of connections (pgxpool would need a module this
// build does not carry). A connection that failed is closed, never reused.
type pgPool struct {
	cfg    *pgx.ConnConfig
	sem    chan struct{}
	mu     sync.Mutex
	idle   []*pgx.Conn
	closed bool
}

func (pl *pgPool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case pl.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	pl.mu.Lock()
	if pl.closed {
		pl.mu.Unlock()
		<-pl.sem
		return nil, errors.New("journal: closed")
	}
	for len(pl.idle) > 0 {
		c := pl.idle[len(pl.idle)-1]
		pl.idle = pl.idle[:len(pl.idle)-1]
		if !c.IsClosed() {
			pl.mu.Unlock()
			return c, nil
		}
	}
	pl.mu.Unlock()
	c, err := pgx.ConnectConfig(ctx, pl.cfg)
	if err != nil {
		<-pl.sem
		return nil, err
	}
	return c, nil
}

// release returns c to the pool, or closes it when it failed (its state is
// unknown: a transaction may still be open on it).
func (pl *pgPool) release(c *pgx.Conn, failed bool) {
	defer func() { <-pl.sem }()
	pl.mu.Lock()
	if failed || pl.closed || c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		pl.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c.Close(ctx)
		cancel()
		return
	}
	pl.idle = append(pl.idle, c)
	pl.mu.Unlock()
}

func (pl *pgPool) close() {
	pl.mu.Lock()
	pl.closed = true
	idle := pl.idle
	pl.idle = nil
	pl.mu.Unlock()
	for _, c := range idle {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c.Close(ctx)
		cancel()
	}
}

// tx runs fn in a READ COMMITTED transaction. When the connection turns out
// dead before the transaction began (an idle connection after a database
// restart), it retries once on a new one: nothing was written.
func (p *PG) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	for try := 0; ; try++ {
		c, err := p.pool.acquire(ctx)
		if err != nil {
			return err
		}
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			p.pool.release(c, true)
			if try == 0 && ctx.Err() == nil {
				continue
			}
			return err
		}
		err = fn(tx)
		broken := false
		if err == nil {
			err = tx.Commit(ctx)
			broken = err != nil && !isPGError(err)
		} else if rerr := tx.Rollback(ctx); rerr != nil {
			broken = true
		}
		// A refusal by the caller's check rolls back on a sound
		// connection: keep it (opening one costs more than the check).
		p.pool.release(c, broken)
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
		c, err := p.pool.acquire(ctx)
		if err != nil {
			return p.scrub(err)
		}
		err = fn(c)
		failed := err != nil && !isPGError(err)
		p.pool.release(c, failed)
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
		out, err = pgAppend(ctx, tx, e, check == nil)
		return err
	})
	if checkErr != nil {
		return Entry{}, checkErr
	}
	if err != nil {
		return Entry{}, fmt.Errorf("journal %s: append: %v", p.where, oneLineErr(p.scrub(err)))
	}
	return out, nil
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
func pgAppend(ctx context.Context, q pgQuerier, e Entry, lock bool) (Entry, error) {
	var seq int64
	var last string
	var lines []string
	rb := &pgx.Batch{}
	if lock {
		rb.Queue("SELECT pg_advisory_xact_lock($1)", pgAppendLock)
	}
	rb.Queue(pgStateSQL, e.JournalID).QueryRow(func(row pgx.Row) error { return row.Scan(&seq, &last, &lines) })
	if err := q.SendBatch(ctx, rb).Close(); err != nil {
		return Entry{}, err
	}
	e.Prev = ""
	if seq > 0 {
		e.Prev = hashLine([]byte(last))
	}
	b, err := encodeEntry(e)
	if err != nil {
		return Entry{}, err
	}
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
		return Entry{}, err
	}
	return e, nil
}

// Locked runs fn in one transaction holding the append lock: every host's
// appends wait until it ends, so two reconcilers never both append an
// outcome for one attempt. fn's appends commit together when it returns nil.
func (p *PG) Locked(ctx context.Context, fn func(tx Tx) error) error {
	var fnErr error
	err := p.tx(ctx, func(tx pgx.Tx) error {
		if err := pgLock(ctx, tx); err != nil {
			return err
		}
		fnErr = fn(pgTx{pgReader{tx}})
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("journal %s: %v", p.where, oneLineErr(p.scrub(err)))
	}
	return nil
}

type pgTx struct{ pgReader }

// Append writes e inside the Locked section (the lock is already held).
func (t pgTx) Append(ctx context.Context, e Entry) (Entry, error) {
	if err := checkEntry(&e); err != nil {
		return Entry{}, err
	}
	return pgAppend(ctx, t.q, e, false)
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

// pgVerifyChunk is how many lines Verify holds at once: a journal of any
// length is checked in bounded memory (a variable so tests can cut chunks
// small).
var pgVerifyChunk = 20000

// lineNumber matches the line numbers in the verifier's messages, which
// count lines of the text it was given; they are rewritten to seqs.
var lineNumber = regexp.MustCompile(`\bline (\d+)\b`)

// Verify streams every line in order through the file store's verifier, so
// one verifier serves both stores: in chunks, each chunk after the first
// starting with the previous chunk's last line, so every link of the chain
// is checked once and memory stays bounded. A missing seq (a row removed by
// a superuser with the triggers disabled) is reported too. Problems carry
// the seq, which is the line number the same journal has as a file.
func (p *PG) Verify(ctx context.Context) (Report, error) {
	var rep Report
	var seqs []int64 // of the chunk's lines; seqs[0] is the overlap line after the first chunk
	var data []byte
	var lastText []byte
	want := int64(1)
	flush := func(overlap bool) {
		if len(seqs) == 0 || (overlap && len(seqs) == 1) {
			return
		}
		r := verify(data)
		at := func(pos int) int64 {
			if pos >= 1 && pos <= len(seqs) {
				return seqs[pos-1]
			}
			return int64(pos)
		}
		for _, pr := range r.Problems {
			if overlap && pr.Line == 1 && !strings.HasPrefix(pr.Msg, "hash chain broken") {
				continue // the overlap line's own problems were reported with its chunk
			}
			pr.Msg = lineNumber.ReplaceAllStringFunc(pr.Msg, func(m string) string {
				n, _ := strconv.Atoi(m[len("line "):])
				return fmt.Sprintf("line %d", at(n))
			})
			pr.Line = int(at(pr.Line))
			rep.Problems = append(rep.Problems, pr)
		}
		rep.Entries += r.Entries
		if overlap {
			if _, why := decodeLine(line{n: 1, b: bytes.TrimSuffix(data[:bytes.IndexByte(data, '\n')+1], []byte("\n"))}); why == "" {
				rep.Entries-- // counted with its own chunk
			}
		}
	}
	err := p.read(ctx, func(q pgQuerier) error {
		rep, seqs, data, lastText, want = Report{}, nil, nil, nil, 1
		rows, err := q.Query(ctx, "SELECT seq, line FROM simdesk_journal ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		overlap := false
		for rows.Next() {
			var seq int64
			var text []byte
			if err := rows.Scan(&seq, &text); err != nil {
				return err
			}
			if seq != want {
				rep.Problems = append(rep.Problems, Problem{Line: int(want), Msg: fmt.Sprintf("lines %d to %d are missing from the database", want, seq-1)})
			}
			want = seq + 1
			seqs = append(seqs, seq)
			data = append(append(data, text...), '\n')
			lastText = text
			if len(seqs) >= pgVerifyChunk {
				flush(overlap)
				last := seqs[len(seqs)-1]
				seqs = append(seqs[:0], last)
				data = append(append(data[:0], lastText...), '\n')
				overlap = true
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		flush(overlap)
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Line < rep.Problems[j].Line })
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}
