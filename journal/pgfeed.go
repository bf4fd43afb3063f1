package journal

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgFeedSafetyPoll: a feed that heard nothing for this long reads anyway,
// so a notification lost in a network blip delays an entry, never hides it.
const pgFeedSafetyPoll = 10 * time.Second

// Feed calls fn with every entry appended after position after, oldest
// first, in batches, until ctx ends (it then returns ctx.Err()). It LISTENs
// for the NOTIFY each append sends and reads the new rows by seq; after a
// lost connection (a database restart, a network cut) it reconnects with a
// growing pause (100 ms to 2 s) and first catches up from the last seq it
// delivered, so no entry is skipped or delivered twice. onErr, when not
// nil, hears each connection failure (for a "journal feed down" marker);
// it is called with nil once the feed is connected again.
func (p *PG) Feed(ctx context.Context, after Seq, fn func([]Record), onErr func(error)) error {
	pause := 100 * time.Millisecond
	down := false
	for {
		err := p.feedOnce(ctx, &after, fn, func() {
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
			onErr(p.scrub(err))
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

func (p *PG) feedOnce(ctx context.Context, after *Seq, fn func([]Record), connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	// LISTEN first, then read: an append committed in between is both read
	// now and notified, and the seq filter drops the repeat.
	if err := feedCatchUp(ctx, conn, after, fn); err != nil {
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
		if err := feedCatchUp(ctx, conn, after, fn); err != nil {
			return err
		}
	}
}

// feedCatchUp delivers every row after *after, advancing it.
func feedCatchUp(ctx context.Context, conn *pgx.Conn, after *Seq, fn func([]Record)) error {
	const batch = 1000
	for {
		rows, err := conn.Query(ctx, "SELECT seq, line FROM simdesk_journal WHERE seq > $1 ORDER BY seq LIMIT $2", int64(*after), batch)
		if err != nil {
			return err
		}
		var recs []Record
		last, n := *after, 0
		for rows.Next() {
			var seq int64
			var text string
			if err := rows.Scan(&seq, &text); err != nil {
				rows.Close()
				return err
			}
			n++
			last = Seq(seq)
			if e, why := decodeLine(line{n: int(seq), b: []byte(text)}); why == "" {
				recs = append(recs, Record{Seq: Seq(seq), Entry: e})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		*after = last
		if len(recs) > 0 {
			fn(recs)
		}
		if n < batch {
			return nil
		}
	}
}
