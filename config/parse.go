package config

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"simdesk/model"
	"simdesk/providers"
)

// The keys of the file. Anything else is an unknown key: a typo must be
// reported, not silently ignored (a misspelt readonly would spend money).
var (
	topKeys = []string{"operator", "readonly", "journal", "journal_dsn_env", "journal_admin_dsn_env", "journal_key_file", "history", "environment",
		"mask_identifiers", "duplicate_window", "settle_time", "provider", "serve", "links"}
	commonKeys = []string{"name", "kind", "base_url", "client_id",
		"client_secret_env", "client_secret_file", "client_secret", "timeout", "topup_target"}
	// requiredCommon are the common keys every kind needs; a kind's own
	// keys (and which of them are required) come from the providers registry.
	requiredCommon = []string{"base_url", "client_id"}
	secretKeys     = []string{"client_secret_env", "client_secret_file", "client_secret"}
)

// maxSecretFile bounds a client_secret_file: a secret is short, and a
// mistaken path to a large file must not be read whole.
const maxSecretFile = 64 << 10

// parser collects every problem of one file instead of stopping at the first.
type parser struct {
	path     string // as given to Parse; "" when not read from a file
	file     string // the name used in messages
	dir      string
	env      func(string) string
	lines    keyLines
	problems []Problem
}

func (p *parser) add(line int, key, format string, a ...any) {
	if line < 1 {
		line = 1
	}
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, a...)})
}

// Parse validates a config file's contents. path names the file in messages,
// anchors relative paths (journal, history, client_secret_file) and is
// stat'ed to check that a literal client_secret is readable by its owner
// alone. Every environment lookup (secrets, $USER, $HOME, $XDG_STATE_HOME)
// goes through env, so tests control it; nil means os.Getenv.
func Parse(path string, data []byte, env func(string) string) (*Config, error) {
	if env == nil {
		env = os.Getenv
	}
	p := &parser{path: path, file: path, env: env}
	if p.file == "" {
		p.file = "config"
	}
	if path != "" {
		p.dir = filepath.Dir(path)
	}
	text := string(data)
	p.lines = scanKeyLines(text)

	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		p.syntaxError(text, err)
		return nil, &Error{Problems: p.problems}
	}
	c := p.config(raw)
	if len(p.problems) > 0 {
		sortProblems(p.problems)
		return nil, &Error{Problems: p.problems}
	}
	c.Path = path
	return c, nil
}

// literalSecretLine is compiled when a syntax error is reported, never
// when a good file is read: a command's start-up pays for what it uses.
var literalSecretLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*["']?client_secret["']?\s*=`)
})

// syntaxError reports a TOML syntax error at its position. The parser's
// message may quote the offending token, which on a client_secret line is
// the secret itself: there the message is replaced, and any literal secret
// text found elsewhere in the file is masked too.
func (p *parser) syntaxError(text string, err error) {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		p.add(1, "toml", "%s", model.OneLine(err.Error(), 1000))
		return
	}
	line := pe.Position.Line
	msg := pe.Message
	lines := strings.Split(text, "\n")
	// The key is the one written on the error's line when there is one (the
	// parser's LastKey is a dotted path such as provider.timeout).
	key := "toml"
	if i := strings.LastIndexByte(pe.LastKey, '.'); pe.LastKey != "" {
		key = pe.LastKey[i+1:]
	}
	if line >= 1 && line <= len(lines) {
		if s := strings.TrimSpace(lines[line-1]); s != "" {
			if k, _, ok := splitKey(s); ok {
				key = k
			}
		}
	}
	if line >= 1 && line <= len(lines) && literalSecretLine().MatchString(lines[line-1]) {
		msg = "syntax error in this value (not shown: it is a secret)"
	}
	for _, l := range lines {
		if literalSecretLine().MatchString(l) {
			_, v, _ := strings.Cut(l, "=")
			for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return r == '"' || r == '\'' || unicode.IsSpace(r) || r == '#' }) {
				if len(tok) >= 3 {
					msg = strings.ReplaceAll(msg, tok, mask)
				}
			}
		}
	}
	p.add(line, key, "invalid TOML: %s", model.OneLine(msg, 1000))
}

// table gives typed, located access to one TOML table's values.
type table struct {
	p        *parser
	m        map[string]any
	lines    map[string]int
	fallback int    // line for a key that is absent (the table header)
	ctx      string // " (provider \"x\")" appended to messages
}

