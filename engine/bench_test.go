package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
	"simdesk/providers/tmf677"
)

// The simulator's answer delay for P5: every provider takes 200 ms.
const providerLatency = 200 * time.Millisecond

// simEngine starts a simulator that answers every call after 200 ms, on
// loopback, and an engine over n real cisco-cvp-ux clients pointing at it
// (each with its own HTTP client, as configured providers have).
func simEngine(tb testing.TB, n int) *engine.Engine {
	tb.Helper()
	s := sim.New(sim.Options{Latency: providerLatency})
	if err := s.Start(""); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	j, err := journal.Open(filepath.Join(tb.TempDir(), "journal.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	var regs []engine.Registered
	for i := range n {
		name := fmt.Sprintf("cvp-pr-%d", i+1)
		c, err := tmf677.New(tmf677.Options{
			Name: name, Kind: tmf677.KindCVP, BaseURL: s.URL() + sim.CVPBasePath,
			BusinessID: "PR", Lob: "PREPAID", ChannelID: "ivrB2C", TargetSystem: "matrixx",
			ClientID: sim.ClientID, ClientSecret: sim.ClientSecret,
			HTTP: httpx.New(name, 10*time.Second, httpx.NewRedactor()),
		})
		if err != nil {
			tb.Fatal(err)
		}
		regs = append(regs, engine.Registered{Provider: c})
	}
	return engine.New(engine.Options{Operator: "bench", Environment: "demo", Journal: j}, regs...)
}

// benchLookup looks up the seed line 9077613 on every provider of an engine
// of n providers; every one must find it.
func benchLookup(b *testing.B, n int) {
	e := simEngine(b, n)
	id, err := model.ParseIdentifier("9077613", "", "")
	if err != nil {
		b.Fatal(err)
	}
	lookup := func() {
		res, err := e.Lookup(context.Background(), id, "")
		if err != nil || len(res) != n {
			b.Fatalf("lookup: %v (%d results)", err, len(res))
		}
		for _, r := range res {
			if r.Err != nil || len(r.Lines) == 0 {
				b.Fatalf("%s: %v", r.Provider, r.Err)
			}
		}
	}
	lookup() // connections open; the figure is a lookup during a session
	b.ReportAllocs()
	for b.Loop() {
		lookup()
	}
}

// BenchmarkLookup1x200ms and BenchmarkLookup6x200ms are P5: a lookup across
// six providers each answering in 200 ms must take at most 1.3× a lookup
// across one.
func BenchmarkLookup1x200ms(b *testing.B) { benchLookup(b, 1) }
func BenchmarkLookup6x200ms(b *testing.B) { benchLookup(b, 6) }
