package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"simdesk/providers"
)

// testEnv is an env func over a map, so tests never see the real environment.
func testEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes text to a fresh config.toml with the given mode.
func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	return path
}

const minimal = `[[provider]]
name = "lla-pr"
kind = "tmf677-dxp"
base_url = "https://host/dxp-ux/v1/"
business_id = "PR"
client_id = "cid"
client_secret_env = "LLA_SECRET"
`

func TestExampleParses(t *testing.T) {
	data, err := os.ReadFile("../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv(map[string]string{
		"ORANGE_CLIENT_SECRET": "orange-s3cret",
		"LLA_CLIENT_SECRET":    "lla-s3cret",
		"HOME":                 "/home/alice",
	})
	c, err := Parse("/etc/simdesk/config.toml", data, env)
	if err != nil {
		t.Fatalf("config.example.toml does not parse:\n%v", err)
	}
	if c.Operator != "alice" || c.ReadOnly || c.Environment != EnvProduction || c.MaskIdentifiers {
		t.Errorf("top-level values: %+v", c)
	}
	if c.Journal != "/home/alice/.local/state/simdesk/journal.jsonl" || c.History != "/home/alice/.local/state/simdesk/history" {
		t.Errorf("paths: journal %q history %q", c.Journal, c.History)
	}
	if c.DuplicateWindow != 10*time.Minute {
		t.Errorf("duplicate_window = %v", c.DuplicateWindow)
	}
	if len(c.Providers) != 4 {
		t.Fatalf("providers: %d", len(c.Providers))
	}
	if tp, _ := c.Provider("lla-topup"); tp.Kind != "tmf654" || tp.Values["max_amount"] != 100.0 || tp.Values["currency"] != "USD" {
		t.Errorf("lla-topup: %+v", tp)
	}
	o, _ := c.Provider("orange")
	if o.Kind != "orange-travel" || o.TokenURL != "https://api.orange.com/oauth/v3/token" || o.ClientSecret.Reveal() != "orange-s3cret" ||
		o.StockRefresh != 30*time.Second || o.StockLow != 10 || o.MaxScan != 2000 || o.Timeout != 10*time.Second {
		t.Errorf("orange: %+v", o)
	}
	d, _ := c.Provider("lla-pr")
	if d.Kind != "tmf677-dxp" || d.BusinessID != "PR" || d.ChannelID != "APP" || d.TargetSystem != "Matrixx" || d.ClientSecret.Reveal() != "lla-s3cret" {
		t.Errorf("lla-pr: %+v", d)
	}
	v, _ := c.Provider("LLA-JM")
	if v.Kind != "tmf677-cvp" || v.BusinessID != "JM" || v.Lob != "PREPAID" || v.ChannelID != "ivrB2C" || v.TargetSystem != "matrixx" {
		t.Errorf("lla-jm: %+v", v)
	}
	// Every key the parser knows is documented (as a setting or in a comment).
	text := string(data)
	keys := append(append([]string{}, topKeys...), commonKeys...)
	keys = append(keys, providers.AllKeys()...)
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^(#\s*)?(\[\[?)?` + k + `(\]\]?|\s*=)`).MatchString(text) {
			t.Errorf("config.example.toml does not document %q", k)
		}
	}
}

