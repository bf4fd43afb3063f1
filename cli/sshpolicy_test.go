package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/engine"
	"simdesk/providers/sim"
	"simdesk/serve"
	"simdesk/topup"
)

// testFlags is a command's flag set for the parser's tests: bool and
// valued flags like journal's.
func testFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("journal", flag.ContinueOnError)
	fs.Bool("yes", false, "")
	fs.Bool("demo", false, "")
	fs.String("export", "", "")
	fs.String("resolve", "", "")
	fs.Int("n", 50, "")
	return fs
}

func flagList(pairs ...string) []serve.Flag {
	var out []serve.Flag
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, serve.Flag{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// TestParseCommandRule: "--" ends the flags, flags and positionals in any
// order before it, every spelling of a flag read under its one name.
func TestParseCommandRule(t *testing.T) {
	cases := []struct {
		args  string
		flags []serve.Flag
		pos   []string
		err   string
	}{
		{"--export F x", flagList("export", "F"), []string{"x"}, ""},
		{"-export F x", flagList("export", "F"), []string{"x"}, ""},
		{"--export=F x", flagList("export", "F"), []string{"x"}, ""},
		{"-export=F x", flagList("export", "F"), []string{"x"}, ""},
		{"x --export F", flagList("export", "F"), []string{"x"}, ""}, // interspersed: a flag everywhere before --
		{"x --yes y -n 3", flagList("yes", "true", "n", "3"), []string{"x", "y"}, ""},
		{"--export=A --export B", flagList("export", "A", "export", "B"), nil, ""}, // repeated: each one listed
		{"-- --export F", nil, []string{"--export", "F"}, ""},
		{"x -- --export F", nil, []string{"x", "--export", "F"}, ""},
		{"-- none --resolve X --export F", nil, []string{"none", "--resolve", "X", "--export", "F"}, ""},
		{"--resolve X -- none --export F", flagList("resolve", "X"), []string{"none", "--export", "F"}, ""},
		{"-- -- x", nil, []string{"--", "x"}, ""},
		{"- x", nil, []string{"-", "x"}, ""},
		{"--yes=false", flagList("yes", "false"), nil, ""},
		{"--resolve --export", flagList("resolve", "--export"), nil, ""}, // a value is the next argument, whatever it looks like
		{"--resolve -- --export F", nil, nil, "flag needs an argument: -resolve"},
		{"--resolve", nil, nil, "flag needs an argument: -resolve"},
		{"--exp F", nil, nil, "flag provided but not defined: -exp"}, // no abbreviations
		{"--EXPORT F", nil, nil, "flag provided but not defined: -EXPORT"},
		{"---export F", nil, nil, "bad flag syntax: ---export"},
		{"--=F", nil, nil, "bad flag syntax: --=F"},
		{"-n x", nil, nil, `invalid value "x" for flag -n: parse error`},
		{"--yes=maybe", nil, nil, `invalid value "maybe" for flag -yes: parse error`},
	}
	for _, tc := range cases {
		c, err := parseCommand(testFlags(), strings.Fields(tc.args))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(c.Flags, tc.flags) || !reflect.DeepEqual(c.Args, tc.pos) {
			t.Errorf("%q: flags %v args %q err %v, want flags %v args %q", tc.args, c.Flags, c.Args, err, tc.flags, tc.pos)
		}
	}
	for _, h := range []string{"-h", "--help", "-help", "--h"} {
		c, err := parseCommand(testFlags(), []string{"--yes", h, "--export", "F"})
		if !errors.Is(err, flag.ErrHelp) || !c.Help || !reflect.DeepEqual(c.Flags, flagList("yes", "true")) {
			t.Errorf("%s: %+v %v", h, c, err)
		}
	}
}

// FuzzParseCommand: the parser never panics; on success every flag is a
// defined one, everything after the first "--" is positional as given,
// and no flag came from there.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"--export F x", "x -- --export F", "-- none --resolve X --export F", "--resolve -- --export F",
		"-n=3 --yes=false -", "---x", "--=", "-export=", "--help", "x\x00--export\x00F", "--yes=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(strings.ReplaceAll(line, "\x00", " "))
		c, err := parseCommand(testFlags(), args)
		if err != nil {
			return
		}
		end := len(args)
		for i, a := range args {
			if a == "--" {
				end = i
				break
			}
		}
		if end < len(args) {
			tail := args[end+1:]
			if len(c.Args) < len(tail) || !slices.Equal(c.Args[len(c.Args)-len(tail):], tail) {
				t.Fatalf("%q: positional %q does not end with %q", args, c.Args, tail)
			}
		}
		dashed := 0
		for _, a := range args[:end] {
			if strings.HasPrefix(a, "-") && a != "-" {
				dashed++
			}
		}
		if len(c.Flags) > dashed {
			t.Fatalf("%q: %d flags from %d dashed arguments before --", args, len(c.Flags), dashed)
		}
		for _, fl := range c.Flags {
			if testFlags().Lookup(fl.Name) == nil {
				t.Fatalf("%q: undefined flag %q parsed", args, fl.Name)
			}
		}
	})
}

