package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"simdesk/model"
)

// seedLines reads lines decoded from a seed example. The files in
// testdata/lines are the tmf677 decoder's output for cvp_pr_9077613.json and
// dxp_pr_prepaid_S-1001.json, frozen so that the screens' golden files change
// only when the UI does.
func seedLines(t *testing.T, name string) []model.Line {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lines", name))
	if err != nil {
		t.Fatal(err)
	}
	var ls []model.Line
	if err := json.Unmarshal(b, &ls); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ls
}

// goldenHarness is a console over the seed lines with a fixed clock.
func goldenHarness(t *testing.T, w, ht int, opts ...harnessOpt) *harness {
	h := newHarness(t, opts...)
	h.lla.lines["9077613"] = seedLines(t, "9077613.json")
	h.lla.lines["S-1001"] = seedLines(t, "S-1001.json")
	h.m.Update(tea.WindowSizeMsg{Width: w, Height: ht})
	return h
}

// goldenScreens builds each main screen from a fresh console.
var goldenScreens = []struct {
	name  string
	setup func(t *testing.T, h *harness)
}{
	{"lineview", func(t *testing.T, h *harness) {
		h.m.runCommand("ref", "INC-4411")
		h.search("9077613")
		h.press("2", "down", "down", "down", "down")
		h.m.status = statusLine{}
	}},
	{"bucketdetail", func(t *testing.T, h *harness) {
		h.search("S-1001")
		l := h.m.panes[1].line()
		for i, b := range l.Buckets {
			if b.Name == "Included Data - Prepaid" {
				h.m.panes[1].view.list.Select(i)
			}
		}
		h.press("enter")
		h.m.status = statusLine{}
	}},
	{"stock", func(t *testing.T, h *harness) {
		h.press("s")
		for i, v := range []int{140, 138, 133, 131, 130, 127, 124} {
			if i > 0 {
				h.clk.Advance(30 * time.Minute)
			}
			h.stockUpdate(map[string]int{"off-voice": v, "off-data": 12 - i, "off-empty": max(0, 3-i)})
		}
		h.clk.Advance(4 * time.Second)
		h.m.status = statusLine{}
	}},
	{"confirm", func(t *testing.T, h *harness) {
		h.m.runCommand("ref", "INC-4411")
		h.openConfirm("voix")
	}},
	{"help", func(t *testing.T, h *harness) {
		h.press("?")
	}},
}

func TestGolden(t *testing.T) {
	for _, sc := range goldenScreens {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			for _, colour := range []bool{true, false} {
				mode := "color"
				var opts []harnessOpt
				if !colour {
					mode = "nocolor"
					opts = append(opts, noColor())
				}
				t.Run(fmt.Sprintf("%s/%dx%d/%s", sc.name, size[0], size[1], mode), func(t *testing.T) {
					h := goldenHarness(t, size[0], size[1], opts...)
					sc.setup(t, h)
					out := h.m.View().Content
					if !colour && strings.Contains(out, "\x1b") {
						t.Fatal("escape codes in NO_COLOR output")
					}
					golden.RequireEqual(t, out)
				})
			}
		}
	}
}

func TestGoldenProductionFrame(t *testing.T) {
	h := goldenHarness(t, 80, 24, production(), noColor())
	h.search("9077613")
	h.press("2")
	h.m.status = statusLine{}
	golden.RequireEqual(t, h.m.View().Content)
}