func (t *table) line(key string) int {
	if l, ok := t.lines[key]; ok {
		return l
	}
	return t.fallback
}

func (t *table) bad(key, format string, a ...any) {
	t.p.add(t.line(key), key, "%s%s", fmt.Sprintf(format, a...), t.ctx)
}

// str returns a string value; present is false when the key is absent or
// of the wrong type (then a problem is recorded). The value is never echoed,
// so str is safe for secrets.
func (t *table) str(key string) (v string, present bool) {
	raw, ok := t.m[key]
	if !ok {
		return "", false
	}
	s, ok := raw.(string)
	if !ok {
		t.bad(key, "must be a string (in double quotes), not %s", tomlType(raw))
		return "", false
	}
	return s, true
}

func (t *table) boolean(key string) (v, present bool) {
	raw, ok := t.m[key]
	if !ok {
		return false, false
	}
	b, ok := raw.(bool)
	if !ok {
		t.bad(key, "must be true or false, not %s", tomlType(raw))
		return false, false
	}
	return b, true
}

func (t *table) integer(key string) (v int64, present bool) {
	raw, ok := t.m[key]
	if !ok {
		return 0, false
	}
	n, ok := raw.(int64)
	if !ok {
		t.bad(key, "must be a whole number, not %s", tomlType(raw))
		return 0, false
	}
	return n, true
}

func (t *table) duration(key string) (v time.Duration, present bool) {
	s, ok := t.str(key)
	if !ok {
		return 0, false
	}
	var d Duration
	if err := d.UnmarshalText([]byte(s)); err != nil {
		t.bad(key, "%v", err)
		return 0, false
	}
	return d.Duration, true
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "a number"
	case float64:
		return "a decimal number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []map[string]any, []any:
		return "an array"
	}
	return "a date or time"
}

// unknown reports keys of m outside known, with a suggestion for typos.
func (t *table) unknown(known []string, skip map[string]bool) {
	for _, k := range sortedKeys(t.m) {
		if skip[k] || contains(known, k) {
			continue
		}
		hint := ""
		if s := closest(k, known); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		t.bad(k, "unknown key%s", hint)
	}
}

func (p *parser) config(raw map[string]any) *Config {
	top := &table{p: p, m: raw, lines: p.lines.top, fallback: 1}
	top.unknown(topKeys, nil)
	c := &Config{
		Operator:        defaultOperator(p.env),
		DuplicateWindow: DefaultDuplicateWindow,
		SettleTime:      DefaultSettleTime,
	}
	if s, ok := top.str("operator"); ok {
		switch {
		case strings.TrimSpace(s) == "":
			top.bad("operator", "must not be empty (leave it out to use $USER)")
		case len(s) > 64 || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
			top.bad("operator", "must be at most 64 printable characters")
		default:
			c.Operator = strings.TrimSpace(s)
		}
	}
	c.ReadOnly, _ = top.boolean("readonly")
	c.MaskIdentifiers, _ = top.boolean("mask_identifiers")
	state := stateDir(p.env)
	p.journal(top, c, filepath.Join(state, "journal.jsonl"))
	c.History = p.pathKey(top, "history", filepath.Join(state, "history"))
	if d, ok := top.duration("duplicate_window"); ok {
		if d < 0 {
			top.bad("duplicate_window", "must not be negative (use \"0s\" to turn the duplicate guard off)")
		} else {
			c.DuplicateWindow = d
		}
	}
	if d, ok := top.duration("settle_time"); ok {
		if d < 0 {
			top.bad("settle_time", "must not be negative")
		} else {
			c.SettleTime = d
		}
	}
	c.Providers = p.providers(top)
	c.Serve = p.serve(top)
	c.Links = p.links(top)
	envSet := false
	if s, ok := top.str("environment"); ok {
		switch s {
		case EnvDemo, EnvSandbox, EnvProduction:
			c.Environment, envSet = s, true
		default:
			top.bad("environment", "must be \"demo\", \"sandbox\" or \"production\", not %q", clipValue(s))
		}
	}
	if !envSet {
		c.Environment = EnvProduction
		for _, pr := range c.Providers {
			if strings.Contains(strings.ToLower(pr.BaseURL), "sandbox") {
				c.Environment = EnvSandbox
			}
		}
	}
	return c
}

