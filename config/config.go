// Package config reads, defaults and validates the simdesk TOML config file
// before anything starts: every problem in the file is reported at once, with
// file, line and key, so an operator fixes a config in one pass and the
// console never opens half-configured. It also resolves client secrets from
// the environment or files, and keeps them out of every message.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"simdesk/dsn"
	"simdesk/providers"
)

// Provider kinds are not named here: they are registered in the providers
// registry (providers/registry.go, filled by providers/all), and every kind
// check below reads it.

// Environments, shown in the status bar so that an operator always knows
// whether a top-up spends real money.
const (
	EnvDemo       = "demo"
	EnvSandbox    = "sandbox"
	EnvProduction = "production"
)

// Defaults applied when a key is absent.
const (
	DefaultTimeout         = 10 * time.Second
	DefaultStockRefresh    = 30 * time.Second
	DefaultStockLow        = 10
	DefaultMaxScan         = 2000
	DefaultDuplicateWindow = 10 * time.Minute
	// DefaultSettleTime: an attempt absent from a provider's transaction
	// list is concluded "not found" only this long after its intent.
	DefaultSettleTime = 15 * time.Minute
)

// Provider is one configured upstream API: one pane in the console and one
// --provider value. Fields that do not apply to its kind are zero (or their
// harmless default).
type Provider struct {
	Name    string // unique (case-insensitively); pane title and --provider value
	Kind    string // a kind registered in the providers registry
	BaseURL string // without a trailing slash: paths are appended to it
	// TokenURL is the OAuth 2.0 client-credentials endpoint (orange-travel).
	TokenURL string
	// BusinessID is the market in the TMF677 path (PR, JM, …).
	BusinessID string
	// ChannelID and TargetSystem are sent as headers by both TMF677 kinds;
	// they default to APP/Matrixx (dxp) and ivrB2C/matrixx (cvp).
	ChannelID, TargetSystem string
	// Lob is the cvp line of business header (PREPAID, POSTPAID …).
	Lob      string
	ClientID string
	// ClientSecret is resolved from client_secret_env, client_secret_file or
	// a literal client_secret; it prints as [REDACTED].
	ClientSecret Secret
	// Timeout bounds one HTTP call; StockRefresh is the stock watch period.
	Timeout, StockRefresh time.Duration
	// StockLow is the stock level at or below which an offer is shown low.
	StockLow int
	// MaxScan bounds how many Orange transactions are scanned to resolve a
	// MSISDN to its transactions, so one search cannot page forever.
	MaxScan int
	// TopupTarget (topup_target): the console shows this provider's pane
	// after the usage panes that found the same line; a top-up target is
	// where a line is topped up, not where its usage is read. Default:
	// true for kind tmf654 (DefaultTopupTarget), false for the others.
	TopupTarget bool
	// Values holds every key of the provider's kind (the kind's defaults
	// applied), as the kind's constructor reads them. The typed fields above
	// are copies of the keys that several parts of simdesk read.
	Values map[string]any
}

// DefaultTopupTarget is topup_target's default for a kind: a TMF654
// prepay balance is a top-up target, the usage kinds are not.
func DefaultTopupTarget(kind string) bool { return kind == "tmf654" }

// typedKeys are the kind keys mirrored in Provider's typed fields.
var typedKeys = []string{"token_url", "business_id", "channel_id", "target_system", "lob", "stock_refresh", "stock_low", "max_scan"}

func (p *Provider) typed(key string) any {
	switch key {
	case "token_url":
		return p.TokenURL
	case "business_id":
		return p.BusinessID
	case "channel_id":
		return p.ChannelID
	case "target_system":
		return p.TargetSystem
	case "lob":
		return p.Lob
	case "stock_refresh":
		return p.StockRefresh
	case "stock_low":
		return int64(p.StockLow)
	case "max_scan":
		return int64(p.MaxScan)
	}
	return nil
}

