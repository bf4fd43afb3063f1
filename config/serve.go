package config

import (
	"fmt"
	"path/filepath"
	"strconv"
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

	MaxSessionsPerOperator int           // sessions of one operator at once; 0: the server's default
	LoginGrace             time.Duration // handshake and login must end within it; 0: the server's default
	MaxStartups            MaxStartups   // connections not logged in yet; zero: the server's default
	MaxStartupsPerAddress  int           // of those, from one address; 0: the server's default
}

// MaxStartups is OpenSSH's start:rate:full for connections not logged in
// yet: from Start on, a new one is dropped with a probability rising from
// Rate percent to 100 at Full.
type MaxStartups struct{ Start, Rate, Full int }

var serveKeys = []string{"listen", "host_key", "operators", "idle_timeout", "max_sessions", "revoked_keys", "log_format", "metrics_listen",
	"max_sessions_per_operator", "login_grace", "max_startups", "max_startups_per_address"}

// ParseMaxStartups reads "start:rate:full" (e.g. "10:30:100") or a single
// number N ("N:100:N": every new connection past N is dropped).
func ParseMaxStartups(s string) (MaxStartups, error) {
	const want = "must be \"start:rate:full\" (e.g. \"10:30:100\") or one number"
	var n []int
	for _, p := range strings.Split(s, ":") {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return MaxStartups{}, fmt.Errorf("%s, not %q", want, clipValue(s))
		}
		n = append(n, v)
	}
	var m MaxStartups
	switch len(n) {
	case 1:
		m = MaxStartups{Start: n[0], Rate: 100, Full: n[0]}
	case 3:
		m = MaxStartups{Start: n[0], Rate: n[1], Full: n[2]}
	default:
		return MaxStartups{}, fmt.Errorf("%s, not %q", want, clipValue(s))
	}
	switch {
	case m.Start < 1 || m.Full > 100000:
		return MaxStartups{}, fmt.Errorf("start must be at least 1 and full at most 100000, not %q", clipValue(s))
	case m.Full < m.Start:
		return MaxStartups{}, fmt.Errorf("full must not be below start, not %q", clipValue(s))
	case m.Rate < 1 || m.Rate > 100:
		return MaxStartups{}, fmt.Errorf("rate is a percentage from 1 to 100, not %q", clipValue(s))
	}
	return m, nil
}

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
	if n, ok := t.count("max_sessions"); ok {
		s.MaxSessions = n
	}
	s.MetricsListen = metricsListen(t)
	serveLogin(t, &s)
	return s
}

// serveLogin reads the settings of the caps before and after login.
func serveLogin(t *table, s *Serve) {
	if n, ok := t.count("max_sessions_per_operator"); ok {
		s.MaxSessionsPerOperator = n
	}
	if d, ok := t.duration("login_grace"); ok {
		if d < time.Second || d > 10*time.Minute {
			t.bad("login_grace", "must be between 1s and 10m")
		} else {
			s.LoginGrace = d
		}
	}
	if raw, ok := t.m["max_startups"]; ok {
		text := fmt.Sprint(raw)
		if _, str := raw.(string); !str {
			if _, num := raw.(int64); !num {
				text = "?"
			}
		}
		if m, err := ParseMaxStartups(text); err != nil {
			t.bad("max_startups", "%v", err)
		} else {
			s.MaxStartups = m
		}
	}
	if n, ok := t.count("max_startups_per_address"); ok {
		s.MaxStartupsPerAddress = n
	}
}

// count reads a whole number of things from 1 to 10000 (sessions,
// connections): anything else is a bad line.
func (t *table) count(key string) (int, bool) {
	n, ok := t.integer(key)
	if ok && (n < 1 || n > 10000) {
		t.bad(key, "must be between 1 and 10000, not %d", n)
		return 0, false
	}
	return int(n), ok
}
