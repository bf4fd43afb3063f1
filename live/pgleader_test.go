package live

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/topup"
)

// TestStockReadingTravels: a reading encoded by the leading host is the same
// reading (offers, error text, time) on every other host, and an unreadable
// body is an error naming the host, not a panic or an empty stock.
func TestStockReadingTravels(t *testing.T) {
	at := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	offers := []model.Offer{{Provider: "orange", ID: "o1", Name: "Top-up 5 €", Stock: 12, Price: topup.MustParse("5", "EUR")}}
	r := decodeStock("orange", stockSnapshot{Body: encodeStock(reading{Stock{Offers: offers}, 2500 * time.Millisecond}), TakenAt: at, Leader: "a"})
	st := r.Stock
	if r.took != 2500*time.Millisecond || st.Err != nil || len(st.Offers) != 1 || st.Offers[0] != offers[0] || !st.At.Equal(at) || st.Provider != "orange" {
		t.Fatalf("reading: %+v", st)
	}
	st = decodeStock("orange", stockSnapshot{Body: encodeStock(reading{Stock: Stock{Err: errors.New("orange: unavailable (503)")}}), Leader: "a"}).Stock
	if st.Err == nil || st.Err.Error() != "orange: unavailable (503)" {
		t.Fatalf("error reading: %+v", st)
	}
	st = decodeStock("orange", stockSnapshot{Body: []byte("{"), Leader: "host-b"}).Stock
	if st.Err == nil || st.Err.Error() != "stock reading from host host-b is unreadable" {
		t.Fatalf("garbled reading: %+v", st)
	}
}

// TestPGStockSourceWithoutDatabase: with the journal's database
// unreachable, a host still polls the provider itself once no reading has
// come through the database for two intervals, so stock stays live.
func TestPGStockSourceWithoutDatabase(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody serves this port now
	var polls atomic.Int64
	src := &PGStockSource{name: "orange", every: 200 * time.Millisecond, host: "t",
		dsn: "postgres://simdesk@" + addr + "/journal?sslmode=disable&connect_timeout=1",
		poll: func(context.Context) ([]model.Offer, error) {
			polls.Add(1)
			return []model.Offer{{Provider: "orange", ID: "o1", Stock: 3}}, nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	var got []Stock
	var mu sync.Mutex
	src.Run(ctx, func(s Stock) { mu.Lock(); got = append(got, s); mu.Unlock() })
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 2 || got[0].Offers[0].Stock != 3 || got[0].Provider != "orange" {
		t.Fatalf("without a database the source published %+v", got)
	}
	if n := polls.Load(); n < 2 || n > 6 {
		t.Fatalf("%d local polls in 1.5 s at a 200 ms interval after a 400 ms grace", n)
	}
}
