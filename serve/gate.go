package serve

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// MaxStartups is OpenSSH's start:rate:full for connections that have not
// logged in yet: below Start every one is let in; from Start on, a new one
// is dropped with a probability rising from Rate percent to 100 at Full.
// (config.ParseMaxStartups reads the setting.)
type MaxStartups struct{ Start, Rate, Full int }

// DefaultMaxStartups is OpenSSH's default.
var DefaultMaxStartups = MaxStartups{Start: 10, Rate: 30, Full: 100}

func (m MaxStartups) String() string { return fmt.Sprintf("%d:%d:%d", m.Start, m.Rate, m.Full) }

func (m MaxStartups) check() error {
	if m.Start < 1 || m.Full < m.Start || m.Rate < 1 || m.Rate > 100 {
		return fmt.Errorf("serve: max_startups %s: want 1 ≤ start ≤ full and a rate from 1 to 100", m)
	}
	return nil
}

// gate counts the connections that have not logged in yet, in total and
// per address, and refuses new ones past the caps before any SSH work is
// done for them: a silent connection holds a file descriptor and two
// goroutines until login_grace ends it, so without a cap anyone who can
// reach the port could use up the process's descriptors and lock every
// operator out without logging in.
type gate struct {
	mu      sync.Mutex
	max     MaxStartups
	perAddr int
	n       int
	byAddr  map[string]int
	conns   map[*gateConn]struct{}
	drop    func(percent int) bool // random early drop: true with that probability
	closed  func(*gateConn)        // told when a connection closes (the server's per-operator count)
}

func newGate(m MaxStartups, perAddr int) *gate {
	return &gate{max: m, perAddr: perAddr, byAddr: map[string]int{}, conns: map[*gateConn]struct{}{},
		drop: func(p int) bool { return rand.IntN(100) < p }}
}

// enter admits a new connection from addr, or says why not (a refusal
// reason).
func (g *gate) enter(c net.Conn, addr string) (*gateConn, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.byAddr[addr] >= g.perAddr:
		return nil, RefusedPerAddress
	case g.n >= g.max.Full:
		return nil, RefusedMaxStartups
	case g.n >= g.max.Start && g.drop(g.dropPercent()):
		return nil, RefusedMaxStartups
	}
	g.n++
	g.byAddr[addr]++
	gc := &gateConn{Conn: c, g: g, addr: addr}
	g.conns[gc] = struct{}{}
	return gc, ""
}

// dropPercent is OpenSSH's: rate at start, rising linearly to 100 at full.
func (g *gate) dropPercent() int {
	if g.max.Full == g.max.Start {
		return 100
	}
	return g.max.Rate + (100-g.max.Rate)*(g.n-g.max.Start)/(g.max.Full-g.max.Start)
}

// leave releases a connection's place: it logged in, or it closed.
func (g *gate) leave(gc *gateConn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.conns[gc]; !ok {
		return
	}
	delete(g.conns, gc)
	g.n--
	if g.byAddr[gc.addr]--; g.byAddr[gc.addr] <= 0 {
		delete(g.byAddr, gc.addr)
	}
}

// pending is the number of connections not logged in yet.
func (g *gate) pending() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// closeAll closes every connection not logged in yet (a shutdown: the SSH
// server only knows, and closes, the connections that logged in).
func (g *gate) closeAll() {
	g.mu.Lock()
	cs := make([]*gateConn, 0, len(g.conns))
	for gc := range g.conns {
		cs = append(cs, gc)
	}
	g.mu.Unlock()
	for _, gc := range cs {
		_ = gc.Close()
	}
}

// gateConn is a connection holding a place at the gate until it logs in or
// closes.
type gateConn struct {
	net.Conn
	g      *gate
	addr   string
	used   atomic.Bool // a session was opened on it
	shut   atomic.Bool // Close was called
	op     string      // the operator it is counted against (guarded by Server.mu)
	closer sync.Once
}

