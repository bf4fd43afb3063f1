package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// helpError is -h or --help on a command: not a failure but a request for
// the command's usage, printed on stdout with exit status 0.
type helpError struct{ fs *flag.FlagSet }

func (e *helpError) Error() string { return "help requested" }

// Is lets errors.Is(err, flag.ErrHelp) keep working.
func (e *helpError) Is(target error) bool { return target == flag.ErrHelp }

// print writes the command's synopsis and every flag with its meaning.
func (e *helpError) print(w io.Writer) {
	name := e.fs.Name()
	if name == "simdesk" { // the console's flags: the whole usage
		fmt.Fprint(w, usage)
		return
	}
	if syn := synopsis(name); syn != "" {
		fmt.Fprintln(w, "usage: "+syn)
	} else {
		fmt.Fprintln(w, "usage: simdesk "+name+" [flags]")
	}
	fmt.Fprintln(w, "\nflags:")
	e.fs.SetOutput(w)
	e.fs.PrintDefaults()
	fmt.Fprintln(w, "\nsimdesk help lists every command and exit status.")
}

// synopsis is the command's line of the general usage.
func synopsis(cmd string) string {
	for _, l := range strings.Split(usage, "\n") {
		l = strings.TrimSpace(l)
		if cmd == "simdesk" && strings.HasPrefix(l, "simdesk [") {
			return l
		}
		if strings.HasPrefix(l, "simdesk "+cmd+" ") {
			return l
		}
	}
	return ""
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
           --verify             check the hash chain (exit 7 when broken)
           -n N                 at most N attempts, newest first (0 = all)
           --export FILE        PostgreSQL journal to a new file
           --import FILE        file journal into an empty PostgreSQL journal
  serve    --listen ADDR        SSH address to listen on
           --operators FILE     operators' public keys and roles
           --host-key FILE      the server's SSH host key
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