// pathKey reads a file path: "~/" is the home directory and a relative path
// is relative to the config file's directory, so a config works the same
// whatever directory simdesk is started from.
func (p *parser) pathKey(t *table, key, def string) string {
	s, ok := t.str(key)
	if !ok {
		return def
	}
	if strings.TrimSpace(s) == "" {
		t.bad(key, "must not be empty (leave it out for the default)")
		return def
	}
	return p.resolvePath(s)
}

func (p *parser) resolvePath(s string) string {
	if s == "~" || strings.HasPrefix(s, "~/") {
		if h := p.env("HOME"); h != "" {
			s = filepath.Join(h, s[1:])
		}
	}
	if !filepath.IsAbs(s) && p.dir != "" {
		s = filepath.Join(p.dir, s)
	}
	return filepath.Clean(s)
}

func (p *parser) providers(top *table) []Provider {
	raw, ok := top.m["provider"]
	if !ok {
		top.bad("provider", "no providers: add at least one [[provider]] table (or run without a config file for the demo)")
		return nil
	}
	var list []map[string]any
	switch v := raw.(type) {
	case []map[string]any:
		list = v
	case []any:
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				top.bad("provider", "must be an array of tables: write each provider as [[provider]]")
				return nil
			}
			list = append(list, m)
		}
	default:
		top.bad("provider", "must be an array of tables: write each provider as [[provider]], not [provider]")
		return nil
	}
	if len(list) == 0 {
		top.bad("provider", "no providers: add at least one [[provider]] table")
		return nil
	}
	headers := p.lines.providers
	if len(headers) != len(list) {
		// Inline arrays of tables: every key is located at the provider key.
		headers = make([]provLines, len(list))
		for i := range headers {
			headers[i] = provLines{header: top.line("provider"), keys: map[string]int{}}
		}
	}
	seen := map[string]int{} // lower-cased name → line of its first use
	var out []Provider
	for i, m := range list {
		t := &table{p: p, m: m, lines: headers[i].keys, fallback: headers[i].header}
		if pr, ok := p.provider(t, i, seen); ok {
			out = append(out, pr)
		}
	}
	return out
}

