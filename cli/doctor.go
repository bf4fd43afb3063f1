package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"simdesk/config"
	"simdesk/journal"
	"simdesk/metrics"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
	"simdesk/serve"
)

// Statuses of a doctor check.
const (
	checkOK   = "ok"   // ✓
	checkWarn = "warn" // ! works, but see the fix
	checkFail = "fail" // ✗ will not work: exit 1
)

// ExitDoctor is doctor's status when a check failed (✗).
const ExitDoctor = 1

// Clock skew against a provider's Date header: beyond skewWarn a check
// warns (Date has a one-second resolution), beyond skewFail tokens and the
// journal's times are off enough to fail.
const (
	skewWarn = 2 * time.Second
	skewFail = 30 * time.Second
)

// docCheck is one line of doctor's report.
type docCheck struct {
	Status      string   `json:"status"`
	Check       string   `json:"check"`
	Provider    string   `json:"provider,omitempty"`
	Message     string   `json:"message"`
	Fix         string   `json:"fix,omitempty"`
	LatencyMS   *float64 `json:"latency_ms,omitempty"`
	SkewSeconds *float64 `json:"skew_seconds,omitempty"`
}

// doctor runs the checks of one configuration. It sends no top-up and
// writes nothing anywhere: a token request and a GET of each base URL are
// all that leave the process.
type doctor struct {
	ctx    context.Context
	red    *httpx.Redactor
	now    func() time.Time
	checks []docCheck
}

func (d *doctor) add(c docCheck) {
	c.Message = oneLine(d.red.Redact(c.Message))
	c.Fix = oneLine(d.red.Redact(c.Fix))
	d.checks = append(d.checks, c)
}

func ms(d time.Duration) *float64 {
	v := float64(d.Microseconds()) / 1000
	return &v
}

// runDoctor is simdesk doctor: every set-up check, one line each, with
// what to do. Exit 0 when nothing failed.
func runDoctor(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	only := fs.String("provider", "", "check only this provider")
	pos, err := start(fs, &c, args)
	if err == nil {
		err = noArgs("doctor", pos)
	}
	if err != nil {
		return fail(env, err)
	}
	d := &doctor{ctx: ctx, red: httpx.NewRedactor(), now: time.Now}
	cfg, closeSim := d.config(env, c)
	defer closeSim()
	if cfg != nil {
		for _, s := range cfg.Secrets() {
			d.red.Add(s)
		}
		if *only != "" {
			p, ok := cfg.Provider(*only)
			if !ok {
				return fail(env, usageErr("unknown provider %q (providers: %s)", clip(*only), strings.Join(providerNames(cfg), ", ")))
			}
			cfg.Providers = []config.Provider{p}
		}
		for _, p := range cfg.Providers {
			d.provider(p)
		}
		d.journal(cfg)
		d.serve(cfg)
	}
	return d.report(env, c.format)
}

func providerNames(cfg *config.Config) []string {
	var out []string
	for _, p := range cfg.Providers {
		out = append(out, p.Name)
	}
	return out
}

// report prints the checks and returns the exit status.
func (d *doctor) report(env Env, format string) int {
	code := ExitOK
	for _, c := range d.checks {
		if c.Status == checkFail {
			code = ExitDoctor
		}
	}
	if format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			OK     bool       `json:"ok"`
			Checks []docCheck `json:"checks"`
		}{code == ExitOK, d.checks})
		return code
	}
	for _, c := range d.checks {
		fmt.Fprintln(env.Stdout, checkLine(c))
	}
	return code
}

// checkLine is one check as text: mark, check (provider), message, fix.
func checkLine(c docCheck) string {
	mark := map[string]string{checkOK: "✓", checkWarn: "!", checkFail: "✗"}[c.Status]
	what := c.Check
	if c.Provider != "" {
		what += " " + c.Provider
	}
	line := mark + " " + what + ": " + c.Message
	if c.Fix != "" {
		line += " — " + c.Fix
	}
	return line
}