func TestDefaults(t *testing.T) {
	path := writeConfig(t, minimal, 0o644)
	c, err := Parse(path, []byte(minimal), testEnv(map[string]string{
		"LLA_SECRET": "  sekrit\n", "USER": "bob", "XDG_STATE_HOME": "/state", "HOME": "/home/bob",
	}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"Path", c.Path, path},
		{"Operator", c.Operator, "bob"},
		{"Journal", c.Journal, "/state/simdesk/journal.jsonl"},
		{"History", c.History, "/state/simdesk/history"},
		{"Environment", c.Environment, EnvProduction},
		{"DuplicateWindow", c.DuplicateWindow, 10 * time.Minute},
		{"ReadOnly", c.ReadOnly, false},
		{"BaseURL", p.BaseURL, "https://host/dxp-ux/v1"},
		{"Timeout", p.Timeout, 10 * time.Second},
		{"StockRefresh", p.StockRefresh, 30 * time.Second},
		{"StockLow", p.StockLow, 10},
		{"MaxScan", p.MaxScan, 2000},
		{"ChannelID", p.ChannelID, "APP"},
		{"TargetSystem", p.TargetSystem, "Matrixx"},
		{"Secret trimmed", p.ClientSecret.Reveal(), "sekrit"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}

	// No $USER → "operator"; no XDG_STATE_HOME → ~/.local/state; a relative
	// XDG_STATE_HOME is ignored, as the XDG spec says.
	c, err = Parse(path, []byte(minimal), testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/h", "XDG_STATE_HOME": "rel"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Operator != "operator" || c.Journal != "/h/.local/state/simdesk/journal.jsonl" {
		t.Errorf("fallbacks: operator %q journal %q", c.Operator, c.Journal)
	}
}

func TestEnvironment(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "x"})
	for _, tc := range []struct{ prefix, base, want string }{
		{"", "https://host/dxp-ux/v1", EnvProduction},
		{"", "https://api-sandbox.host/dxp-ux/v1", EnvSandbox},
		{"", "https://host/SANDBOX/dxp-ux/v1", EnvSandbox},
		{`environment = "production"` + "\n", "https://api-sandbox.host/v1", EnvProduction},
		{`environment = "demo"` + "\n", "https://host/v1", EnvDemo},
		{`environment = "sandbox"` + "\n", "https://host/v1", EnvSandbox},
	} {
		text := tc.prefix + strings.Replace(minimal, "https://host/dxp-ux/v1/", tc.base, 1)
		c, err := Parse("c.toml", []byte(text), env)
		if err != nil {
			t.Fatalf("%s: %v", tc.base, err)
		}
		if c.Environment != tc.want {
			t.Errorf("%q with %s: environment %q, want %q", tc.prefix, tc.base, c.Environment, tc.want)
		}
	}
}

func TestPathsResolveAgainstConfigDir(t *testing.T) {
	text := "journal = \"logs/j.jsonl\"\nhistory = \"~/hist\"\n" + minimal
	c, err := Parse("/etc/simdesk/config.toml", []byte(text), testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/home/z"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Journal != "/etc/simdesk/logs/j.jsonl" || c.History != "/home/z/hist" {
		t.Errorf("journal %q history %q", c.Journal, c.History)
	}
}