// validName says whether a provider name is 1 to 32 ASCII letters, digits,
// '.', '_' or '-', starting with a letter or digit (it is written into
// messages, metrics labels and file names).
func validName(s string) bool {
	if len(s) == 0 || len(s) > 32 || !model.IsAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !model.IsAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// validEnvName says whether s is a portable environment variable name:
// an ASCII letter or '_', then letters, digits or '_'.
func validEnvName(s string) bool {
	if len(s) == 0 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !model.IsAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

// provider validates the i-th [[provider]] table; ok is false when it has a
// problem (already recorded).
func (p *parser) provider(t *table, i int, seen map[string]int) (Provider, bool) {
	before := len(p.problems)
	var pr Provider
	var spec providers.Kind
	t.ctx = fmt.Sprintf(" (provider #%d)", i+1)

	pr.Name = p.providerName(t, seen)
	pr.Kind, spec = p.providerKind(t)
	checkKindKeys(t, pr.Kind, spec)

	if s, ok := t.str("base_url"); ok {
		pr.BaseURL = p.checkURL(t, "base_url", s)
	}
	if s, ok := t.str("client_id"); ok {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\r\n") {
			t.bad("client_id", "must be a non-empty single-line string")
		} else {
			pr.ClientID = strings.TrimSpace(s)
		}
	}
	pr.Values = map[string]any{}
	for _, k := range spec.Keys {
		if v, ok := p.kindValue(t, k); ok {
			pr.Values[k.Name] = v
		}
	}
	pr.ClientSecret = p.secret(t)

	if d, ok := t.duration("timeout"); ok {
		if d <= 0 {
			t.bad("timeout", "must be positive")
		}
		pr.Timeout = d
	}
	pr.TopupTarget = DefaultTopupTarget(pr.Kind)
	if b, ok := t.boolean("topup_target"); ok {
		pr.TopupTarget = b
	}
	if len(p.problems) > before {
		return Provider{}, false
	}
	for key, v := range pr.Values {
		pr.setTyped(key, v)
	}
	_, stockLowSet := pr.Values["stock_low"]
	pr = pr.WithDefaults()
	if stockLowSet {
		// An explicit 0 means "never warn", not "use the default".
		n, _ := pr.Values["stock_low"].(int64)
		pr.StockLow = int(n)
	}
	return pr, true
}

// providerName reads the provider's name, unique (case aside) among the
// providers; "" when it is missing or bad (the problem is recorded).
func (p *parser) providerName(t *table, seen map[string]int) string {
	name, hasName := t.str("name")
	switch {
	case !hasName:
		if _, present := t.m["name"]; !present {
			t.bad("name", "missing: every provider needs a unique name")
		}
	case !validName(name):
		t.bad("name", "%q must be 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit", clipValue(name))
	default:
		t.ctx = fmt.Sprintf(" (provider %q)", name)
		if first, dup := seen[strings.ToLower(name)]; dup {
			t.bad("name", "duplicate provider name %q (first used on line %d)", name, first)
		} else {
			seen[strings.ToLower(name)] = t.line("name")
		}
		return name
	}
	return ""
}

// providerKind reads the provider's kind and its spec; "" when it is
// missing or unknown (the problem is recorded, with the closest kind).
func (p *parser) providerKind(t *table) (string, providers.Kind) {
	kinds := providers.KindNames()
	kind, hasKind := t.str("kind")
	switch {
	case !hasKind:
		if _, present := t.m["kind"]; !present {
			t.bad("kind", "missing: one of %s", strings.Join(kinds, ", "))
		}
	case !contains(kinds, kind):
		hint := ""
		if s := closest(kind, kinds); s != "" {
			hint = fmt.Sprintf("; did you mean %s?", s)
		}
		t.bad("kind", "unknown kind %q: use one of %s%s", clipValue(kind), strings.Join(kinds, ", "), hint)
	default:
		spec, _ := providers.LookupKind(kind)
		return kind, spec
	}
	return "", providers.Kind{}
}

// checkKindKeys refuses keys unknown everywhere, keys of another kind, and
// missing required ones.
func checkKindKeys(t *table, kind string, spec providers.Kind) {
	all := append(append([]string{}, commonKeys...), providers.AllKeys()...)
	t.unknown(all, nil)
	if kind != "" {
		for _, k := range sortedKeys(t.m) {
			if _, mine := spec.Key(k); contains(all, k) && !contains(commonKeys, k) && !mine {
				t.bad(k, "does not apply to kind %s", kind)
			}
		}
		var required []string
		for _, k := range spec.Keys {
			if k.Required {
				required = append(required, k.Name)
			}
		}
		for _, k := range append(append([]string{}, requiredCommon...), required...) {
			if _, present := t.m[k]; !present {
				t.bad(k, "missing: required for kind %s", kind)
			}
		}
	}
}

// kindValue reads one of the kind's keys with its declared type, then the
// kind's own check. present is false when the key is absent or wrong (a
// problem is recorded for the latter).
func (p *parser) kindValue(t *table, k providers.Key) (any, bool) {
	raw, present := t.m[k.Name]
	if !present {
		return nil, false
	}
	var v any
	switch k.Type {
	case providers.KeyString:
		s, ok := t.str(k.Name)
		if !ok {
			return nil, false
		}
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\r\n") {
			t.bad(k.Name, "must be a non-empty single-line string")
			return nil, false
		}
		v = strings.TrimSpace(s)
	case providers.KeyURL:
		s, ok := t.str(k.Name)
		if !ok {
			return nil, false
		}
		u := p.checkURL(t, k.Name, s)
		if u == "" {
			return nil, false
		}
		v = u
	case providers.KeyInt:
		n, ok := t.integer(k.Name)
		if !ok {
			return nil, false
		}
		v = n
	case providers.KeyNumber:
		f, ok := number(raw)
		if !ok {
			t.bad(k.Name, "must be a number, not %s", tomlType(raw))
			return nil, false
		}
		v = f
	case providers.KeyNumbers:
		list, ok := raw.([]any)
		if !ok {
			t.bad(k.Name, "must be an array of numbers, not %s", tomlType(raw))
			return nil, false
		}
		fs := make([]float64, 0, len(list))
		for _, e := range list {
			f, ok := number(e)
			if !ok {
				t.bad(k.Name, "must be an array of numbers, but holds %s", tomlType(e))
				return nil, false
			}
			fs = append(fs, f)
		}
		v = fs
	case providers.KeyDuration:
		d, ok := t.duration(k.Name)
		if !ok {
			return nil, false
		}
		v = d
	default:
		t.bad(k.Name, "has a type simdesk cannot read")
		return nil, false
	}
	if k.Check != nil {
		if err := k.Check(v); err != nil {
			t.bad(k.Name, "%s", model.OneLine(err.Error(), 300))
			return nil, false
		}
	}
	return v, true
}

