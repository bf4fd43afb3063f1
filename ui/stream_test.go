package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers"
)

// streamProvider streams a big line to the lookup's sink as tmf677 does:
// `first` buckets, then it waits for gate (or the context), then the rest,
// then the line's own fields. Without a sink it answers whole.
type streamProvider struct {
	line  model.Line
	first int
	gate  chan struct{}
}

func (p *streamProvider) Name() string                { return "big" }
func (p *streamProvider) Kind() string                { return "tmf677-dxp" }
func (p *streamProvider) Accepts(t model.IDType) bool { return t == model.Subscription }
func (p *streamProvider) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	return p.LookupStream(ctx, id, nil)
}

func (p *streamProvider) LookupStream(ctx context.Context, id model.Identifier, sink providers.Sink) ([]model.Line, error) {
	l := p.line
	l.Type, l.ID = id.Type, id.Value
	if sink == nil {
		return []model.Line{l}, nil
	}
	for i := range l.Buckets {
		if i == p.first {
			select {
			case <-p.gate:
			case <-ctx.Done():
				return nil, &model.Error{Kind: model.ErrTimeout, Message: "cancelled"}
			}
		}
		b := l.Buckets[i]
		sink.Bucket(0, &b)
	}
	l.Buckets = nil
	sink.Line(0, &l)
	return []model.Line{l}, nil
}

// pump runs commands as the program loop does (batches concurrently) and
// hands every message to the test's goroutine, which alone calls Update.
type pump struct {
	t   testing.TB
	h   *harness
	out chan tea.Msg
	wg  sync.WaitGroup
}

func (p *pump) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				p.run(c)
			}
			return
		}
		if !ignored(msg) {
			p.out <- msg
		}
	}()
}

// until applies messages until the screen shows every string.
func (p *pump) until(want ...string) {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s := p.h.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
		select {
		case msg := <-p.out:
			_, next := p.h.m.Update(msg)
			p.run(next)
		case <-deadline:
			p.t.Fatalf("screen never showed %q:\n%s", want, s)
		}
	}
}

func (p *pump) press(keys ...string) {
	for _, k := range keys {
		_, next := p.h.m.Update(kp(k))
		p.run(next)
	}
}

func newStreamHarness(t *testing.T, n, first int) (*harness, *streamProvider, *pump) {
	sp := &streamProvider{line: bigLine(n), first: first, gate: make(chan struct{})}
	sp.line.Status = "active"
	// Provider text in a streamed bucket must reach the screen sanitised.
	sp.line.Buckets[1].Name = "evil \x1b]52;c;aGk=\x07 name"
	h, p := pumped(t, engine.New(engine.Options{Operator: "alice", Environment: "demo"}, engine.Registered{Provider: sp}))
	return h, sp, p
}

// pumped is a 100×30 console over eng, driven message by message as the
// program loop would (timers off), with a search typed by search.
func pumped(t testing.TB, eng *engine.Engine) (*harness, *pump) {
	m := New(Options{Engine: eng, Demo: true})
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	h := &harness{t: t, m: m, eng: eng}
	return h, &pump{t: t, h: h, out: make(chan tea.Msg, 64)}
}

// search types /raw⏎; the answer arrives through until.
func (p *pump) search(raw string) {
	p.press("/")
	p.h.typeText(raw)
	p.press("enter")
}

// TestHugeLineShowsItsFirstRowsWhileRead: the table of a streamed line is
// on screen once its first screenful has arrived, before the answer is
// complete; the operator can move in it, cannot top up half a line, and
// the complete answer keeps the bucket they selected.
func TestHugeLineShowsItsFirstRowsWhileRead(t *testing.T) {
	h, sp, p := newStreamHarness(t, 1000, partialFirst)
	p.search("S-1000")
	p.until("receiving: 60 buckets so far", "bucket 0000", "of 60")
	h.mustNotSee("active", "\x1b]52", "bucket 0060")
	h.mustSee(`evil \x1b]52;c;aGk=\x07 name`)
	p.press("down", "down", "down")
	p.press("t")
	p.until("still being read")
	close(sp.gate)
	p.until("active", "1–21 of 1 000")
	h.mustNotSee("receiving")
	if v := h.m.activePane().view; v == nil || v.bucketAt(v.list.cursor).Name != "bucket 0003" || v.receiving {
		t.Fatalf("the complete answer lost the selected bucket:\n%s", h.screen())
	}
	if l := h.m.activePane().line(); l == nil || len(l.Buckets) != 1000 || l.Status != "active" {
		t.Fatalf("line after the answer: %+v", l)
	}
	p.wg.Wait()
}

// TestEscDropsAPartialLine: esc while a huge line is read cancels the
// lookup and takes its partial table off the screen.
func TestEscDropsAPartialLine(t *testing.T) {
	h, _, p := newStreamHarness(t, 500, partialFirst)
	p.search("S-500")
	p.until("receiving: 60 buckets so far")
	p.press("esc")
	p.until("cancelled")
	h.mustNotSee("bucket 0000", "receiving")
	p.wg.Wait() // the lookup ended: the cancel reached the provider
}

// TestS10000StreamsThroughTheRealClient: the demo's 23 MB Matrixx answer
// (the real tmf677 client over the simulator) shows its first rows while
// the rest is read, then the whole line.
func TestS10000StreamsThroughTheRealClient(t *testing.T) {
	h, p := pumped(t, simEngine(t, engine.Options{}))
	p.search("S-10000")
	p.until("receiving:", "Pass 00001")
	p.until("prepaid · active", "of 10 000")
	h.mustNotSee("receiving")
}
