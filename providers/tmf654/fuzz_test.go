package tmf654

import (
	"bytes"
	"testing"

	"simdesk/topup"
)

var fuzzSeeds = []string{
	`[{"id":"B-1","name":"Prepaid Balance","usageType":"monetary","remainingValue":{"amount":12.5,"units":"USD"},"status":"active","partyAccount":{"id":"PA-1"},"logicalResource":[{"id":"9077613"}],"validFor":{"startDateTime":"2026-01-01T00:00:00Z","endDateTime":"9999-12-31"}}]`,
	`[{"id":"B-2","usageType":"data","remainingValue":{"amount":"infinity","units":"GB"},"reservedValue":{"amount":"3","units":""}}]`,
	`{"id":"TB-1","status":"completed","description":"j-1","amount":{"amount":10,"units":"USD"}}`,
	`{"id":"TB-2","status":"created"}`,
	`{"status":""}`,
	`[]`, `{}`, `null`, `[null]`, `[1,2]`, `"x"`, `[{"remainingValue":{"amount":1e400}}]`, ``,
	`{"id":"OTHER-1","status":"completed","description":"someone-else","amount":{"amount":99,"units":"EUR"}}`,
	`{"id":"TB-3","status":"completed","description":"j-1","amount":{"amount":1e1,"units":"usd"}}`,
	`{"id":"TB-4","status":"completed","description":"j-1","amount":{"amount":"10.000","units":"USD"}}`,
	`{"id":"TB-5","status":"completed","description":"j-1","amount":{"amount":10.001,"units":"USD"}}`,
	`{"id":"TB-6","status":"completed","description":"j-1","amount":{"amount":10,"units":"USD"},"extra":1}`,
}

// FuzzDecodeBuckets: any body gives buckets or an error, never a panic, and
// every bucket converts to the model.
func FuzzDecodeBuckets(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		bs, err := DecodeBuckets(bytes.NewReader(b))
		if err != nil && bs != nil {
			t.Fatalf("buckets and an error: %v", err)
		}
		for _, x := range bs {
			mb := toBucket(x)
			if q := mb.Remaining; q.Amount != nil && (*q.Amount != *q.Amount) {
				t.Fatalf("NaN remaining from %q", b)
			}
		}
	})
}

var sentTen = topup.MustParse("10", "USD")

// FuzzDecodeTopup: any body gives a top-up with a status or an error; the
// mapping to a result always yields one of the journal's statuses.
func FuzzDecodeTopup(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := DecodeTopup(bytes.NewReader(b))
		if err == nil {
			switch r := c.result(tb); r.Status {
			case "ok", "rejected", "unknown":
			default:
				t.Fatalf("status %q from %q", r.Status, b)
			}
			// Checked against a USD 10 top-up with journal id j-1, an
			// answer is ours only when it says exactly that.
			got, exact := tb.Amount.money()
			ours := tb.Description == "j-1" && exact && got == sentTen
			if r := c.checked(tb, "j-1", sentTen); r.Mismatch == ours || !ours && (r.Status != topup.Unknown || r.TransactionID != "") {
				t.Fatalf("checked %+v (ours %v) from %q", r, ours, b)
			}
		}
		ts, err := DecodeTopups(bytes.NewReader(b))
		if err != nil && ts != nil {
			t.Fatalf("top-ups and an error: %v", err)
		}
	})
}