func (p *Provider) setTyped(key string, v any) {
	switch key {
	case "token_url":
		p.TokenURL, _ = v.(string)
	case "business_id":
		p.BusinessID, _ = v.(string)
	case "channel_id":
		p.ChannelID, _ = v.(string)
	case "target_system":
		p.TargetSystem, _ = v.(string)
	case "lob":
		p.Lob, _ = v.(string)
	case "stock_refresh":
		p.StockRefresh, _ = v.(time.Duration)
	case "stock_low":
		n, _ := v.(int64)
		p.StockLow = int(n)
	case "max_scan":
		n, _ := v.(int64)
		p.MaxScan = int(n)
	}
}

// Settings is what the provider's kind is built from: the common fields and
// every key of its kind (a typed field set in code counts as its key).
func (p Provider) Settings() providers.Settings {
	vals := map[string]any{}
	for k, v := range p.Values {
		vals[k] = v
	}
	if k, ok := providers.LookupKind(p.Kind); ok {
		for _, key := range typedKeys {
			if _, has := vals[key]; has {
				continue
			}
			if _, mine := k.Key(key); !mine {
				continue
			}
			if v := p.typed(key); v != "" && v != int64(0) && v != time.Duration(0) {
				vals[key] = v
			}
		}
		vals = k.Defaults(vals)
	}
	return providers.Settings{
		Name: p.Name, Kind: p.Kind, BaseURL: p.BaseURL, ClientID: p.ClientID,
		ClientSecret: p.ClientSecret.Reveal(), Timeout: p.Timeout, Values: vals,
	}
}

// WithDefaults returns p with every unset tunable at its default, for
// providers built in code (the demo) rather than read from a file.
func (p Provider) WithDefaults() Provider {
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.StockRefresh <= 0 {
		p.StockRefresh = DefaultStockRefresh
	}
	if p.StockLow < 0 {
		p.StockLow = 0
	}
	if p.StockLow == 0 {
		p.StockLow = DefaultStockLow
	}
	if p.MaxScan <= 0 {
		p.MaxScan = DefaultMaxScan
	}
	if _, ok := providers.LookupKind(p.Kind); ok {
		p.Values = p.Settings().Values
		for _, key := range typedKeys {
			if v, ok := p.Values[key]; ok && isZero(p.typed(key)) {
				p.setTyped(key, v)
			}
		}
	}
	p.BaseURL = strings.TrimRight(p.BaseURL, "/")
	return p
}

func isZero(v any) bool {
	return v == nil || v == "" || v == int64(0) || v == time.Duration(0)
}

// Config is the validated configuration, every default applied.
type Config struct {
	Path     string // the file it was read from; "" for the built-in demo
	Operator string // written to the journal and sent as Orange user_id
	ReadOnly bool   // no top-ups anywhere
	Journal  string // the append-only top-up journal (JSON Lines), or the DSN without its password
	// JournalDSN is the PostgreSQL journal's DSN (journal = "postgres://…"
	// or journal_dsn_env), "" for the file journal. A Secret: it may hold a
	// password.
	JournalDSN Secret
	// JournalAdminDSN is the schema owner's DSN (journal_admin_dsn_env),
	// used at start for migrations only; "" when not set. JournalAdminEnv
	// names its variable, for messages.
	JournalAdminDSN Secret
	JournalAdminEnv string
	// JournalKeyFile holds the journal's MAC key (journal_key_file);
	// JournalHeads is the directory of the journals' head anchors (the
	// state directory). "" for both: lines are chained, not MAC'd.
	JournalKeyFile string
	JournalHeads   string
	History        string // the search history file
	// Environment is demo, sandbox or production: shown at all times.
	Environment string
	// MaskIdentifiers hides MSISDN/SIM ids on screen except their last 4
	// digits, for consoles that are screen-shared or recorded.
	MaskIdentifiers bool
	// DuplicateWindow: a second top-up of the same line and offer within it
	// needs an explicit confirmation (or --force); 0 disables the guard.
	DuplicateWindow time.Duration
	// SettleTime: how long after an intent reconciliation may conclude
	// from absence ("not found at the provider"); lists lag.
	SettleTime time.Duration
	Providers  []Provider
	Serve      Serve // the [serve] table
	// Links are the team's tools the console links to ([[links]]).
	Links []Link
}

