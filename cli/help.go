package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"simdesk/serve"
)

// helpError is -h or --help on a command: not a failure but a request for
// the command's usage, printed on stdout with exit status 0.
type helpError struct{ fs *flag.FlagSet }

func (e *helpError) Error() string { return "help requested" }

// Is lets errors.Is(err, flag.ErrHelp) keep working.
func (e *helpError) Is(target error) bool { return target == flag.ErrHelp }

// print writes the command's synopsis and every flag with its meaning.
// Over SSH (remote) it shows only what runs there: no --config or --demo,
// only the flags the server's command policy allows.
func (e *helpError) print(w io.Writer, remote bool) {
	name := e.fs.Name()
	if name == "simdesk" { // the console's flags: the whole usage
		fmt.Fprint(w, usage)
		return
	}
	lead := "usage: "
	for _, syn := range synopses(name, remote) {
		fmt.Fprintln(w, lead+syn)
		lead = "       "
	}
	if lead == "usage: " {
		fmt.Fprintln(w, "usage: simdesk "+name+" [flags]")
	}
	fmt.Fprintln(w, "\nflags:")
	fs := e.fs
	if remote {
		fs = flag.NewFlagSet(name, flag.ContinueOnError)
		e.fs.VisitAll(func(f *flag.Flag) {
			if serve.RemoteFlag(name, f.Name) {
				fs.Var(f.Value, f.Name, f.Usage)
				fs.Lookup(f.Name).DefValue = f.DefValue
			}
		})
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
	if remote {
		fmt.Fprintln(w, "\nOver SSH the command runs on the server as you; exit 8: not permitted for your role.")
		return
	}
	fmt.Fprintln(w, "\nsimdesk help lists every command and exit status.")
}

// synopses are the command's lines of the general usage; over SSH without
// the configuration flags and the lines that need them.
func synopses(cmd string, remote bool) []string {
	var out []string
	for _, l := range strings.Split(usage, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if !strings.HasPrefix(l, "simdesk "+cmd+" ") {
			continue
		}
		if remote {
			l = strings.Replace(l, "[--config FILE | --demo] ", "", 1)
			// What still names the configuration (export, import, migrate:
			// the server's own files and database) does not run over SSH.
			if strings.Contains(l, "--config") || strings.Contains(l, "--export") {
				continue
			}
			l = "ssh HOST " + strings.TrimPrefix(l, "simdesk ")
		}
		out = append(out, l)
	}
	return out
}

// flagsHelp explains every flag of every command, for `simdesk help`.
// TestHelpListsEveryFlag checks it against each command's own flag set.
const flagsHelp = `
Flags:
  --config FILE        config file (TOML); else $SIMDESK_CONFIG, ~/.config/simdesk/config.toml
  --demo               use the built-in simulator
  --format json|text   output format (lookup, stock, topup, journal, doctor)
  lookup   --provider NAME      only this provider
           --type T             msisdn, sim, subscription or transaction (default: detected)
           --account ID         CWC postpaid account (or ID@ACCOUNT)
  stock    --provider NAME      only this provider
  topup    --provider NAME      provider to top up through (required)
           --offer OFFER_ID     offer id (or --amount)
           --amount AMOUNT      top up by this amount instead (providers that top up by amount, e.g. tmf654)
           --currency CUR       currency of --amount; must be the provider's
           --bucket ID          the balance an amount goes to, when the line has several
           --type T             identifier type: msisdn or sim
           --ref REF            ticket or call reference, recorded in the journal
           --force              top up even if the same line and offer were topped up lately
           --yes                do not ask for confirmation
  journal  --pending            only attempts whose outcome is unknown
           --reconcile          ask providers what became of pending attempts
           --verify             check the hash chain, MACs and head (exit 7 when broken)
           -n N                 at most N attempts, newest first (0 = all)
           --export FILE        PostgreSQL journal to a new file
           --import FILE        file journal into an empty PostgreSQL journal
           --migrate            create or migrate the PostgreSQL schema as its owner
  serve    --listen ADDR        SSH address to listen on
           --operators FILE     operators' public keys and roles
           --host-key FILE      the server's SSH host key
           --revoked-keys FILE  SHA256 fingerprints of keys and CAs refused
           --log-format json|text  serve.log and access.log (default json)
           --metrics-listen ADDR  /metrics, /healthz and /readyz address (off by default)
  doctor   --provider NAME      check only this provider
  sim      --addr HOST:PORT     loopback address to listen on (default 127.0.0.1:8765)
           --latency DURATION   delay every answer by this much
           --error-rate F       fraction of calls answered with a 5xx (0..1)
           --seed N             seed for generated data and injected faults
`

// simDemoConfig marks a simulator config as the demo environment, so that
// top-ups against the simulator never show the PRODUCTION frame or write
// "environment":"production" to the journal.
func simDemoConfig(toml string) string {
	if strings.Contains(toml, "\nenvironment =") || strings.HasPrefix(toml, "environment =") {
		return toml
	}
	lines := strings.SplitAfter(toml, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "#") {
			return strings.Join(lines[:i], "") + "environment = \"demo\"\n" + strings.Join(lines[i:], "")
		}
	}
	return toml + "environment = \"demo\"\n"
}
