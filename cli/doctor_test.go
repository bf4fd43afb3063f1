package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	gossh "golang.org/x/crypto/ssh"

	"simdesk/journal"
	"simdesk/journal/pgtest"
	"simdesk/providers/sim"
)

// planted is the simulator behind a handler that plants the problems
// doctor must find: a token endpoint down, a skewed Date header.
type planted struct {
	sim       *sim.Server
	srv       *httptest.Server
	tokenDown atomic.Bool
	skew      atomic.Int64 // nanoseconds added to the Date header
}

func (p *planted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.tokenDown.Load() && r.URL.Path == sim.OrangeTokenPath {
		http.Error(w, "token service down", http.StatusServiceUnavailable)
		return
	}
	if d := p.skew.Load(); d != 0 {
		w.Header().Set("Date", time.Now().Add(time.Duration(d)).UTC().Format(http.TimeFormat))
	}
	p.sim.ServeHTTP(w, r)
}

// doctorSetup is a team's set-up against the simulator, every check
// passing: secret files 0600, a journal, a host key, an operators file and
// a free metrics port.
type doctorSetup struct {
	p                                  *planted
	dir, cfg, secret, journal, hostKey string
	env                                map[string]string
}

func newDoctorSetup(t *testing.T, journalLine string) *doctorSetup {
	t.Helper()
	p := &planted{sim: sim.New(sim.Options{})}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	d := &doctorSetup{p: p, dir: t.TempDir(), env: isolated(t)}
	d.secret = filepath.Join(d.dir, "orange.secret")
	d.journal = filepath.Join(d.dir, "journal.jsonl")
	d.hostKey = filepath.Join(d.dir, "host_key")
	write(t, d.secret, sim.ClientSecret+"\n", 0o600)
	write(t, filepath.Join(d.dir, "dxp.secret"), sim.ClientSecret+"\n", 0o600)
	j, err := journal.Open(d.journal)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, _ := gossh.MarshalPrivateKey(priv, "")
	write(t, d.hostKey, string(pem.EncodeToMemory(block)), 0o600)
	spub, _ := gossh.NewPublicKey(pub)
	ops := filepath.Join(d.dir, "operators")
	write(t, ops, `operator="alice",role="agent" `+string(gossh.MarshalAuthorizedKey(spub)), 0o644)
	if journalLine == "" {
		journalLine = fmt.Sprintf("journal = %q", d.journal)
	}
	d.cfg = filepath.Join(d.dir, "config.toml")
	write(t, d.cfg, fmt.Sprintf(`%s
[[provider]]
name = "orange"
kind = "orange-travel"
base_url = "%[2]s/orange/travel-b2b/v1"
token_url = "%[2]s/orange/oauth/v3/token"
client_id = "demo"
client_secret_file = "orange.secret"

[[provider]]
name = "dxp-pr"
kind = "tmf677-dxp"
base_url = "%[2]s/lla/dxp-ux/v1"
business_id = "PR"
client_id = "demo"
client_secret_file = "dxp.secret"

[serve]
host_key = "host_key"
operators = "operators"
metrics_listen = "127.0.0.1:%[3]d"
`, journalLine, p.srv.URL, freePort(t)), 0o600)
	return d
}

func write(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (d *doctorSetup) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, errs := run(t, d.env, "", append([]string{"doctor", "--config", d.cfg}, args...)...)
	if errs != "" {
		t.Errorf("stderr: %s", errs)
	}
	if strings.Contains(out, sim.ClientSecret) {
		t.Fatalf("doctor showed the secret:\n%s", out)
	}
	return code, out
}

// lineOf returns the report's line that starts with prefix.
func lineOf(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line %q in:\n%s", prefix, out)
	return ""
}

