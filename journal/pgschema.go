package journal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	pgdsn "simdesk/dsn"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Least privilege. The schema belongs to an owner role, which creates and
// migrates it (journal_admin_dsn_env at start, or `simdesk journal
// --migrate`); the runtime role that appends and reads holds only what
// PGRuntimeGrants gives it: it cannot UPDATE, DELETE or TRUNCATE a journal
// row, nor disable the append-only triggers (only an owner or a superuser
// can). A runtime role that could is named at start (one warning line) and
// by `journal --verify`.

// PGRuntimeGrants is what the runtime role needs, in SQL with %s for the
// role: rows of the journal are only ever added and read; the pending set
// is a cache kept in the append's transaction (a row leaves it with the
// attempt's definitive outcome); the stock table is the poll leader's
// latest reading (an upsert). LISTEN/NOTIFY and advisory locks need no
// grant, and no table uses a sequence (seq is the chain's position, set
// under the append lock).
var PGRuntimeGrants = []string{
	"GRANT SELECT ON simdesk_schema TO %s",
	"GRANT SELECT, INSERT ON simdesk_journal TO %s",
	"GRANT SELECT, INSERT, DELETE ON simdesk_pending TO %s",
	"GRANT SELECT, INSERT, UPDATE ON simdesk_stock TO %s",
}

// PGSchemaVersion is the schema version this build creates and expects.
func PGSchemaVersion() int {
	names, _ := fs.Glob(pgMigrations, "migrations/*.sql")
	return len(names)
}

// errSchemaBehind is a schema older than this build that this role may not
// migrate.
type errSchemaBehind struct{ have, want int }

func (e errSchemaBehind) Error() string {
	if e.have == 0 {
		return fmt.Sprintf("the journal schema is not created yet (this simdesk needs version %d): run `simdesk journal --migrate` (with the schema owner's DSN in journal_admin_dsn_env)", e.want)
	}
	return fmt.Sprintf("the journal schema is version %d, this simdesk needs %d: run `simdesk journal --migrate` (with the schema owner's DSN in journal_admin_dsn_env)", e.have, e.want)
}

// schemaVersion reads the database's schema version, 0 when there is no
// schema yet.
func schemaVersion(ctx context.Context, q pgQuerier) (int, error) {
	var have int
	err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM simdesk_schema").Scan(&have)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0, nil
	}
	return have, err
}

