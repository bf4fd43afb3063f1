package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

// lineHarness opens a line with n buckets in the orange pane.
func lineHarness(b *testing.B, n int) *harness {
	h := newHarness(b)
	h.orange.lines["1956392841179"] = []model.Line{bigLine(n)}
	h.search("sim:1956392841179")
	if h.m.panes[0].line() == nil || len(h.m.panes[0].line().Buckets) != n {
		b.Fatal("line not open")
	}
	return h
}

func benchCursor(b *testing.B, n int) {
	h := lineHarness(b, n)
	down, up := kp("j"), kp("k")
	h.m.Update(kp("G")) // start at the bottom: the worst case for a naive table
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			h.m.Update(up)
		} else {
			h.m.Update(down)
		}
		i++
	}
}

// BenchmarkCursorMove5 and BenchmarkCursorMove10k must cost the same:
// moving the cursor is O(1) in the number of buckets.
func BenchmarkCursorMove5(b *testing.B)   { benchCursor(b, 5) }
func BenchmarkCursorMove10k(b *testing.B) { benchCursor(b, 10000) }

func benchView(b *testing.B, n int) {
	h := lineHarness(b, n)
	h.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.m.Update(kp("G"))
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
}

// BenchmarkView5 and BenchmarkView10k: a view renders only the visible rows.
func BenchmarkView5(b *testing.B)   { benchView(b, 5) }
func BenchmarkView10k(b *testing.B) { benchView(b, 10000) }
