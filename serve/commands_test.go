package serve

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/topup"
)

// testParse stands for cli's parser (whose every spelling is tested over
// SSH in package cli): every argument before "--" that starts with "-" is
// a flag, by its name without dashes and value.
func testParse(args []string) (Command, error) {
	c := Command{Name: args[0]}
	for i, a := range args[1:] {
		if a == "--" {
			c.Args = append(c.Args, args[i+2:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			c.Args = append(c.Args, a)
			continue
		}
		name, value, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			c.Help = true
			break
		}
		c.Flags = append(c.Flags, Flag{Name: name, Value: value})
	}
	return c, nil
}

func cmdOf(name string, flags ...string) Command {
	c := Command{Name: name}
	for _, f := range flags {
		if f == "-h" {
			c.Help = true
			continue
		}
		c.Flags = append(c.Flags, Flag{Name: f})
	}
	return c
}

// TestPermitIsTheAllowListThenTheTable: every command and flag over SSH,
// for every role: the server's files for nobody, the rest as the table.
func TestPermitIsTheAllowListThenTheTable(t *testing.T) {
	const ok, policy, role = "ok", "policy", "role"
	cases := []struct {
		c                         Command
		viewer, agent, supervisor string
	}{
		{cmdOf("lookup", "provider", "type", "account", "format"), ok, ok, ok},
		{cmdOf("stock", "provider", "format"), ok, ok, ok},
		{cmdOf("journal", "pending", "n", "format", "verify"), ok, ok, ok},
		{cmdOf("topup", "provider", "offer", "amount", "currency", "bucket", "type", "ref", "force", "yes", "format"), role, ok, ok},
		{cmdOf("journal", "reconcile"), role, role, ok},
		{cmdOf("journal", "resolve"), role, role, ok},
		{cmdOf("topup", "-h"), ok, ok, ok}, // usage only: no action
		{cmdOf("journal", "reconcile", "-h"), ok, ok, ok},
		{cmdOf("lookup", "config"), policy, policy, policy},
		{cmdOf("lookup", "demo"), policy, policy, policy},
		{cmdOf("stock", "config", "-h"), policy, policy, policy},
		{cmdOf("journal", "export"), policy, policy, policy},
		{cmdOf("journal", "import"), policy, policy, policy},
		{cmdOf("journal", "pending", "import"), policy, policy, policy},
		{cmdOf("journal", "migrate"), policy, policy, policy}, // a flag nobody listed: refused
		{cmdOf("topup", "resolve"), policy, policy, policy},   // journal's flag on another command
		{cmdOf("serve"), policy, policy, policy},
		{cmdOf("sim"), policy, policy, policy},
		{cmdOf("version"), policy, policy, policy},
		{cmdOf(""), policy, policy, policy}, // the console's flags
	}
	roles := []topup.Role{topup.RoleViewer, topup.RoleAgent, topup.RoleSupervisor}
	for _, tc := range cases {
		for i, want := range []string{tc.viewer, tc.agent, tc.supervisor} {
			err := Permit("op", roles[i], tc.c)
			var pe *PolicyError
			got := ok
			switch {
			case errors.As(err, &pe):
				got = policy
			case errors.Is(err, topup.ErrForbidden):
				got = role
			case err != nil:
				got = err.Error()
			}
			if got != want {
				t.Errorf("%s %+v as %s: %s (%v), want %s", tc.c.Name, tc.c.Flags, roles[i], got, err, want)
			}
		}
	}
	// A role the table has no row for may do nothing, not even read.
	if err := Permit("x", topup.Role("root"), cmdOf("lookup")); !errors.Is(err, topup.ErrForbidden) {
		t.Errorf("unknown role: %v", err)
	}
	// Nor may an operator without a role: the zero Role is the standalone
	// process's own user, never someone who logged in over SSH (an operator
	// built without its role must not hold every action).
	for _, c := range []Command{cmdOf("lookup"), cmdOf("topup"), cmdOf("journal", "resolve")} {
		if err := Permit("x", topup.RoleLocal, c); !errors.Is(err, topup.ErrForbidden) {
			t.Errorf("empty role, %s %+v: %v", c.Name, c.Flags, err)
		}
	}
	if err := Permit("x", topup.RoleSupervisor, cmdOf("journal", "export")); err == nil || !strings.Contains(err.Error(), "--export is not available over SSH") {
		t.Errorf("export message: %v", err)
	}
}

// TestEveryCommandIsInTheAccessLog: accepted commands with their exit
// status, refused ones with the reason (none of them run), and a top-up's
// request and outcome.
func TestEveryCommandIsInTheAccessLog(t *testing.T) {
	ts := startServer(t, time.Hour)
	vic := ts.mustDial(ts.keys.vic)
	if _, errs, code := run(t, vic, "journal --reconcile"); code != ExitForbidden || !strings.Contains(errs, "vic is a viewer and may not reconcile") {
		t.Errorf("viewer reconcile: exit %d %q", code, errs)
	}
	if _, errs, code := run(t, vic, "journal --pending --export=/tmp/x"); code != ExitForbidden || !strings.Contains(errs, "--export is not available over SSH") {
		t.Errorf("export: exit %d %q", code, errs)
	}
	if out, _, code := run(t, vic, "stock --format json"); code != 0 || !strings.Contains(out, "as vic (viewer)") {
		t.Errorf("stock: exit %d %q", code, out)
	}
	alice := ts.mustDial(ts.keys.alice)
	if out, _, code := run(t, alice, "topup"); code != 0 || out != "ok as alice\n" {
		t.Errorf("agent top-up: exit %d %q", code, out)
	}
	data, err := os.ReadFile(filepath.Join(ts.dir, "state", "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a engine.Access
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		switch a.Action {
		case "command":
			got = append(got, a.Operator+" "+strings.Join(a.Command, " ")+" → "+a.Result+" "+a.Reason)
		case "topup":
			got = append(got, a.Operator+" topup "+a.Target+" "+a.Offer+" → "+a.Result)
		}
	}
	want := []string{
		"vic journal --reconcile → refused vic is a viewer and may not reconcile pending top-ups",
		"vic journal --pending --export=/tmp/x → refused --export is not available over SSH: the server's files stay on the server",
		"vic stock --format json → accepted ",
		"vic stock --format json → exit 0 ",
		"alice topup → accepted ",
		"alice topup 0611111111 OF1 → requested",
		"alice topup 0611111111 OF1 → ok",
		"alice topup → exit 0 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("access log commands:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNoParserNoCommand: a server built without a parser runs no command
// (fail closed), while the console still opens.
func TestNoParserNoCommand(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) { o.Parse = nil })
	sue := ts.mustDial(ts.keys.sue)
	if out, errs, code := run(t, sue, "lookup 0611111111"); code != ExitUsage || out != "" || !strings.Contains(errs, "not available on this server") {
		t.Errorf("no parser: exit %d %q %q", code, out, errs)
	}
	if n := ts.prov.lookups.Load(); n != 0 {
		t.Errorf("%d lookups ran", n)
	}
}