func TestDoctorAllGood(t *testing.T) {
	d := newDoctorSetup(t, "")
	code, out := d.run(t)
	if code != ExitOK || strings.Contains(out, "✗") || strings.Contains(out, "\n!") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"✓ config: " + d.cfg + " validates: 2 provider(s)",
		"✓ secret orange: " + d.secret + " exists, owner only (mode 0600)",
		"✓ token orange: " + d.p.srv.URL + "/orange/oauth/v3/token issued a token (valid 1h0m0s)",
		"✓ base_url orange: " + d.p.srv.URL + "/orange/travel-b2b/v1 answered HTTP 401",
		"✓ clock orange: skew 0s",
		"✓ token dxp-pr: no token endpoint",
		"✓ journal: " + d.journal + " is writable",
		"✓ journal_verify: 0 entries, hash chain intact",
		"✓ host_key: " + d.hostKey + " (mode 0600), fingerprint SHA256:",
		"✓ operators: " + filepath.Join(d.dir, "operators") + " (mode 0644): 1 key(s)",
		"✓ metrics: 127.0.0.1:",
	} {
		lineOf(t, out, want)
	}
	// --provider narrows the provider checks; JSON carries the figures.
	code, out = d.run(t, "--provider", "ORANGE", "--format", "json")
	var doc struct {
		OK     bool       `json:"ok"`
		Checks []docCheck `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitOK || !doc.OK {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	seen := map[string]bool{}
	for _, c := range doc.Checks {
		seen[c.Check+" "+c.Provider] = true
		if c.Check == "clock" && (c.SkewSeconds == nil || *c.SkewSeconds != 0) {
			t.Errorf("clock check: %+v", c)
		}
		if c.Check == "base_url" && c.LatencyMS == nil {
			t.Errorf("base_url without latency: %+v", c)
		}
	}
	if !seen["token orange"] || seen["token dxp-pr"] {
		t.Errorf("--provider orange checked %v", seen)
	}
}

func TestDoctorPlantedProblems(t *testing.T) {
	for _, c := range []struct {
		name  string
		plant func(t *testing.T, d *doctorSetup)
		want  string
	}{
		{"0644 secret", func(t *testing.T, d *doctorSetup) { os.Chmod(d.secret, 0o644) },
			"✗ secret orange: {dir}/orange.secret is readable by group or others (mode 0644) — chmod 600 {dir}/orange.secret"},
		{"token endpoint down", func(t *testing.T, d *doctorSetup) { d.p.tokenDown.Store(true) },
			"✗ token orange: no token from {url}/orange/oauth/v3/token: answered HTTP 503"},
		{"skewed Date", func(t *testing.T, d *doctorSetup) { d.p.skew.Store(int64(5 * time.Minute)) },
			"✗ clock orange: skew 5m0s against the provider's Date — sync this host's clock"},
		{"read-only journal", func(t *testing.T, d *doctorSetup) { os.Chmod(d.journal, 0o444) },
			"✗ journal: not writable: {dir}/journal.jsonl is read-only (mode 0444) — chmod 600"},
		{"host key others can read", func(t *testing.T, d *doctorSetup) { os.Chmod(d.hostKey, 0o640) },
			"✗ host_key: {dir}/host_key is readable by group or others (mode 0640)"},
		{"base URL unreachable", func(t *testing.T, d *doctorSetup) {
			data, _ := os.ReadFile(d.cfg)
			dead := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
			write(t, d.cfg, strings.Replace(string(data), d.p.srv.URL+"/lla/dxp-ux/v1", dead+"/lla/dxp-ux/v1", 1), 0o600)
		}, "✗ base_url dxp-pr: http://127.0.0.1:"},
		{"secret variable unset", func(t *testing.T, d *doctorSetup) {
			t.Setenv("SIMDESK_DOCTOR_UNSET", "")
			data, _ := os.ReadFile(d.cfg)
			write(t, d.cfg, strings.Replace(string(data), `client_secret_file = "dxp.secret"`, `client_secret_env = "SIMDESK_DOCTOR_UNSET"`, 1), 0o600)
		}, "✗ secret dxp-pr: $SIMDESK_DOCTOR_UNSET is unset or empty — export it"},
		{"host key a FIFO", func(t *testing.T, d *doctorSetup) {
			os.Remove(d.hostKey)
			if err := mkfifo(d.hostKey); err != nil {
				t.Skip(err)
			}
		}, "✗ host_key: {dir}/host_key is not a regular file"},
		{"journal a FIFO", func(t *testing.T, d *doctorSetup) { // before: doctor waited for a writer forever, SIGTERM too
			os.Remove(d.journal)
			if err := mkfifo(d.journal); err != nil {
				t.Skip(err)
			}
		}, "✗ journal: not writable: {dir}/journal.jsonl is not a regular file"},
		{"operators writable by others", func(t *testing.T, d *doctorSetup) { os.Chmod(filepath.Join(d.dir, "operators"), 0o666) },
			"✗ operators: {dir}/operators is writable by group or others (mode 0666)"},
		{"metrics port taken", func(t *testing.T, d *doctorSetup) {
			data, _ := os.ReadFile(d.cfg)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			s := string(data)
			i := strings.Index(s, "metrics_listen")
			write(t, d.cfg, s[:i]+fmt.Sprintf("metrics_listen = %q\n", ln.Addr().String()), 0o600)
		}, "✗ metrics: cannot listen on 127.0.0.1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDoctorSetup(t, "")
			c.plant(t, d)
			code, out := d.run(t)
			if code != ExitDoctor {
				t.Errorf("exit %d, want %d", code, ExitDoctor)
			}
			lineOf(t, out, strings.NewReplacer("{dir}", d.dir, "{url}", d.p.srv.URL).Replace(c.want))
			if n := strings.Count(out, "✗"); n > 2 { // a 0644 secret fails the config too
				t.Errorf("%d failures for one problem:\n%s", n, out)
			}
		})
	}
}

// TestDoctorBadFlags: bad usage is exit 2 with one line, nothing checked.
func TestDoctorBadFlags(t *testing.T) {
	d := newDoctorSetup(t, "")
	for _, args := range [][]string{{"--provider", "nope"}, {"--format", "yaml"}, {"extra"}, {"--demo"}} {
		code, out, errs := run(t, d.env, "", append([]string{"doctor", "--config", d.cfg}, args...)...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, out %q, err %q", args, code, out, errs)
		}
	}
}

// pgRole creates a login role and returns its DSN on the test database.
func pgRole(t *testing.T, admin, role, grants string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{"DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN", grants} {
		if q == "" {
			continue
		}
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err == nil {
			c.Exec(ctx, "DROP OWNED BY "+role)
			c.Exec(ctx, "DROP ROLE IF EXISTS "+role)
			c.Close(ctx)
		}
	})
	cfg, _ := pgx.ParseConfig(admin)
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", role, cfg.Host, cfg.Port, cfg.Database)
}

// TestDoctorPGRoles: with the journal in PostgreSQL, doctor reads the
// runtime role's privileges from the catalogs: a role that may only
// append passes, the table's owner and a superuser are warned.
func TestDoctorPGRoles(t *testing.T) {
	admin := pgtest.NewDB(t)
	// The tables are made by their owner, as a migration would.
	owner := pgRole(t, admin, "sd_owner", "")
	conn, err := pgx.Connect(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), "GRANT CREATE ON SCHEMA public TO sd_owner"); err != nil {
		t.Fatal(err)
	}
	conn.Close(context.Background())
	pj, err := journal.OpenPG(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	pj.Close()
	runtime := pgRole(t, admin, "sd_runtime", "")
	// A runtime role needs no CREATE on the schema: the owner migrated it.
	conn, _ = pgx.Connect(context.Background(), owner)
	for _, q := range []string{"GRANT SELECT, INSERT ON simdesk_journal TO sd_runtime", "GRANT SELECT, INSERT, DELETE ON simdesk_pending TO sd_runtime",
		"GRANT SELECT ON simdesk_schema TO sd_runtime"} {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(context.Background())
	for _, c := range []struct {
		name, dsn, want string
		code            int
	}{
		{"runtime role", runtime, "✓ journal_role: role sd_runtime may append to the journal and may not alter it", ExitOK},
		{"owner role", owner, "! journal_role: role sd_owner owns the journal table: it could ALTER it and drop its append-only triggers", ExitOK},
		{"superuser", admin, "! journal_role: role postgres is a superuser", ExitOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDoctorSetup(t, fmt.Sprintf("journal = %q", c.dsn))
			code, out := d.run(t)
			if code != c.code {
				t.Errorf("exit %d, want %d:\n%s", code, c.code, out)
			}
			lineOf(t, out, c.want)
			lineOf(t, out, "✓ journal_verify: 0 entries, hash chain intact")
		})
	}
	// A role granted nothing cannot append: a failure.
	none := pgRole(t, admin, "sd_none", "")
	d := newDoctorSetup(t, fmt.Sprintf("journal = %q", none))
	code, out := d.run(t)
	if code != ExitDoctor {
		t.Errorf("exit %d:\n%s", code, out)
	}
	lineOf(t, out, "✗ journal_role: role sd_none may not INSERT into simdesk_journal")
}

// TestDoctorAndServeHelp: -h prints each command's usage, and simdesk help
// lists their flags.
func TestDoctorAndServeHelp(t *testing.T) {
	env := isolated(t)
	_, general, _ := run(t, env, "", "help")
	for cmd, flags := range map[string][]string{"doctor": {"--provider", "--format"}, "serve": {"--metrics-listen", "--operators"}} {
		code, out, errs := run(t, env, "", cmd, "-h")
		if code != ExitOK || errs != "" || !strings.HasPrefix(out, "usage: simdesk "+cmd+" ") {
			t.Errorf("%s -h: exit %d, %q %q", cmd, code, out, errs)
		}
		for _, f := range flags {
			if !strings.Contains(general, f+" ") {
				t.Errorf("simdesk help lacks %s's %s", cmd, f)
			}
		}
	}
}
