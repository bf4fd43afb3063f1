package live

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/journal"
)

// TestFeedSeesAnotherProcessesAppends: a second handle on the same journal
// file stands for another console or host; its entries reach the hub's
// sessions through the store's head, with the news and the pending count.
func TestFeedSeesAnotherProcessesAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	mine, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	other, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	eng := engine.New(engine.Options{Operator: "server", Journal: mine})
	h := NewHub()
	sub := h.Subscribe()
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	wait := h.Run(ctx, eng)
	defer func() { cancel(); wait() }()
	if u, ok := sub.Next(); !ok || u.Journal == nil || len(u.Journal.Attempts) != 0 {
		t.Fatalf("first snapshot %+v", u)
	}
	in := journal.Entry{JournalID: journal.NewID(), Phase: journal.PhaseIntent, Operator: "bob", Provider: "orange", OfferID: "OF", TargetType: "msisdn", TargetID: "33612345678"}
	if _, err := other.Append(ctx, in); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		got := make(chan Update, 1)
		go func() { u, _ := sub.Next(); got <- u }()
		select {
		case u := <-got:
			if u.Journal == nil {
				continue
			}
			if u.Journal.Pending != 1 || len(u.News) != 1 || u.News[0].Intent.Operator != "bob" {
				t.Fatalf("update %+v news %+v", u.Journal, u.News)
			}
			return
		case <-deadline:
			t.Fatal("another process's append never reached the session")
		}
	}
}
