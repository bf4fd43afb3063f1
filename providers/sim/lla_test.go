package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"simdesk/seeds"
)

func TestSeedLinesServedVerbatim(t *testing.T) {
	s := start(t, Options{})
	cases := []struct {
		base, bid, id, account, seed string
	}{
		{DXPBasePath, "PR", "S-1001", "", "dxp_pr_prepaid_S-1001.json"},
		{DXPBasePath, "PR", "8201", "", "dxp_pr_postpaid_8201.json"},
		{CVPBasePath, "PR", "9077613", "", "cvp_pr_9077613.json"},
	}
	for _, bid := range cwcMarkets {
		cases = append(cases,
			struct{ base, bid, id, account, seed string }{CVPBasePath, bid, "4933562", "150015680000", "cvp_cwc_liberate_4933562.json"},
			struct{ base, bid, id, account, seed string }{CVPBasePath, bid, "2466217773", "", "cvp_cerillion_2466217773.json"},
			struct{ base, bid, id, account, seed string }{CVPBasePath, bid, "18767911940", "", "cvp_limeware_18767911940.json"},
			struct{ base, bid, id, account, seed string }{CVPBasePath, bid, "12424495927", "", "cvp_btc_ericsson_12424495927.json"},
		)
	}
	for _, c := range cases {
		h := cvpHeaders()
		if c.base == DXPBasePath {
			h = dxpHeaders()
		}
		// The type does not matter: lines are found by identifier.
		for _, typ := range []string{"MSISDN", "SubscriptionId"} {
			a := do(t, "GET", llaURL(s, c.base, c.bid, c.id, typ, c.account), h, "")
			mustStatus(t, a, 200)
			bodyEq(t, a, seeds.MustRead(c.seed))
			if got := a.header.Get("X-Correlation-ID"); got != h["X-Correlation-ID"] {
				t.Errorf("%s: correlation id %q not echoed (got %q)", c.id, h["X-Correlation-ID"], got)
			}
		}
	}
}

func TestLLACredentialsRefused(t *testing.T) {
	s := start(t, Options{})
	for _, mutate := range []func(map[string]string){
		func(h map[string]string) { delete(h, "client_id"); delete(h, "Client-id") },
		func(h map[string]string) { delete(h, "client_secret"); delete(h, "Client-secret") },
		func(h map[string]string) { h["client_secret"], h["Client-secret"] = "wrong", "wrong" },
		func(h map[string]string) { h["client_id"], h["Client-id"] = "other", "other" },
	} {
		dh, ch := dxpHeaders(), cvpHeaders()
		mutate(dh)
		mutate(ch)
		a := do(t, "GET", llaURL(s, DXPBasePath, "PR", "S-1001", "SubscriptionId", ""), dh, "")
		mustStatus(t, a, 401)
		bodyEq(t, a, seeds.MustRead("dxp_error_401.json"))
		a = do(t, "GET", llaURL(s, CVPBasePath, "PR", "9077613", "MSISDN", ""), ch, "")
		mustStatus(t, a, 401)
		bodyEq(t, a, seeds.MustRead("cvp_error_401.json"))
	}
}

