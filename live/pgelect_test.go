package live

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPGStockLeaderOnePollerAndTakeover runs two hosts' stock pollers (each
// with its own connection) for one provider: the provider sees one host's
// polls per interval, both hosts show every snapshot, and when the leader's
// connection is killed the other host takes over and the stock stays fresh.
func TestPGStockLeaderOnePollerAndTakeover(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for ~5 s")
	}
	p, dsn := openPG(t) // creates the schema
	_ = p
	const every = 400 * time.Millisecond
	var upstream atomic.Int64 // calls the provider received
	type host struct {
		name    string
		polls   atomic.Int64
		mu      sync.Mutex
		seen    []stockSnapshot
		leading atomic.Bool
	}
	hosts := []*host{{name: "A"}, {name: "B"}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runStockLeader(ctx, stockLeaderOptions{
				DSN: dsn, Provider: "orange", Host: h.name, Interval: every,
				Poll: func(context.Context) []byte {
					n := upstream.Add(1)
					h.polls.Add(1)
					return []byte(fmt.Sprintf(`{"n":%d}`, n))
				},
				Publish: func(s stockSnapshot) {
					h.mu.Lock()
					h.seen = append(h.seen, s)
					h.mu.Unlock()
				},
				Role: func(l bool) { h.leading.Store(l) },
			})
		}()
		if i == 0 {
			time.Sleep(every / 2) // A starts first and leads
		}
	}
	defer func() { cancel(); wg.Wait() }()

	// Phase 1: 6 intervals with both hosts up.
	time.Sleep(every / 2)
	phase1 := upstream.Load()
	time.Sleep(6 * every)
	calls := upstream.Load() - phase1
	if calls < 5 || calls > 7 {
		t.Fatalf("upstream got %d calls in 6 intervals from two hosts; one host makes 6", calls)
	}
	leader, follower := hosts[0], hosts[1]
	if !leader.leading.Load() || follower.leading.Load() || follower.polls.Load() != 0 {
		t.Fatalf("A leading %v, B leading %v, B polls %d: want A alone", leader.leading.Load(), follower.leading.Load(), follower.polls.Load())
	}
	follower.mu.Lock()
	got := len(follower.seen)
	follower.mu.Unlock()
	if got < 5 {
		t.Fatalf("the follower showed %d snapshots in 6 intervals", got)
	}

	// Phase 2: kill the leader's connection; B must take over within one
	// interval, and the stock B shows must never be older than
	// two intervals.
	c := superConn(t, dsn)
	killed := time.Now()
	mustExec(t, c, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'simdesk-stock A'`)
	waitFor(t, func() bool { return follower.leading.Load() })
	if d := time.Since(killed); d > every {
		t.Fatalf("takeover took %v, more than one interval (%v)", d, every)
	}
	phase2 := upstream.Load()
	time.Sleep(6 * every)
	calls = upstream.Load() - phase2
	if calls < 5 || calls > 7 {
		t.Fatalf("after the takeover upstream got %d calls in 6 intervals; one host makes 6", calls)
	}
	follower.mu.Lock()
	defer follower.mu.Unlock()
	var worst time.Duration
	for i := 1; i < len(follower.seen); i++ {
		if follower.seen[i].Version <= follower.seen[i-1].Version {
			t.Fatalf("versions out of order: %d after %d", follower.seen[i].Version, follower.seen[i-1].Version)
		}
		if gap := follower.seen[i].TakenAt.Sub(follower.seen[i-1].TakenAt); gap > worst {
			worst = gap
		}
	}
	if worst > 2*every {
		t.Fatalf("stock went %v without a snapshot (interval %v)", worst, every)
	}
	t.Logf("upstream calls %d in total; takeover after the kill; longest gap between snapshots %v (interval %v)", upstream.Load(), worst, every)
}

// TestPGStockLateJoiner: a host that starts after the leader's reading
// shows that reading at once, without asking the provider itself.
func TestPGStockLateJoiner(t *testing.T) {
	_, dsn := openPG(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	got := make(chan stockSnapshot, 10)
	var polls atomic.Int64
	run := func(host string, publish func(stockSnapshot)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runStockLeader(ctx, stockLeaderOptions{DSN: dsn, Provider: "lla", Host: host, Interval: time.Minute,
				Poll:    func(context.Context) []byte { polls.Add(1); return []byte("reading-" + host) },
				Publish: publish})
		}()
	}
	run("A", func(stockSnapshot) {})
	waitFor(t, func() bool { return polls.Load() == 1 })
	start := time.Now()
	run("C", func(s stockSnapshot) { got <- s })
	select {
	case s := <-got:
		if string(s.Body) != "reading-A" || s.Version != 1 || s.Leader != "A" {
			t.Fatalf("late joiner showed %+v", s)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("late joiner waited %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the late joiner showed nothing")
	}
	if n := polls.Load(); n != 1 {
		t.Fatalf("the provider was asked %d times; the late joiner must not poll", n)
	}
}