// config loads the configuration (or the demo's) and checks it and its
// secret files. A config that does not validate is reported problem by
// problem, with its secret files still checked, and nil is returned.
func (d *doctor) config(env Env, c common) (*config.Config, func()) {
	nothing := func() {}
	if !c.demo {
		path, found, err := config.Discover(c.config)
		switch {
		case err != nil:
			d.add(docCheck{Status: checkFail, Check: "config", Message: err.Error(), Fix: "give an existing file with --config"})
			return nil, nothing
		case found:
			cfg, err := config.Load(path)
			if err != nil {
				d.configProblems(path, err)
			} else {
				d.add(docCheck{Status: checkOK, Check: "config", Message: fmt.Sprintf("%s validates: %d provider(s), environment %s", path, len(cfg.Providers), cfg.Environment)})
			}
			d.secretFiles(path)
			return cfg, nothing
		default:
			d.add(docCheck{Status: checkWarn, Check: "config", Message: "no config file at " + path + ": simdesk runs the demo simulator",
				Fix: "write one (simdesk sim prints an example) or pass --config FILE"})
		}
	}
	srv := sim.New(sim.Options{})
	if err := srv.Start(""); err != nil {
		d.add(docCheck{Status: checkFail, Check: "config", Message: "cannot start the built-in simulator: " + err.Error()})
		return nil, nothing
	}
	cfg := demoConfig(env, srv.URL())
	d.add(docCheck{Status: checkOK, Check: "config", Message: fmt.Sprintf("demo: the built-in simulator at %s, %d provider(s)", srv.URL(), len(cfg.Providers))})
	return cfg, func() { srv.Close() }
}

func (d *doctor) configProblems(path string, err error) {
	var ce *config.Error
	if !errors.As(err, &ce) {
		d.add(docCheck{Status: checkFail, Check: "config", Message: err.Error()})
		return
	}
	for _, p := range ce.Problems {
		d.add(docCheck{Status: checkFail, Check: "config", Message: p.String(), Fix: "fix this line of " + path})
	}
}

// secretFiles checks every client_secret_file and literal client_secret of
// the raw file, so that a secret file others can read is named even when
// the config does not validate (config.Load refuses it too).
func (d *doctor) secretFiles(path string) {
	data, err := readSmallFile(path, 1<<20)
	if err != nil {
		return // Load reports it
	}
	var raw struct {
		Provider []map[string]any `toml:"provider"`
	}
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return
	}
	for _, p := range raw.Provider {
		name, _ := p["name"].(string)
		name = clip(name)
		if f, ok := p["client_secret_file"].(string); ok && strings.TrimSpace(f) != "" {
			d.secretFile(name, resolveNear(path, f))
		}
		if _, ok := p["client_secret"]; ok {
			d.add(docCheck{Status: checkWarn, Check: "secret", Provider: name, Message: "the client secret is written in the config file",
				Fix: "move it to a file (client_secret_file, chmod 600) or an environment variable (client_secret_env)"})
		}
		if v, ok := p["client_secret_env"].(string); ok {
			if strings.TrimSpace(os.Getenv(v)) == "" {
				d.add(docCheck{Status: checkFail, Check: "secret", Provider: name, Message: "$" + clip(v) + " is unset or empty",
					Fix: "export it in the environment simdesk runs in (systemd: EnvironmentFile= with mode 0600)"})
				continue
			}
			d.add(docCheck{Status: checkOK, Check: "secret", Provider: name, Message: "read from $" + clip(v)})
		}
	}
}

func (d *doctor) secretFile(provider, path string) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add(docCheck{Status: checkFail, Check: "secret", Provider: provider, Message: path + " does not exist", Fix: "create it with the client secret, chmod 600"})
	case err != nil:
		d.add(docCheck{Status: checkFail, Check: "secret", Provider: provider, Message: path + ": " + err.Error()})
	case !fi.Mode().IsRegular():
		d.add(docCheck{Status: checkFail, Check: "secret", Provider: provider, Message: path + " is not a regular file"})
	case fi.Mode().Perm()&0o077 != 0:
		d.add(docCheck{Status: checkFail, Check: "secret", Provider: provider, Message: fmt.Sprintf("%s is readable by group or others (mode %04o)", path, fi.Mode().Perm()),
			Fix: "chmod 600 " + path})
	default:
		d.add(docCheck{Status: checkOK, Check: "secret", Provider: provider, Message: fmt.Sprintf("%s exists, owner only (mode %04o)", path, fi.Mode().Perm())})
	}
}

// resolveNear resolves a path of the config file as config does: "~/" is
// the home directory, a relative path is relative to the file's directory.
func resolveNear(cfgPath, p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h := os.Getenv("HOME"); h != "" {
			p = filepath.Join(h, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(cfgPath), p)
	}
	return filepath.Clean(p)
}

