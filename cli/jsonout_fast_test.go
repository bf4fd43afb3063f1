package cli

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"simdesk/model"
)

// TestAppendFloatWholeNumbersAsJSON: the integer fast path writes what
// encoding/json writes, -0 and the edges of the fast path included.
func TestAppendFloatWholeNumbersAsJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 8192, 1e15 - 1, -(1e15 - 1), 1e15, 1e15 + 2, 1e20, 1e21, 0.5, -2.25, 1e-7, 123456789.000001, 4503599627370497} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, encoding/json %s", f, got, want)
		}
	}
}

// TestTimeCacheIsExact: the encoder's cache of formatted times never
// answers one time with another's text, whatever collides in its slots
// (the same instant in two locations, nanoseconds apart, zero).
func TestTimeCacheIsExact(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	base := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	var ts []model.Time
	for i := 0; i < 200; i++ {
		x := base.Add(time.Duration(i*i) * time.Second)
		ts = append(ts, model.Time{Time: x}, model.Time{Time: x.In(ny)}, model.Time{Time: x.Add(time.Nanosecond)}, model.Time{})
	}
	var w jw
	for round := 0; round < 3; round++ {
		for _, tm := range ts {
			w.b = w.b[:0]
			w.first = true
			w.time("t", tm)
			want := `"t": ` + string(appendTime(nil, tm))
			if got := string(w.b[len(w.b)-len(want):]); got != want {
				t.Fatalf("time %v written as %s, want %s", tm, got, want)
			}
		}
	}
}