func TestExplicitValues(t *testing.T) {
	text := `operator = "carol"
readonly = true
mask_identifiers = true
duplicate_window = "0s"
[[provider]]
name = "orange"
kind = "orange-travel"
base_url = "http://127.0.0.1:8765/orange/travel-b2b/v1"
token_url = "http://127.0.0.1:8765/orange/oauth/v3/token"
client_id = "demo"
client_secret_env = "S"
timeout = "2.5s"
stock_refresh = "1m"
stock_low = 0
max_scan = 50
`
	c, err := Parse("c.toml", []byte(text), testEnv(map[string]string{"S": "demo-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers[0]
	if c.Operator != "carol" || !c.ReadOnly || !c.MaskIdentifiers || c.DuplicateWindow != 0 {
		t.Errorf("top: %+v", c)
	}
	if p.Timeout != 2500*time.Millisecond || p.StockRefresh != time.Minute || p.StockLow != 0 || p.MaxScan != 50 {
		t.Errorf("provider: %+v", p)
	}
	if got := c.Secrets(); len(got) != 1 || got[0] != "demo-secret" {
		t.Errorf("Secrets() = %v", got)
	}
	if _, ok := c.Provider("nope"); ok {
		t.Error("Provider(nope) found something")
	}
}

// TestBadConfigs checks that each problem is reported at the exact
// FILE:LINE: KEY of the file.
func TestBadConfigs(t *testing.T) {
	env := map[string]string{"LLA_SECRET": "x", "EMPTY": ""}
	orange := "[[provider]]\nname = \"o\"\nkind = \"orange-travel\"\nbase_url = \"https://h/v1\"\ntoken_url = \"https://h/token\"\nclient_id = \"c\"\nclient_secret_env = \"LLA_SECRET\"\n"
	cvp := "[[provider]]\nname = \"v\"\nkind = \"tmf677-cvp\"\nbase_url = \"https://h/v1\"\nbusiness_id = \"JM\"\nlob = \"PREPAID\"\nclient_id = \"c\"\nclient_secret_env = \"LLA_SECRET\"\n"
	cases := []struct {
		name string
		text string
		want []string // "LINE: KEY: message fragment"
	}{
		{"no providers", "operator = \"a\"\n", []string{"1: provider: no providers"}},
		{"provider as a table", "[provider]\nname = \"x\"\n", []string{"1: provider: must be an array of tables"}},
		{"unknown top key", "readonyl = true\n" + minimal, []string{"1: readonyl: unknown key (did you mean readonly?)"}},
		{"unknown table", minimal + "[extra]\nx = 1\n", []string{"8: extra: unknown key"}},
		{"unknown provider key", minimal + "base_ulr = \"x\"\n", []string{"8: base_ulr: unknown key (did you mean base_url?) (provider \"lla-pr\")"}},
		{"provider sub-table", minimal + "[provider.headers]\nx = \"y\"\n", []string{"8: headers: unknown key"}},
		{"key of another kind", minimal + "token_url = \"https://h/t\"\n", []string{"8: token_url: does not apply to kind tmf677-dxp"}},
		{"stock keys on dxp", minimal + "stock_low = 3\n", []string{"8: stock_low: does not apply to kind tmf677-dxp"}},
		{"duplicate name", minimal + strings.Replace(minimal, "https://host", "https://other", 1),
			[]string{"9: name: duplicate provider name \"lla-pr\" (first used on line 2)"}},
		{"duplicate name other case", minimal + strings.Replace(minimal, `"lla-pr"`, `"LLA-PR"`, 1),
			[]string{"9: name: duplicate provider name \"LLA-PR\""}},
		{"unknown kind", strings.Replace(minimal, "tmf677-dxp", "tmf677-dpx", 1),
			[]string{"3: kind: unknown kind \"tmf677-dpx\": use one of orange-travel, tmf677-dxp, tmf677-cvp, tmf654; did you mean tmf677-dxp?"}},
		{"missing kind", strings.Replace(minimal, "kind = \"tmf677-dxp\"\n", "", 1), []string{"1: kind: missing"}},
		{"missing name", strings.Replace(minimal, "name = \"lla-pr\"\n", "", 1), []string{"1: name: missing"}},
		{"bad name", strings.Replace(minimal, `"lla-pr"`, `"lla pr"`, 1), []string{"2: name: \"lla pr\" must be"}},
		{"bad url scheme", strings.Replace(minimal, "https://host/dxp-ux/v1/", "ftp://host/x", 1), []string{"4: base_url: must be an http:// or https:// URL"}},
		{"url without host", strings.Replace(minimal, "https://host/dxp-ux/v1/", "https:///x", 1), []string{"4: base_url: must name a host"}},
		{"relative url", strings.Replace(minimal, "https://host/dxp-ux/v1/", "host/x", 1), []string{"4: base_url: must be an http:// or https:// URL"}},
		{"url with credentials", strings.Replace(minimal, "https://host/dxp-ux/v1/", "https://u:p@host/x", 1), []string{"4: base_url: must not contain credentials"}},
		{"url with query", strings.Replace(minimal, "https://host/dxp-ux/v1/", "https://host/x?a=1", 1), []string{"4: base_url: must not have a query"}},
		{"unparsable url", strings.Replace(minimal, "https://host/dxp-ux/v1/", "https://ho st/%zz", 1), []string{"4: base_url: not a valid URL"}},
		{"bad timeout", minimal + "timeout = \"10\"\n", []string{"8: timeout: invalid duration \"10\""}},
		{"negative timeout", minimal + "timeout = \"-1s\"\n", []string{"8: timeout: must be positive"}},
		{"timeout as number", minimal + "timeout = 10\n", []string{"8: timeout: must be a string (in double quotes), not a number"}},
		{"bad duplicate_window", "duplicate_window = \"ten minutes\"\n" + minimal, []string{"1: duplicate_window: invalid duration"}},
		{"negative duplicate_window", "duplicate_window = \"-1m\"\n" + minimal, []string{"1: duplicate_window: must not be negative"}},
		{"stock_refresh too short", orange + "stock_refresh = \"10ms\"\n", []string{"8: stock_refresh: must be at least 1s"}},
		{"negative stock_low", orange + "stock_low = -1\n", []string{"8: stock_low: must be zero or more, not -1"}},
		{"stock_low as string", orange + "stock_low = \"5\"\n", []string{"8: stock_low: must be a whole number, not a string"}},
		{"max_scan zero", orange + "max_scan = 0\n", []string{"8: max_scan: must be between 1 and 1000000"}},
		{"bad environment", "environment = \"prod\"\n" + minimal, []string{"1: environment: must be \"demo\", \"sandbox\" or \"production\", not \"prod\""}},
		{"readonly as string", "readonly = \"yes\"\n" + minimal, []string{"1: readonly: must be true or false, not a string"}},
		{"empty operator", "operator = \" \"\n" + minimal, []string{"1: operator: must not be empty"}},
		{"empty journal", "journal = \"\"\n" + minimal, []string{"1: journal: must not be empty"}},
		{"orange missing token_url", strings.Replace(orange, "token_url = \"https://h/token\"\n", "", 1), []string{"1: token_url: missing: required for kind orange-travel (provider \"o\")"}},
		{"dxp missing business_id", strings.Replace(minimal, "business_id = \"PR\"\n", "", 1), []string{"1: business_id: missing: required for kind tmf677-dxp"}},
		{"dxp missing base_url and client_id", strings.Replace(strings.Replace(minimal, "base_url = \"https://host/dxp-ux/v1/\"\n", "", 1), "client_id = \"cid\"\n", "", 1),
			[]string{"1: base_url: missing: required", "1: client_id: missing: required"}},
		{"cvp missing lob", strings.Replace(cvp, "lob = \"PREPAID\"\n", "", 1), []string{"1: lob: missing: required for kind tmf677-cvp"}},
		{"cvp lower-case market", strings.Replace(cvp, `"JM"`, `"jm"`, 1), []string{"5: business_id: \"jm\" must be a market code of 2 capital letters"}},
		{"cvp 3-letter market", strings.Replace(cvp, `"JM"`, `"JAM"`, 1), []string{"5: business_id: \"JAM\" must be a market code"}},
		{"dxp business_id with slash", strings.Replace(minimal, `"PR"`, `"P/R"`, 1), []string{"5: business_id: \"P/R\" must be letters and digits only"}},
		{"empty lob", strings.Replace(cvp, `"PREPAID"`, `""`, 1), []string{"6: lob: must be a non-empty single-line string"}},
		{"missing secret", strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"\n", "", 1), []string{"1: client_secret_env: missing: set client_secret_env"}},
		{"unset secret env", strings.Replace(minimal, "LLA_SECRET", "NOT_SET", 1), []string{"7: client_secret_env: environment variable NOT_SET is unset or empty (provider \"lla-pr\")"}},
		{"empty secret env", strings.Replace(minimal, "LLA_SECRET", "EMPTY", 1), []string{"7: client_secret_env: environment variable EMPTY is unset or empty"}},
		{"bad env name", strings.Replace(minimal, "LLA_SECRET", "$LLA_SECRET", 1), []string{"7: client_secret_env: \"$LLA_SECRET\" is not an environment variable name"}},
		{"two secret sources", minimal + "client_secret_file = \"/x\"\n", []string{"8: client_secret_file: set only one of client_secret_env, client_secret_file"}},
		{"unreadable secret file", strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret_file = \"/nonexistent/secret\"", 1),
			[]string{"7: client_secret_file: cannot read /nonexistent/secret: no such file or directory"}},
		{"syntax error", minimal + "timeout = \"10s\n", []string{"8: timeout: invalid TOML: "}},
		{"duplicate key", minimal + "client_id = \"again\"\n", []string{"8: client_id: invalid TOML: "}},
		{"quoted and dotted keys located", "\"operator\" = 1\nmask_identifiers.x = 1\n" + minimal,
			[]string{"1: operator: must be a string", "2: mask_identifiers: must be true or false, not a table"}},
		{"multi-line string does not confuse lines", "operator = \"\"\"\nreadonly = 1\n\"\"\"\nreadonly = 1\n" + minimal,
			[]string{"1: operator: must be at most 64 printable characters", "4: readonly: must be true or false, not a number"}},
		{"second provider located", minimal + "\n# comment\n" + strings.Replace(orange, "\"o\"", "\"o\"\ncolour = 1", 1),
			[]string{"12: colour: unknown key (provider \"o\")"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("cfg.toml", []byte(tc.text), testEnv(env))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.text)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *config.Error", err)
			}
			msg := err.Error()
			lines := strings.Split(msg, "\n")
			if len(lines) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(lines), len(tc.want), msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, "cfg.toml:"+w) {
					t.Errorf("missing %q in:\n%s", "cfg.toml:"+w, msg)
				}
			}
			for _, l := range lines {
				if !regexp.MustCompile(`^cfg\.toml:\d+: [A-Za-z_.-]+: \S`).MatchString(l) {
					t.Errorf("line not FILE:LINE: KEY: message: %q", l)
				}
			}
		})
	}
}

