package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"simdesk/model"
)

// firstTopupIDs tops up once at Orange and once at TMF654 on a fresh
// simulator and returns the two transaction ids.
func firstTopupIDs(t *testing.T, o Options) (string, string) {
	t.Helper()
	s := start(t, o)
	tok := token(t, s)
	off := offerWhere(t, offers(t, s, tok), "Orange France", "topup", 100, 10000)
	a := orange(t, s, tok, "POST", "/distributors/transactions",
		fmt.Sprintf(`{"offer_id":%q,"user_id":"alice","parameters":{"msisdn":"+%s"}}`, off.ID, SeedMSISDN))
	mustStatus(t, a, 201)
	var tx trxView
	if err := json.Unmarshal(a.body, &tx); err != nil {
		t.Fatal(err)
	}
	b := do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-9077613", "9077613", "j-1", 10))
	mustStatus(t, b, 201)
	return tx.ID, b.json(t)["id"].(string)
}

// TestUniqueIDsAcrossRuns: two runs of the demo's simulator (UniqueIDs)
// never hand out the same transaction id, where two seeded runs repeat
// theirs (tests rely on that).
func TestUniqueIDsAcrossRuns(t *testing.T) {
	now := func() time.Time { return fixedNow }
	o1, t1 := firstTopupIDs(t, Options{Now: now})
	o2, t2 := firstTopupIDs(t, Options{Now: now})
	if o1 != o2 || t1 != t2 || t1 != "TB-000001" {
		t.Fatalf("seeded runs differ: %s %s / %s %s", o1, t1, o2, t2)
	}
	u1, v1 := firstTopupIDs(t, Options{Now: now, UniqueIDs: true})
	u2, v2 := firstTopupIDs(t, Options{Now: now, UniqueIDs: true})
	if u1 == u2 || v1 == v2 || u1 == o1 || v1 == t1 {
		t.Fatalf("demo runs repeat ids: orange %s %s, tmf654 %s %s", u1, u2, v1, v2)
	}
	if !strings.HasPrefix(v1, "TB-") || !strings.HasSuffix(v1, "-000001") || len(u1) != 36 {
		t.Fatalf("id shapes: %s %s", u1, v1)
	}
}

// TestSampleLinesSayHowTheyAreSearched: the GET / page lists each sample
// line with the type simdesk detects when it is typed bare (8201, four
// digits, is a subscription, not a MSISDN of 7 to 15 digits).
func TestSampleLinesSayHowTheyAreSearched(t *testing.T) {
	s := start(t, Options{})
	page := string(do(t, "GET", s.URL()+"/", nil, "").body)
	for _, l := range s.SampleLines() {
		id, err := model.ParseIdentifier(l.TypeAs(), "", "")
		if err != nil {
			t.Errorf("%s: %v", l.ID, err)
			continue
		}
		if string(id.Type) != l.Type || id.Value != l.ID || id.Account != l.Account {
			t.Errorf("sample %s listed as %s, typed %s reads %+v", l.ID, l.Type, l.TypeAs(), id)
		}
		if !strings.Contains(page, " "+l.TypeAs()+" ") {
			t.Errorf("GET / does not list %s", l.TypeAs())
		}
	}
	if !strings.Contains(page, "subscription 8201") {
		t.Errorf("GET / page:\n%s", page)
	}
}