// TestProbeStopsAtTheParser: each command the server may ask about parses
// its arguments before any other work: run in probe mode it reads no
// environment, no input, writes nothing, and reports what it parsed.
func TestProbeStopsAtTheParser(t *testing.T) {
	for name, run := range remoteCommands {
		p := &probe{}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		env := Env{Stdin: failReader{t}, Stdout: failWriter{t}, Stderr: io.Discard, probe: p,
			Getenv:     func(k string) string { t.Errorf("%s read $%s in probe mode", name, k); return "" },
			IsTerminal: func() bool { t.Errorf("%s asked for a terminal in probe mode", name); return false }}
		run(ctx, env, []string{"--format", "json", "X"})
		if !p.reached || p.err != nil || !reflect.DeepEqual(p.cmd.Flags, flagList("format", "json")) || !reflect.DeepEqual(p.cmd.Args, []string{"X"}) {
			t.Errorf("%s: probe %+v", name, p)
		}
	}
	c, err := probeCommand([]string{"journal", "-n=3", "--", "--export", "F"})
	if err != nil || c.Name != "journal" || !reflect.DeepEqual(c.Flags, flagList("n", "3")) || !reflect.DeepEqual(c.Args, []string{"--export", "F"}) {
		t.Errorf("probeCommand: %+v %v", c, err)
	}
	if _, err := probeCommand([]string{"sh", "-c", "id"}); err == nil {
		t.Error("unknown command parsed")
	}
	if c, err := probeCommand([]string{"lookup", "-h"}); err != nil || !c.Help {
		t.Errorf("help: %+v %v", c, err)
	}
	if serve.ExitUsage != ExitUsage || serve.ExitForbidden != ExitForbidden || serve.ExitOK != ExitOK {
		t.Error("serve's exit statuses differ from cli's")
	}
}

type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Error("stdin read in probe mode")
	return 0, io.EOF
}

type failWriter struct{ t *testing.T }

func (w failWriter) Write(p []byte) (int, error) {
	w.t.Errorf("wrote %q in probe mode", p)
	return len(p), nil
}

// spellings are every way to give flag (with value v when it takes one).
func spellings(flag, v string) [][]string {
	if v == "" {
		return [][]string{{"--" + flag}, {"-" + flag}, {"--" + flag + "=true"}, {"-" + flag + "=false"}, {"--" + flag, "--" + flag}}
	}
	return [][]string{{"--" + flag, v}, {"-" + flag, v}, {"--" + flag + "=" + v}, {"-" + flag + "=" + v},
		{"--" + flag + "=" + v, "-" + flag, v}}
}

