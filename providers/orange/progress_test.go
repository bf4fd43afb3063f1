package orange

import (
	"context"
	"sync"
	"testing"

	"simdesk/model"
	"simdesk/providers"
)

// TestMSISDNResolutionReportsProgress: the page-by-page scan behind an
// Orange MSISDN tells how many transactions it has read of its bound, page
// after page, then that it reads the lines' balances.
func TestMSISDNResolutionReportsProgress(t *testing.T) {
	f, _ := msisdnFake(t)
	c, _ := newClient(t, f)
	var mu sync.Mutex
	var got []providers.Progress
	ctx := providers.WithProgress(context.Background(), func(p providers.Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	if _, err := c.Lookup(ctx, model.Identifier{Type: model.MSISDN, Value: seedMSISDN}); err != nil {
		t.Fatal(err)
	}
	var reads []providers.Progress
	for _, p := range got {
		if p.Step == "transactions read" {
			reads = append(reads, p)
		}
	}
	if len(reads) != 3 {
		t.Fatalf("%d page reports for 3 pages: %+v", len(reads), got)
	}
	for i, p := range reads {
		if p.Pages != i+1 || p.Total != 120 || p.Done != min(120, 50*(i+1)) {
			t.Errorf("page %d: %+v", i+1, p)
		}
	}
	if last := got[len(got)-1]; last.Step != "balances of the lines found" || last.Total != 3 {
		t.Errorf("last report %+v", last)
	}
	// Without a listener nothing is reported and nothing breaks.
	if _, err := c.Lookup(context.Background(), model.Identifier{Type: model.MSISDN, Value: seedMSISDN}); err != nil {
		t.Fatal(err)
	}
}