// TestEveryProblemAtOnce: one error lists every problem, in file order.
func TestEveryProblemAtOnce(t *testing.T) {
	text := `readonyl = true
environment = "staging"
[[provider]]
name = "a"
kind = "nope"
[[provider]]
name = "a"
kind = "tmf677-cvp"
base_url = "ftp://x"
business_id = "jm"
client_id = "c"
client_secret_env = "UNSET"
timeout = "soon"
`
	_, err := Parse("f.toml", []byte(text), testEnv(nil))
	if err == nil {
		t.Fatal("accepted")
	}
	want := []string{
		"f.toml:1: readonyl: unknown key (did you mean readonly?)",
		`f.toml:2: environment: must be "demo", "sandbox" or "production", not "staging"`,
		`f.toml:3: base_url: missing`, // the first provider, unknown kind: no per-kind checks…
	}
	got := strings.Split(err.Error(), "\n")
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("first problems:\n%s", err)
	}
	for _, frag := range []string{
		`f.toml:5: kind: unknown kind "nope"`,
		`f.toml:7: name: duplicate provider name "a" (first used on line 4)`,
		`f.toml:9: base_url: must be an http:// or https:// URL (provider "a")`,
		`f.toml:10: business_id: "jm" must be a market code`,
		`f.toml:12: client_secret_env: environment variable UNSET is unset or empty`,
		`f.toml:13: timeout: invalid duration "soon"`,
		`f.toml:6: lob: missing: required for kind tmf677-cvp`,
	} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("missing %q in:\n%s", frag, err)
		}
	}
	if strings.Contains(err.Error(), want[2]) {
		t.Errorf("per-kind checks ran for an unknown kind:\n%s", err)
	}
	for i := 1; i < len(got); i++ {
		if lineOf(got[i-1]) > lineOf(got[i]) {
			t.Errorf("problems out of file order:\n%s", err)
		}
	}
}