func (c *gateConn) Close() error {
	c.shut.Store(true)
	c.g.leave(c)
	c.closer.Do(func() {
		if c.g.closed != nil {
			c.g.closed(c)
		}
	})
	return c.Conn.Close()
}

// sourceOf is what a connection counts against in max_startups_per_address:
// its IPv4 address, or the /64 of an IPv6 one (one subscriber or host is
// commonly given a whole /64: counted per address, it would hold as many
// places as it has addresses).
func sourceOf(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || ta.IP.To4() != nil || ta.IP.To16() == nil {
		return hostOf(a)
	}
	return ta.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// gateKey holds a connection's gateConn in its SSH context.
type gateKey struct{}

// connCallback admits or refuses a new TCP connection at the gate.
func (s *Server) connCallback(ctx ssh.Context, c net.Conn) net.Conn {
	addr := sourceOf(c.RemoteAddr())
	gc, why := s.gate.enter(c, addr)
	if gc == nil {
		switch why {
		case RefusedPerAddress:
			s.refuseLog(why, "a connection from %s: %d not logged in yet from that address (max_startups_per_address)", addr, s.gate.perAddr)
		default:
			s.refuseLog(why, "a connection from %s: %d connections not logged in yet (max_startups %s)", addr, s.gate.pending(), s.gate.max)
		}
		return nil
	}
	ctx.SetValue(gateKey{}, gc)
	return gc
}

// serverConfig gives each connection an x/crypto configuration whose auth
// log tells the gate when the connection logged in (its place is then
// free for others). A connection that logged in must open a session within
// login_grace too, or it is closed: one that never does would hold a
// descriptor and its goroutines counted nowhere else (max_sessions counts
// sessions), and a listed key could open thousands.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
		if err != nil {
			return
		}
		gc, ok := ctx.Value(gateKey{}).(*gateConn)
		if !ok {
			return
		}
		gc.g.leave(gc)
		time.AfterFunc(s.o.LoginGrace, func() {
			if !gc.used.Load() && !gc.shut.Load() {
				s.refuseLog(RefusedLoginGrace, "%s logged in but opened no session within %s", gc.addr, s.o.LoginGrace)
				_ = gc.Close()
			}
		})
	}}
}

// claimConn counts the session's connection against its operator, the
// first time a session is opened on it: an operator holds at most twice
// max_sessions_per_operator connections, with or without sessions open
// (ssh's ControlMaster keeps one open between sessions; the sessions cap
// is the one an operator meets first), so that one listed key cannot hold
// the server's descriptors either. It returns the refusal reason, or "".
func (s *Server) claimConn(sess ssh.Session, op Operator) string {
	gc, ok := sess.Context().Value(gateKey{}).(*gateConn)
	if !ok {
		return ""
	}
	gc.used.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	if gc.op != "" {
		return ""
	}
	if len(s.opConns[op.Name]) >= s.maxConnsPerOperator() {
		return RefusedPerOperatorConns
	}
	if s.opConns[op.Name] == nil {
		s.opConns[op.Name] = map[*gateConn]struct{}{}
	}
	s.opConns[op.Name][gc] = struct{}{}
	gc.op = op.Name
	return ""
}

func (s *Server) maxConnsPerOperator() int { return 2 * s.o.MaxSessionsPerOperator }

// forgetConn is told when a connection closes.
func (s *Server) forgetConn(gc *gateConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gc.op == "" {
		return
	}
	delete(s.opConns[gc.op], gc)
	if len(s.opConns[gc.op]) == 0 {
		delete(s.opConns, gc.op)
	}
}

// connFailed counts and logs (rate-limited) the connections login_grace
// ended.
func (s *Server) connFailed(c net.Conn, err error) {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		s.refuseLog(RefusedLoginGrace, "%s did not log in within %s", hostOf(c.RemoteAddr()), s.o.LoginGrace)
	}
}