// TestServerFilesRefusedInEverySpellingOverSSH: --config, --demo, --export
// and --import, in every spelling, on every command, before or after the
// identifier, for the supervisor as for the viewer: refused with exit 8
// and one line naming the flag, nothing run, no file touched.
func TestServerFilesRefusedInEverySpellingOverSSH(t *testing.T) {
	dial := sshServeWith(t, isolated(t), common{demo: true}, func(o *serve.Options) { o.Rate = 10000 })
	sue, vic := dial("sue"), dial("vic")
	dir := t.TempDir()
	target := filepath.Join(dir, "written")
	n := 0
	for _, fl := range []struct{ name, value string }{{"config", "/etc/passwd"}, {"demo", ""}, {"export", target}, {"import", "/etc/shadow"}} {
		for _, sp := range spellings(fl.name, fl.value) {
			for _, cmd := range []string{"lookup 9077613", "stock", "topup --provider orange --offer X --yes 33612345678", "journal", "journal --pending"} {
				for _, after := range []bool{false, true} {
					parts := strings.Fields(cmd)
					line := append([]string{parts[0]}, sp...)
					line = append(line, parts[1:]...)
					if after {
						line = append(parts, sp...)
					}
					who := sue
					if n%2 == 1 {
						who = vic
					}
					n++
					code, out, errs := sshRun(t, who, strings.Join(line, " "))
					// A command that has the flag: refused by the policy;
					// one that has not: bad usage, as on the command line.
					wantCode, want := ExitForbidden, "simdesk: --"+fl.name+" is not available over SSH"
					if parts[0] != "journal" && (fl.name == "export" || fl.name == "import") {
						wantCode, want = ExitUsage, "simdesk: flag provided but not defined: -"+fl.name
					}
					if code != wantCode || out != "" || !strings.HasPrefix(errs, want) || strings.Count(errs, "\n") != 1 {
						t.Errorf("%q: exit %d stdout %q stderr %q, want exit %d and %q", strings.Join(line, " "), code, out, errs, wantCode, want)
					}
				}
			}
		}
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: %v, want no file", target, err)
	}
}

// TestDoubleDashOverSSH: after "--" nothing is a flag, on the server as in
// the command: the attack lines of issue 16 are positional arguments the
// command refuses as bad usage, and nothing is looked up or written.
func TestDoubleDashOverSSH(t *testing.T) {
	dial := sshServeWith(t, isolated(t), common{demo: true}, nil)
	vic := dial("vic")
	file := filepath.Join(t.TempDir(), "some-file")
	for _, tc := range []struct {
		line string
		code int
		want string
	}{
		{"lookup -- 9077613 --config /etc/passwd", ExitUsage, "lookup needs exactly one identifier (got 3)"},
		{"journal -- none --resolve X --export " + file, ExitUsage, `journal takes no arguments (got "none")`},
		{"journal -- x --export " + file, ExitUsage, `journal takes no arguments (got "x")`},
		{"journal --resolve -- --export " + file, ExitUsage, "flag needs an argument: -resolve"},
		{"stock -- --demo", ExitUsage, `stock takes no arguments (got "--demo")`},
		// --resolve before "--" is a flag: the viewer's role answers first.
		{"journal --resolve X -- none --export " + file, ExitForbidden, "vic is a viewer and may not resolve pending top-ups"},
	} {
		code, out, errs := sshRun(t, vic, tc.line)
		if code != tc.code || out != "" || errs != "simdesk: "+tc.want+"\n" {
			t.Errorf("%q: exit %d stdout %q stderr %q, want exit %d and %q", tc.line, code, out, errs, tc.code, tc.want)
		}
	}
	// And an identifier that starts with "-" is given after "--".
	if _, _, errs := sshRun(t, vic, "lookup -- -9077613"); strings.Contains(errs, "flag") {
		t.Errorf("dashed identifier read as a flag: %q", errs)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: %v, want no file", file, err)
	}
}