// Provider returns the provider of that name (names compare
// case-insensitively, as --provider values are typed by hand).
func (c *Config) Provider(name string) (Provider, bool) {
	for _, p := range c.Providers {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Provider{}, false
}

// Secrets returns every resolved client secret, to register with an
// httpx.Redactor so that they are masked wherever text leaves the process.
func (c *Config) Secrets() []string {
	var out []string
	for _, p := range c.Providers {
		if s := p.ClientSecret.Reveal(); s != "" {
			out = append(out, s)
		}
	}
	for _, d := range []Secret{c.JournalDSN, c.JournalAdminDSN} {
		if pw := dsn.Password(d.Reveal()); pw != "" {
			out = append(out, pw)
		}
	}
	return out
}

// Demo returns the settings of the built-in demo: every default, environment
// "demo", no providers (the caller adds the simulator's). Its journal is a
// separate file (demo-journal.jsonl) so that demo top-ups never show up as
// pending attempts against real providers of the same name.
func Demo(env func(string) string) *Config {
	if env == nil {
		env = os.Getenv
	}
	state := stateDir(env)
	return &Config{
		Operator:        defaultOperator(env),
		Journal:         filepath.Join(state, "demo-journal.jsonl"),
		JournalKeyFile:  filepath.Join(state, "journal.key"),
		JournalHeads:    state,
		History:         filepath.Join(state, "history"),
		Environment:     EnvDemo,
		DuplicateWindow: DefaultDuplicateWindow,
		SettleTime:      DefaultSettleTime,
	}
}

func defaultOperator(env func(string) string) string {
	if u := strings.TrimSpace(env("USER")); u != "" {
		return u
	}
	return "operator"
}

// stateDir is $XDG_STATE_HOME/simdesk, else ~/.local/state/simdesk.
func stateDir(env func(string) string) string {
	if x := env("XDG_STATE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "simdesk")
	}
	if h := env("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "simdesk")
	}
	return filepath.Join(os.TempDir(), "simdesk-state")
}

// DefaultPath is where the config file is looked for when neither --config
// nor $SIMDESK_CONFIG names one: $XDG_CONFIG_HOME/simdesk/config.toml, else
// ~/.config/simdesk/config.toml (on every OS, as the contract says).
func DefaultPath() string {
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "simdesk", "config.toml")
	}
	home := os.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".config", "simdesk", "config.toml")
}

// Discover finds the config file: explicit (--config), else $SIMDESK_CONFIG,
// else DefaultPath. A path the operator named that does not exist is an
// error (a typo must not silently start the demo); a missing default file is
// not: found is false and the caller runs the demo.
func Discover(explicit string) (path string, found bool, err error) {
	named, from := explicit, "--config"
	if named == "" {
		named, from = os.Getenv("SIMDESK_CONFIG"), "$SIMDESK_CONFIG"
	}
	if named != "" {
		fi, err := os.Stat(named)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return named, false, fmt.Errorf("config file %s (from %s) does not exist", named, from)
		case err != nil:
			return named, false, fmt.Errorf("config file %s (from %s): %w", named, from, err)
		case fi.IsDir():
			return named, false, fmt.Errorf("config file %s (from %s) is a directory", named, from)
		}
		return named, true, nil
	}
	def := DefaultPath()
	fi, err := os.Stat(def)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return def, false, nil
	case err != nil:
		return def, false, fmt.Errorf("config file %s: %w", def, err)
	case fi.IsDir():
		return def, false, fmt.Errorf("config file %s is a directory", def)
	}
	return def, true, nil
}

// maxConfigSize bounds what Load reads: a config file is a few kilobytes.
const maxConfigSize = 1 << 20

// Load reads and validates the config file at path, resolving secrets from
// the process environment.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, unwrapPathErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, unwrapPathErr(err))
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("config file %s is larger than %d bytes", path, maxConfigSize)
	}
	return Parse(path, data, os.Getenv)
}

// unwrapPathErr drops the *PathError wrapper whose path we already print.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Problem is one thing wrong in a config file, located for the operator.
type Problem struct {
	File string
	Line int
	Key  string
	Msg  string
}

// String is FILE:LINE: KEY: message, the form editors and terminals link.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Key, p.Msg)
}

// Error lists every problem of a config file, one per line, in file order.
type Error struct{ Problems []Problem }

// Error prints every problem on its own line, so the operator sees the whole
// list at once and fixes the file in one pass.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
}
