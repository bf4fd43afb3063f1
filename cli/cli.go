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
	"sync"
	"syscall"

	"github.com/charmbracelet/x/term"
	"unicode/utf8"

	"simdesk/model"
	"simdesk/serve"
	"simdesk/topup"
)

// Exit statuses of the contract.
const (
	ExitOK       = 0
	ExitUsage    = 2 // bad usage or invalid input: nothing was sent
	ExitNotFound = 3
	ExitProvider = 4 // unreachable, timed out, refused credentials, 5xx
	ExitRejected = 5 // top-up rejected by the provider
	ExitUnknown  = 6 // top-up outcome unknown: see the journal
	ExitVerify   = 7 // journal --verify found the hash chain broken
	// ExitForbidden: not permitted, by the operator's role or by the
	// command policy over SSH; nothing was done.
	ExitForbidden = serve.ExitForbidden
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
	// StderrIsTerminal reports whether stderr is a terminal: only then do
	// slow commands draw a progress line on it.
	StderrIsTerminal func() bool
	// shared is set by simdesk serve for a command run over SSH: the
	// server's session, its engine acting as the operator, instead of
	// the config file.
	shared *session
	ctx    context.Context // the server's context for a command over SSH
	// probe, when set, makes env.start record what the command parsed
	// and stop it there (the server's policy asks: see probeCommand).
	probe *probe
	// ownProcess is set by Main: the process runs this one command, so
	// process-wide settings (the garbage collector's, see streamGC) may
	// be tuned for it; never for a command run in a server or a test.
	ownProcess bool
}

// Main runs simdesk with the process's arguments and streams.
func Main() int {
	return Run(Env{
		Args:             os.Args[1:],
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		IsTerminal:       stdinIsTerminal,
		StderrIsTerminal: func() bool { return term.IsTerminal(os.Stderr.Fd()) },
		ownProcess:       true,
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
	// Every byte a command writes passes a sanitising writer: provider text
	// cannot drive the operator's terminal through headless output or an
	// error line, and a failed write (a full disk, a closed pipe with
	// SIGPIPE ignored) is noticed instead of ending in exit 0.
	stdout, stderr := newTermWriter(env.Stdout), newTermWriter(env.Stderr)
	env.Stdout, env.Stderr = stdout, stderr
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "simdesk: internal error: %v (please report it)\n", oneLine(fmt.Sprint(r)))
			code = 1
		}
		code = finishOutput(stdout, stderr, code)
	}()
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	if env.shared != nil {
		ctx = env.ctx // over SSH: the server's, which a SIGTERM does not cancel
	}
	args := env.Args
	cmd := ""
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || args[0] == "--version") {
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
	case "serve":
		return runServe(ctx, env, args)
	case "doctor":
		return runDoctor(ctx, env, args)
	case "version", "--version", "help", "-h", "--help":
		return runInfo(env, cmd, args)
	}
	fmt.Fprintf(env.Stderr, "simdesk: unknown command %q (commands: lookup, stock, topup, journal, sim, version)\n", clip(cmd))
	return ExitUsage
}

// runInfo is version and help, which take no argument.
func runInfo(env Env, cmd string, args []string) int {
	if len(args) > 0 {
		return fail(env, usageErr("%s takes no arguments (got %q)", strings.TrimLeft(cmd, "-"), clip(args[0])))
	}
	if cmd == "version" || cmd == "--version" {
		fmt.Fprintln(env.Stdout, "simdesk", Version())
	} else {
		fmt.Fprint(env.Stdout, usage)
	}
	return ExitOK
}

const usage = `simdesk — operations console for SIM, eSIM and top-up providers

  simdesk [--config FILE] [--demo]        interactive console
  simdesk lookup  [--config FILE | --demo] [--provider NAME] [--type T] [--account ID] [--format json|text] ID
  simdesk stock   [--config FILE | --demo] [--provider NAME] [--format json|text]
  simdesk topup   [--config FILE | --demo] --provider NAME --offer OFFER_ID [--type T] [--ref REF] [--force] [--yes] [--format json|text] [ID]
  simdesk topup   [--config FILE | --demo] --provider NAME --amount AMOUNT [--currency CUR] [--bucket ID] [--type T] [--ref REF] [--force] [--yes] [--format json|text] ID
  simdesk journal [--config FILE | --demo] [--pending] [--reconcile] [--verify] [-n N] [--format json|text]
  simdesk journal [--config FILE | --demo] --resolve JOURNAL_ID TRANSACTION_ID|none
  simdesk journal [--config FILE] --export FILE | --import FILE      (journal in PostgreSQL)
  simdesk journal [--config FILE] --migrate                           (journal in PostgreSQL)
  simdesk serve   [--config FILE | --demo] [--listen ADDR] [--operators FILE] [--host-key FILE]
                  [--revoked-keys FILE] [--log-format json|text] [--metrics-listen ADDR]
  simdesk doctor  [--config FILE | --demo] [--provider NAME] [--format json|text]
  simdesk sim     [--addr HOST:PORT] [--latency DURATION] [--error-rate FRACTION] [--seed N]
  simdesk version | help

Without a config file (--config, $SIMDESK_CONFIG, ~/.config/simdesk/config.toml)
simdesk runs on its built-in simulator, marked DEMO.
Every command takes -h or --help for its own usage. The ID of a top-up by
offer is the line the offer tops up; an offer sold without a line (an eSIM)
takes none. Flags may come before or after the ID; after -- every argument
is the ID, even one that starts with -.
` + flagsHelp + `
Exit: 0 done, 2 bad input (nothing sent), 3 not found, 4 provider failure,
5 top-up rejected, 6 top-up outcome unknown (see simdesk journal),
7 journal --verify found the hash chain broken,
8 not permitted for the operator's role or over SSH (nothing done).
`

