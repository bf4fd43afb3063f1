package tmf677

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"simdesk/model"
	"simdesk/seeds"
)

// FuzzDecode calls decode without Decode's recover, so that a panic is found
// rather than hidden, and checks that every answer is usable: an error is a
// typed one-line *model.Error, a success has well-formed lines that encode.
func FuzzDecode(f *testing.F) {
	for _, n := range seeds.Names() {
		f.Add(seeds.MustRead(n))
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"bucket":{"remainingValue":"infinity","bucketBalance":{"daysLeft":"3"}}}`))
	f.Add([]byte(`[{"usageConsumption":{"bucketRefOrValue":[{"remainingValue":1e999}]}}]`))
	f.Add([]byte("<html><title>x</title>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		lines, err := decode(body, Hint{ID: model.Identifier{Type: model.MSISDN, Value: "1"}, Lob: "PREPAID"})
		if err != nil {
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if me.Message == "" || strings.ContainsAny(me.Message, "\r\n") || !utf8.ValidString(me.Message) {
				t.Fatalf("message not one clean line: %q", me.Message)
			}
			if lines != nil {
				t.Fatal("lines with an error")
			}
			return
		}
		if len(lines) == 0 {
			t.Fatal("no lines and no error")
		}
		for _, l := range lines {
			if l.Buckets == nil {
				t.Fatal("nil buckets")
			}
			for _, b := range l.Buckets {
				if b.Periods == nil || b.Counters == nil || b.Attributes == nil {
					t.Fatal("nil periods, counters or attributes")
				}
				finite(t, b.Remaining)
				cur := 0
				for _, p := range b.Periods {
					finite(t, p.Remaining)
					if p.Current {
						cur++
					}
				}
				if b.CurrentPeriod() < 0 && cur > 0 {
					t.Fatal("current period lost")
				}
				for _, c := range b.Counters {
					finite(t, c.Quantity())
				}
			}
		}
		if _, err := json.Marshal(lines); err != nil {
			t.Fatalf("lines do not encode: %v", err)
		}
	})
}

func finite(t *testing.T, q model.Quantity) {
	if q.Amount != nil && (math.IsInf(*q.Amount, 0) || math.IsNaN(*q.Amount)) {
		t.Fatalf("non-finite amount %v", *q.Amount)
	}
	if q.Unlimited && q.Amount != nil {
		t.Fatal("unlimited with an amount")
	}
}
