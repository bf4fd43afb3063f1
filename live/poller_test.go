package live

import (
	"context"
	"sync"
	"testing"
	"time"

	"simdesk/model"
)

// fakeClock moves only when asked: a wait moves it by its length when the
// poller starts it (nothing else runs meanwhile), the fake provider by its
// latency.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.advance(d)
	return ch
}

// pollsIn runs a Poller over a provider that answers after latency, on a
// fake clock, and returns the fake times at which polls started within span.
// kick presses r (RefreshNow) after every reading, as an impatient operator.
func pollsIn(t *testing.T, every, latency, span time.Duration, kick bool) []time.Duration {
	t.Helper()
	clk := &fakeClock{t: time.Unix(0, 0)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var starts []time.Duration
	p := &Poller{name: "slow", every: every, kick: make(chan struct{}, 1), clock: clk}
	p.ask = func(context.Context) ([]model.Offer, error) {
		at := clk.Now().Sub(time.Unix(0, 0))
		if at >= span {
			cancel()
			return nil, context.Canceled
		}
		if len(starts) > 1000 {
			t.Fatal("runaway poller")
		}
		starts = append(starts, at)
		clk.advance(latency)
		return []model.Offer{{ID: "o1", Stock: 1}}, nil
	}
	p.Run(ctx, func(Stock) {
		if kick {
			p.RefreshNow()
		}
	})
	return starts
}

// TestPollerBacksOffASlowProvider: a provider answering in 2 s at a 1 s
// stock_refresh is asked every 4 s (the poll's length, then as long again),
// 4 times in 15 s where the poller used to ask 5 times (every 3 s), and 8
// times when an operator pressed r after every reading. A fast provider
// keeps its interval.
func TestPollerBacksOffASlowProvider(t *testing.T) {
	want := []time.Duration{0, 4 * time.Second, 8 * time.Second, 12 * time.Second}
	for _, kick := range []bool{false, true} {
		got := pollsIn(t, time.Second, 2*time.Second, 15*time.Second, kick)
		if len(got) != len(want) {
			t.Fatalf("kick %v: polls started at %v, want %v", kick, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("kick %v: polls started at %v, want %v", kick, got, want)
			}
		}
	}
	if got := pollsIn(t, time.Second, 10*time.Millisecond, 15*time.Second, false); len(got) != 15 {
		t.Fatalf("a fast provider was polled %d times in 15 intervals: %v", len(got), got)
	}
}

// TestLeaderWatch: the watch counts a leader gone only when no poll has
// started for two of its periods (poll length plus backoff); a poll under
// way gets stockTimeout; a reading without a heard start (an older leader)
// keeps the leader alive from the poll's start.
func TestLeaderWatch(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	w := newLeaderWatch(time.Second, t0)
	if w.gone(at(2*time.Second)) || !w.gone(at(2*time.Second+1)) {
		t.Fatal("a watch that heard nothing: gone after two intervals")
	}
	w = newLeaderWatch(time.Second, t0)
	w.started(at(0))
	if w.gone(at(stockTimeout)) || !w.gone(at(stockTimeout+2*time.Second)) {
		t.Fatal("a poll under way: alive for stockTimeout and an interval")
	}
	w.finished(at(2*time.Second), 2*time.Second) // a 2 s poll: the next starts 4 s after this one
	if w.gone(at(8*time.Second)) || !w.gone(at(8*time.Second+1)) {
		t.Fatal("after a 2 s poll at a 1 s interval the leader is gone only 8 s (two periods of 4 s) after its start")
	}
	w = newLeaderWatch(time.Second, t0)
	w.finished(at(5*time.Second), 0) // an older leader's reading, no start heard
	if w.gone(at(7 * time.Second)) {
		t.Fatal("a reading keeps the leader alive from its poll's start")
	}
	w.following(at(7 * time.Second))
	if w.gone(at(stockTimeout)) {
		t.Fatal("a held lock, no start heard yet: the leader's poll is taken to be under way")
	}
}
