package live

import (
	"errors"
	"testing"
	"time"

	"simdesk/audit"
	"simdesk/model"
)

// TestStockReadingTravels: a reading encoded by the leading host is the same
// reading (offers, error text, time) on every other host, and an unreadable
// body is an error naming the host, not a panic or an empty stock.
func TestStockReadingTravels(t *testing.T) {
	at := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	offers := []model.Offer{{Provider: "orange", ID: "o1", Name: "Top-up 5 €", Stock: 12, Price: model.Money{Amount: 5, Currency: "EUR"}}}
	st := decodeStock("orange", audit.StockSnapshot{Body: encodeStock(offers, nil), TakenAt: at, Leader: "a"})
	if st.Err != nil || len(st.Offers) != 1 || st.Offers[0] != offers[0] || !st.At.Equal(at) || st.Provider != "orange" {
		t.Fatalf("reading: %+v", st)
	}
	st = decodeStock("orange", audit.StockSnapshot{Body: encodeStock(nil, errors.New("orange: unavailable (503)")), Leader: "a"})
	if st.Err == nil || st.Err.Error() != "orange: unavailable (503)" {
		t.Fatalf("error reading: %+v", st)
	}
	st = decodeStock("orange", audit.StockSnapshot{Body: []byte("{"), Leader: "host-b"})
	if st.Err == nil || st.Err.Error() != "stock reading from host host-b is unreadable" {
		t.Fatalf("garbled reading: %+v", st)
	}
}
