package cli

import (
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/charmbracelet/x/term"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/journal"
	"simdesk/providers"
	_ "simdesk/providers/all" // registers every provider kind
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

// version is set at build time with -ldflags "-X simdesk/cli.version=…".
var version = ""

// Version is the build's version: the ldflags value, else the module's.
// The build information is parsed once (every provider's User-Agent
// carries it).
func Version() string { return buildVersion() }

var buildVersion = sync.OnceValue(func() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
})

// configError carries config problems, one per line, each FILE:LINE: KEY: msg.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// session is a loaded configuration with its engine, ready for a command.
type session struct {
	cfg     *config.Config
	engine  *engine.Engine
	journal journal.Store // nil when it could not be opened (journalErr)
	// journalErr is why the journal could not be opened: top-ups are
	// refused with it, lookups work.
	journalErr error
	redactor   *httpx.Redactor
	sim        *sim.Server // the in-process simulator in demo mode
	demo       bool
	logFile    *os.File // the debug log ($SIMDESK_LOG), if any
	borrowed   bool     // the server's, lent to a command over SSH: Close leaves it open
}

func (s *session) Close() {
	if s.borrowed {
		return
	}
	if s.logFile != nil {
		s.logFile.Close()
	}
	if s.journal != nil {
		s.journal.Close()
	}
	if s.sim != nil {
		s.sim.Close()
	}
}

// open finds and loads the config (or starts the demo simulator), builds
// every provider and opens the journal. Nothing is sent to any provider.
func open(env Env, c common) (*session, error) {
	if env.shared != nil {
		return env.shared, nil
	}
	s := &session{redactor: httpx.NewRedactor()}
	var cfg *config.Config
	if !c.demo {
		path, found, err := config.Discover(c.config)
		if err != nil {
			return nil, &configError{err}
		}
		if found {
			cfg, err = config.Load(path)
			if err != nil {
				return nil, &configError{err}
			}
		}
	}
	if cfg == nil {
		srv := sim.New(sim.Options{UniqueIDs: true}) // the demo journal outlives the simulator
		if err := srv.Start(""); err != nil {
			return nil, fmt.Errorf("cannot start the built-in simulator: %w", err)
		}
		s.sim, s.demo = srv, true
		cfg = demoConfig(env, srv.URL())
	}
	s.cfg = cfg
	var logf func(string)
	if path := env.Getenv("SIMDESK_LOG"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			s.Close()
			return nil, usageErr("cannot open the debug log $SIMDESK_LOG: %v", err)
		}
		s.logFile = f
		var mu sync.Mutex
		logf = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(f, line)
		}
	}
	regs, err := buildProviders(cfg, c.only, s.redactor, logf)
	if err != nil {
		s.Close()
		return nil, err
	}
	// The journal is the file or PostgreSQL (journal = "postgres://…"). One
	// that cannot be opened (a database down) stops top-ups with one line
	// and leaves lookups working: the engine reports JournalErr.
	var j journal.Store
	var jerr error
	if !c.noJournal {
		j, jerr = openJournal(cfg, s.redactor)
	}
	s.journal, s.journalErr = j, jerr
	s.engine = engine.New(engine.Options{
		Operator:        cfg.Operator,
		ReadOnly:        cfg.ReadOnly,
		Environment:     cfg.Environment,
		DuplicateWindow: cfg.DuplicateWindow,
		SettleTime:      cfg.SettleTime,
		MaskIdentifiers: cfg.MaskIdentifiers,
		Journal:         j,
		JournalErr:      jerr,
		Redactor:        s.redactor,
	}, regs...)
	return s, nil
}

// buildProviders builds the configured providers, or only the one named
// only when it is configured (a command for one provider: its constructor,
// HTTP client and credential forms are start-up cost; the others' secrets
// are still masked wherever they might show). An unknown only builds them
// all: the engine refuses the name and lists the configured ones.
func buildProviders(cfg *config.Config, only string, red *httpx.Redactor, logf func(string)) ([]engine.Registered, error) {
	if !slices.ContainsFunc(cfg.Providers, func(p config.Provider) bool { return p.Name == only }) {
		only = ""
	}
	regs := make([]engine.Registered, 0, len(cfg.Providers))
	for _, p := range cfg.Providers {
		if only != "" && p.Name != only {
			red.Add(p.ClientSecret.Reveal())
			continue
		}
		prov, err := build(p, red, logf)
		if err != nil {
			return nil, &configError{fmt.Errorf("%s: provider %s: %v", cfg.Path, p.Name, err)}
		}
		regs = append(regs, engine.Registered{Provider: prov, StockLow: p.StockLow, StockRefresh: p.StockRefresh, TopupTarget: p.TopupTarget})
	}
	return regs, nil
}

// build turns one provider's config into a client with its kind's
// constructor from the registry (providers/all).
func build(p config.Provider, red *httpx.Redactor, logf func(string)) (providers.Provider, error) {
	secret := p.ClientSecret.Reveal()
	red.Add(secret)
	hc := httpx.New(p.Name, p.Timeout, red)
	hc.Log = logf
	hc.UserAgent = "simdesk/" + Version()
	return providers.Build(p.Settings(), providers.Deps{HTTP: hc, Redactor: red})
}

// demoConfig is the configuration of the built-in simulator: the demo
// providers every registered kind declares.
func demoConfig(env Env, baseURL string) *config.Config {
	cfg := config.Demo(env.Getenv)
	for _, d := range providers.DemoProviders(baseURL) {
		cfg.Providers = append(cfg.Providers, config.Provider{
			Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, Values: d.Values,
			ClientID: sim.ClientID, ClientSecret: config.Secret(sim.ClientSecret),
			TopupTarget: config.DefaultTopupTarget(d.Kind),
		}.WithDefaults())
	}
	return cfg
}

// stdinIsTerminal is a real isatty: /dev/null is a character device too,
// and must not count as an operator able to confirm.
func stdinIsTerminal() bool { return term.IsTerminal(os.Stdin.Fd()) }