func TestLLAErrorBodies(t *testing.T) {
	s := start(t, Options{})
	dh, ch := dxpHeaders(), cvpHeaders()

	a := do(t, "POST", llaURL(s, DXPBasePath, "PR", "S-1001", "SubscriptionId", ""), dh, "{}")
	mustStatus(t, a, 405)
	bodyEq(t, a, seeds.MustRead("dxp_error_404_method.json"))
	a = do(t, "DELETE", llaURL(s, CVPBasePath, "PR", "9077613", "MSISDN", ""), ch, "")
	mustStatus(t, a, 405)
	bodyEq(t, a, seeds.MustRead("cvp_error_405_malformed.txt"))

	a = do(t, "GET", llaURL(s, DXPBasePath, "PR", "S-424242", "SubscriptionId", ""), dh, "")
	mustStatus(t, a, 404)
	want := strings.Replace(string(seeds.MustRead("dxp_error_404_subscriber.json")), "ExternalId=xxxx", "ExternalId=S-424242", 1)
	bodyEq(t, a, []byte(want))
	a = do(t, "GET", llaURL(s, DXPBasePath, "PR", `a"b\c`, "MSISDN", ""), dh, "")
	mustStatus(t, a, 404)
	if !json.Valid(a.body) || !strings.Contains(a.json(t)["errors"].([]any)[0].(map[string]any)["description"].(string), `ExternalId=a"b\c`) {
		t.Errorf("identifier not escaped into the 404 body: %s", a.body)
	}
	// dxp serves lines only where generated (PR); any other market is empty.
	a = do(t, "GET", llaURL(s, DXPBasePath, "TT", "S-1001", "SubscriptionId", ""), dh, "")
	mustStatus(t, a, 404)
	a = do(t, "GET", llaURL(s, DXPBasePath, "PRX", "S-1001", "SubscriptionId", ""), dh, "")
	mustStatus(t, a, 400)

	a = do(t, "GET", llaURL(s, CVPBasePath, "PR", "7879999999", "MSISDN", ""), ch, "")
	mustStatus(t, a, 404)
	bodyEq(t, a, seeds.MustRead("cvp_error_404.json"))
	a = do(t, "GET", llaURL(s, CVPBasePath, "CL", "9077613", "MSISDN", ""), ch, "")
	mustStatus(t, a, 501)
	bodyEq(t, a, seeds.MustRead("cvp_error_501.json"))
	a = do(t, "GET", llaURL(s, CVPBasePath, "BB", "2466217773", "MSISDN", ""), ch, "")
	mustStatus(t, a, 400)
	bodyEq(t, a, seeds.MustRead("cvp_error_400.json"))

	for _, c := range []struct{ base, url string }{
		{DXPBasePath, s.URL() + DXPBasePath + "/PR/usageConsumptionReport?product.publicIdentifierType=MSISDN"},
		{DXPBasePath, s.URL() + DXPBasePath + "/PR/usageConsumptionReport?product.publicIdentifier=8201"},
		{DXPBasePath, llaURL(s, DXPBasePath, "PR", "8201", "ICCID", "")},
		{CVPBasePath, s.URL() + CVPBasePath + "/PR/usageConsumptionReport?product.publicIdentifierType=MSISDN"},
	} {
		h, seed := dh, "dxp_error_400.json"
		if c.base == CVPBasePath {
			h, seed = ch, "cvp_error_400.json"
		}
		a = do(t, "GET", c.url, h, "")
		mustStatus(t, a, 400)
		bodyEq(t, a, seeds.MustRead(seed))
	}

	// Liberate postpaid needs its billing account, and only the right one.
	a = do(t, "GET", llaURL(s, CVPBasePath, "JM", "4933562", "MSISDN", ""), ch, "")
	mustStatus(t, a, 400)
	if msg := a.json(t)["errors"].([]any)[0].(map[string]any)["message"]; msg != "relatedParty.id is mandatory for CWC postpaid lines" {
		t.Errorf("message %q", msg)
	}
	a = do(t, "GET", llaURL(s, CVPBasePath, "JM", "4933562", "MSISDN", "999"), ch, "")
	mustStatus(t, a, 404)

	// Mandatory headers: lob on cvp, channelId/targetSystem for PR.
	noLob := cvpHeaders()
	delete(noLob, "lob")
	mustStatus(t, do(t, "GET", llaURL(s, CVPBasePath, "JM", "18767911940", "MSISDN", ""), noLob, ""), 400)
	noChannel := dxpHeaders()
	delete(noChannel, "channelId")
	mustStatus(t, do(t, "GET", llaURL(s, DXPBasePath, "PR", "8201", "MSISDN", ""), noChannel, ""), 400)
	noTarget := cvpHeaders()
	delete(noTarget, "targetSystem")
	mustStatus(t, do(t, "GET", llaURL(s, CVPBasePath, "PR", "9077613", "MSISDN", ""), noTarget, ""), 400)

	// A missing correlation id is made up and returned.
	noCorr := dxpHeaders()
	delete(noCorr, "X-Correlation-ID")
	a = do(t, "GET", llaURL(s, DXPBasePath, "PR", "8201", "MSISDN", ""), noCorr, "")
	mustStatus(t, a, 200)
	if len(a.header.Get("X-Correlation-ID")) != 36 {
		t.Errorf("no generated correlation id: %q", a.header.Get("X-Correlation-ID"))
	}
	mustStatus(t, do(t, "GET", s.URL()+DXPBasePath+"/PR/queryUsageConsumption", dh, ""), 404)
}

// sampleURL is where a sample line of an LLA provider is served.
func sampleURL(s *Server, l SampleLine) (string, map[string]string) {
	typ := "MSISDN"
	if l.Type == "subscription" {
		typ = "SubscriptionId"
	}
	switch l.Provider {
	case "dxp-pr":
		return llaURL(s, DXPBasePath, "PR", l.ID, typ, l.Account), dxpHeaders()
	case "cvp-pr":
		return llaURL(s, CVPBasePath, "PR", l.ID, typ, l.Account), cvpHeaders()
	case "cvp-jm":
		return llaURL(s, CVPBasePath, "JM", l.ID, typ, l.Account), cvpHeaders()
	}
	return "", nil
}