// TestRoleBeforeWorkPG: against a server whose journal is in PostgreSQL
// (where --export and --import would work), the attack of issue 16 writes
// no file, and --import cannot tell which files exist: /etc/shadow and a
// missing file get the very same answer, for every role. The command
// itself refuses too (the second lock), before opening anything.
func TestRoleBeforeWorkPG(t *testing.T) {
	_, env, _ := startSimPG(t, sim.Options{})
	dial := sshServeWith(t, env, common{}, nil)
	clients := map[string]*gossh.Client{"vic": dial("vic"), "sue": dial("sue")}
	file := filepath.Join(t.TempDir(), "some-file")
	for _, c := range []struct {
		who, line string
		code      int
	}{
		{"vic", "journal --resolve X none --export " + file, ExitForbidden},
		{"vic", "journal -- none --resolve X --export " + file, ExitUsage},
		{"sue", "journal --export " + file, ExitForbidden},
		{"sue", "journal --pending --export=" + file, ExitForbidden},
		{"sue", "journal -- none --resolve X --export " + file, ExitUsage},
	} {
		if code, out, errs := sshRun(t, clients[c.who], c.line); code != c.code || out != "" {
			t.Errorf("%s %q: exit %d %q %q, want exit %d", c.who, c.line, code, out, errs, c.code)
		}
		if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s %q wrote %s", c.who, c.line, file)
		}
	}
	for _, who := range []string{"vic", "sue"} {
		cl := dial(who)
		c1, o1, e1 := sshRun(t, cl, "journal --import /etc/shadow")
		c2, o2, e2 := sshRun(t, cl, "journal --import /nonexistent")
		c3, o3, e3 := sshRun(t, cl, "journal --import "+filepath.Join(t.TempDir(), "x"))
		if c1 != ExitForbidden || c1 != c2 || o1 != o2 || e1 != e2 || c3 != c1 || o3 != o1 || e3 != e1 {
			t.Errorf("%s: --import answers differ: %d %q %q / %d %q %q / %d %q %q", who, c1, o1, e1, c2, o2, e2, c3, o3, e3)
		}
	}
	// The command run as a viewer over SSH, without the server's check.
	s, err := open(Env{Getenv: os.Getenv}, common{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, role := range []topup.Role{topup.RoleViewer, topup.RoleSupervisor} {
		eng := s.engine.As(engine.Actor{Operator: "vic", Role: role})
		var out, errb strings.Builder
		code := headless(s)(context.Background(), eng, []string{"journal", "--export", file}, serve.Stdio{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
		if code != ExitForbidden || !strings.Contains(errb.String(), "--export is not available over SSH") {
			t.Errorf("%s: headless journal --export: exit %d %q %q", role, code, out.String(), errb.String())
		}
		if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s: headless journal --export wrote %s", role, file)
		}
	}
}

// TestHelpOverSSHShowsWhatRunsThere: `lookup -h` over SSH lists its flags
// but not --config or --demo, `journal -h` not --export or --import; any
// role may read it, and a refused flag before -h is still refused.
func TestHelpOverSSHShowsWhatRunsThere(t *testing.T) {
	dial := sshServe(t)
	vic := dial("vic")
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{"lookup -h", []string{"usage: ssh HOST lookup [--provider NAME]", "-provider", "-format"}},
		{"journal --help", []string{"usage: ssh HOST journal [--pending]", "-resolve", "-verify"}},
		{"topup -h", []string{"usage: ssh HOST topup --provider NAME --offer OFFER_ID", "--amount AMOUNT", "-bucket"}},
		{"stock -h", []string{"usage: ssh HOST stock", "-provider"}},
	} {
		code, out, errs := sshRun(t, vic, c.cmd)
		if code != ExitOK || errs != "" {
			t.Errorf("%s: exit %d %q", c.cmd, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", c.cmd, w, out)
			}
		}
		for _, never := range []string{"-config", "-demo", "-export", "-import", "simdesk "} {
			if strings.Contains(out, never) {
				t.Errorf("%s advertises %q over SSH:\n%s", c.cmd, never, out)
			}
		}
	}
	if code, out, _ := sshRun(t, vic, "lookup --config /etc/passwd -h"); code != ExitForbidden || out != "" {
		t.Errorf("--config before -h: exit %d %q", code, out)
	}
}

// TestNotPermittedHasItsOwnExitStatus: a role's refusal exits 8, locally
// as over SSH, distinct from bad usage (2).
func TestNotPermittedHasItsOwnExitStatus(t *testing.T) {
	dial := sshServe(t)
	vic := dial("vic")
	code, out, errs := sshRun(t, vic, "topup --provider orange --offer X --yes 33612345678")
	if code != ExitForbidden || out != "" || errs != "simdesk: vic is a viewer and may not top up\n" {
		t.Errorf("viewer top-up: exit %d %q %q", code, out, errs)
	}
	// A bad line stays bad usage, whoever sends it.
	if code, _, _ := sshRun(t, vic, "topup --bogus"); code != ExitUsage {
		t.Errorf("bad flag: exit %d", code)
	}
	env := isolated(t)
	_, general, _ := run(t, env, "", "help")
	if !strings.Contains(general, "8 not permitted") {
		t.Errorf("simdesk help lacks exit 8:\n%s", general)
	}
	if !strings.Contains(fmt.Sprint(ExitForbidden), "8") {
		t.Errorf("ExitForbidden = %d", ExitForbidden)
	}
}

// TestRefusalsEchoNoControlBytes: a refusal quotes what the client sent,
// sanitised: no escape sequence of the client's reaches its terminal.
func TestRefusalsEchoNoControlBytes(t *testing.T) {
	dial := sshServe(t)
	vic := dial("vic")
	for _, line := range []string{"lookup -\x1b[31mx 1", "stock ---\x1b]0;pwned\x07", "sh\x1b[2J", "lookup --config=\x1b[2J 1", "topup --\x9b31m"} {
		code, out, errs := sshRun(t, vic, line)
		if code == ExitOK || out != "" || !strings.HasSuffix(errs, "\n") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%q: exit %d %q %q", line, code, out, errs)
		}
		for _, r := range strings.TrimSuffix(errs, "\n") {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("%q: control %U in %q", line, r, errs)
			}
		}
	}
}

