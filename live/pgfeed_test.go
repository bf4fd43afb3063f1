package live

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/journal/pgtest"
)

func intent(id string) journal.Entry {
	return journal.Entry{JournalID: id, Phase: journal.PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: "o1", TargetType: "msisdn", TargetID: "33612345678"}
}

func waitRecord(t *testing.T, ch <-chan journal.Record) journal.Record {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no entry from the feed")
		return journal.Record{}
	}
}

// TestPGFeedLive: a feed hears appends made by another store within a
// fraction of a second (NOTIFY, not its 10 s safety poll).
func TestPGFeedLive(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, dsn := openPG(t)
	other, err := journal.OpenPG(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := p.Append(ctx, intent("f0")); err != nil {
		t.Fatal(err)
	}
	got := make(chan journal.Record, 10)
	go PGFeed(ctx, p.DSN(), p, 0, func(rs []journal.Record) {
		for _, r := range rs {
			got <- r
		}
	}, nil)
	if r := waitRecord(t, got); r.Entry.JournalID != "f0" || r.Seq != 1 {
		t.Fatalf("catch-up gave %+v", r)
	}
	time.Sleep(100 * time.Millisecond)
	begun := time.Now()
	if _, err := other.Append(ctx, intent("f1")); err != nil {
		t.Fatal(err)
	}
	if r := waitRecord(t, got); r.Entry.JournalID != "f1" || r.Seq != 2 {
		t.Fatalf("live gave %+v", r)
	}
	if d := time.Since(begun); d > 2*time.Second {
		t.Fatalf("the feed took %v: not NOTIFY", d)
	}
}

// TestPGFeedAcrossRestart: a feed opened before the database restarts
// reports the lost connection (without the DSN's password) and then
// delivers every entry appended after it, once.
func TestPGFeedAcrossRestart(t *testing.T) {
	c := pgtest.Get(t)
	if !c.Owned {
		t.Skip("the server of $" + pgtest.EnvURL + " is not restarted by tests")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, _ := openPG(t)
	if _, err := p.Append(ctx, intent("d1")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	var downs int
	go PGFeed(ctx, p.DSN(), p, 0, func(rs []journal.Record) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range rs {
			seen = append(seen, r.Entry.JournalID)
		}
	}, func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			downs++
		}
	})
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 1 })
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"d3", "d4"} {
		if _, err := p.Append(ctx, intent(id)); err != nil {
			t.Fatalf("append after restart: %v", err)
		}
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 3 })
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, ",") != "d1,d3,d4" {
		t.Fatalf("feed delivered %v", seen)
	}
	if downs == 0 {
		t.Fatal("the feed never reported the lost connection")
	}
}

// TestPGFeedScrubsThePassword: a feed that cannot connect reports why
// without the password of its DSN.
func TestPGFeedScrubsThePassword(t *testing.T) {
	port := pgtest.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var errs []error
	PGFeed(ctx, "postgres://simdesk:hunter2-secret@127.0.0.1:"+strconv.Itoa(port)+"/journal?sslmode=disable&connect_timeout=1", nil, 0,
		func([]journal.Record) {}, func(err error) {
			if err != nil {
				errs = append(errs, err)
				cancel()
			}
		})
	if len(errs) == 0 {
		t.Fatal("no connection error reported")
	}
	for _, err := range errs {
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("feed error %q holds the password", err)
		}
	}
}
