package orange

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/topup"
)

func ptr(f float64) *float64 { return &f }

// The seed example, decoded exactly.
func TestSeedUsageBalancesDecodedExactly(t *testing.T) {
	u, err := decodeUsageBalances([]byte(seedBalances()))
	if err != nil {
		t.Fatal(err)
	}
	if !u.FirstActivation.IsZero() {
		t.Errorf("first activation %v, want zero (null)", u.FirstActivation)
	}
	if want := time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC); !u.NumberExpires.Equal(want) {
		t.Errorf("number expires %v, want %v", u.NumberExpires, want)
	}
	type b struct {
		id, name, raw string
		usage         model.Usage
		amount        float64
		unit, text    string
	}
	want := []b{
		{"1.data", "Carte Holiday Tourist LS", "data_remaining", model.UsageData, 13516.8, "MB", "13.2 Gb"},
		{"1.voice", "Carte Holiday Tourist LS", "airtime_remaining", model.UsageVoice, 0, "s", "0 seconds"},
		{"1.sms", "Carte Holiday Tourist LS", "sms_remaining", model.UsageSMS, 0, "sms", "0"},
		{"2.data", "Recharge Holiday Voix", "data_remaining", model.UsageData, 0, "MB", "0.0 Gb"},
		{"2.voice", "Recharge Holiday Voix", "airtime_remaining", model.UsageVoice, 1800, "s", "1800 seconds"},
		{"2.sms", "Recharge Holiday Voix", "sms_remaining", model.UsageSMS, 0, "sms", "0"},
	}
	if len(u.Buckets) != len(want) {
		t.Fatalf("%d buckets, want %d: %+v", len(u.Buckets), len(want), u.Buckets)
	}
	validTo := time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC)
	for i, w := range want {
		g := u.Buckets[i]
		if g.ID != w.id || g.Name != w.name || g.UsageRaw != w.raw || g.Usage != w.usage ||
			g.Remaining.Amount == nil || *g.Remaining.Amount != w.amount || g.Remaining.Unit != w.unit ||
			g.Remaining.Text != w.text || g.Remaining.Unlimited {
			t.Errorf("bucket %d = %+v (remaining %v), want %+v", i, g, g.Remaining.Value(), w)
		}
		if !g.ValidTo.Equal(validTo) {
			t.Errorf("bucket %d valid to %v", i, g.ValidTo)
		}
		if g.Attributes.Value("expiration_date") != "2024-11-05T00:00:00Z" || g.Attributes.Value("data_unit") != "Gb" ||
			g.Attributes.Value("airtime_unit") != "seconds" || g.Attributes.Value("name") != w.name || len(g.Attributes) != 7 {
			t.Errorf("bucket %d attributes %v", i, g.Attributes)
		}
	}
	if a := u.Buckets[0].Attributes.Value("data_remaining"); a != "13.2" {
		t.Errorf("raw data_remaining attribute %q", a)
	}
	if a := u.Buckets[3].Attributes.Value("data_remaining"); a != "0.0" {
		t.Errorf("raw data_remaining attribute %q, want the provider's 0.0", a)
	}
}

func TestUsageBalancesLiberalShapes(t *testing.T) {
	body := `{"data":{"first_activation_date":"2026-01-02T03:04:05Z","number_expiration_date":"",
	  "buckets":[{"data_remaining":"512","data_unit":"MB","name":"A"},
	             {"airtime_remaining":"30","airtime_unit":"minutes","sms_remaining":"10","expiration_date":"2026-12-01"},
	             {"name":"flag only","active":true},
	             "junk",
	             {"data_remaining":"Infinity","data_unit":"Gb","sms_remaining":null}]}}`
	u, err := decodeUsageBalances([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if !u.FirstActivation.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || !u.NumberExpires.IsZero() {
		t.Fatalf("dates %v %v", u.FirstActivation, u.NumberExpires)
	}
	var got []string
	for _, b := range u.Buckets {
		got = append(got, fmt.Sprintf("%s=%v%s/%v", b.ID, b.Remaining.Value(), b.Remaining.Unit, b.Remaining.Unlimited))
	}
	want := "[1.data=512MB/false 2.voice=1800s/false 2.sms=10sms/false 3.other=0/false 5.data=0MB/true 5.sms=0sms/false]"
	if fmt.Sprint(got) != want {
		t.Fatalf("buckets\n got %v\nwant %s", got, want)
	}
	if u.Buckets[5].Remaining.Amount != nil {
		t.Fatalf("null sms_remaining decoded as an amount")
	}
	if !u.Buckets[1].ValidTo.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("valid to %v", u.Buckets[1].ValidTo)
	}
	for _, bad := range []string{``, `"x"`, `{"buckets":[1,`, `<html>`} {
		if _, err := decodeUsageBalances([]byte(bad)); err == nil {
			t.Errorf("%q decoded without error", bad)
		}
	}
}

func TestLookupSIMWelcomeTravelers(t *testing.T) {
	f := newFake(t)
	f.balances[welcomeID+"?simId="+seedSimID] = seedBalances()
	f.statuses[welcomeID+"?simId="+seedSimID] = `{"status":"Active","simId":"` + seedSimID + `"}`
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.SIM, Value: seedSimID})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 {
		t.Fatalf("%d lines", len(lines))
	}
	l := lines[0]
	if l.ID != seedSimID || l.Type != model.SIM || l.SimID != seedSimID || l.Supplier != "Welcome Travelers" ||
		l.SupplierID != welcomeID || l.Status != "active" || l.Payment != "prepaid" || len(l.Buckets) != 6 {
		t.Fatalf("line %+v", l)
	}
	if !l.AsOf.Equal(epoch) || !l.FirstActivation.IsZero() || l.NumberExpires.String() != "2025-05-10T00:00:00Z" {
		t.Fatalf("times %v %v %v", l.AsOf, l.FirstActivation, l.NumberExpires)
	}
	if got := l.Buckets[0].Remaining; *got.Amount != 13516.8 || got.Unit != "MB" {
		t.Fatalf("data %+v", got)
	}
}