func TestGeneratedLinesAreServedInEveryDialect(t *testing.T) {
	s := start(t, Options{Seed: 42, Now: func() time.Time { return fixedNow }})
	var all bytes.Buffer
	n := 0
	for _, l := range s.SampleLines() {
		u, h := sampleURL(s, l)
		if u == "" || l.ID == BigSubscriptionID || l.ID == BigMSISDN {
			continue
		}
		a := do(t, "GET", u, h, "")
		mustStatus(t, a, 200)
		var reports []map[string]any
		if err := json.Unmarshal(a.body, &reports); err != nil || len(reports) != 1 {
			t.Fatalf("%s: not a one-report array: %v", l.ID, err)
		}
		all.Write(a.body)
		n++
	}
	if n < 20 {
		t.Fatalf("only %d LLA sample lines", n)
	}
	// Count every line the simulator holds: dozens, in every market's plan.
	lines := map[*llaLine]string{}
	for k, l := range s.lla.dxp {
		lines[l] = k
	}
	for k, l := range s.lla.cvp {
		lines[l] = k
	}
	if len(lines) < 50 {
		t.Errorf("only %d distinct lines", len(lines))
	}
	for l := range lines {
		if l.gen == nil {
			all.Write(l.body)
		}
	}
	text := all.String()
	for _, want := range []string{
		`"units": "MBS"`, `"units": "GB"`, `"units": "KB"`, `"units": "MINS"`, `"units": "mins"`, `"units": "SMS"`,
		`"units": "USD"`, `"units": "JMD"`, `"units": "BSD"`, `"units": "TTD"`, `"units": "megabytes"`, `"units": "minutes"`,
		`"amount": "infinity"`, `"value": "infinity"`, `"endDateTime": ""`, `9999-12-31T07:00:00.000-05:00`,
		`"status": "active"`, `"status": "Active"`, `"status": "ACTIVE"`, `"@type": "PREPAID"`, `"@type": "POSTPAID"`,
		`"name": "RolloverInitAmountTotal"`, `"name": "IsCurrentPeriod"`, `"daysLeft"`, `"counterType": "expiring"`,
		`"id": "1876`, `"id": "787`, `"id": "939`, `"id": "246`, `"id": "1868`, `"id": "1242`, `"id": "5076`, `"id": "5068`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no generated line has %s", want)
		}
	}
}

func TestGenerationIsDeterministic(t *testing.T) {
	now := func() time.Time { return fixedNow }
	a, b, c := New(Options{Seed: 5, Now: now}), New(Options{Seed: 5, Now: now}), New(Options{Seed: 6, Now: now})
	if !reflect.DeepEqual(a.SampleLines(), b.SampleLines()) {
		t.Fatal("same seed, different sample lines")
	}
	if reflect.DeepEqual(a.SampleLines(), c.SampleLines()) {
		t.Fatal("different seeds, same sample lines")
	}
	for k, l := range a.lla.cvp {
		if l.gen == nil && !bytes.Equal(l.body, b.lla.cvp[k].body) {
			t.Fatalf("%s differs between two servers of the same seed", k)
		}
	}
	if len(a.orange.trx) != len(b.orange.trx) {
		t.Fatal("Orange histories differ in length for the same seed")
	}
	for i := range a.orange.trx {
		x, y := a.orange.trx[i].json(), b.orange.trx[i].json()
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("transaction %d differs for the same seed: %+v / %+v", i, x, y)
		}
	}
	if reflect.DeepEqual(a.orange.trx[5].json(), c.orange.trx[5].json()) {
		t.Error("different seeds, same Orange history")
	}
	if !bytes.Equal(a.orange.lines[lineKey(supOFR, "msisdn", a.orange.samples[5].ID)].body(),
		b.orange.lines[lineKey(supOFR, "msisdn", b.orange.samples[5].ID)].body()) {
		t.Fatal("Orange balances differ for the same seed")
	}
}

func TestBigLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two 10,000-bucket reports")
	}
	s := start(t, Options{})
	a := do(t, "GET", llaURL(s, DXPBasePath, "PR", BigSubscriptionID, "SubscriptionId", ""), dxpHeaders(), "")
	mustStatus(t, a, 200)
	var mx []mxReport
	if err := json.Unmarshal(a.body, &mx); err != nil || len(mx) != 1 || len(mx[0].Bucket) != bigBuckets {
		t.Fatalf("dxp big line: %v, %d reports", err, len(mx))
	}
	for _, b := range mx[0].Bucket {
		if len(b.BucketBalance) != 3 || len(b.BucketCounter) == 0 {
			t.Fatalf("bucket %s has %d periods and %d counters", b.ID, len(b.BucketBalance), len(b.BucketCounter))
		}
	}
	t.Logf("dxp %s: %d bytes", BigSubscriptionID, len(a.body))
	again := do(t, "GET", llaURL(s, DXPBasePath, "PR", BigSubscriptionID, "MSISDN", ""), dxpHeaders(), "")
	bodyEq(t, again, a.body)

	a = do(t, "GET", llaURL(s, CVPBasePath, "PR", BigMSISDN, "MSISDN", ""), cvpHeaders(), "")
	mustStatus(t, a, 200)
	var lc []lcprReport
	if err := json.Unmarshal(a.body, &lc); err != nil || len(lc) != 1 || len(lc[0].Bucket) != bigBuckets {
		t.Fatalf("cvp big line: %v", err)
	}
	t.Logf("cvp %s: %d bytes", BigMSISDN, len(a.body))
	if len(a.body) > 32<<20 {
		t.Errorf("big line exceeds the clients' 32 MiB body limit")
	}
}

var _ http.Handler = (*Server)(nil)
