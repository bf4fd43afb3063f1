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
	revoked := fs.String("revoked-keys", "", "revoked keys file, SHA256 fingerprints (default [serve] revoked_keys)")
	logFormat := fs.String("log-format", "", "serve.log and access.log: json (default) or text ([serve] log_format)")
	pos, err := start(fs, &c, args)
	if err == nil {
		err = noArgs("serve", pos)
	}
	if err == nil {
		if _, ferr := serve.ParseLogFormat(*logFormat); ferr != nil {
			err = usageErr("--log-format: %s", ferr.Error())
		}
	}
	if err != nil {
		return fail(env, err)
	}
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	warnJournalRole(env, s)
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
	srv, err := serve.New(serve.Options{
		Engine:      s.engine,
		Hub:         hub,
		Listen:      pick(*listen, sc.Listen, def.Listen),
		HostKey:     pick(*hostKey, sc.HostKey, def.HostKey),
		Operators:   pick(*operators, sc.Operators, ""),
		RevokedKeys: pick(*revoked, sc.RevokedKeys, ""),
		LogFormat:   pick(*logFormat, sc.LogFormat, serve.LogJSON),
		StateDir:    state,
		IdleTimeout: sc.IdleTimeout,
		MaxSessions: sc.MaxSessions,
		Demo:        s.demo,
		Headless:    headless(s),
		Parse:       probeCommand,
	})
	if err != nil {
		return failServe(env, err)
	}
	o := srv.Options()
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fail(env, usageErr("cannot listen on %s: %v", o.Listen, err))
	}
	ops := srv.Operators()
	fmt.Fprintf(env.Stdout, "simdesk serve on %s (%s), %d operator key(s) and %d CA(s) from %s\nhost key %s %s\nlogs in %s (%s)\n",
		ln.Addr(), environment(s), ops.Len()-ops.CAs(), ops.CAs(), o.Operators, o.HostKey, srv.Fingerprint(), state, o.LogFormat)
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

// failServe reports why the server did not start: every bad line of the
// operators or revoked_keys file, or the one error.
func failServe(env Env, err error) int {
	var oe *serve.OperatorsError
	var re *serve.RevokedError
	switch {
	case errors.As(err, &oe):
		for _, p := range oe.Problems {
			fmt.Fprintln(env.Stderr, p)
		}
		fmt.Fprintf(env.Stderr, "simdesk: %d bad line(s) in the operators file: not started\n", len(oe.Problems))
		return ExitUsage
	case errors.As(err, &re):
		for _, p := range re.Problems {
			fmt.Fprintln(env.Stderr, p)
		}
		fmt.Fprintf(env.Stderr, "simdesk: %d bad line(s) in the revoked_keys file: not started\n", len(re.Problems))
		return ExitUsage
	}
	return fail(env, usageErr("%s", err.Error()))
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