// number reads a TOML integer or float as a float64.
func number(raw any) (float64, bool) {
	switch n := raw.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, n == n && n-n == 0 // not NaN, not ±inf
	}
	return 0, false
}

// checkURL accepts absolute http(s) URLs with a host, without credentials,
// query or fragment (paths are appended to them). The value is not echoed:
// a URL may carry credentials.
func (p *parser) checkURL(t *table, key, s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		t.bad(key, "not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		t.bad(key, "must be an http:// or https:// URL")
	case u.Host == "" || u.Hostname() == "":
		t.bad(key, "must name a host (https://host/…)")
	case u.User != nil:
		t.bad(key, "must not contain credentials (use client_id and client_secret_env)")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		t.bad(key, "must not have a query or fragment (paths are appended to it)")
	default:
		return strings.TrimRight(u.String(), "/")
	}
	return ""
}

// secret resolves the provider's client secret from exactly one of
// client_secret_env, client_secret_file or a literal client_secret. Messages
// name the variable or file, never the value.
func (p *parser) secret(t *table) Secret {
	var set []string
	for _, k := range secretKeys {
		if _, ok := t.m[k]; ok {
			set = append(set, k)
		}
	}
	if len(set) == 0 {
		t.bad("client_secret_env", "missing: set client_secret_env (or client_secret_file) to give the client secret")
		return ""
	}
	if len(set) > 1 {
		sort.Slice(set, func(i, j int) bool { return t.line(set[i]) < t.line(set[j]) })
		t.bad(set[len(set)-1], "set only one of %s", strings.Join(set, ", "))
		return ""
	}
	switch set[0] {
	case "client_secret_env":
		return p.secretEnv(t)
	case "client_secret_file":
		return p.secretFile(t)
	default:
		return p.secretLiteral(t)
	}
}

// secretEnv reads the secret from the environment variable client_secret_env names.
func (p *parser) secretEnv(t *table) Secret {
	name, ok := t.str("client_secret_env")
	if !ok {
		return ""
	}
	if !validEnvName(name) {
		t.bad("client_secret_env", "%q is not an environment variable name", clipValue(name))
		return ""
	}
	v := strings.TrimSpace(p.env(name))
	if v == "" {
		t.bad("client_secret_env", "environment variable %s is unset or empty", name)
		return ""
	}
	return Secret(v)
}

// secretFile reads the secret from client_secret_file, readable by its owner alone.
func (p *parser) secretFile(t *table) Secret {
	name, ok := t.str("client_secret_file")
	if !ok {
		return ""
	}
	if strings.TrimSpace(name) == "" {
		t.bad("client_secret_file", "must name a file")
		return ""
	}
	path := p.resolvePath(name)
	b, err := readSmall(path, maxSecretFile)
	if err != nil {
		t.bad("client_secret_file", "cannot read %s: %v", path, err)
		return ""
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		t.bad("client_secret_file", "%s is empty", path)
		return ""
	}
	if err := secretFileMode(path); err != nil {
		t.bad("client_secret_file", "%v", err)
		return ""
	}
	return Secret(v)
}

// secretLiteral takes client_secret written in the config, accepted only
// in a config file readable by its owner alone.
func (p *parser) secretLiteral(t *table) Secret {
	v, ok := t.str("client_secret")
	if !ok {
		return ""
	}
	if strings.TrimSpace(v) == "" {
		t.bad("client_secret", "is empty")
		return ""
	}
	if p.path == "" {
		t.bad("client_secret", "a literal secret needs a config file readable by its owner alone; use client_secret_env")
		return ""
	}
	fi, err := os.Stat(p.path)
	if err != nil {
		t.bad("client_secret", "cannot check the config file's permissions (%v); use client_secret_env", unwrapPathErr(err))
		return ""
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		t.bad("client_secret", "a literal secret is accepted only in a file readable by its owner alone (mode is %04o): run chmod 600 %s, or use client_secret_env", mode, p.file)
		return ""
	}
	return Secret(strings.TrimSpace(v))
}

func readSmall(path string, limit int64) ([]byte, error) {
	// Stat first: opening a FIFO or a terminal would block start-up.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if fi.IsDir() {
		return nil, errors.New("it is a directory")
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPathErr(err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes, not a secret file", limit)
	}
	return b, nil
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// closest suggests the known word within edit distance 2 of s, if any.
func closest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
