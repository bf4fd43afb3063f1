package live

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"simdesk/dsn"
	"simdesk/journal"
)

// pgFeedSafetyPoll: a feed that heard nothing for this long reads anyway,
// so a notification lost in a network blip delays an entry, never hides it.
const pgFeedSafetyPoll = 10 * time.Second

// AppendReader reads the entries appended after a position: the journal
// store's Since (journal.PG reads it through its own pool).
type AppendReader interface {
	Since(ctx context.Context, after journal.Seq, max int) ([]journal.Record, journal.Seq, error)
}

// PGFeed calls fn with every entry appended to the PostgreSQL journal at
// databaseURL after position after, oldest first, in batches, until ctx ends
// (it then returns ctx.Err()). It LISTENs on a connection of its own for the
// NOTIFY each append sends and reads the new rows through store; after a
// lost connection (a database restart, a network cut) it reconnects with a
// growing pause (100 ms to 2 s) and first catches up from the last seq it
// delivered, so no entry is skipped or delivered twice. onErr, when not
// nil, hears each connection failure without the DSN's password (for a
// "journal feed down" marker); it is called with nil once the feed is
// connected again.
func PGFeed(ctx context.Context, databaseURL string, store AppendReader, after journal.Seq, fn func([]journal.Record), onErr func(error)) error {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return errors.New("journal feed: cannot parse the journal DSN")
	}
	cfg.RuntimeParams["application_name"] = "simdesk-feed"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	f := &pgFeed{cfg: cfg, store: store, after: after, fn: fn, secret: dsn.Password(databaseURL)}
	pause := 100 * time.Millisecond
	down := false
	for {
		err := f.once(ctx, func() {
			pause = 100 * time.Millisecond
			if down && onErr != nil {
				onErr(nil)
			}
			down = false
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if onErr != nil {
			onErr(f.scrub(err))
		}
		down = true
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		if pause *= 2; pause > 2*time.Second {
			pause = 2 * time.Second
		}
	}
}

type pgFeed struct {
	cfg    *pgx.ConnConfig
	store  AppendReader
	after  journal.Seq
	fn     func([]journal.Record)
	secret string
}

func (f *pgFeed) once(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, f.cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+journal.PGNotifyChannel); err != nil {
		return err
	}
	// LISTEN first, then read: an append committed in between is both read
	// now and notified, and the seq filter drops the repeat.
	if err := f.catchUp(ctx); err != nil {
		return err
	}
	connected()
	for {
		wctx, cancel := context.WithTimeout(ctx, pgFeedSafetyPoll)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil && (ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded)) {
			return err
		}
		if err != nil && conn.IsClosed() {
			return err
		}
		if err := f.catchUp(ctx); err != nil {
			return err
		}
	}
}

// catchUp delivers every entry after f.after, advancing it.
func (f *pgFeed) catchUp(ctx context.Context) error {
	const batch = 1000
	for {
		recs, next, err := f.store.Since(ctx, f.after, batch)
		if err != nil {
			return err
		}
		if next == f.after {
			return nil
		}
		f.after = next
		if len(recs) > 0 {
			f.fn(recs)
		}
	}
}

// scrub removes the password from an error's text (pgx hides it in its own
// messages; this also covers a password echoed by anything else).
func (f *pgFeed) scrub(err error) error { return dsn.Scrub(err, f.secret) }

// KickOnPGAppends kicks feed whenever any host appends to the PostgreSQL
// journal (LISTEN/NOTIFY, caught up by sequence after a reconnect), so
// sessions see other hosts' top-ups at once instead of at the feed's next
// interval. It returns when ctx ends.
func KickOnPGAppends(ctx context.Context, store *journal.PG, feed *JournalFeed) {
	head, err := store.Head(ctx)
	if err != nil {
		head = 0
	}
	PGFeed(ctx, store.DSN(), store, head, func([]journal.Record) { feed.Kick() }, func(error) { feed.Kick() })
}
