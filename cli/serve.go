package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/live"
	"simdesk/serve"
)

// runServe is simdesk serve: the console and the headless commands over
// SSH for a whole shift, with one engine, one stock poller per provider
// and one journal shared by every session.
func runServe(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("simdesk serve", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	listen := fs.String("listen", "", "address to listen on (default [serve] listen, else :2222)")
	operators := fs.String("operators", "", "operators file (default [serve] operators)")
	hostKey := fs.String("host-key", "", "host key file (default [serve] host_key, generated on first start)")
	pos, err := start(fs, &c, args)
	if err == nil {
		err = noArgs("serve", pos)
	}
	if err != nil {
		return fail(env, err)
	}
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	sc := s.cfg.Serve
	def := config.DefaultServe(env.Getenv)
	pick := func(flagV, cfgV, defV string) string {
		switch {
		case flagV != "":
			return flagV
		case cfgV != "":
			return cfgV
		}
		return defV
	}
	state := filepath.Join(config.StateDir(env.Getenv), "serve")
	hub := live.NewHub()
	hctx, hcancel := context.WithCancel(context.Background())
	wait := hub.Run(hctx, s.engine, pgStockSources(s)...)
	defer func() { hcancel(); wait() }()
	// Every connection holds a descriptor: the soft limit goes up to the
	// hard one before the first is accepted.
	files, ferr := serve.RaiseFileLimit()
	srv, err := serve.New(serve.Options{
		Engine:      s.engine,
		Hub:         hub,
		Listen:      pick(*listen, sc.Listen, def.Listen),
		HostKey:     pick(*hostKey, sc.HostKey, def.HostKey),
		Operators:   pick(*operators, sc.Operators, ""),
		StateDir:    state,
		IdleTimeout: sc.IdleTimeout,
		MaxSessions: sc.MaxSessions,
		Demo:        s.demo,
		Headless:    headless(s),

		MaxSessionsPerOperator: sc.MaxSessionsPerOperator,
		LoginGrace:             sc.LoginGrace,
		MaxStartups:            serve.MaxStartups(sc.MaxStartups),
		MaxStartupsPerAddress:  sc.MaxStartupsPerAddress,
	})
	if err != nil {
		var oe *serve.OperatorsError
		if errors.As(err, &oe) {
			for _, p := range oe.Problems {
				fmt.Fprintln(env.Stderr, p)
			}
			fmt.Fprintf(env.Stderr, "simdesk: %d bad line(s) in the operators file: not started\n", len(oe.Problems))
			return ExitUsage
		}
		return fail(env, usageErr("%s", err.Error()))
	}
	o := srv.Options()
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fail(env, usageErr("cannot listen on %s: %v", o.Listen, err))
	}
	fmt.Fprintf(env.Stdout, "simdesk serve on %s (%s), %d operator key(s) from %s\nhost key %s %s\nlogs in %s\n",
		ln.Addr(), environment(s), srv.Operators().Len(), o.Operators, o.HostKey, srv.Fingerprint(), state)
	warnFileLimit(env, files, ferr)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if err != nil {
			return fail(env, usageErr("serving on %s: %v", ln.Addr(), err))
		}
		return ExitOK
	case <-ctx.Done():
	}
	fmt.Fprintln(env.Stdout, "simdesk serve: stopping (top-ups in flight finish first)")
	sctx, cancel := context.WithTimeout(context.Background(), serve.DefaultGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-done
	if err != nil {
		fmt.Fprintln(env.Stderr, "simdesk serve: "+oneLine(err.Error()))
		return 1
	}
	fmt.Fprintln(env.Stdout, "simdesk serve: stopped")
	return ExitOK
}

// minFiles is the open-file limit below which serve warns at start.
const minFiles = 1024

func warnFileLimit(env Env, files uint64, err error) {
	switch {
	case err != nil:
		fmt.Fprintf(env.Stderr, "simdesk serve: warning: the open-file limit could not be raised (%s); it is %d\n", oneLine(err.Error()), files)
	case files < minFiles:
		fmt.Fprintf(env.Stderr, "simdesk serve: warning: the open-file limit is %d; a few hundred connections could exhaust it (raise LimitNOFILE)\n", files)
	}
}

func environment(s *session) string {
	if s.demo {
		return "DEMO"
	}
	return s.cfg.Environment
}

// headless runs a command over SSH as the session's operator: the same
// Run, flags, JSON and exit statuses as on the command line, with the
// server's session lent instead of a config file.
func headless(s *session) serve.Headless {
	return func(ctx context.Context, eng *engine.Engine, args []string, io serve.Stdio) int {
		lent := *s
		lent.engine, lent.borrowed = eng, true
		getenv := func(k string) string {
			for _, kv := range io.Environ {
				if v, ok := strings.CutPrefix(kv, k+"="); ok {
					return v
				}
			}
			return ""
		}
		return Run(Env{Args: args, Stdin: io.Stdin, Stdout: io.Stdout, Stderr: io.Stderr, Getenv: getenv,
			IsTerminal: func() bool { return false }, shared: &lent, ctx: ctx})
	}
}