func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// doctorHTTP is the client of the provider checks: the provider's timeout,
// no redirects (credentials never follow one).
func doctorHTTP(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = config.DefaultTimeout
	}
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// provider checks the token endpoint (when the kind has one) and the base
// URL, with the latency and the clock skew of its answer.
func (d *doctor) provider(p config.Provider) {
	hc := doctorHTTP(p.Timeout)
	if p.TokenURL != "" {
		d.token(p, hc)
	} else {
		d.add(docCheck{Status: checkOK, Check: "token", Provider: p.Name, Message: "no token endpoint: " + p.Kind + " sends its credentials with each call"})
	}
	d.baseURL(p, hc)
}

func (d *doctor) token(p config.Provider, hc *http.Client) {
	cc := clientcredentials.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret.Reveal(), TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}
	d.red.AddBasic(p.ClientID, p.ClientSecret.Reveal())
	start := d.now()
	tok, err := cc.Token(context.WithValue(d.ctx, oauth2.HTTPClient, hc))
	took := d.now().Sub(start)
	if err != nil {
		msg := err.Error()
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			msg = fmt.Sprintf("answered HTTP %d", re.Response.StatusCode)
		}
		d.add(docCheck{Status: checkFail, Check: "token", Provider: p.Name, Message: "no token from " + p.TokenURL + ": " + msg, LatencyMS: ms(took),
			Fix: "check token_url, client_id and the secret; is the endpoint up?"})
		return
	}
	life := "no expiry given"
	if !tok.Expiry.IsZero() {
		life = "valid " + tok.Expiry.Sub(d.now()).Round(time.Minute).String()
	}
	d.add(docCheck{Status: checkOK, Check: "token", Provider: p.Name, Message: fmt.Sprintf("%s issued a token (%s) in %s", p.TokenURL, life, roundMS(took)), LatencyMS: ms(took)})
}

func (d *doctor) baseURL(p config.Provider, hc *http.Client) {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodGet, p.BaseURL, nil)
	if err != nil {
		d.add(docCheck{Status: checkFail, Check: "base_url", Provider: p.Name, Message: "cannot build a request: " + err.Error()})
		return
	}
	start := d.now()
	resp, err := hc.Do(req)
	took := d.now().Sub(start)
	if err != nil {
		d.add(docCheck{Status: checkFail, Check: "base_url", Provider: p.Name, Message: p.BaseURL + " does not answer: " + rootCause(err), LatencyMS: ms(took),
			Fix: "check base_url, DNS and the firewall from this host"})
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	st := checkOK
	fix := ""
	if resp.StatusCode >= 500 {
		st, fix = checkWarn, "the API is up but unwell: try again, or ask the provider"
	}
	d.add(docCheck{Status: st, Check: "base_url", Provider: p.Name, Message: fmt.Sprintf("%s answered HTTP %d in %s", p.BaseURL, resp.StatusCode, roundMS(took)), LatencyMS: ms(took), Fix: fix})
	d.skew(p.Name, resp.Header.Get("Date"), start.Add(took/2))
}

// rootCause is the innermost error's text: *url.Error repeats the URL.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// skew compares the provider's Date header with this host's clock at the
// middle of the exchange.
func (d *doctor) skew(provider, date string, at time.Time) {
	if date == "" {
		d.add(docCheck{Status: checkWarn, Check: "clock", Provider: provider, Message: "the answer has no Date header: the clock skew is unknown"})
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		d.add(docCheck{Status: checkWarn, Check: "clock", Provider: provider, Message: "unreadable Date header: the clock skew is unknown"})
		return
	}
	// Date is truncated to the second: its own middle is half a second on.
	skew := t.Add(500 * time.Millisecond).Sub(at).Round(time.Second)
	secs := skew.Seconds()
	c := docCheck{Status: checkOK, Check: "clock", Provider: provider, SkewSeconds: &secs, Message: fmt.Sprintf("skew %s against the provider's Date", skew)}
	abs := max(skew, -skew)
	switch {
	case abs > skewFail:
		c.Status, c.Fix = checkFail, "sync this host's clock (chronyc tracking, timedatectl): tokens and the journal's times depend on it"
	case abs > skewWarn:
		c.Status, c.Fix = checkWarn, "sync this host's clock (chronyc tracking, timedatectl)"
	}
	d.add(c)
}

