package model

import "testing"

// TestNormalizeFromFloatsIsNormalize: an amount carved from a Floats chunk
// is the same quantity as one allocated alone, and every amount handed out
// is its own (writing one never changes another, across chunk edges).
func TestNormalizeFromFloatsIsNormalize(t *testing.T) {
	var f Floats
	cases := []struct {
		a           Amount
		unit, usage string
	}{
		{Amount{Value: 2048, Present: true}, "KB", "data"},
		{Amount{Value: 90, Present: true}, "minutes", "voice"},
		{Amount{Unlimited: true, Present: true}, "MB", "data"},
		{Amount{Invalid: "provider sent NaN"}, "MB", "data"},
		{Amount{Value: 1e308, Present: true}, "GB", "data"},
		{Amount{Value: 12.5, Present: true}, "", "United States dollar"},
	}
	var held []*float64
	for i := 0; i < 3*floatsChunk; i++ {
		c := cases[i%len(cases)]
		u := ClassifyUsage(c.usage, c.unit)
		want := NormalizeInUsage(c.a, c.unit, c.usage, u, "t")
		got := NormalizeInUsageFrom(&f, c.a, c.unit, c.usage, u, "t")
		if want.Known() != got.Known() || want.Value() != got.Value() || want.Unit != got.Unit ||
			want.Unlimited != got.Unlimited || want.Invalid != got.Invalid || want.Text != got.Text {
			t.Fatalf("case %d: from Floats %+v, alone %+v", i, got, want)
		}
		if got.Amount != nil {
			held = append(held, got.Amount)
		}
	}
	for i, p := range held {
		*p = float64(i)
	}
	for i, p := range held {
		if *p != float64(i) {
			t.Fatalf("amount %d shares memory with another", i)
		}
	}
	if p := (*Floats)(nil).New(3); *p != 3 {
		t.Fatal("a nil Floats must still hand out the amount")
	}
}

// TestFloatsUnitMemoIsCanonicalUnit: the remembered unit conversions give
// what CanonicalUnit gives, with more units in play than the memo holds
// (so that entries are replaced) and the same unit under several usages.
func TestFloatsUnitMemoIsCanonicalUnit(t *testing.T) {
	var f Floats
	units := []string{"MB", "KB", "GB", "bytes", "minutes", "m", "s", "sms", "USD", "united states dollar", "units", "", "none", "Megabytes ", "hrs", "EUR"}
	usages := []Usage{UsageData, UsageVoice, UsageSMS, UsageMoney, UsageOther, ""}
	for round := 0; round < 3; round++ {
		for i, u := range units {
			for j := range usages {
				us := usages[(i+j+round)%len(usages)]
				cu, fac := f.canonical(u, us)
				wcu, wfac := CanonicalUnit(u, us)
				if cu != wcu || fac != wfac {
					t.Fatalf("canonical(%q, %q) = %q %v, CanonicalUnit %q %v", u, us, cu, fac, wcu, wfac)
				}
			}
		}
	}
}
