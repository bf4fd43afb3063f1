package model

import (
	"math"
	"testing"
)

func TestRoundAmountKeepsWholeNumbersAndTrimsNoise(t *testing.T) {
	cases := []struct{ in, want float64 }{
		{999999999999, 999999999999},            // Liberate sentinel: a plain number, untouched
		{999999999999 * 1024, 1023999999998976}, // whole, past 2^53/1e6
		{16666666666.39 * 60, 999999999983.4},   // runtime product is …83.3999
		{13516.799999999999, 13516.8},
		{30.0 / 1024, 0.029297},
		{-2.0000004, -2},
		{59999940, 59999940},
	}
	for _, c := range cases {
		a := 16666666666.39 // force the runtime multiplication the decoders do
		if c.want == 999999999983.4 {
			c.in = a * 60
		}
		if got := roundAmount(c.in); got != c.want {
			t.Errorf("roundAmount(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestNormalizeOverflowHasNoAmount(t *testing.T) {
	q := Normalize(Amount{Value: math.MaxFloat64, Present: true}, "GB", UsageData, "")
	if q.Amount != nil || q.Unit != UnitMB {
		t.Fatalf("overflowing amount: got %+v", q)
	}
}
