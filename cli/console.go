package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"simdesk/live"
	"simdesk/ui"
)

func runConsole(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("simdesk", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	pos, err := start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	if len(pos) != 0 {
		return fail(env, usageErr("unknown command %q (commands: lookup, stock, topup, journal, sim, version)", clip(pos[0])))
	}
	// Config is loaded and validated before the terminal is touched, so an
	// error prints plainly and never leaves the alternate screen behind.
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	// The same hub as simdesk serve, with one session: one stock poller per
	// provider and the live journal, so both consoles behave alike.
	hub := live.NewHub()
	hctx, hcancel := context.WithCancel(context.Background())
	wait := hub.Run(hctx, s.engine)
	defer func() { hcancel(); wait() }()
	rel := newReleaser()
	defer rel.Close()
	if env.ownProcess {
		consoleGC(env.Getenv, debug.SetGCPercent)
	}
	m := ui.New(ui.Options{
		Engine:      s.engine,
		Demo:        s.demo,
		HistoryPath: s.cfg.History,
		NoColor:     env.Getenv("NO_COLOR") != "",
		Live:        hub,
		Links:       s.cfg.Links,
		Dropped:     rel.Dropped,
	})
	defer m.Close()
	// lipgloss detected stdout's colour profile when the process started;
	// Bubble Tea would detect it again, and inside tmux every detection
	// runs `tmux info`, a process of its own (~25 ms of the first frame).
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithColorProfile(lipgloss.Writer.Profile))
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		fmt.Fprintln(env.Stderr, "simdesk: console stopped: "+oneLine(s.redactor.Redact(err.Error())))
		return 1
	}
	return ExitOK
}
