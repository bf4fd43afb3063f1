package metrics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Probe says whether the journal can be appended to now; nil means yes.
// A probe writes nothing: /readyz is asked every few seconds.
type Probe func(ctx context.Context) error

// FileProbe checks the file journal at path: the file (or, before simdesk
// first opens it, the nearest existing directory above it, where it will
// be created) exists, is not read-only by its mode (which
// even root is held to, since an operator who chmods the journal 0444 means
// it), and can be opened for appending (a read-only file system fails
// here). Opening for append writes nothing; the descriptor is closed at once.
func FileProbe(path string) Probe {
	return func(context.Context) error {
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return dirWritable(filepath.Dir(path))
		}
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		if fi.Mode().Perm()&0o200 == 0 {
			return fmt.Errorf("%s is read-only (mode %04o)", path, fi.Mode().Perm())
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("%s cannot be opened for appending: %w", path, unwrapPath(err))
		}
		return f.Close()
	}
}

func dirWritable(dir string) error {
	fi, err := os.Stat(dir)
	for errors.Is(err, fs.ErrNotExist) && filepath.Dir(dir) != dir {
		dir = filepath.Dir(dir)
		fi, err = os.Stat(dir)
	}
	if err != nil {
		return fmt.Errorf("journal directory %s: %w", dir, unwrapPath(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("journal directory %s is read-only (mode %04o)", dir, fi.Mode().Perm())
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// PGJournal is what the PostgreSQL catalogs say of the runtime role and the
// journal's tables.
type PGJournal struct {
	Role        string
	Superuser   bool
	CanInsert   bool // INSERT on simdesk_journal
	CanPending  bool // INSERT and DELETE on simdesk_pending (the pending set)
	CanRewrite  bool // UPDATE, DELETE or TRUNCATE on simdesk_journal (the triggers still refuse them)
	OwnsJournal bool // owner of simdesk_journal, or a member of its owner: may ALTER it, drop its triggers
	ReadOnly    bool // a standby, or default_transaction_read_only
	Exists      bool // the journal table exists (simdesk creates it on first start)
}

// pgQuery reads the privileges from the catalogs; nothing is written, no
// lock is taken beyond the catalog reads.
const pgQuery = `
SELECT current_user,
       r.rolsuper,
       c.oid IS NOT NULL,
       COALESCE(has_table_privilege(c.oid, 'INSERT'), false),
       COALESCE(has_table_privilege(p.oid, 'INSERT') AND has_table_privilege(p.oid, 'DELETE'), false),
       COALESCE(has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'), false),
       COALESCE(pg_has_role(c.relowner, 'USAGE'), false),
       pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on'
  FROM pg_roles r
  LEFT JOIN pg_class c ON c.oid = to_regclass('simdesk_journal')
  LEFT JOIN pg_class p ON p.oid = to_regclass('simdesk_pending')
 WHERE r.rolname = current_user`

// InspectPG connects with dsn and reads what the runtime role may do with
// the journal. The error never carries the DSN's password (pgx's messages
// may quote the DSN; the caller redacts them with its redactor too).
func InspectPG(ctx context.Context, dsn string) (PGJournal, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return PGJournal{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var j PGJournal
	err = conn.QueryRow(ctx, pgQuery).Scan(&j.Role, &j.Superuser, &j.Exists, &j.CanInsert, &j.CanPending, &j.CanRewrite, &j.OwnsJournal, &j.ReadOnly)
	return j, err
}

// Writable is nil when the role can append an entry now.
func (j PGJournal) Writable() error {
	switch {
	case j.ReadOnly:
		return errors.New("the database is read-only (a standby, or default_transaction_read_only)")
	case !j.Exists:
		if j.Superuser || j.OwnsJournal {
			return nil
		}
		return errors.New("the journal tables do not exist yet (simdesk creates them on its first start)")
	case !j.CanInsert || !j.CanPending:
		return fmt.Errorf("role %s may not INSERT into simdesk_journal and INSERT/DELETE simdesk_pending", j.Role)
	}
	return nil
}

// PGProbe probes a PostgreSQL journal: a connection and the catalogs'
// answer that the role may append now.
func PGProbe(dsn string) Probe {
	return func(ctx context.Context) error {
		j, err := InspectPG(ctx, dsn)
		if err != nil {
			return err
		}
		return j.Writable()
	}
}

// probeTimeout bounds one shared probe, whoever asked for it.
const probeTimeout = 5 * time.Second

// shared runs p once at a time: a call while another runs waits for that
// one's answer (or its own context) instead of starting its own. A
// PostgreSQL probe opens a new connection, and /readyz is served to anyone
// who can reach the metrics port: without this, a flood of requests was a
// flood of database connections, up to max_connections, starving the
// journal's own pool. The answer is still fresh: it comes from a probe
// that was running when the call came.
func shared(p Probe) Probe {
	if p == nil {
		return nil
	}
	var mu sync.Mutex
	var cur *probeFlight
	return func(ctx context.Context) error {
		mu.Lock()
		if f := cur; f != nil {
			mu.Unlock()
			select {
			case <-f.done:
				return f.err
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		f := &probeFlight{done: make(chan struct{})}
		cur = f
		mu.Unlock()
		// Not the caller's cancellation: a client that hangs up must not
		// fail the others' answer.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
		f.err = p(pctx)
		cancel()
		mu.Lock()
		cur = nil
		mu.Unlock()
		close(f.done)
		return f.err
	}
}

type probeFlight struct {
	done chan struct{}
	err  error // set before done is closed
}
