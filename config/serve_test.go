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
`), env)
	if err != nil {
		t.Fatal(err)
	}
	want := Serve{Listen: "127.0.0.1:2200", Operators: "/etc/simdesk/operators", HostKey: "/home/ops/keys/host", IdleTimeout: 15 * time.Minute, MaxSessions: 20,
		RevokedKeys: "/etc/simdesk/revoked_keys", LogFormat: "text"}
	if c.Serve != want {
		t.Errorf("serve %+v, want %+v", c.Serve, want)
	}
	c, err = Parse("/etc/simdesk/config.toml", []byte(minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.Listen != ":2222" || c.Serve.HostKey != "/state/simdesk/serve/host_key/ssh_host_ed25519_key" || c.Serve.Operators != "" || c.Serve.RevokedKeys != "" || c.Serve.LogFormat != "" {
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
`), env)
	if err == nil {
		t.Fatal("bad [serve] accepted")
	}
	for _, w := range []string{"listen: must be an address", "idle_timeout: must be at least 1m", "max_sessions: must be between 1 and 10000", "operator: unknown key", "revoked_keys: must not be empty", "log_format: must be \"json\" or \"text\""} {
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
