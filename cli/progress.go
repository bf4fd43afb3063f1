package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"simdesk/present"
	"simdesk/providers"
)

// progressEvery is how often the progress line is redrawn; slowAfter is
// how long a step runs silently before the line appears.
const (
	progressEvery = 200 * time.Millisecond
	slowAfter     = 300 * time.Millisecond
)

// startProgress shows, on stderr and only when stderr is a terminal, a
// one-line progress for a step that takes longer than slowAfter: what is
// being done, the provider's own report (Orange: transactions read of the
// bound) and the elapsed time. The returned context carries the provider's
// progress to it; stop erases the line before any output is written.
// When stderr is not a terminal (a pipe, a log file) nothing is written.
func startProgress(ctx context.Context, env Env, what string) (context.Context, func()) {
	if env.StderrIsTerminal == nil || !env.StderrIsTerminal() {
		return ctx, func() {}
	}
	pl := &progressLine{w: ownSequences(env.Stderr), what: what, start: time.Now(), done: make(chan struct{})}
	ctx = providers.WithProgress(ctx, pl.report)
	pl.wg.Add(1)
	go pl.run()
	var once sync.Once
	return ctx, func() { once.Do(pl.stop) }
}

// progressLine redraws one line of stderr in place.
type progressLine struct {
	w     io.Writer
	what  string
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup

	mu    sync.Mutex
	last  providers.Progress
	shown bool
}

func (pl *progressLine) report(p providers.Progress) {
	pl.mu.Lock()
	pl.last = p
	pl.mu.Unlock()
}

func (pl *progressLine) run() {
	defer pl.wg.Done()
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-pl.done:
			return
		case now := <-t.C:
			if now.Sub(pl.start) < slowAfter {
				continue
			}
			pl.mu.Lock()
			fmt.Fprint(pl.w, "\r\x1b[K"+progressLineText(pl.what, pl.last, now.Sub(pl.start)))
			pl.shown = true
			pl.mu.Unlock()
		}
	}
}

func (pl *progressLine) stop() {
	close(pl.done)
	pl.wg.Wait()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.shown {
		fmt.Fprint(pl.w, "\r\x1b[K")
	}
}

// progressLineText is "simdesk: looking up … · transactions read 150 of
// 2 000 · page 3 · 1.2 s".
func progressLineText(what string, p providers.Progress, elapsed time.Duration) string {
	s := "simdesk: " + what + " …"
	if p.Step != "" {
		s += " · " + p.Step + " " + present.Int(p.Done)
		if p.Total > 0 {
			s += " of " + present.Int(p.Total)
		}
		if p.Pages > 0 {
			s += " · page " + present.Int(p.Pages)
		}
	}
	return s + " · " + present.FormatMillis(elapsed.Truncate(100*time.Millisecond))
}
