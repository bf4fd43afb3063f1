package config

import (
	"path/filepath"
	"strings"
	"time"
)

// Serve is the [serve] table: the settings of simdesk serve. Flags given to
// simdesk serve win over it.
type Serve struct {
	Listen      string        // address to listen on, ":2222" by default
	HostKey     string        // the ed25519 host key, generated there on first start
	Operators   string        // the operators file (authorized_keys with operator= and role=)
	IdleTimeout time.Duration // a console left without a key press this long is closed; 0: the server's default
	MaxSessions int           // sessions at once; 0: the server's default
	RevokedKeys string        // SHA256 fingerprints of keys and CAs refused whatever the operators file says; none if ""
	LogFormat   string        // serve.log and access.log: "json" or "text"; "": the server's default (json)
	// MetricsListen is the address of /metrics, /healthz and /readyz;
	// "" (the default) serves none.
	MetricsListen string
}

var serveKeys = []string{"listen", "host_key", "operators", "idle_timeout", "max_sessions", "revoked_keys", "log_format", "metrics_listen"}

// StateDir is simdesk's state directory: $XDG_STATE_HOME/simdesk, else
// ~/.local/state/simdesk. simdesk serve keeps its host key and logs there.
func StateDir(env func(string) string) string { return stateDir(env) }

// DefaultServe is [serve] when the file has none (and in the demo).
func DefaultServe(env func(string) string) Serve {
	return Serve{Listen: ":2222", HostKey: filepath.Join(stateDir(env), "serve", "host_key", "ssh_host_ed25519_key")}
}

// serve reads the optional [serve] table.
func (p *parser) serve(top *table) Serve {
	s := DefaultServe(p.env)
	raw, ok := top.m["serve"]
	if !ok {
		return s
	}
	m, ok := raw.(map[string]any)
	if !ok {
		top.bad("serve", "must be a table ([serve]), not %s", tomlType(raw))
		return s
	}
	t := &table{p: p, m: m, lines: map[string]int{}, fallback: top.line("serve"), ctx: " (in [serve])"}
	t.unknown(serveKeys, nil)
	if v, ok := t.str("listen"); ok {
		if strings.TrimSpace(v) == "" || !strings.Contains(v, ":") {
			t.bad("listen", "must be an address such as \":2222\" or \"127.0.0.1:2222\", not %q", clipValue(v))
		} else {
			s.Listen = v
		}
	}
	s.HostKey = p.pathKey(t, "host_key", s.HostKey)
	s.Operators = p.pathKey(t, "operators", "")
	s.RevokedKeys = p.pathKey(t, "revoked_keys", "")
	if v, ok := t.str("log_format"); ok {
		switch v {
		case "json", "text":
			s.LogFormat = v
		default:
			t.bad("log_format", "must be \"json\" or \"text\", not %q", clipValue(v))
		}
	}
	if d, ok := t.duration("idle_timeout"); ok {
		if d < time.Minute {
			t.bad("idle_timeout", "must be at least 1m")
		} else {
			s.IdleTimeout = d
		}
	}
	if n, ok := t.integer("max_sessions"); ok {
		if n < 1 || n > 10000 {
			t.bad("max_sessions", "must be between 1 and 10000, not %d", n)
		} else {
			s.MaxSessions = int(n)
		}
	}
	s.MetricsListen = metricsListen(t)
	return s
}
