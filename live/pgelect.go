package live

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Stock polling shared by several `simdesk serve` hosts on one database: for
// each provider one host, the leader, holds a session-level advisory lock
// and polls; every snapshot it takes goes into simdesk_stock (the latest,
// for hosts that join late) and out by NOTIFY to the others, which show it.
// The lock belongs to the leader's connection: when that connection dies
// (the host crashed, was killed, lost the network) the database releases
// it, and another host takes it at its next try, a quarter of the refresh
// interval later at most, and polls at once. The leader announces the start
// of each poll (NOTIFY on stockPollChannel), so the other hosts know it is
// alive however slow the provider is. The provider sees one host's polls
// however many hosts run, never two at once.

const (
	// stockLockBase, plus a hash of the provider's name, is the advisory
	// lock key of that provider's leader. The value is the one the journal
	// package used before the election moved here, so hosts of either build
	// elect one leader between them.
	stockLockBase int64 = 0x73696d6465736b10
	// stockChannel is the NOTIFY channel of new snapshots; the payload is
	// the provider name.
	stockChannel = "simdesk_stock"
	// stockPollChannel is the NOTIFY channel of poll starts; the payload is
	// the provider name.
	stockPollChannel = "simdesk_stock_poll"
)

// stockSnapshot is one poll of one provider's stock, as the leader took it.
type stockSnapshot struct {
	Provider string
	Version  int64 // grows by one per snapshot of this provider
	TakenAt  time.Time
	Leader   string // the host that polled
	Body     []byte // what Poll returned, opaque to the election
}

// stockLeaderOptions configures runStockLeader.
type stockLeaderOptions struct {
	DSN      string
	Provider string
	// Host names this participant in the table and in pg_stat_activity
	// (application_name "simdesk-stock <host>").
	Host string
	// Interval is the provider's stock refresh.
	Interval time.Duration
	// Poll asks the provider, once; it is only called while this host
	// leads. Its body is stored and published as is.
	Poll func(ctx context.Context) []byte
	// Publish receives every snapshot, this host's or the leader's, in
	// version order (a stale one is never published after a newer one).
	Publish func(stockSnapshot)
	// Started, when not nil, hears that another host's leader started a
	// poll of this provider.
	Started func()
	// Following, when not nil, hears once per connection that another
	// host holds the lock: a leader exists, whose poll may have started
	// before this host listened.
	Following func()
	// Role, when not nil, hears each change of role (true: leading).
	Role func(leading bool)
}

// runStockLeader takes part in the election for one provider until ctx
// ends, reconnecting after a lost connection. It returns ctx.Err().
func runStockLeader(ctx context.Context, o stockLeaderOptions) error {
	if o.Interval <= 0 {
		o.Interval = 30 * time.Second
	}
	cfg, err := pgx.ParseConfig(o.DSN)
	if err != nil {
		return errors.New("stock leader: cannot parse the journal DSN")
	}
	cfg.RuntimeParams["application_name"] = "simdesk-stock " + o.Host
	cfg.RuntimeParams["synchronous_commit"] = "on"
	// A leader host that vanishes without closing its connection (power
	// loss, network cut) is noticed by the server within ~10 s.
	cfg.RuntimeParams["tcp_keepalives_idle"] = "5"
	cfg.RuntimeParams["tcp_keepalives_interval"] = "2"
	cfg.RuntimeParams["tcp_keepalives_count"] = "2"
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	r := &stockRunner{o: o, cfg: cfg, key: stockLockKey(o.Provider)}
	pause := 100 * time.Millisecond
	for {
		err := r.session(ctx)
		r.setRole(false)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // the next session reconnects; a lost connection is the normal way leadership moves
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		if pause *= 2; pause > o.Interval/4 {
			pause = max(o.Interval/4, 100*time.Millisecond)
		}
	}
}

func stockLockKey(provider string) int64 {
	h := fnv.New32a()
	h.Write([]byte(provider))
	return stockLockBase ^ int64(h.Sum32())<<8
}

type stockRunner struct {
	o         stockLeaderOptions
	cfg       *pgx.ConnConfig
	key       int64
	leading   bool
	published int64         // newest version published
	age       time.Duration // age of the newest snapshot when last read (database clock)
	nextPoll  time.Time     // while leading: when to poll next
	followed  bool          // Following was called on this connection
}

func (r *stockRunner) setRole(leading bool) {
	if r.leading != leading && r.o.Role != nil {
		r.o.Role(leading)
	}
	r.leading = leading
}