func lineOf(problem string) int {
	var n int
	parts := strings.SplitN(problem, ":", 3)
	fmt.Sscan(parts[1], &n)
	return n
}

// TestSecretNeverInErrors plants a canary secret in every place a secret can
// come from and checks no error message, and no printed Config, contains it.
func TestSecretNeverInErrors(t *testing.T) {
	const canary = "CANARY-7f3a9c-secret"
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("\n "+canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := testEnv(map[string]string{"SECRET": canary})
	literal := strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret = \""+canary+"\"", 1)
	bad := []struct {
		name, text string
		mode       os.FileMode
	}{
		{"literal in a group-readable file", literal, 0o640},
		{"literal in a world-readable file", literal, 0o644},
		{"literal and env", literal + "client_secret_env = \"SECRET\"\n", 0o600},
		{"literal with another problem", literal + "timeout = \"x\"\n", 0o600},
		{"unquoted literal (syntax error)", strings.Replace(literal, `"`+canary+`"`, canary, 1), 0o600},
		{"unterminated literal", strings.Replace(literal, `"`+canary+`"`, `"`+canary, 1), 0o600},
		{"literal of wrong type", strings.Replace(literal, `"`+canary+`"`, `[`+`"`+canary+`"]`, 1), 0o600},
		{"env secret with another problem", strings.Replace(minimal, "LLA_SECRET", "SECRET", 1) + "stock_low = 1\n", 0o600},
		{"file secret with another problem", strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret_file = \""+secretFile+"\"", 1) + "bogus = 1\n", 0o600},
		{"secret in a URL", strings.Replace(minimal, "https://host/", "https://user:"+canary+"@host/", 1), 0o600},
		{"secret as an unknown key's value", minimal + "client_secrte = \"" + canary + "\"\n", 0o600},
	}
	for _, tc := range bad {
		path := writeConfig(t, tc.text, tc.mode)
		_, err := Parse(path, []byte(tc.text), env)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if strings.Contains(err.Error(), canary) || strings.Contains(err.Error(), "7f3a9c") {
			t.Errorf("%s: secret leaked in error:\n%v", tc.name, err)
		}
	}
	// Accepted configs: the secret is usable but never printed.
	for _, text := range []string{
		strings.Replace(minimal, "LLA_SECRET", "SECRET", 1),
		strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret_file = \""+secretFile+"\"", 1),
		literal,
	} {
		path := writeConfig(t, text, 0o600)
		c, err := Parse(path, []byte(text), env)
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		if got := c.Providers[0].ClientSecret.Reveal(); got != canary {
			t.Errorf("Reveal() = %q", got)
		}
		js, _ := json.Marshal(c)
		for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", *c), fmt.Sprintf("%v", c.Providers), string(js)} {
			if strings.Contains(out, canary) {
				t.Errorf("secret printed: %s", out)
			}
			if !strings.Contains(out, "[REDACTED]") {
				t.Errorf("secret not masked: %s", out)
			}
		}
	}
}

