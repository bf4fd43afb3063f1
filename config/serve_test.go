package config

import (
	"strings"
	"testing"
	"time"
)

func TestServeTable(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/home/ops", "XDG_STATE_HOME": "/state"})
	c, err := Parse("/etc/simdesk/config.toml", []byte(minimal+`
[serve]
listen = "127.0.0.1:2200"
operators = "operators"
host_key = "~/keys/host"
idle_timeout = "15m"
max_sessions = 20
revoked_keys = "/etc/simdesk/revoked_keys"
log_format = "text"
max_sessions_per_operator = 2
login_grace = "10s"
max_startups = "5:50:20"
max_startups_per_address = 2
`), env)
	if err != nil {
		t.Fatal(err)
	}
	want := Serve{Listen: "127.0.0.1:2200", Operators: "/etc/simdesk/operators", HostKey: "/home/ops/keys/host", IdleTimeout: 15 * time.Minute, MaxSessions: 20,
		RevokedKeys: "/etc/simdesk/revoked_keys", LogFormat: "text",
		MaxSessionsPerOperator: 2, LoginGrace: 10 * time.Second, MaxStartups: MaxStartups{5, 50, 20}, MaxStartupsPerAddress: 2}
	if c.Serve != want {
		t.Errorf("serve %+v, want %+v", c.Serve, want)
	}
	c, err = Parse("/etc/simdesk/config.toml", []byte(minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.Listen != ":2222" || c.Serve.HostKey != "/state/simdesk/serve/host_key/ssh_host_ed25519_key" || c.Serve.Operators != "" || c.Serve.RevokedKeys != "" || c.Serve.LogFormat != "" ||

		c.Serve.LoginGrace != 0 || c.Serve.MaxStartups != (MaxStartups{}) || c.Serve.MaxStartupsPerAddress != 0 || c.Serve.MaxSessionsPerOperator != 0 {
		t.Errorf("defaults %+v", c.Serve)
	}
}

func TestServeTableProblems(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/h"})
	_, err := Parse("c.toml", []byte(minimal+`
[serve]
listen = "2222"
idle_timeout = "5s"
max_sessions = 0
operator = "x"
revoked_keys = ""
log_format = "xml"
max_sessions_per_operator = -1
login_grace = "0s"
max_startups = "10:30"
max_startups_per_address = 0
`), env)
	if err == nil {
		t.Fatal("bad [serve] accepted")
	}
	for _, w := range []string{"listen: must be an address", "idle_timeout: must be at least 1m", "max_sessions: must be between 1 and 10000", "operator: unknown key", "revoked_keys: must not be empty", "log_format: must be \"json\" or \"text\"",
		"max_sessions_per_operator: must be between 1 and 10000, not -1", "login_grace: must be between 1s and 10m",
		"max_startups: must be \"start:rate:full\"", "max_startups_per_address: must be between 1 and 10000, not 0"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("no %q in:\n%v", w, err)
		}
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, "c.toml:") {
			t.Errorf("problem without FILE:LINE: %q", line)
		}
	}
}

func TestMaxStartupsSpellings(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/h"})
	for in, want := range map[string]MaxStartups{`"10:30:100"`: {10, 30, 100}, `"5"`: {5, 100, 5}, `7`: {7, 100, 7}, `" 1 : 1 : 1 "`: {1, 1, 1}} {
		c, err := Parse("c.toml", []byte(minimal+"\n[serve]\nmax_startups = "+in+"\n"), env)
		if err != nil || c.Serve.MaxStartups != want {
			t.Errorf("max_startups = %s: %+v %v, want %+v", in, c.Serve.MaxStartups, err, want)
		}
	}
	for _, in := range []string{`""`, `"0"`, `0`, `"10:30"`, `"10:0:100"`, `"10:101:100"`, `"100:30:10"`, `"-1:30:100"`, `"1:2:3:4"`, `"x"`, `"10:30:1000000"`, `1.5`, `true`, `[1]`} {
		_, err := Parse("c.toml", []byte(minimal+"\n[serve]\nmax_startups = "+in+"\n"), env)
		if err == nil || !strings.Contains(err.Error(), "max_startups: ") {
			t.Errorf("max_startups = %s: %v", in, err)
		}
	}
}

// FuzzParseMaxStartups: any text gives a one-line error or a setting the
// server can use (1 ≤ start ≤ full ≤ 100000, rate a percentage).
func FuzzParseMaxStartups(f *testing.F) {
	for _, s := range []string{"10:30:100", "5", "1:1:1", "0:0:0", "9999999999999999999:1:1", "1:-0:1", "+3:+30:+100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMaxStartups(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if m.Start < 1 || m.Full < m.Start || m.Rate < 1 || m.Rate > 100 || m.Full > 100000 {
			t.Errorf("%q gave %+v", s, m)
		}
	})
}
