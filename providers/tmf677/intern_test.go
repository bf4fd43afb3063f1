package tmf677

import (
	"testing"
	"unsafe"

	"simdesk/model"
	"simdesk/seeds"
)

// A one-line answer interns its strings in the small cache (two pages,
// each first touch a page fault at start-up); a long report gets the full
// cache once its body is past bigInternAfter, and decodes the same.
func TestInternCacheGrowsWithTheBody(t *testing.T) {
	small := seeds.MustRead("cvp_pr_9077613.json")
	r := newReader(scanner{b: small}, msisdn("9077613"))
	lines, err := decodeFrom(r, msisdn("9077613"))
	if err != nil || len(lines) == 0 || len(lines[0].Buckets) == 0 {
		t.Fatalf("seed: %v %d lines", err, len(lines))
	}
	if len(small) > bigInternAfter || len(r.intern) != smallInternSlots {
		t.Errorf("a %d-byte answer has an intern cache of %d slots, want %d", len(small), len(r.intern), smallInternSlots)
	}

	sub := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}}
	big := bigReport(t, 2000)
	r = newReader(scanner{b: big}, sub)
	lines, err = decodeFrom(r, sub)
	if err != nil || len(lines) != 1 || len(lines[0].Buckets) != 2000 {
		t.Fatalf("big report: %v", err)
	}
	if len(r.intern) != internSlots {
		t.Errorf("a %d-byte answer has an intern cache of %d slots, want %d", len(big), len(r.intern), internSlots)
	}
	// Names repeated across the report are one string (the cache works
	// across the switch to the big table).
	a, b := lines[0].Buckets[1500].Attributes, lines[0].Buckets[1999].Attributes
	if len(a) == 0 || len(b) == 0 || unsafe.StringData(a[0].Name) != unsafe.StringData(b[0].Name) {
		t.Errorf("attribute names are not shared late in a long report")
	}
}
