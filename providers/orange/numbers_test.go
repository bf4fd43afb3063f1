package orange

import (
	"strings"
	"testing"
)

// TestUnusableAmountsAreSaidInvalid: NaN, ±Infinity and out-of-range prices
// and balances come out marked invalid with the reason, never as 0, an
// empty amount or a number that wraps around when formatted.
func TestUnusableAmountsAreSaidInvalid(t *testing.T) {
	offers, _, err := decodeOffers([]byte(`{"offers":[
	  {"id":"a","name":"A","resell_value":"NaN","reference_currency":"USD"},
	  {"id":"b","name":"B","resell_value":1e17,"reference_currency":"USD"},
	  {"id":"c","name":"C","resell_value":1e999,"reference_currency":"USD"},
	  {"id":"d","name":"D","resell_value":"-Infinity","reference_currency":"USD"},
	  {"id":"e","name":"E","resell_value":9.9,"reference_currency":"USD"}]}`))
	if err != nil || len(offers) != 5 {
		t.Fatalf("%d offers, %v", len(offers), err)
	}
	for i, want := range []string{"provider sent NaN", "provider sent an out-of-range amount (1e+17)", "provider sent an out-of-range amount (1e999)", "provider sent -Infinity", ""} {
		if p := offers[i].Price; p.Invalid != want || want != "" && p.Minor != 0 {
			t.Errorf("offer %s: price %+v, want invalid %q", offers[i].ID, p, want)
		}
	}
	stocks, _, err := decodeOffers([]byte(`[{"id":"a","bucket":"NaN"},{"id":"b","bucket":1e17},{"id":"c","bucket":{"remaining":"Infinity"}},{"id":"d","bucket":0}]`))
	if err != nil || len(stocks) != 4 {
		t.Fatalf("%d offers, %v", len(stocks), err)
	}
	for i, o := range stocks[:3] {
		if o.StockInvalid == "" || o.Empty() {
			t.Errorf("offer %d: stock %d invalid %q empty %v, want invalid and not empty", i, o.Stock, o.StockInvalid, o.Empty())
		}
	}
	if !stocks[3].Empty() || stocks[3].StockInvalid != "" {
		t.Errorf("a stock of 0 is empty: %+v", stocks[3])
	}
	u, err := decodeUsageBalances([]byte(`{"buckets":[{"name":"x","data_remaining":"NaN","data_unit":"Gb","airtime_remaining":1e999,"sms_remaining":"-Infinity"}]}`))
	if err != nil || len(u.Buckets) != 3 {
		t.Fatalf("%d buckets, %v", len(u.Buckets), err)
	}
	for _, b := range u.Buckets {
		if b.Remaining.Amount != nil || !strings.HasPrefix(b.Remaining.Invalid, "provider sent ") {
			t.Errorf("bucket %s: %+v, want invalid", b.ID, b.Remaining)
		}
	}
}
