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
	"simdesk/metrics"
	"simdesk/serve"
)

// runServe is simdesk serve: the console and the headless commands over
// SSH for a whole shift, with one engine, one stock poller per provider
// and one journal shared by every session.
// serveFlags are the flags of `simdesk serve`.
type serveFlags struct {
	c                                                  common
	listen, operators, hostKey, revoked, logFormat, mx string
}

func parseServe(args []string) (serveFlags, error) {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.c.register(fs, false)
	fs.StringVar(&f.listen, "listen", "", "address to listen on (default [serve] listen, else :2222)")
	fs.StringVar(&f.operators, "operators", "", "operators file (default [serve] operators)")
	fs.StringVar(&f.hostKey, "host-key", "", "host key file (default [serve] host_key, generated on first start)")
	fs.StringVar(&f.revoked, "revoked-keys", "", "revoked keys file, SHA256 fingerprints (default [serve] revoked_keys)")
	fs.StringVar(&f.logFormat, "log-format", "", "serve.log and access.log: json (default) or text ([serve] log_format)")
	fs.StringVar(&f.mx, "metrics-listen", "", "address of /metrics, /healthz and /readyz (default [serve] metrics_listen, else none)")
	pos, err := start(fs, &f.c, args)
	if err == nil {
		err = noArgs("serve", pos)
	}
	if err == nil {
		if _, ferr := serve.ParseLogFormat(f.logFormat); ferr != nil {
			err = usageErr("--log-format: %s", ferr.Error())
		}
	}
	return f, err
}

// pick is the flag's value, else the config's, else the default.
func pick(flagV, cfgV, defV string) string {
	switch {
	case flagV != "":
		return flagV
	case cfgV != "":
		return cfgV
	}
	return defV
}

func runServe(ctx context.Context, env Env, args []string) int {
	f, err := parseServe(args)
	if err != nil {
		return fail(env, err)
	}
	s, err := open(env, f.c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	warnJournalRole(env, s)
	sc := s.cfg.Serve
	state := filepath.Join(config.StateDir(env.Getenv), "serve")
	var mx *metrics.Metrics
	if pick(f.mx, sc.MetricsListen, "") != "" {
		mx = metrics.New(metrics.Options{GoCollectors: true})
		// The engine is rebuilt over the timed journal before anything
		// uses it (no session, no poller yet): same options, same providers.
		o := s.engine.Options()
		o.Journal = mx.WrapStore(o.Journal)
		s.engine = engine.New(o, s.engine.Registered()...)
		defer mx.Hook(s.engine)() // before the first stock poll
	}
	hub := live.NewHub()
	hctx, hcancel := context.WithCancel(context.Background())
	wait := hub.Run(hctx, s.engine, pgStockSources(s)...)
	defer func() { hcancel(); wait() }()
	// Every connection holds a descriptor: the soft limit goes up to the
	// hard one before the first is accepted.
	files, ferr := serve.RaiseFileLimit()
	srv, err := serve.New(serveOptions(env, s, f, hub, state))
	if err != nil {
		return failServe(env, err)
	}
	o := srv.Options()
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fail(env, usageErr("cannot listen on %s: %v", o.Listen, err))
	}
	if mx != nil {
		stop, err := serveMetrics(env, s, mx, srv, hub, pick(f.mx, sc.MetricsListen, ""))
		if err != nil {
			ln.Close()
			return fail(env, usageErr("%s", err.Error()))
		}
		defer stop()
	}
	ops := srv.Operators()
	fmt.Fprintf(env.Stdout, "simdesk serve on %s (%s), %d operator key(s) and %d CA(s) from %s\nhost key %s %s\nlogs in %s (%s)\n",
		ln.Addr(), environment(s), ops.Len()-ops.CAs(), ops.CAs(), o.Operators, o.HostKey, srv.Fingerprint(), state, o.LogFormat)
	warnFileLimit(env, files, ferr)
	return serveUntilStopped(ctx, env, srv, ln)
}

// serveOptions are the server's settings: each flag, else the config's
// [serve] value, else the default.
func serveOptions(env Env, s *session, f serveFlags, hub *live.Hub, state string) serve.Options {
	sc := s.cfg.Serve
	def := config.DefaultServe(env.Getenv)
	return serve.Options{
		Engine:      s.engine,
		Hub:         hub,
		Listen:      pick(f.listen, sc.Listen, def.Listen),
		HostKey:     pick(f.hostKey, sc.HostKey, def.HostKey),
		Operators:   pick(f.operators, sc.Operators, ""),
		RevokedKeys: pick(f.revoked, sc.RevokedKeys, ""),
		LogFormat:   pick(f.logFormat, sc.LogFormat, serve.LogJSON),
		StateDir:    state,
		IdleTimeout: sc.IdleTimeout,
		MaxSessions: sc.MaxSessions,
		Demo:        s.demo,
		Headless:    headless(s),
		Parse:       probeCommand,
		Links:       s.cfg.Links,

		MaxSessionsPerOperator: sc.MaxSessionsPerOperator,
		LoginGrace:             sc.LoginGrace,
		MaxStartups:            serve.MaxStartups(sc.MaxStartups),
		MaxStartupsPerAddress:  sc.MaxStartupsPerAddress,
	}
}

// serveUntilStopped serves on ln until the server fails or ctx ends (a
// signal), then shuts down within serve.DefaultGrace.
func serveUntilStopped(ctx context.Context, env Env, srv *serve.Server, ln net.Listener) int {
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
	err := srv.Shutdown(sctx)
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

// serveMetrics starts /metrics, /healthz and /readyz on addr, reading the
// shift's engine, hub, journal and SSH server. The server's session and
// refusal counts are read when it has them (serve.Server's SessionsByRole
// and RefusalsByReason).
func serveMetrics(env Env, s *session, mx *metrics.Metrics, srv *serve.Server, hub *live.Hub, addr string) (stop func(), err error) {
	src := metrics.Sources{Engine: s.engine, Hub: hub, Journal: s.engine.Options().Journal,
		Probe: journalProbe(s), SettleTime: s.cfg.SettleTime}
	if ss, ok := any(srv).(metrics.Sessions); ok {
		src.Sessions = ss
	}
	detach := mx.Attach(src)
	ln, err := metrics.Listen(addr)
	if err != nil {
		detach()
		return nil, err
	}
	hs := mx.Server(s.redactor.Redact)
	go func() { _ = hs.Serve(ln) }()
	fmt.Fprintf(env.Stdout, "metrics on http://%s/metrics (and /healthz, /readyz)\n", ln.Addr())
	return func() { hs.Close(); detach() }, nil
}

// journalProbe is the readiness probe of the session's journal: the
// PostgreSQL catalogs or the file's permissions, asked at each probe; a
// journal that could not be opened at start stays unready (the engine
// refuses top-ups until a restart).
func journalProbe(s *session) metrics.Probe {
	switch {
	case s.journal == nil:
		err := s.journalErr
		if err == nil {
			err = errors.New("not open")
		}
		return func(context.Context) error { return err }
	case s.cfg.JournalDSN != "":
		return metrics.PGProbe(s.cfg.JournalDSN.Reveal())
	}
	return metrics.FileProbe(s.cfg.Journal)
}
