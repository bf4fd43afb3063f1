package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/topup"
)

// itemScreens are the screens of the operator's round-two fixes, each
// golden at 80×24, 100×30 and 120×40, with and without colour.
var itemScreens = []struct {
	name  string
	setup func(t *testing.T, h *harness)
}{
	// The one-word filter: the box says enter keeps it; then kept.
	{"filter_box", func(t *testing.T, h *harness) {
		h.search("9077613")
		h.press("2", "/")
		h.typeText("data")
	}},
	{"filter_kept", func(t *testing.T, h *harness) {
		h.search("9077613")
		h.press("2", "/")
		h.typeText("data")
		h.press("enter")
		h.m.status = statusLine{}
	}},
	// The pane that comes forward: the usage pane before the top-up
	// target, whichever answered first; no account the operator did not type.
	{"forward", func(t *testing.T, h *harness) {
		h.search("9077613")
		h.m.status = statusLine{}
	}},
	// The duplicate warning names the colleague and when.
	{"duplicate", func(t *testing.T, h *harness) {
		vic := h.eng.As(engine.Actor{Operator: "vic", Role: topup.RoleAgent})
		if _, err := vic.Topup(context.Background(), engine.TopupInput{Provider: "orange", Offer: orangeOffers()[0],
			Target: model.Identifier{Type: model.SIM, Value: "1956392841179"}}); err != nil {
			t.Fatal(err)
		}
		h.clk.Advance(40 * time.Second)
		h.openConfirm("voix")
	}},
	// Sentinels read unlimited; the detail shows the provider's value.
	{"unlimited", func(t *testing.T, h *harness) {
		h.search("4933562@150015680000")
		h.press("2")
		h.m.status = statusLine{}
	}},
	{"unlimited_detail", func(t *testing.T, h *harness) {
		h.search("4933562@150015680000")
		h.press("2")
		v := h.m.panes[1].view
		for r := range v.idx {
			if v.bucketAt(r).Name == "Flow to Flow unlimited Mins" {
				v.list.Select(r)
			}
		}
		h.press("enter")
		h.m.status = statusLine{}
	}},
	// y says what it copied; m shows the message whole.
	{"copy_messages", func(t *testing.T, h *harness) {
		h.orange.lines["1956392841179"] = []model.Line{bigLine(10000)}
		h.search("sim:1956392841179")
		h.press("y", "m")
	}},
	// The stock cursor beside the LOW mark; the sorted column's arrow.
	{"stock_cursor", func(t *testing.T, h *harness) {
		h.press("s")
		h.stockUpdate(map[string]int{"off-voice": 124, "off-data": 6, "off-empty": 0})
		h.press("down")
		h.m.status = statusLine{}
	}},
	{"sorted", func(t *testing.T, h *harness) {
		h.search("S-1001")
		h.press("2", ">", ">", ">")
		h.m.status = statusLine{}
	}},
	// Help scrolled to its end says so.
	{"help_end", func(t *testing.T, h *harness) {
		h.press("?")
		for range 60 {
			h.press("down")
		}
	}},
}

// itemHarness is goldenHarness with the 4933562 seed line and a TMF654
// top-up target (configured first) that knows 9077613 under an account.
func itemHarness(t *testing.T, w, ht int, opts ...harnessOpt) *harness {
	h := goldenHarness(t, w, ht, opts...)
	ls := seedLines(t, "4933562.json")
	for i := range ls {
		ls[i].Type, ls[i].Account = model.MSISDN, "150015680000"
	}
	h.lla.lines["4933562"] = ls
	return h
}

func TestGoldenItems(t *testing.T) {
	for _, sc := range itemScreens {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}} {
			for _, colour := range []bool{true, false} {
				mode := "color"
				var opts []harnessOpt
				if !colour {
					mode = "nocolor"
					opts = append(opts, noColor())
				}
				t.Run(fmt.Sprintf("%s/%dx%d/%s", sc.name, size[0], size[1], mode), func(t *testing.T) {
					var h *harness
					if sc.name == "forward" {
						h = forwardHarness(t, size[0], size[1], opts...)
					} else {
						h = itemHarness(t, size[0], size[1], opts...)
					}
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

// forwardHarness is a console over forwardEngine's two panes (the target
// configured first), answering at once.
func forwardHarness(t *testing.T, w, ht int, opts ...harnessOpt) *harness {
	eng, usage, _ := forwardEngine(t)
	usage.block = nil
	clk := &testClock{t: t0}
	uo := Options{Demo: true, Now: clk.Now, Engine: eng}
	for _, o := range opts {
		o(&engine.Options{}, &uo)
	}
	m := New(uo)
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.Update(tea.WindowSizeMsg{Width: w, Height: ht})
	return &harness{t: t, m: m, clk: clk, eng: eng}
}
