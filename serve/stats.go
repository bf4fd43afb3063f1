package serve

import (
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"
)

// Refusal reasons, as RefusalsByReason counts them.
const (
	RefusedUnknownKey    = "unknown_key"               // a key not in the operators file
	RefusedOperatorsFile = "operators_file"            // the operators file was refused: nobody is let in
	RefusedRate          = "rate"                      // too many new sessions from one address
	RefusedMaxSessions   = "max_sessions"              // every session in use
	RefusedPerOperator   = "max_sessions_per_operator" // the operator holds their share
	// RefusedPerOperatorConns: the operator holds their share of
	// connections (max_sessions_per_operator of them, sessions open or not).
	RefusedPerOperatorConns = "connections_per_operator"
	RefusedShuttingDown     = "shutting_down" // a session asked for during a shutdown
	RefusedMaxStartups      = "max_startups"  // too many connections not logged in yet
	RefusedPerAddress       = "per_address"   // too many of them from one address
	RefusedLoginGrace       = "login_grace"   // no login within login_grace
	RefusedCommand          = "command"       // the over-SSH command filter said no
)

// refusalLogEvery is how often one kind of refusal may write a log line: a
// flood is refused at the rate it arrives, but the log says so once per
// period, with the count, not once per connection.
const refusalLogEvery = 10 * time.Second

// refusals counts every refusal by reason and keeps the log of them to a
// line per reason and period.
type refusals struct {
	mu     sync.Mutex
	count  map[string]uint64
	logged map[string]time.Time // when the last line for a reason was written
	quiet  map[string]uint64    // refusals of a reason since its last line
}

// SessionsByRole is the number of open sessions per role (viewer, agent,
// supervisor), consoles and headless commands alike. Safe for concurrent
// use; a metrics collector calls it at each scrape.
func (s *Server) SessionsByRole() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, ss := range s.sessions {
		out[string(ss.op.Role)]++
	}
	return out
}

// RefusalsByReason is how many connections, logins, sessions and commands
// were refused since the start, by reason (RefusedRate, …). Safe for
// concurrent use.
func (s *Server) RefusalsByReason() map[string]uint64 {
	s.refused.mu.Lock()
	defer s.refused.mu.Unlock()
	return maps.Clone(s.refused.count)
}

func (r *refusals) add(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.count == nil {
		r.count = map[string]uint64{}
	}
	r.count[reason]++
}

// refuseLog counts one refusal and logs it (logRefusal).
func (s *Server) refuseLog(reason, format string, a ...any) {
	s.refused.add(reason)
	s.logRefusal(reason, format, a...)
}

// logRefusal writes a refusal's log line unless a line for the same reason
// was written less than refusalLogEvery ago; the next line then says how
// many went unlogged.
func (s *Server) logRefusal(reason, format string, a ...any) {
	quiet, ok := s.refused.mayLog(reason, s.now())
	if !ok {
		return
	}
	s.log.Warn("refused", slog.String("reason", reason), slog.String("detail", fmt.Sprintf(format, a...)), slog.Uint64("unlogged", quiet))
}

// mayLog reports whether a line for reason may be written now, and how
// many refusals of that reason went unlogged since the last one.
func (r *refusals) mayLog(reason string, now time.Time) (quiet uint64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.logged == nil {
		r.logged, r.quiet = map[string]time.Time{}, map[string]uint64{}
	}
	if last, seen := r.logged[reason]; seen && now.Sub(last) < refusalLogEvery {
		r.quiet[reason]++
		return 0, false
	}
	quiet = r.quiet[reason]
	r.logged[reason], r.quiet[reason] = now, 0
	return quiet, true
}

// loginDefaults fills in the settings of the login and session caps.
func loginDefaults(o Options) Options {
	if o.LoginGrace <= 0 {
		o.LoginGrace = DefaultLoginGrace
	}
	if o.MaxStartups == (MaxStartups{}) {
		o.MaxStartups = DefaultMaxStartups
	}
	if o.MaxStartupsPerAddress <= 0 {
		o.MaxStartupsPerAddress = DefaultMaxStartupsPerAddress
	}
	if o.MaxSessionsPerOperator <= 0 {
		o.MaxSessionsPerOperator = DefaultMaxSessionsPerOperator
	}
	return o
}