// common flags shared by the commands that talk to providers.
type common struct {
	config     string
	demo       bool
	format     string
	withFormat bool
	// noJournal: the command never reads or writes the journal (lookup),
	// so open does not open it: no file, lock or database connection at
	// start for a command that does not need one.
	noJournal bool
	// only names the one provider the command asks (lookup --provider):
	// open builds that one alone when it is configured.
	only string
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

// start parses a command's flags and checks the common ones; it is used
// by the commands that never run over SSH (serve, the console).
func start(fs *flag.FlagSet, c *common, args []string) ([]string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	return pos, c.check()
}

// start parses a command's flags, then, before anything else, asks
// whether the command may run: over SSH the server's command policy and
// the operator's role in the permission table (the server asked the same
// already; this is the second lock on the door). The standalone process is
// the zero role, which keeps every action. In probe mode (see probeCommand)
// it records what it parsed and stops the command there.
func (env Env) start(fs *flag.FlagSet, c *common, args []string) ([]string, error) {
	cmd, err := parseCommand(fs, args)
	if env.probe != nil {
		*env.probe = probe{cmd: cmd, err: err, reached: true}
		return nil, errProbed
	}
	if err != nil {
		return nil, err
	}
	if env.shared != nil {
		a, _ := env.shared.engine.Actor()
		cmd.Name = fs.Name()
		if err := serve.Permit(a.Operator, a.Role, cmd); err != nil {
			return nil, err
		}
	}
	return cmd.Args, c.check()
}

// noArgs refuses positional arguments for commands that take none.
func noArgs(cmd string, pos []string) error {
	if len(pos) != 0 {
		return usageErr("%s takes no arguments (got %q)", cmd, clip(pos[0]))
	}
	return nil
}

// parse parses a command's flags and returns its positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	cmd, err := parseCommand(fs, args)
	return cmd.Args, err
}

// parseCommand reads args against the flags defined in fs, by the one rule
// of every command, on the command line and over SSH alike:
//   - "--" ends the flags: everything after it is positional, whatever it
//     looks like;
//   - before it, flags and positional arguments may come in any order (a
//     flag after an identifier is a flag, as users' scripts have written
//     them: `lookup 9077613 --format json`);
//   - a flag is -name or --name, its value -name=value, --name=value or
//     the next argument (never a "--", which still ends the flags); a bool
//     flag takes no next argument (--yes=false to say no);
//   - names are exact: no abbreviations, no other case; an undefined name
//     is bad usage, -h and --help ask for the usage;
//   - "-" alone is positional; a repeated flag is read each time (the last
//     value wins) and listed each time.
//
// Every flag given is in the result under its defined name, so that what
// runs over SSH is decided on the parsed command, never on its spelling.
func parseCommand(fs *flag.FlagSet, args []string) (serve.Command, error) {
	var c serve.Command
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			c.Args = append(c.Args, args[i+1:]...)
			return c, nil
		}
		if len(a) < 2 || a[0] != '-' {
			c.Args = append(c.Args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "" || name[0] == '-' {
			return c, usageErr("bad flag syntax: %s", clip(a))
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				c.Help = true
				return c, &helpError{fs: fs}
			}
			return c, usageErr("flag provided but not defined: -%s", clip(name))
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 == len(args) || args[i+1] == "--" {
				return c, usageErr("flag needs an argument: -%s", name)
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return c, usageErr("invalid value %q for flag -%s: %v", clip(value), name, err)
		}
		c.Flags = append(c.Flags, serve.Flag{Name: name, Value: value})
	}
	return c, nil
}

// probe is what a command's own parser read, for the server's policy.
type probe struct {
	cmd     serve.Command
	err     error
	reached bool
}

// errProbed stops a command run in probe mode right after its parser.
var errProbed = errors.New("probed")

// remoteCommands are the commands the server may ask about: each one's
// function calls env.start before any other work, so that run in probe
// mode it parses its arguments with its very own flags and stops.
// TestProbeStopsAtTheParser holds each to that.
var remoteCommands = map[string]func(context.Context, Env, []string) int{
	"lookup": runLookup, "stock": runStock, "topup": runTopup, "journal": runJournal,
}

// localCommands run only on the machine itself, never over SSH.
var localCommands = map[string]bool{"serve": true, "sim": true, "version": true, "help": true}