func TestLiteralSecretFileMode(t *testing.T) {
	text := strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret = \"lit3ral\"", 1)
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o700, true}, {0o640, false}, {0o604, false}, {0o644, false}, {0o660, false}} {
		path := writeConfig(t, text, tc.mode)
		c, err := Load(path)
		if tc.ok {
			if err != nil {
				t.Errorf("mode %04o rejected: %v", tc.mode, err)
			} else if c.Providers[0].ClientSecret.Reveal() != "lit3ral" {
				t.Errorf("mode %04o: secret %q", tc.mode, c.Providers[0].ClientSecret.Reveal())
			}
			continue
		}
		want := fmt.Sprintf("%s:7: client_secret: a literal secret is accepted only in a file readable by its owner alone (mode is %04o): run chmod 600 %s, or use client_secret_env", path, tc.mode, path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("mode %04o: got %v\nwant %s", tc.mode, err, want)
		}
	}
	// Without a file there is no mode to check: refused.
	if _, err := Parse("", []byte(text), testEnv(nil)); err == nil || !strings.Contains(err.Error(), "config:7: client_secret: a literal secret needs a config file") {
		t.Errorf("no file: %v", err)
	}
}

func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.txt"), []byte("\t file-secret \n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	for _, tc := range []struct{ file, want, err string }{
		{"s.txt", "file-secret", ""}, // relative to the config file's directory
		{filepath.Join(dir, "s.txt"), "file-secret", ""},
		{"empty.txt", "", filepath.Join(dir, "empty.txt") + " is empty"},
		{".", "", "it is a directory"},
		{"/dev/null", "", "not a regular file"},
		{"missing.txt", "", "cannot read " + filepath.Join(dir, "missing.txt") + ": no such file or directory"},
	} {
		text := strings.Replace(minimal, "client_secret_env = \"LLA_SECRET\"", "client_secret_file = \""+tc.file+"\"", 1)
		c, err := Parse(cfg, []byte(text), testEnv(nil))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), ":7: client_secret_file: ") || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want %q", tc.file, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if got := c.Providers[0].ClientSecret.Reveal(); got != tc.want {
			t.Errorf("%s: secret %q, want %q", tc.file, got, tc.want)
		}
	}
}