// journal checks that the journal opens, is writable now and verifies;
// with PostgreSQL, what the runtime role may do to it.
func (d *doctor) journal(cfg *config.Config) {
	ctx, cancel := context.WithTimeout(d.ctx, pgOpenTimeout)
	defer cancel()
	if dsn := cfg.JournalDSN.Reveal(); dsn != "" {
		d.pgJournal(ctx, cfg, dsn)
		return
	}
	path := cfg.Journal
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := metrics.FileProbe(path)(ctx); err != nil {
			d.add(docCheck{Status: checkFail, Check: "journal", Message: "no journal yet, and it cannot be created: " + err.Error(), Fix: "create the directory, writable by simdesk's user"})
			return
		}
		d.add(docCheck{Status: checkOK, Check: "journal", Message: path + " does not exist yet: simdesk creates it (0600) when it starts"})
		return
	}
	if err := metrics.FileProbe(path)(ctx); err != nil {
		d.add(docCheck{Status: checkFail, Check: "journal", Message: "not writable: " + err.Error(), Fix: "chmod 600 " + path + " as simdesk's user (top-ups are refused until then)"})
	} else {
		d.add(docCheck{Status: checkOK, Check: "journal", Message: path + " is writable"})
	}
	j, err := journal.OpenReadOnly(path)
	if err != nil {
		d.add(docCheck{Status: checkFail, Check: "journal_verify", Message: err.Error()})
		return
	}
	defer j.Close()
	d.verify(ctx, j)
}

func (d *doctor) verify(ctx context.Context, j journal.Store) {
	rep, err := j.Verify(ctx)
	switch {
	case err != nil:
		d.add(docCheck{Status: checkFail, Check: "journal_verify", Message: err.Error()})
	case !rep.OK:
		d.add(docCheck{Status: checkFail, Check: "journal_verify", Message: fmt.Sprintf("%d problem(s) in %d entries", len(rep.Problems), rep.Entries),
			Fix: "simdesk journal --verify lists them"})
	default:
		d.add(docCheck{Status: checkOK, Check: "journal_verify", Message: fmt.Sprintf("%d entries, hash chain intact", rep.Entries)})
	}
}

func (d *doctor) pgJournal(ctx context.Context, cfg *config.Config, dsn string) {
	d.pgRole(ctx, dsn)
	j, err := openJournal(cfg, d.red)
	if err != nil {
		fix := "check the DSN, the database and the role's password"
		if strings.Contains(err.Error(), "journal --migrate") || strings.Contains(err.Error(), "permission denied") {
			fix = "create or migrate the schema as its owner (simdesk journal --migrate with journal_admin_dsn_env), which grants the runtime role what it needs (contrib/postgres/grants.sql)"
		}
		d.add(docCheck{Status: checkFail, Check: "journal", Message: err.Error(), Fix: fix})
		return
	}
	defer j.Close()
	d.add(docCheck{Status: checkOK, Check: "journal", Message: "opened " + j.Where()})
	d.verify(ctx, j)
}

// pgRole reads the catalogs: may the runtime role append, and could it
// alter the journal (an owner or a superuser can drop the append-only
// triggers and rewrite history)?
func (d *doctor) pgRole(ctx context.Context, dsn string) {
	r, err := metrics.InspectPG(ctx, dsn)
	if err != nil {
		d.add(docCheck{Status: checkFail, Check: "journal_role", Message: "cannot read the role's privileges: " + err.Error()})
		return
	}
	grant := "grant it SELECT, INSERT ON simdesk_journal and SELECT, INSERT, DELETE ON simdesk_pending"
	switch {
	case r.Writable() != nil:
		d.add(docCheck{Status: checkFail, Check: "journal_role", Message: r.Writable().Error(), Fix: grant})
	case r.Superuser:
		d.add(docCheck{Status: checkWarn, Check: "journal_role", Message: "role " + r.Role + " is a superuser: it could disable the append-only triggers and rewrite the journal",
			Fix: "run simdesk as a role of its own; " + grant})
	case r.OwnsJournal:
		d.add(docCheck{Status: checkWarn, Check: "journal_role", Message: "role " + r.Role + " owns the journal table: it could ALTER it and drop its append-only triggers",
			Fix: "keep the owner for migrations and run simdesk as another role; " + grant})
	default:
		d.add(docCheck{Status: checkOK, Check: "journal_role", Message: "role " + r.Role + " may append to the journal and may not alter it"})
	}
}