func TestLookupSIMUnknownIsNotFound(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	_, err := c.Lookup(context.Background(), model.Identifier{Type: model.SIM, Value: "1234567"})
	kindOf(t, err, model.ErrNotFound)
}

func TestLookupSimStatusFailureStillSucceeds(t *testing.T) {
	f := newFake(t)
	f.balances[welcomeID+"?simId="+seedSimID] = seedBalances()
	// no status registered: simstatus answers 404
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.SIM, Value: seedSimID})
	if err != nil || len(lines) != 1 || lines[0].Status != "" || len(lines[0].Buckets) != 6 {
		t.Fatalf("%+v, %v", lines, err)
	}
}

func TestLookupTransaction(t *testing.T) {
	f := newFake(t)
	const id = "40000000-0000-4000-8000-000000000001"
	tx := txJSON(id, offerFR, "alice", "2026-11-20T08:00:00Z", "msisdn", seedMSISDN)
	delete(tx, "supplier") // the supplier comes from the offer
	f.txs = []map[string]any{tx}
	f.offers = []map[string]any{offerJSON(offerFR, "Orange Holiday Europe", "topup", franceID, "Orange France", 3)}
	f.balances[franceID+"?transaction="+id] = seedBalances()
	f.statuses[franceID+"?transaction="+id] = `{"sim_status":"suspended"}`
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.Transaction, Value: id})
	if err != nil {
		t.Fatal(err)
	}
	l := lines[0]
	if l.ID != id || l.Type != model.Transaction || l.TransactionID != id || l.MSISDN != seedMSISDN ||
		l.Supplier != "Orange France" || l.SupplierID != franceID || l.OfferID != offerFR ||
		l.OfferName != "Orange Holiday Europe" || l.Status != "suspended" || len(l.Buckets) != 6 {
		t.Fatalf("line %+v", l)
	}
	_, err = c.Lookup(context.Background(), model.Identifier{Type: model.Transaction, Value: "40000000-0000-4000-8000-00000000ffff"})
	me := kindOf(t, err, model.ErrNotFound)
	if !strings.Contains(me.Message, "transaction not found") {
		t.Fatalf("message %q", me.Message)
	}
}

func TestLookupRefusesSubscription(t *testing.T) {
	f := newFake(t)
	c, _ := newClient(t, f)
	if c.Accepts(model.Subscription) || !c.Accepts(model.MSISDN) || !c.Accepts(model.SIM) || !c.Accepts(model.Transaction) {
		t.Fatal("Accepts is wrong")
	}
	_, err := c.Lookup(context.Background(), model.Identifier{Type: model.Subscription, Value: "S-1001"})
	kindOf(t, err, model.ErrBadRequest)
}

// msisdnFake holds 120 transactions, three of them for seedMSISDN, oldest
// first as a database would list them.
func msisdnFake(t *testing.T) (*fake, []string) {
	f := newFake(t)
	f.offers = []map[string]any{offerJSON(offerFR, "Orange Holiday Europe", "topup", franceID, "Orange France", 3)}
	var mine []string
	for i := range 120 {
		id := fmt.Sprintf("50000000-0000-4000-8000-%012d", i)
		created := epoch.Add(-time.Duration(120-i) * time.Hour).Format(time.RFC3339)
		num := fmt.Sprintf("3361000%04d", i)
		switch i {
		case 7, 64:
			num = seedMSISDN
		case 110:
			num = "+" + seedMSISDN
		}
		tx := txJSON(id, offerFR, "alice", created, "msisdn", num)
		if i%2 == 1 {
			delete(tx, "supplier") // must be found through the offer
		}
		f.txs = append(f.txs, tx)
		if strings.HasSuffix(num, seedMSISDN) {
			mine = append([]string{id}, mine...) // newest first
			f.balances[franceID+"?transaction="+id] = seedBalances()
			f.statuses[franceID+"?transaction="+id] = `{"status":"active"}`
		}
	}
	return f, mine
}