// ensureSchema checks the schema is this build's. When it is behind and
// mayMigrate (no owner DSN was given), it migrates with this role if the
// role may; a role without the privilege gets errSchemaBehind.
func (p *PG) ensureSchema(ctx context.Context, mayMigrate bool) error {
	want := PGSchemaVersion()
	var have int
	if err := p.read(ctx, func(q pgQuerier) (err error) {
		have, err = schemaVersion(ctx, q)
		return err
	}); err != nil {
		return err
	}
	switch {
	case have == want:
		return nil
	case have > want:
		return fmt.Errorf("the database's journal schema is version %d, newer than this simdesk (%d): upgrade simdesk", have, want)
	case !mayMigrate:
		return errSchemaBehind{have, want}
	}
	err := p.tx(ctx, func(tx pgx.Tx) error {
		_, err := migrateTx(ctx, tx)
		return err
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" { // insufficient_privilege
		return errSchemaBehind{have, want}
	}
	return err
}

// migrateTx applies every embedded migration newer than the database's
// version, in order, in tx with their version rows, under an advisory lock
// so that two hosts starting at once do not both apply one. It returns the
// version found.
func migrateTx(ctx context.Context, tx pgx.Tx) (int, error) {
	names, err := fs.Glob(pgMigrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgMigrateLock); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS simdesk_schema (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, err
	}
	have, err := schemaVersion(ctx, tx)
	if err != nil {
		return 0, err
	}
	if have > len(names) {
		return have, fmt.Errorf("the database's journal schema is version %d, newer than this simdesk (%d): upgrade simdesk", have, len(names))
	}
	for i := have; i < len(names); i++ {
		sql, err := pgMigrations.ReadFile(names[i])
		if err != nil {
			return have, err
		}
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			return have, fmt.Errorf("schema migration %s: %w", names[i], err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO simdesk_schema (version, name) VALUES ($1, $2)", i+1, names[i]); err != nil {
			return have, err
		}
	}
	return have, nil
}

// Migration is what MigratePG did.
type Migration struct {
	From, To int
	Owner    string // the role that migrated
	Granted  string // the runtime role granted PGRuntimeGrants, "" when it is the owner
}

// MigratePG connects with the owner's DSN, brings the schema to this
// build's version, and grants the runtime DSN's role what it needs (when it
// is another role). Errors are one line without either password.
func MigratePG(ctx context.Context, adminDSN, runtimeDSN string) (Migration, error) {
	where := pgdsn.Redact(adminDSN)
	scrub := func(err error) error {
		msg := oneLineErr(err)
		for _, s := range []string{pgdsn.Password(adminDSN), pgdsn.Password(runtimeDSN)} {
			if s != "" {
				msg = strings.ReplaceAll(msg, s, "xxxxx")
			}
		}
		return fmt.Errorf("journal schema migration on %s: %s", where, msg)
	}
	var m Migration
	acfg, err := pgx.ParseConfig(adminDSN)
	if err != nil {
		return m, scrub(err)
	}
	runtimeUser := ""
	if runtimeDSN != "" {
		rcfg, err := pgx.ParseConfig(runtimeDSN)
		if err != nil {
			return m, scrub(err)
		}
		runtimeUser = rcfg.User
	}
	conn, err := pgx.ConnectConfig(ctx, acfg)
	if err != nil {
		return m, scrub(err)
	}
	defer conn.Close(context.Background())
	m.Owner, m.To = acfg.User, PGSchemaVersion()
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if m.From, err = migrateTx(ctx, tx); err != nil {
			return err
		}
		if runtimeUser == "" || runtimeUser == acfg.User {
			return nil
		}
		role := pgx.Identifier{runtimeUser}.Sanitize()
		for _, g := range PGRuntimeGrants {
			if _, err := tx.Exec(ctx, fmt.Sprintf(g, role)); err != nil {
				return err
			}
		}
		m.Granted = runtimeUser
		return nil
	})
	if err != nil {
		return m, scrub(err)
	}
	return m, nil
}

// pgAlterSQL says whether the current role could alter journal rows: a
// superuser, a member of the table's owner (who may disable the triggers),
// or a holder of UPDATE, DELETE or TRUNCATE.
const pgAlterSQL = `SELECT current_user::text, r.rolsuper, pg_has_role(current_user, c.relowner, 'MEMBER'),
	has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')
	FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'simdesk_journal'::regclass`

// canAlter says why this role can alter the journal, "" when it cannot.
func (p *PG) canAlter(ctx context.Context) (string, error) {
	var who string
	var super, owner, write bool
	err := p.read(ctx, func(q pgQuerier) error {
		return q.QueryRow(ctx, pgAlterSQL).Scan(&who, &super, &owner, &write)
	})
	switch {
	case err != nil:
		return "", err
	case super:
		return fmt.Sprintf("role %s is a superuser", who), nil
	case owner:
		return fmt.Sprintf("role %s owns simdesk_journal (it may disable the append-only triggers)", who), nil
	case write:
		return fmt.Sprintf("role %s holds UPDATE, DELETE or TRUNCATE on simdesk_journal", who), nil
	}
	return "", nil
}

// CanAlter is "" when this store's role cannot alter journal rows, else one
// line saying why it can: `serve` logs it at start and `journal --verify`
// reports it. Such a role can rewrite history; the MACs still show it.
func (p *PG) CanAlter() string {
	if p.alter == "" {
		return ""
	}
	return p.alter + ": it can alter the journal; run simdesk as a runtime role with only INSERT and SELECT (README: the journal in PostgreSQL)"
}

// PGIdentity names the database a DSN points at (host, port, database;
// no user, no password), for the head anchor's file name: the runtime and
// the owner's DSNs of one database name the same journal.
func PGIdentity(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return pgdsn.Redact(dsn)
	}
	return fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}
