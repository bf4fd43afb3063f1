// Package cli is simdesk's command line: flag parsing, config → providers →
// engine wiring, the headless commands and their exit codes, and the launch
// of the console. main.go only calls Run.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"simdesk/model"
)

// Exit statuses of the contract.
const (
	ExitOK       = 0
	ExitUsage    = 2 // bad usage or invalid input: nothing was sent
	ExitNotFound = 3
	ExitProvider = 4 // unreachable, timed out, refused credentials, 5xx
	ExitRejected = 5 // top-up rejected by the provider
	ExitUnknown  = 6 // top-up outcome unknown: see the journal
)

// Env is what a command reads from and writes to; tests supply their own.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTerminal reports whether stdin is an interactive terminal.
	IsTerminal func() bool
}

// Main runs simdesk with the process's arguments and streams.
func Main() int {
	return Run(Env{
		Args:       os.Args[1:],
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		IsTerminal: stdinIsTerminal,
	})
}

// Run dispatches to a command and returns its exit status. It never panics
// at an operator: a panic becomes one line on stderr and exit 1.
func Run(env Env) (code int) {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.IsTerminal == nil {
		env.IsTerminal = func() bool { return false }
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "simdesk: internal error: %v (please report it)\n", oneLine(fmt.Sprint(r)))
			code = 1
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := env.Args
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		return runConsole(ctx, env, args)
	case "lookup":
		return runLookup(ctx, env, args)
	case "stock":
		return runStock(ctx, env, args)
	case "topup":
		return runTopup(ctx, env, args)
	case "journal":
		return runJournal(ctx, env, args)
	case "sim":
		return runSim(ctx, env, args)
	case "version", "--version":
		fmt.Fprintln(env.Stdout, "simdesk", Version())
		return ExitOK
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "simdesk: unknown command %q (commands: lookup, stock, topup, journal, sim, version)\n", clip(cmd))
	return ExitUsage
}

const usage = `simdesk — operations console for SIM, eSIM and top-up providers

  simdesk [--config FILE] [--demo]        interactive console
  simdesk lookup  [--config FILE | --demo] [--provider NAME] [--type T] [--account ID] [--format json|text] ID
  simdesk stock   [--config FILE | --demo] [--provider NAME] [--format json|text]
  simdesk topup   [--config FILE | --demo] --provider NAME --offer OFFER_ID [--type T] [--ref REF] [--force] [--yes] [--format json|text] ID
  simdesk journal [--config FILE | --demo] [--pending] [--reconcile] [--verify] [--format json|text]
  simdesk sim     [--addr HOST:PORT] [--latency DURATION] [--error-rate FRACTION] [--seed N]
  simdesk version

Without a config file (--config, $SIMDESK_CONFIG, ~/.config/simdesk/config.toml)
simdesk runs on its built-in simulator, marked DEMO.
Exit: 0 done, 2 bad input (nothing sent), 3 not found, 4 provider failure,
5 top-up rejected, 6 top-up outcome unknown (see simdesk journal).
`

// common flags shared by the commands that talk to providers.
type common struct {
	config     string
	demo       bool
	format     string
	withFormat bool
}

func (c *common) register(fs *flag.FlagSet, withFormat bool) {
	fs.StringVar(&c.config, "config", "", "config file (TOML)")
	fs.BoolVar(&c.demo, "demo", false, "use the built-in simulator")
	c.withFormat = withFormat
	if withFormat {
		fs.StringVar(&c.format, "format", "text", "output format: json or text")
	}
}

func (c *common) check() error {
	if c.demo && c.config != "" {
		return usageErr("--demo and --config exclude each other")
	}
	if c.withFormat && c.format != "json" && c.format != "text" {
		return usageErr("--format must be json or text, not %q", clip(c.format))
	}
	return nil
}

// start parses a command's flags and checks the common ones.
func start(fs *flag.FlagSet, c *common, args []string) ([]string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	return pos, c.check()
}

// noArgs refuses positional arguments for commands that take none.
func noArgs(cmd string, pos []string) error {
	if len(pos) != 0 {
		return usageErr("%s takes no arguments (got %q)", cmd, clip(pos[0]))
	}
	return nil
}

// parse parses flags that may appear before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErr("%s", oneLine(err.Error()))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func usageErr(format string, a ...any) error {
	return &model.InputError{Msg: fmt.Sprintf(format, a...)}
}

// fail prints one line and returns the exit status for err.
func fail(env Env, err error) int {
	fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(err.Error()))
	var ie *model.InputError
	var ce *configError
	switch {
	case errors.As(err, &ie), errors.As(err, &ce):
		return ExitUsage
	case errors.Is(err, flag.ErrHelp):
		return ExitUsage
	}
	var me *model.Error
	if errors.As(err, &me) {
		if me.Kind == model.ErrNotFound {
			return ExitNotFound
		}
		return ExitProvider
	}
	return ExitUsage
}

func oneLine(s string) string { return model.OneLine(s, 400) }

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