func TestSecretFormatting(t *testing.T) {
	s := Secret("hunter2-long")
	outs := []string{
		s.String(), s.GoString(),
		fmt.Sprintf("%s|%v|%q|%x|%X|%d|%+v|%#v|%10s|%T", s, s, s, s, s, s, s, s, s, 0),
		fmt.Sprint(s), fmt.Sprintf("%v", struct{ S Secret }{s}), fmt.Sprintf("%#v", struct{ S Secret }{s}),
		fmt.Sprintf("%v", &struct{ S Secret }{s}), fmt.Sprintf("%v", []Secret{s}), fmt.Sprintf("%v", map[string]Secret{"k": s}),
	}
	js, err := json.Marshal(map[string]any{"s": s, "p": Provider{ClientSecret: s}})
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := s.MarshalText()
	outs = append(outs, string(js), string(txt))
	for _, o := range outs {
		if strings.Contains(o, "hunter2") {
			t.Errorf("secret printed: %s", o)
		}
		if !strings.Contains(o, "[REDACTED]") {
			t.Errorf("no mask in %q", o)
		}
	}
	if s.Reveal() != "hunter2-long" {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

func TestDuration(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.Duration != 90*time.Second {
		t.Fatalf("got %v, %v", d, err)
	}
	b, _ := d.MarshalText()
	if string(b) != "1m30s" {
		t.Errorf("MarshalText = %s", b)
	}
	for _, bad := range []string{"", "10", "ten", "1x"} {
		if err := d.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("HOME", filepath.Join(dir, "home"))
	t.Setenv("SIMDESK_CONFIG", "")

	// Nothing anywhere: the default path, not found, no error → demo.
	path, found, err := Discover("")
	if err != nil || found || path != filepath.Join(dir, "xdg", "simdesk", "config.toml") {
		t.Fatalf("empty: %q %v %v", path, found, err)
	}
	// XDG_CONFIG_HOME unset → ~/.config.
	t.Setenv("XDG_CONFIG_HOME", "")
	if path, _, _ := Discover(""); path != filepath.Join(dir, "home", ".config", "simdesk", "config.toml") {
		t.Errorf("home default: %q", path)
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))

	def := filepath.Join(dir, "xdg", "simdesk", "config.toml")
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if path, found, err := Discover(""); err != nil || !found || path != def {
		t.Errorf("default present: %q %v %v", path, found, err)
	}

	env := filepath.Join(dir, "env.toml")
	if err := os.WriteFile(env, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIMDESK_CONFIG", env)
	if path, found, err := Discover(""); err != nil || !found || path != env {
		t.Errorf("$SIMDESK_CONFIG: %q %v %v", path, found, err)
	}
	explicit := filepath.Join(dir, "explicit.toml")
	if err := os.WriteFile(explicit, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if path, found, err := Discover(explicit); err != nil || !found || path != explicit {
		t.Errorf("--config wins: %q %v %v", path, found, err)
	}

	// A named file that does not exist is an error, never the demo.
	if _, _, err := Discover(filepath.Join(dir, "typo.toml")); err == nil || !strings.Contains(err.Error(), "typo.toml (from --config) does not exist") {
		t.Errorf("missing --config: %v", err)
	}
	t.Setenv("SIMDESK_CONFIG", filepath.Join(dir, "gone.toml"))
	if _, _, err := Discover(""); err == nil || !strings.Contains(err.Error(), "gone.toml (from $SIMDESK_CONFIG) does not exist") {
		t.Errorf("missing $SIMDESK_CONFIG: %v", err)
	}
	if _, _, err := Discover(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestLoad(t *testing.T) {
	t.Setenv("LLA_SECRET", "from-env")
	t.Setenv("USER", "dora")
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	path := writeConfig(t, minimal, 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != path || c.Operator != "dora" || c.Providers[0].ClientSecret.Reveal() != "from-env" ||
		c.Journal != filepath.Join(os.Getenv("XDG_STATE_HOME"), "simdesk", "journal.jsonl") {
		t.Errorf("%+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	big := writeConfig(t, "# "+strings.Repeat("x", maxConfigSize)+"\n", 0o600)
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge file: %v", err)
	}
}

func TestDemo(t *testing.T) {
	c := Demo(testEnv(map[string]string{"USER": "eve", "XDG_STATE_HOME": "/s"}))
	if c.Path != "" || c.Environment != EnvDemo || c.Operator != "eve" || c.Journal != "/s/simdesk/demo-journal.jsonl" ||
		c.DuplicateWindow != DefaultDuplicateWindow || len(c.Providers) != 0 {
		t.Errorf("%+v", c)
	}
	p := Provider{Name: "x", Kind: "tmf677-cvp", BaseURL: "http://h/v1/"}.WithDefaults()
	if p.ChannelID != "ivrB2C" || p.TargetSystem != "matrixx" || p.Timeout != DefaultTimeout || p.BaseURL != "http://h/v1" {
		t.Errorf("WithDefaults: %+v", p)
	}
}

func TestScanKeyLines(t *testing.T) {
	text := `# header comment
operator = "a"   # trailing
"quoted key" = 1
dotted.key = 2
note = '''
name = "not a key"
'''
[[provider]]
  name = "p1"
[provider.sub]
inner = 1
[[ provider ]]
kind = "k"
list = [
  "a = b",
]
[other]
x = 1
`
	kl := scanKeyLines(text)
	top := map[string]int{"operator": 2, "quoted key": 3, "dotted": 4, "note": 5, "other": 17}
	for k, want := range top {
		if kl.top[k] != want {
			t.Errorf("top %q at %d, want %d", k, kl.top[k], want)
		}
	}
	if _, ok := kl.top["name"]; ok {
		t.Error("a line inside a multi-line string was taken for a key")
	}
	if _, ok := kl.top["x"]; ok {
		t.Error("a key of [other] was taken for a top-level key")
	}
	if len(kl.providers) != 2 || kl.providers[0].header != 8 || kl.providers[1].header != 12 {
		t.Fatalf("providers: %+v", kl.providers)
	}
	if kl.providers[0].keys["name"] != 9 || kl.providers[0].keys["sub"] != 10 || kl.providers[0].keys["inner"] != 0 {
		t.Errorf("provider 1 keys: %v", kl.providers[0].keys)
	}
	if kl.providers[1].keys["kind"] != 13 || kl.providers[1].keys["list"] != 14 || len(kl.providers[1].keys) != 2 {
		t.Errorf("provider 2 keys: %v", kl.providers[1].keys)
	}
}

func TestInlineProviders(t *testing.T) {
	text := "provider = [{name = \"a\", kind = \"tmf677-dxp\", base_url = \"https://h\", business_id = \"PR\", client_id = \"c\", client_secret_env = \"S\", bogus = 1}]\n"
	_, err := Parse("i.toml", []byte(text), testEnv(map[string]string{"S": "x"}))
	if err == nil || err.Error() != `i.toml:1: bogus: unknown key (provider "a")` {
		t.Errorf("got %v", err)
	}
}

// TestTopupTarget: topup_target defaults to true for tmf654 and false for
// the usage kinds, either way can be set, and must be a boolean.
func TestTopupTarget(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "s"})
	tmf654 := "[[provider]]\nname = \"bal\"\nkind = \"tmf654\"\nbase_url = \"https://h/v4\"\nclient_id = \"c\"\nclient_secret_env = \"LLA_SECRET\"\nmax_amount = 100\n"
	for _, tc := range []struct {
		text string
		want bool
	}{
		{minimal, false},
		{minimal + "topup_target = true\n", true},
		{tmf654, true},
		{tmf654 + "topup_target = false\n", false},
	} {
		c, err := Parse("c.toml", []byte(tc.text), env)
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if got := c.Providers[0].TopupTarget; got != tc.want {
			t.Errorf("%q: topup_target %v, want %v", tc.text, got, tc.want)
		}
	}
	if _, err := Parse("c.toml", []byte(minimal+"topup_target = \"yes\"\n"), env); err == nil || !strings.Contains(err.Error(), "topup_target: must be true or false") {
		t.Errorf("a string topup_target: %v", err)
	}
}
