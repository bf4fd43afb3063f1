package orange

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/seeds"
	"simdesk/topup"
)

func FuzzDecodeUsageBalances(f *testing.F) {
	f.Add(seeds.MustRead("orange_usagebalances.json"))
	for _, s := range []string{
		`{"first_activation_date":"2026-01-02T03:04:05Z","number_expiration_date":null,"buckets":[]}`,
		`{"data":{"buckets":[{"data_remaining":"512","data_unit":"MB"},{"airtime_remaining":"30","airtime_unit":"minutes"}]}}`,
		`[{"sms_remaining":"10","expiration_date":"2026-12-01"}]`,
		`{"buckets":{"data_remaining":"infinity","data_unit":"Tb"}}`,
		`{"buckets":[{"data_remaining":1e999,"data_unit":"Gb","airtime_remaining":-5,"sms_remaining":"9,5"}]}`,
		`{"buckets":[null,"x",1,{"name":{"a":[1,2]}}]}`,
		`{"buckets":"nope"}`, `null`, ``, `<html><title>502</title></html>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := decodeUsageBalances(b)
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, bk := range u.Buckets {
			if bk.ID == "" || ids[bk.ID] {
				t.Fatalf("bucket id %q empty or repeated", bk.ID)
			}
			ids[bk.ID] = true
			switch bk.Usage {
			case model.UsageData, model.UsageVoice, model.UsageSMS, model.UsageOther:
			default:
				t.Fatalf("usage %q", bk.Usage)
			}
			if a := bk.Remaining.Amount; a != nil && (math.IsNaN(*a) || math.IsInf(*a, 0)) {
				t.Fatalf("amount %v", *a)
			}
			if bk.Remaining.Unlimited && bk.Remaining.Amount != nil {
				t.Fatal("unlimited with an amount")
			}
		}
		if _, err := json.Marshal(u.Buckets); err != nil {
			t.Fatalf("buckets do not encode: %v", err)
		}
	})
}

func FuzzDecodeOffers(f *testing.F) {
	for _, s := range []string{
		`{"offers":[{"id":"11111111-1111-4111-8111-111111111111","name":"Recharge Holiday Voix 30 min","description":"…","product_type":"topup","supplier":{"id":"wt","name":"Welcome Travelers"},"resell_value":9.9,"reference_currency":"EUR","distributor_fees":5,"distributor_fees_type":"percent","bucket":124}],"offset":0,"limit":50,"total":37}`,
		`[{"id":2,"name":"Orange Holiday Europe","product_type":"topup","supplier":"Orange France","resell_value":"27,50","offer_bucket":"12"}]`,
		`{"data":{"items":[{"id":"3","product_type":"eSim","supplier_id":"oes","supplier_name":"Orange Spain","stock":{"remaining":"0"}}],"total":"1"}}`,
		`{"results":[{"id":"4","bucket":{"quantity":1e300}},{"id":"5","bucket":-1e300}]}`,
		`{"offers":null}`, `{"offers":{}}`, `{"total":3}`, `[]`, `[1,"a",null]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		offers, _, err := decodeOffers(b)
		if err != nil {
			return
		}
		for _, o := range offers {
			if isSale(o.ProductType) && o.TargetType != "" {
				t.Fatalf("sale %q with target %q", o.ProductType, o.TargetType)
			}
			if o.Stock > 1<<31 || o.Stock < -(1<<31) {
				t.Fatalf("stock %d", o.Stock)
			}
			if p := o.Price; p.Invalid == "" {
				if back, err := topup.FromNumber(p.Number(), p.Currency); err != nil || back != p {
					t.Fatalf("price %+v reads back as %+v, %v", p, back, err)
				}
			}
		}
		if o, err := decodeOffer(b); err == nil && o.ID == "" {
			t.Fatal("offer without id accepted")
		}
		_, _ = decodeSuppliers(b)
	})
}

func FuzzDecodeTransaction(f *testing.F) {
	for _, s := range []string{
		`{"id":"aaaaaaaa-0000-4000-8000-000000000001","status":"ok","product_type":"topup","creation_date":"2026-11-23T10:00:00Z","offer_id":"o","user_id":"alice","resell_value":9.9,"reference_currency":"EUR","offer_bucket":123,"parameters":{"msisdn":"33612345678"},"supplier":{"id":"ofr","name":"Orange France"}}`,
		`{"transaction":{"id":"x","status":"error","message":"bucket empty for offer o","parameters":{"simId":1956392841179}}}`,
		`{"status":"error","error":{"message":"bad parameter for transaction for offer o"}}`,
		`{"code":"400","message":"missing parameters parameter in body","description":"Bad Request"}`,
		`{"errors":[{"code":"500","message":"internal"}]}`,
		`{"transactions":[{"id":"1","creation_date":"2026-11-23"},{"id":"1"}],"total":"2"}`,
		`{"status":{"name":"ACTIVE"}}`, `"suspended"`, `{"sim":{"state":"expired"}}`,
		`{"id":null,"status":null}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := decodeTransaction(b); err == nil {
			if s.ID == "" && s.Status == "" {
				t.Fatal("transaction with neither id nor status accepted")
			}
			switch r := saleResult(s); r.Status {
			case topup.OK, topup.Rejected, topup.Unknown:
			default:
				t.Fatalf("status %q", r.Status)
			}
		}
		if ss, _, err := decodeTransactions(b); err == nil {
			newestFirst(ss)
			_ = order(ss)
		}
		if st, err := decodeSimStatus(b); err == nil && (st == "" || st != strings.ToLower(st)) {
			t.Fatalf("status %q", st)
		}
		if m := providerMessage(b); len(m) > 1024 {
			t.Fatalf("message of %d bytes", len(m))
		}
	})
}