// probeCommand is the server's Parser: the command and its flags as the
// command will read them. The console's flags and the local commands are
// named but not parsed (the policy refuses them by name); a line that does
// not parse is the error the command would print.
func probeCommand(args []string) (serve.Command, error) {
	if len(args) == 0 {
		return serve.Command{}, usageErr("no command")
	}
	name := args[0]
	if strings.HasPrefix(name, "-") {
		return serve.Command{Name: "", Args: args}, nil
	}
	run, ok := remoteCommands[name]
	if !ok {
		if localCommands[name] {
			return serve.Command{Name: name}, nil
		}
		return serve.Command{}, usageErr("unknown command %q (commands: lookup, stock, topup, journal)", clip(name))
	}
	p := &probe{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing a probe could start may run
	run(ctx, Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(string) string { return "" }, IsTerminal: func() bool { return false }, probe: p}, args[1:])
	if !p.reached {
		return serve.Command{}, fmt.Errorf("%s did not parse its arguments first: refused", name)
	}
	p.cmd.Name = name
	if errors.Is(p.err, flag.ErrHelp) {
		p.err = nil
	}
	return p.cmd, p.err
}

func usageErr(format string, a ...any) error {
	return &model.InputError{Msg: fmt.Sprintf(format, a...)}
}

// fail prints one line and returns the exit status for err.
func fail(env Env, err error) int {
	if he, ok := err.(*helpError); ok {
		he.print(env.Stdout, env.shared != nil) // --help and -h: usage on stdout, success
		return ExitOK
	}
	fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(err.Error()))
	var ie *model.InputError
	var ce *configError
	var pe *serve.PolicyError
	switch {
	case errors.Is(err, topup.ErrForbidden), errors.As(err, &pe):
		return ExitForbidden
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

// stopSignals end a command through its context, so that every command,
// and the console (whose terminal Bubble Tea restores when its context
// ends), stops the same orderly way. SIGHUP is among them: a closed
// terminal window or a dropped SSH session must not leave the terminal in
// raw mode and the alternate screen.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// ExitOutput is the status of a command whose own work succeeded but whose
// output could not be written: the operator never saw the answer.
const ExitOutput = 1

// termWriter sanitises everything written through it with model.Sanitize
// (control characters, C1 and bidi controls become visible escapes; newline
// and tab pass), holding back a UTF-8 sequence split across writes. Text
// output carries no styling, so any control character in it is foreign.
// JSON passes unchanged: its encoder already escapes every control
// character, and the escapes written here are valid inside a JSON string
// anyway. The first write error is kept and reported at exit.
type termWriter struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte // an incomplete UTF-8 sequence from the previous write
	buf     []byte
	err     error
}

func newTermWriter(w io.Writer) *termWriter {
	if tw, ok := w.(*termWriter); ok {
		return tw
	}
	return &termWriter{w: w}
}

// Write sanitises p and writes it; it reports the first failure of the
// underlying writer on this and every later call.
func (t *termWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return 0, t.err
	}
	data := p
	if len(t.pending) > 0 {
		data = append(t.pending, p...)
		t.pending = nil
	}
	cut := len(data)
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(data[i]) {
			if data[i] >= utf8.RuneSelf && !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	if cut < len(data) {
		t.pending = append([]byte(nil), data[cut:]...)
	}
	if err := t.emit(data[:cut]); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (t *termWriter) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	out := b
	if !plainASCII(b) {
		t.buf = model.AppendSanitized(t.buf[:0], string(b))
		out = t.buf
	}
	if _, err := t.w.Write(out); err != nil {
		t.err = err
		return err
	}
	return nil
}

// ownSequences returns a writer for simdesk's own terminal control
// sequences (a progress line's carriage return and erase-line) that
// bypasses the sanitising of w while keeping the order of writes and the
// write-error accounting. Only text simdesk composes itself may go through
// it, never provider text.
func ownSequences(w io.Writer) io.Writer {
	if t, ok := w.(*termWriter); ok {
		return rawTermWriter{t}
	}
	return w
}

type rawTermWriter struct{ t *termWriter }

func (r rawTermWriter) Write(p []byte) (int, error) {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	if r.t.err != nil {
		return 0, r.t.err
	}
	n, err := r.t.w.Write(p)
	if err != nil {
		r.t.err = err
	}
	return n, err
}

// plainASCII reports printable ASCII with newlines and tabs: nearly all
// output, written as it is without a copy.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return false
		}
	}
	return true
}

// Close writes what is left of a split sequence (it was invalid UTF-8, so
// it is escaped byte by byte) and returns the first write error, if any.
func (t *termWriter) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil && len(t.pending) > 0 {
		p := t.pending
		t.pending = nil
		_ = t.emit(p)
	}
	return t.err
}

// finishOutput flushes both writers and turns a failed write into a
// non-zero exit: an answer the operator never saw is not success.
func finishOutput(stdout, stderr *termWriter, code int) int {
	errErr := stderr.Close()
	if err := stdout.Close(); err != nil {
		if errErr == nil {
			fmt.Fprintln(stderr, "simdesk: cannot write the output: "+oneLine(err.Error()))
			stderr.Close()
		}
		if code == ExitOK {
			code = ExitOutput
		}
	}
	if errErr != nil && code == ExitOK {
		code = ExitOutput
	}
	return code
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