// serve checks the SSH server's host key and operators file, and that the
// metrics address is free, when [serve] is set up.
func (d *doctor) serve(cfg *config.Config) {
	sc := cfg.Serve
	if sc.Operators == "" {
		d.add(docCheck{Status: checkOK, Check: "serve", Message: "not set up ([serve] operators unset): host key and operators not checked"})
	} else {
		d.hostKey(sc.HostKey)
		d.operators(sc.Operators)
	}
	if sc.MetricsListen == "" {
		d.add(docCheck{Status: checkOK, Check: "metrics", Message: "off ([serve] metrics_listen unset)"})
		return
	}
	d.metricsPort(sc.MetricsListen)
}

func (d *doctor) hostKey(path string) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add(docCheck{Status: checkWarn, Check: "host_key", Message: path + " does not exist: simdesk serve creates it at its first start",
			Fix: "start simdesk serve once and give operators its fingerprint"})
		return
	case err != nil:
		d.add(docCheck{Status: checkFail, Check: "host_key", Message: err.Error()})
		return
	case !fi.Mode().IsRegular(): // a FIFO would block the read
		d.add(docCheck{Status: checkFail, Check: "host_key", Message: path + " is not a regular file"})
		return
	case fi.Mode().Perm()&0o077 != 0:
		d.add(docCheck{Status: checkFail, Check: "host_key", Message: fmt.Sprintf("%s is readable by group or others (mode %04o): simdesk serve refuses it", path, fi.Mode().Perm()),
			Fix: "chmod 600 " + path})
		return
	}
	data, err := readSmallFile(path, 64<<10)
	if err == nil {
		var signer gossh.Signer
		if signer, err = gossh.ParsePrivateKey(data); err == nil {
			d.add(docCheck{Status: checkOK, Check: "host_key", Message: fmt.Sprintf("%s (mode %04o), fingerprint %s", path, fi.Mode().Perm(), serve.Fingerprint(signer))})
			return
		}
	}
	d.add(docCheck{Status: checkFail, Check: "host_key", Message: path + " is not a private key: " + err.Error(), Fix: "move it away: simdesk serve makes a new one"})
}

func (d *doctor) operators(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		d.add(docCheck{Status: checkFail, Check: "operators", Message: path + ": " + rootCause(err), Fix: "create it: one public key a line with operator= and role="})
		return
	}
	if !fi.Mode().IsRegular() {
		d.add(docCheck{Status: checkFail, Check: "operators", Message: path + " is not a regular file"})
		return
	}
	if fi.Mode().Perm()&0o022 != 0 {
		d.add(docCheck{Status: checkFail, Check: "operators", Message: fmt.Sprintf("%s is writable by group or others (mode %04o): they could add their own key", path, fi.Mode().Perm()),
			Fix: "chmod 644 " + path})
		return
	}
	ops, err := serve.LoadOperators(path)
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		d.add(docCheck{Status: checkFail, Check: "operators", Message: first, Fix: "fix the line: simdesk serve refuses the whole file"})
		return
	}
	d.add(docCheck{Status: checkOK, Check: "operators", Message: fmt.Sprintf("%s (mode %04o): %d key(s)", path, fi.Mode().Perm(), ops.Len())})
}

// metricsPort checks that the metrics address can be listened on; taken by
// a simdesk that answers /healthz, it is the running server's.
func (d *doctor) metricsPort(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		d.add(docCheck{Status: checkOK, Check: "metrics", Message: addr + " is free"})
		return
	}
	hc := doctorHTTP(2 * time.Second)
	if resp, herr := hc.Get("http://" + addr + "/healthz"); herr == nil {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
		resp.Body.Close()
		if resp.StatusCode == 200 && string(body) == "ok\n" {
			d.add(docCheck{Status: checkOK, Check: "metrics", Message: addr + " is served by a running simdesk (/healthz ok)"})
			return
		}
	}
	d.add(docCheck{Status: checkFail, Check: "metrics", Message: "cannot listen on " + addr + ": " + rootCause(err), Fix: "free the port or change [serve] metrics_listen"})
}

// roundMS rounds a latency for a message: 0.1 ms steps below 10 ms.
func roundMS(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