// session is one connection's life: it follows (LISTEN, publish what the
// leader stores, try the lock every Interval/4) or leads (poll, store,
// NOTIFY, and wait out the back-off before the next poll), and returns when
// the connection fails.
func (r *stockRunner) session(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, r.cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx) // closing the session releases the lock
		cancel()
	}()
	for _, ch := range []string{stockChannel, stockPollChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return err
		}
	}
	r.followed = false
	// A late joiner shows the latest snapshot at once.
	if err := r.readLatest(ctx, conn); err != nil {
		return err
	}
	for {
		if err := r.step(ctx, conn); err != nil {
			return err
		}
		if err := r.wait(ctx, conn); err != nil {
			return err
		}
	}
}

// step tries the lock while following, and polls when leading and due.
func (r *stockRunner) step(ctx context.Context, conn *pgx.Conn) error {
	if !r.leading {
		var got bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", r.key).Scan(&got); err != nil {
			return err
		}
		if !got && !r.followed && r.o.Following != nil {
			r.followed = true
			r.o.Following()
		}
		if got {
			r.setRole(true)
			// Poll when the last snapshot is one interval old, at once
			// if there is none: a handover costs the provider no
			// extra poll.
			r.age = r.o.Interval
			if err := r.readLatest(ctx, conn); err != nil {
				return err
			}
			r.nextPoll = time.Now().Add(r.o.Interval - r.age)
		}
	}
	if !r.leading || time.Now().Before(r.nextPoll) {
		return nil
	}
	start := time.Now()
	if err := r.poll(ctx, conn); err != nil {
		return err
	}
	r.nextPoll = time.Now().Add(backoff(r.o.Interval, time.Since(start)))
	return nil
}

// wait listens until the next step is due: a quarter interval while
// following, the next poll while leading.
func (r *stockRunner) wait(ctx context.Context, conn *pgx.Conn) error {
	wait := r.o.Interval / 4
	if r.leading {
		wait = time.Until(r.nextPoll)
	}
	if wait <= 0 {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	n, err := conn.WaitForNotification(wctx)
	cancel()
	switch {
	case err == nil:
		return r.heard(ctx, conn, n.Channel, n.Payload, n.PID)
	case ctx.Err() != nil:
		return ctx.Err()
	case !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed():
		return err
	}
	return nil
}

// heard handles one notification; this connection's own are ignored (the
// leader knows its polls).
func (r *stockRunner) heard(ctx context.Context, conn *pgx.Conn, channel, payload string, pid uint32) error {
	if payload != r.o.Provider || pid == conn.PgConn().PID() {
		return nil
	}
	switch channel {
	case stockPollChannel:
		if r.o.Started != nil {
			r.o.Started()
		}
	case stockChannel:
		return r.readLatest(ctx, conn)
	}
	return nil
}

// poll asks the provider and stores the snapshot, checking first that this
// connection still holds the lock (a leader whose connection was cut must
// not poll beside the new one) and telling the other hosts it starts.
func (r *stockRunner) poll(ctx context.Context, conn *pgx.Conn) error {
	var held bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
		AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1)`, r.key).Scan(&held); err != nil {
		return err
	}
	if !held {
		r.setRole(false)
		return fmt.Errorf("stock leader for %s: lock lost", r.o.Provider)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", stockPollChannel, r.o.Provider); err != nil {
		return err
	}
	body := r.o.Poll(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s := stockSnapshot{Provider: r.o.Provider, Leader: r.o.Host, Body: body}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO simdesk_stock (provider, version, taken_at, leader, body)
			VALUES ($1, 1, now(), $2, $3)
			ON CONFLICT (provider) DO UPDATE SET version = simdesk_stock.version + 1,
				taken_at = excluded.taken_at, leader = excluded.leader, body = excluded.body
			RETURNING version, taken_at`, s.Provider, s.Leader, s.Body).Scan(&s.Version, &s.TakenAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", stockChannel, s.Provider)
		return err
	})
	if err != nil {
		return err
	}
	r.publish(s)
	return nil
}

func (r *stockRunner) readLatest(ctx context.Context, conn *pgx.Conn) error {
	var s stockSnapshot
	var age float64
	err := conn.QueryRow(ctx, `SELECT provider, version, taken_at, leader, body, extract(epoch FROM clock_timestamp() - taken_at)::float8
		FROM simdesk_stock WHERE provider = $1`, r.o.Provider).
		Scan(&s.Provider, &s.Version, &s.TakenAt, &s.Leader, &s.Body, &age)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	r.age = time.Duration(age * float64(time.Second))
	r.publish(s)
	return nil
}

func (r *stockRunner) publish(s stockSnapshot) {
	if s.Version <= r.published {
		return
	}
	r.published = s.Version
	if r.o.Publish != nil {
		r.o.Publish(s)
	}
}
