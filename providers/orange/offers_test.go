package orange

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/topup"
)

func TestOffersFollowsPaging(t *testing.T) {
	f := newFake(t)
	f.offerCap = 20 // the server serves fewer than asked: paging must follow what came
	for i := range 57 {
		f.offers = append(f.offers, offerJSON(fmt.Sprintf("00000000-0000-4000-8000-%012d", i), fmt.Sprintf("Offer %d", i), "topup", franceID, "Orange France", i))
	}
	c, _ := newClient(t, f)
	got, err := c.Offers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 57 {
		t.Fatalf("%d offers, want 57", len(got))
	}
	for i, o := range got {
		if o.Stock != i || o.Name != fmt.Sprintf("Offer %d", i) {
			t.Fatalf("offer %d = %+v", i, o)
		}
	}
	if _, api, _ := f.counts(); api != 3 {
		t.Fatalf("%d API calls for 57 offers at 20 a page, want 3", api)
	}
}

func TestOffersStopsOnServerIgnoringOffset(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/offers") {
			var page []map[string]any
			for i := range 50 {
				page = append(page, offerJSON(fmt.Sprint(i), "o", "topup", franceID, "Orange France", 1))
			}
			writeJSON(w, 200, map[string]any{"offers": page}) // no total, always the same page
			return true
		}
		return false
	}
	c, _ := newClient(t, f)
	got, err := c.Offers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, api, _ := f.counts(); len(got) != 50 || api != 2 {
		t.Fatalf("%d offers in %d calls, want 50 in 2", len(got), api)
	}
}

func TestOfferFieldsAndShapes(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/offers") {
			return false
		}
		writeJSON(w, 200, `[
		 {"id":"11111111-1111-4111-8111-111111111111","name":"Recharge Holiday Voix 30 min","description":"30 minutes","product_type":"topup",
		  "supplier":{"id":"wt-0001","name":"Welcome Travelers"},"resell_value":9.9,"reference_currency":"EUR",
		  "distributor_fees":5,"distributor_fees_type":"percent","bucket":124},
		 {"id":"2","name":"Orange Holiday Europe","product_type":"topup","supplier":"Orange France","resell_value":"27.50",
		  "reference_currency":"eur","distributor_fees":"1.5","distributor_fees_type":"value","offer_bucket":"12"},
		 {"id":"3","name":"Holiday eSIM","product_type":"eSim","supplier_id":"oes-0003","supplier_name":"Orange Spain",
		  "resell_value":39,"reference_currency":"EUR","stock":{"remaining":"0"}},
		 {"id":"4","name":"Holiday SIM","product_type":"sim","supplier":{"id":"wt-0001","name":"Welcome Travelers"},"bucket":{"quantity":7}},
		 "junk", null, 42
		]`)
		return true
	}
	c, _ := newClient(t, f)
	got, err := c.Offers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Offer{
		{Provider: "orange", ID: "11111111-1111-4111-8111-111111111111", Name: "Recharge Holiday Voix 30 min", Description: "30 minutes",
			Supplier: "Welcome Travelers", SupplierID: welcomeID, ProductType: "topup", Stock: 124,
			Price: topup.MustParse("9.9", "EUR"), Fees: 5, FeesType: "percent", TargetType: model.SIM},
		{Provider: "orange", ID: "2", Name: "Orange Holiday Europe", Supplier: "Orange France", ProductType: "topup", Stock: 12,
			Price: topup.MustParse("27.5", "EUR"), Fees: 1.5, FeesType: "value", TargetType: model.MSISDN},
		{Provider: "orange", ID: "3", Name: "Holiday eSIM", Supplier: "Orange Spain", SupplierID: spainID, ProductType: "eSim", Stock: 0,
			Price: topup.MustParse("39", "EUR"), TargetType: ""},
		{Provider: "orange", ID: "4", Name: "Holiday SIM", Supplier: "Welcome Travelers", SupplierID: welcomeID, ProductType: "sim", Stock: 7},
	}
	if len(got) != len(want) {
		t.Fatalf("%d offers: %+v", len(got), got)
	}
	for i := range want {
		if fmt.Sprintf("%+v", got[i]) != fmt.Sprintf("%+v", want[i]) {
			t.Errorf("offer %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestOffersErrorIsTyped(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 403, `{"code":"403","message":"forbidden for this distributor","description":"Forbidden"}`)
		return true
	}
	c, _ := newClient(t, f)
	_, err := c.Offers(context.Background())
	me := kindOf(t, err, model.ErrForbidden)
	if !strings.Contains(me.Message, "forbidden for this distributor") {
		t.Fatalf("message %q", me.Message)
	}
}

func TestOffersUnreadableIsBadResponse(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 200, `{"weird": true}`)
		return true
	}
	c, _ := newClient(t, f)
	_, err := c.Offers(context.Background())
	kindOf(t, err, model.ErrBadResponse)
}