// TestClientEnvironmentReachesNoServerFile: what a client sends with
// SendEnv is no way around the policy: $SIMDESK_CONFIG and $SIMDESK_LOG
// from the client neither change the server's configuration nor make it
// write a file.
func TestClientEnvironmentReachesNoServerFile(t *testing.T) {
	dial := sshServe(t)
	vic := dial("vic")
	logPath := filepath.Join(t.TempDir(), "debug.log")
	sess, err := vic.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for k, v := range map[string]string{"SIMDESK_LOG": logPath, "SIMDESK_CONFIG": "/etc/passwd", "XDG_CONFIG_HOME": "/etc"} {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	out, err := sess.Output("lookup --format json 9077613")
	if err != nil || !strings.Contains(string(out), `"9077613"`) {
		t.Fatalf("lookup with a hostile environment: %v\n%s", err, out)
	}
	if _, err := os.Stat(logPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("$SIMDESK_LOG from the client wrote %s: %v", logPath, err)
	}
}

// BenchmarkProbeCommand is what the server's parse of a command line
// costs, before the command itself parses it again.
func BenchmarkProbeCommand(b *testing.B) {
	args := []string{"topup", "--provider", "orange", "--offer", "OF1", "--yes", "--format", "json", "--ref", "INC-1", "33612345678"}
	for b.Loop() {
		if _, err := probeCommand(args); err != nil {
			b.Fatal(err)
		}
	}
}
