package model_test

import (
	"encoding/json"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers/tmf677"
	"simdesk/seeds"
)

// noLimitInSeeds names every bucket of the seed examples whose remaining
// value means "no limit": "infinity", the nines (999999 minutes, SMS, MMS;
// 999999999999 without a unit) and 16666666666.39 MINS (about 10¹² s).
var noLimitInSeeds = map[string]bool{
	"cvp_cwc_liberate_4933562.json|Local SMS ( Flow & 3rd Party)": true,
	"cvp_cwc_liberate_4933562.json|Flow to Flow unlimited Mins":   true,
	"cvp_pr_9077613.json|Setup_Flag_Balance":                      true,
	"cvp_pr_9077613.json|Setup_Flag_Balance - SMS 3G":             true,
	"cvp_pr_9077613.json|Setup_Flag_Balance - SMS LTE":            true,
	"cvp_pr_9077613.json|Included Minutes - Prepaid":              true,
	"cvp_pr_9077613.json|Included SMS - Prepaid":                  true,
	"cvp_pr_9077613.json|Included MMS - Prepaid":                  true,
	"dxp_pr_postpaid_8201.json|Postpaid Balance":                  true,
	"dxp_pr_prepaid_S-1001.json|Included SMS - Prepaid":           true,
	"dxp_pr_prepaid_S-1001.json|Included MMS - Prepaid":           true,
}

// TestNoLimitOnEverySeedValue decodes every TMF677 seed example and checks
// the "no limit" rule on each bucket: the listed ones read no limit, every
// other one (money, 88888 minutes, 32030.72 MB, 0 MINS…) reads its number;
// a validity end of 9999-12-31 is the far sentinel.
func TestNoLimitOnEverySeedValue(t *testing.T) {
	seen := map[string]bool{}
	far := 0
	for _, n := range seeds.Names() {
		if !strings.HasSuffix(n, ".json") || strings.Contains(n, "error") || !strings.HasPrefix(n, "cvp_") && !strings.HasPrefix(n, "dxp_") {
			continue
		}
		ls, err := tmf677.Decode(seeds.MustRead(n), tmf677.Hint{})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for _, l := range ls {
			for _, b := range l.Buckets {
				k := n + "|" + b.Name
				want := noLimitInSeeds[k]
				if want {
					seen[k] = true
				}
				if got := b.Remaining.NoLimit(); got != want {
					t.Errorf("%s: NoLimit %v, want %v (%+v)", k, got, want, b.Remaining)
				}
				for _, p := range b.Periods {
					if p.Remaining.NoLimit() && !want {
						t.Errorf("%s: a period reads no limit: %+v", k, p.Remaining)
					}
				}
				if b.ValidTo.Year() == 9999 {
					far++
					if !b.ValidTo.Far() {
						t.Errorf("%s: 9999-12-31 is not the far sentinel", k)
					}
				}
			}
		}
	}
	for k := range noLimitInSeeds {
		if !seen[k] {
			t.Errorf("%s: not in the seeds any more", k)
		}
	}
	if far == 0 {
		t.Error("no seed bucket ends 9999-12-31 (the BTC loan did)")
	}
}

// TestNoLimitRulePerUnit: each unit's ceiling, the nines, and money.
func TestNoLimitRulePerUnit(t *testing.T) {
	q := func(v float64, unit string) model.Quantity { return model.Quantity{Amount: &v, Unit: unit} }
	for _, tc := range []struct {
		q    model.Quantity
		want bool
	}{
		{q(model.NoLimitSeconds, model.UnitSec), true},
		{q(model.NoLimitSeconds-6000, model.UnitSec), false},
		{q(999999999, model.UnitSec), true}, // nines in seconds
		{q(5.33328e6, model.UnitSec), false},
		{q(model.NoLimitMB, model.UnitMB), true},
		{q(2*1024*1024, model.UnitMB), false}, // 2 TB is real
		{q(1e9, model.UnitSMS), true},
		{q(1e9-2, model.UnitSMS), false},
		{q(999999, model.UnitSMS), true},
		{q(99999, model.UnitSMS), false},
		{q(1e9, ""), true},
		{q(1e9, "MINS"), true},
		{q(999999999999, "USD"), false}, // money is never no limit
		{q(0, "MINS"), false},
		{model.Quantity{Unlimited: true}, true},
	} {
		if got := tc.q.NoLimit(); got != tc.want {
			t.Errorf("%v %s: NoLimit %v, want %v", tc.q.Value(), tc.q.Unit, got, tc.want)
		}
	}
}

// FuzzNoLimit: the rule never calls money or an invalid amount "no limit",
// always calls an amount at or above its unit's ceiling "no limit", and
// reads the same from a quantity and its JSON.
func FuzzNoLimit(f *testing.F) {
	for _, s := range []struct {
		v    float64
		unit string
	}{{999999, "sms"}, {16666666666.39 * 60, "s"}, {999999999999, ""}, {40, "USD"}, {0, "MINS"}, {2 * 1024 * 1024, "MB"}, {-999999, "s"}} {
		f.Add(s.v, s.unit)
	}
	f.Fuzz(func(t *testing.T, v float64, unit string) {
		q := model.Quantity{Amount: &v, Unit: unit}
		got := q.NoLimit()
		ceiling := float64(model.NoLimitCount)
		switch unit {
		case model.UnitSec:
			ceiling = model.NoLimitSeconds
		case model.UnitMB:
			ceiling = model.NoLimitMB
		}
		switch {
		case model.CurrencyCode(unit) != "" && got:
			t.Fatalf("money %v %s reads no limit", v, unit)
		case model.CurrencyCode(unit) == "" && v >= ceiling && !got:
			t.Fatalf("%v %s is past the ceiling yet has a limit", v, unit)
		case v != v && got:
			t.Fatal("NaN reads no limit")
		}
		b, err := json.Marshal(q)
		if err != nil {
			return // NaN and ±Inf are not JSON; the decoders never keep them
		}
		var back model.Quantity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Unlimited != got {
			t.Fatalf("JSON says unlimited %v for %v %s, NoLimit %v", back.Unlimited, v, unit, got)
		}
	})
}