func TestLookupMSISDNOneLinePerTransaction(t *testing.T) {
	f, mine := msisdnFake(t)
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	for i, l := range lines {
		if l.ID != seedMSISDN || l.Type != model.MSISDN || l.MSISDN != seedMSISDN || l.TransactionID != mine[i] ||
			l.OfferID != offerFR || l.OfferName != "Orange Holiday Europe" || l.Supplier != "Orange France" ||
			l.SupplierID != franceID || l.Status != "active" || len(l.Buckets) != 6 || !strings.Contains(l.Description, mine[i]) {
			t.Errorf("line %d = %+v", i, l)
		}
	}
	if len(f.queries) != 3 {
		t.Errorf("%d list pages read for 120 transactions, want 3", len(f.queries))
	}
}

func TestLookupMSISDNPartialBalanceFailureKeepsTheLine(t *testing.T) {
	f, mine := msisdnFake(t)
	delete(f.balances, franceID+"?transaction="+mine[1])
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN})
	if err != nil || len(lines) != 3 {
		t.Fatalf("%d lines, %v", len(lines), err)
	}
	if l := lines[1]; l.TransactionID != mine[1] || len(l.Buckets) != 0 || !strings.HasPrefix(l.Description, "balances unavailable") {
		t.Fatalf("line %+v", l)
	}
	// Every balance failing is the lookup failing.
	for _, id := range mine {
		delete(f.balances, franceID+"?transaction="+id)
	}
	_, err = c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN})
	kindOf(t, err, model.ErrNotFound)
}

func TestLookupMSISDNNotFound(t *testing.T) {
	f, _ := msisdnFake(t)
	c, _ := newClient(t, f)
	_, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: "33799999999"})
	me := kindOf(t, err, model.ErrNotFound)
	if !strings.Contains(me.Message, "among all 120 transactions") {
		t.Fatalf("message %q", me.Message)
	}
}

func TestLookupMSISDNBoundedScanReadsNewestEnd(t *testing.T) {
	f, mine := msisdnFake(t)
	c, _ := newClient(t, f, func(o *Options) { o.MaxScan = 20 })
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN})
	if err != nil {
		t.Fatal(err)
	}
	// Only transaction 110 is among the newest 20 of 120.
	if len(lines) != 1 || lines[0].TransactionID != mine[0] {
		t.Fatalf("%+v", lines)
	}
	if got := f.queries[1]; !strings.Contains(got, "offset=100") {
		t.Fatalf("second page query %q, want the newest end (offset=100)", got)
	}
	if len(f.queries) != 2 {
		t.Fatalf("%d pages read", len(f.queries))
	}
	_, err = c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: "33799999999"})
	if me := kindOf(t, err, model.ErrNotFound); !strings.Contains(me.Message, "20 most recent") {
		t.Fatalf("message %q", me.Message)
	}
}

func TestLookupMSISDNBalancesInParallelBounded(t *testing.T) {
	f := newFake(t)
	for i := range 12 {
		id := fmt.Sprintf("60000000-0000-4000-8000-%012d", i)
		f.txs = append(f.txs, txJSON(id, offerFR, "alice", epoch.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), "msisdn", seedMSISDN))
		f.balances[franceID+"?transaction="+id] = seedBalances()
	}
	var cur, peak int
	var mu = make(chan struct{}, 1)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/usagebalances") {
			mu <- struct{}{}
			cur++
			peak = max(peak, cur)
			<-mu
			time.Sleep(50 * time.Millisecond)
			mu <- struct{}{}
			cur--
			<-mu
		}
		return false
	}
	c, _ := newClient(t, f)
	lines, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN})
	if err != nil || len(lines) != 12 {
		t.Fatalf("%d lines, %v", len(lines), err)
	}
	if peak < 2 || peak > lookupConcurrency {
		t.Fatalf("peak concurrency %d, want 2..%d", peak, lookupConcurrency)
	}
	if lines[0].TransactionID != "60000000-0000-4000-8000-000000000011" {
		t.Fatalf("newest first: %s", lines[0].TransactionID)
	}
}

func TestTransactionsAndSimStatus(t *testing.T) {
	f, _ := msisdnFake(t)
	f.statuses[welcomeID+"?simId=42424242"] = `{"sim":{"state":{"name":"EXPIRED"}}}`
	c, _ := newClient(t, f)
	ctx := context.Background()
	sales, err := c.Transactions(ctx, TxFilter{OfferID: offerFR, Max: 30})
	if err != nil || len(sales) != 30 {
		t.Fatalf("%d sales, %v", len(sales), err)
	}
	if !sales[0].Created.After(sales[29].Created.Time) {
		t.Fatal("not newest first")
	}
	s, err := c.Transaction(ctx, "50000000-0000-4000-8000-000000000007")
	if err != nil || s.Parameters["msisdn"] != seedMSISDN || s.UserID != "alice" || s.Price != topup.MustParse("9.9", "EUR") || *s.StockLeft != 10 {
		t.Fatalf("%+v, %v", s, err)
	}
	st, err := c.SimStatus(ctx, welcomeID, model.Identifier{Type: model.SIM, Value: "42424242"})
	if err != nil || st != "expired" {
		t.Fatalf("%q, %v", st, err)
	}
}
