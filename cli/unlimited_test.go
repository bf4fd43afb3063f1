package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"simdesk/journal"
)

// TestSentinelsReadUnlimitedInTextAndJSON: cvp-jm's 4933562 holds two "no
// limit" sentinels (999999999999 without a unit, 16666666666.39 MINS): the
// JSON says "unlimited": true and keeps the provider's amount; the text
// says unlimited, never a cut number; "MOBILE DATA 7GB" (0 MINS) is folded
// as in the console, and named.
func TestSentinelsReadUnlimitedInTextAndJSON(t *testing.T) {
	code, out, errs := run(t, isolated(t), "", "lookup", "--demo", "--provider", "cvp-jm", "--format", "json", "4933562@150015680000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Results []struct {
			Lines []struct {
				Buckets []struct {
					Name      string `json:"name"`
					Remaining struct {
						Amount    *float64 `json:"amount"`
						Unlimited bool     `json:"unlimited"`
					} `json:"remaining"`
				} `json:"buckets"`
			} `json:"lines"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"Local SMS ( Flow & 3rd Party)": true, "Flow to Flow unlimited Mins": true}
	n := 0
	for _, b := range doc.Results[0].Lines[0].Buckets {
		if b.Remaining.Unlimited != want[b.Name] {
			t.Errorf("%s: unlimited %v", b.Name, b.Remaining.Unlimited)
		}
		if want[b.Name] {
			n++
			if b.Remaining.Amount == nil || *b.Remaining.Amount < 1e11 {
				t.Errorf("%s: the provider's amount is gone: %v", b.Name, b.Remaining.Amount)
			}
		}
	}
	if n != 2 {
		t.Fatalf("%d sentinel buckets", n)
	}
	code, out, errs = run(t, isolated(t), "", "lookup", "--demo", "--provider", "cvp-jm", "4933562@150015680000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Flow to Flow") && !strings.Contains(l, " unlimited ") {
			t.Errorf("text: %q", l)
		}
		if strings.Contains(l, "MOBILE DATA 7GB") && strings.Contains(l, "0 MINS") {
			t.Errorf("an empty category listed as a bucket: %q", l)
		}
	}
	if strings.Contains(out, "277 777") || !strings.Contains(out, "1 empty (sent at 0 for a category the offer lacks") {
		t.Fatalf("text:\n%s", out)
	}
}

// TestReconciledLineHasNoTrailingSpace: a reconciled attempt without a
// transaction id or reason prints no trailing blanks.
func TestReconciledLineHasNoTrailingSpace(t *testing.T) {
	for _, e := range []journal.Entry{
		{JournalID: "j1", Status: journal.StatusNotFound},
		{JournalID: "j2", Status: journal.StatusOK, TransactionID: "TB-000001"},
		{JournalID: "j3", Status: journal.StatusRejected, Reason: "stock empty"},
	} {
		if l := reconciledLine(e); strings.HasSuffix(l, " ") || strings.Contains(l, "  ") || !strings.HasPrefix(l, "reconciled "+e.JournalID+" → "+string(e.Status)) {
			t.Errorf("%q", l)
		}
	}
}
