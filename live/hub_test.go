package live

import (
	"context"
	"fmt"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
)

func TestStalledMailboxBlocksNobodyAndKeepsTheNewest(t *testing.T) {
	h := NewHub()
	stalled := h.Subscribe() // never reads until the end
	reader := h.Subscribe()
	defer stalled.Close()
	defer reader.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10000 {
			h.PublishStock(Stock{Provider: "p", Offers: []model.Offer{{ID: "o", Stock: i}}})
			h.PublishStock(Stock{Provider: "q", Offers: []model.Offer{{ID: "o", Stock: -i}}})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publishing blocked on a mailbox nobody reads")
	}
	u := stalled.Take()
	if len(u.Stock) != 2 || u.Stock[0].Provider != "p" || u.Stock[0].Offers[0].Stock != 9999 || u.Stock[1].Offers[0].Stock != -9999 {
		t.Fatalf("stalled mailbox holds %+v, want only the newest of p and q", u.Stock)
	}
	if u2 := stalled.Take(); !u2.Empty() {
		t.Fatalf("second Take not empty: %+v", u2)
	}
}

func TestNewsAccumulateBoundedAndJournalNewestWins(t *testing.T) {
	h := NewHub()
	s := h.Subscribe()
	defer s.Close()
	for i := range maxNews + 10 {
		a := journal.Attempt{Intent: journal.Entry{JournalID: fmt.Sprint(i)}}
		h.PublishJournal(Journal{Pending: i}, []journal.Attempt{a})
	}
	u := s.Take()
	if u.Journal == nil || u.Journal.Pending != maxNews+9 {
		t.Fatalf("journal %+v, want the newest", u.Journal)
	}
	if len(u.News) != maxNews || u.News[0].Intent.JournalID != "10" || u.News[maxNews-1].Intent.JournalID != fmt.Sprint(maxNews+9) {
		t.Fatalf("news: %d, first %s", len(u.News), u.News[0].Intent.JournalID)
	}
}

func TestSubscribeStartsWithTheCurrentValuesAndNoticeReachesLateComers(t *testing.T) {
	h := NewHub()
	h.PublishStock(Stock{Provider: "p", At: time.Unix(5, 0)})
	h.PublishJournal(Journal{Pending: 3}, nil)
	h.Announce("shutting down")
	s := h.Subscribe()
	defer s.Close()
	u, ok := s.Next()
	if !ok || len(u.Stock) != 1 || u.Journal == nil || u.Journal.Pending != 3 || u.Notice != "shutting down" {
		t.Fatalf("first update %+v", u)
	}
	if h.Sessions() != 1 {
		t.Fatalf("sessions %d", h.Sessions())
	}
	s.Close()
	if _, ok := s.Next(); ok || h.Sessions() != 0 {
		t.Fatal("Next after Close")
	}
}

// countingSource stands for a leader-elected source: the hub needs only
// the StockSource interface.
type countingSource struct{ runs chan struct{} }

func (c countingSource) Provider() string { return "leader" }
func (c countingSource) Run(ctx context.Context, publish func(Stock)) {
	publish(Stock{Provider: "leader", Offers: []model.Offer{{ID: "x", Stock: 7}}})
	close(c.runs)
	<-ctx.Done()
}

func TestAnotherStockSourceReplacesThePoller(t *testing.T) {
	h := NewHub()
	sub := h.Subscribe()
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	src := countingSource{runs: make(chan struct{})}
	wait := h.Run(ctx, nil, src)
	<-src.runs
	u, _ := sub.Next()
	for len(u.Stock) == 0 {
		u, _ = sub.Next()
	}
	if u.Stock[0].Provider != "leader" || u.Stock[0].Offers[0].Stock != 7 {
		t.Fatalf("update %+v", u)
	}
	cancel()
	wait()
}
