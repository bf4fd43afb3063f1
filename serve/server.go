// Package serve is `simdesk serve`: the console and the headless commands
// over SSH for a whole shift, as a thin shell around one shared engine and
// one live hub. Public-key authentication only records that the key is in
// the operators file (or is a valid user certificate of one of its CAs) and
// is not revoked; who the operator is and what they may do is resolved for
// each session from the key the handshake verified (never from the SSH
// user name). A session with a PTY gets its own tea.Program; a session with
// a command runs that headless command as its operator; secrets, providers,
// the journal and the logs stay on the server.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/live"
	"simdesk/model"
	"simdesk/ui"
)

// Defaults of the [serve] settings.
const (
	DefaultListen      = ":2222"
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxSessions = 64
	DefaultRate        = 30 // new sessions per client address per minute
	DefaultGrace       = 30 * time.Second
	// DefaultLoginGrace bounds the handshake and authentication of one
	// connection (OpenSSH's LoginGraceTime is 120 s; an operator's ssh logs
	// in within a second, or a few with a passphrase prompt).
	DefaultLoginGrace = 30 * time.Second
	// DefaultMaxStartupsPerAddress caps the connections not logged in yet
	// from one address: a flood from one host holds this many places, and
	// the rest of max_startups stays free for everyone else.
	DefaultMaxStartupsPerAddress = 3
	// DefaultMaxSessionsPerOperator keeps one operator (two consoles, a
	// script) from holding every session.
	DefaultMaxSessionsPerOperator = 4
)

// Stdio is a headless command's streams: the SSH session's.
type Stdio struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Environ        []string // what the client sent with SendEnv, KEY=value
}

// Headless runs one headless command (lookup, stock, topup, journal) with
// the engine acting as the session's operator and returns its exit status.
// The cli package provides it, so that the commands over SSH are the very
// same code, flags, JSON and exit statuses as on the command line.
type Headless func(ctx context.Context, eng *engine.Engine, args []string, io Stdio) int

// Options configure a server. Engine, Hub, Operators, HostKey and StateDir
// are required.
type Options struct {
	Engine      *engine.Engine   // the one engine every session shares
	Hub         *live.Hub        // shared stock and journal, already running
	Listen      string           // address, DefaultListen if ""
	HostKey     string           // the host key file, created if missing
	Operators   string           // the operators file (authorized_keys format, cert-authority lines)
	RevokedKeys string           // the revoked_keys file (SHA256 fingerprints), none if ""
	LogFormat   string           // serve.log and access.log: LogJSON (default) or LogText
	Clock       func() time.Time // certificates are checked against it; time.Now if nil
	StateDir    string           // serve.log and access.log go here
	IdleTimeout time.Duration    // a console with no key pressed for this long is closed
	MaxSessions int              // sessions at once; more are refused politely
	Rate        int              // new sessions per client address per minute
	Grace       time.Duration    // the bound on a shutdown
	ReloadEvery time.Duration    // how often the operators file is checked for changes
	Demo        bool             // the engine runs on the built-in simulator
	Headless    Headless         // runs commands given without a PTY
	Parse       Parser           // reads a command line as Headless will; without it no command runs
	Links       []config.Link    // the team's tools, offered in every console

	// MaxSessionsPerOperator caps the sessions of one operator (all their
	// keys together), DefaultMaxSessionsPerOperator if 0.
	MaxSessionsPerOperator int
	LoginGrace             time.Duration // handshake and authentication must end within it
	MaxStartups            MaxStartups   // connections not logged in yet, DefaultMaxStartups if zero
	MaxStartupsPerAddress  int           // of which from one address, DefaultMaxStartupsPerAddress if 0
}

// Server is a running (or ready) simdesk SSH server.
type Server struct {
	o      Options
	srv    *ssh.Server
	signer gossh.Signer
	log    *slog.Logger // serve.log
	// logf writes a plain message as one record of serve.log (its msg);
	// new code logs through log, with attributes.
	logf    *log.Logger
	logw    io.Closer
	access  *AccessLog
	ops     atomic.Pointer[Operators]
	revoked atomic.Pointer[Revoked] // nil: no revoked_keys file
	// the operators and revoked_keys files' stamps, owned by watch
	opsWatch, revWatch *fileWatch
	limit              *limiter
	gate               *gate
	now                func() time.Time // the clock of the refusal log's rate limit

	refused refusals
	// opsRefused says why the operators file was refused on its last
	// reload (nobody is let in until it is fixed), "" when it was not.
	opsRefused atomic.Pointer[string]

	hard   context.Context // commands run under it: only the bound of a shutdown cancels it
	cancel context.CancelFunc
	stop   chan struct{} // ends the operators watcher
	wg     sync.WaitGroup

	mu      sync.Mutex
	closing bool
	// lns are the listeners Serve was given: Shutdown closes them itself,
	// since a Shutdown that runs before the SSH server has registered a
	// listener left Serve blocked in Accept for ever.
	lns      []net.Listener
	sessions map[ssh.Session]*session
	headless int // headless commands running
	// opConns are the logged-in connections of each operator (claimConn).
	opConns map[string]map[*gateConn]struct{}
}

// session is one SSH session with its operator.
type session struct {
	id      string // the session's id in both logs
	request string // the headless command's id in both logs; "" for a console
	op      Operator
	key     gossh.PublicKey
	addr    string
	eng     *engine.Engine
	prog    *tea.Program // nil for a headless command
	ui      *ui.Model    // the console, left from the hub when the session ends
	end     string       // why the server ended it, printed after the console closes
}

// ErrShuttingDown refuses actions once a shutdown began.
var ErrShuttingDown = errors.New("simdesk is shutting down: no new lookups or top-ups")

// New checks the operators file (every bad line is reported, and nothing
// starts), reads or creates the host key and opens the logs. It does not
// listen yet.
func New(o Options) (*Server, error) {
	if o.Engine == nil || o.Hub == nil {
		return nil, errors.New("serve: an engine and a hub are required")
	}
	o, err := withDefaults(o)
	if err != nil {
		return nil, err
	}
	// The files' stamps are taken before they are read, so that a change
	// made while the server starts is read again by the watcher.
	opsWatch, revWatch := newFileWatch(o.Operators), newFileWatch(o.RevokedKeys)
	ops, err := LoadOperators(o.Operators)
	if err != nil {
		return nil, err
	}
	revoked, err := loadRevoked(o.RevokedKeys) // at start, a bad file stops the server
	if err != nil {
		return nil, err
	}
	signer, _, err := HostKey(o.HostKey)
	if err != nil {
		return nil, err
	}
	lf, acc, err := openLogs(o.StateDir, o.LogFormat)
	if err != nil {
		return nil, err
	}
	h := newLogHandler(lf, o.LogFormat)
	s := &Server{o: o, signer: signer, log: slog.New(h), logf: slog.NewLogLogger(h, slog.LevelInfo), logw: lf,
		access: acc, limit: newLimiter(o.Rate, time.Minute), sessions: map[ssh.Session]*session{}, stop: make(chan struct{}),
		gate: newGate(o.MaxStartups, o.MaxStartupsPerAddress), now: time.Now, opConns: map[string]map[*gateConn]struct{}{}}
	s.gate.closed = s.forgetConn
	s.ops.Store(ops)
	s.revoked.Store(revoked)
	s.opsWatch, s.revWatch = opsWatch, revWatch
	s.hard, s.cancel = context.WithCancel(context.Background())
	routeLibraryLog(s.log)
	o.Engine.SetAccessLog(acc)
	if s.srv, err = s.sshServer(); err != nil {
		s.closeLogs()
		return nil, err
	}
	return s, nil
}

// withDefaults fills in every setting left zero and checks the ones that
// can be wrong.
func withDefaults(o Options) (Options, error) {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.ReloadEvery <= 0 {
		o.ReloadEvery = time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	o = loginDefaults(o)
	if err := o.MaxStartups.check(); err != nil {
		return o, err
	}
	var err error
	if o.LogFormat, err = ParseLogFormat(o.LogFormat); err != nil {
		return o, err
	}
	if o.Operators == "" {
		return o, errors.New("serve: no operators file (--operators or [serve] operators)")
	}
	return o, nil
}

// sshServer is the SSH server with its middleware, outermost last.
func (s *Server) sshServer() (*ssh.Server, error) {
	srv, err := wish.NewServer(
		wish.WithAddress(s.o.Listen),
		s.sshOptions,
		wish.WithPublicKeyAuth(s.auth),
		wish.WithMiddleware(
			s.console,  // innermost: the console
			s.commands, // headless commands, usage
			s.admit,    // identity, limits
			s.bound,    // outermost: the PTY size clamped, window changes drained
		),
	)
	if err != nil {
		return nil, err
	}
	srv.Version = "simdesk"
	return srv, nil
}

// openLogs opens serve.log and access.log (0600) in dir (0700).
func openLogs(dir, format string) (*os.File, *AccessLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("state directory: %w", err)
	}
	// Others who may write the directory could plant the logs as a
	// symlink (the server would append to a file of their choosing) or a
	// FIFO.
	if fi, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("state directory: %w", err)
	} else if fi.Mode().Perm()&0o002 != 0 {
		return nil, nil, fmt.Errorf("state directory %s is writable by others (mode %04o): chmod 700 it", dir, fi.Mode().Perm())
	}
	lf, err := openLogFile(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, nil, fmt.Errorf("server log: %w", err)
	}
	acc, err := OpenAccessLog(filepath.Join(dir, "access.log"), format)
	if err != nil {
		lf.Close()
		return nil, nil, err
	}
	return lf, acc, nil
}

// loadRevoked is LoadRevoked, or no revocations without a file. At start
// an unreadable or bad file stops the server: nobody should log in while
// what is revoked is unknown.
func loadRevoked(path string) (*Revoked, error) {
	if path == "" {
		return nil, nil
	}
	return LoadRevoked(path)
}

// sshOptions sets what the SSH server does before a session: the host key,
// the PTY emulation with its window drain, and the gate with login_grace.
func (s *Server) sshOptions(srv *ssh.Server) error {
	srv.AddHostKey(s.signer)
	srv.PtyHandler = ptyHandler()
	srv.HandshakeTimeout = s.o.LoginGrace
	srv.ConnCallback = s.connCallback
	srv.ServerConfigCallback = s.serverConfig
	srv.ConnectionFailedCallback = s.connFailed
	return nil
}

// Fingerprint is the host key's SHA256 fingerprint, printed at start so
// operators can check it against what their ssh shows the first time.
func (s *Server) Fingerprint() string { return Fingerprint(s.signer) }

// Operators is the operators file as last read.
func (s *Server) Operators() *Operators { return s.ops.Load() }

// ListenAndServe listens on the configured address and serves until
// Shutdown; it returns nil after a shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.o.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln (tests pass a 127.0.0.1:0 listener).
func (s *Server) Serve(ln net.Listener) error {
	ops := s.ops.Load()
	s.log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("host_key", s.Fingerprint()),
		slog.Int("operator_keys", ops.Len()-ops.CAs()), slog.Int("cas", ops.CAs()), slog.Int("revoked", s.revoked.Load().Len()))
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.lns = append(s.lns, ln)
	// Add under the lock that Shutdown takes to set closing: an Add after
	// it could race with Shutdown's wg.Wait (the race detector caught it).
	s.wg.Add(1)
	s.mu.Unlock()
	go s.watch()
	err := s.srv.Serve(ln)
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if errors.Is(err, ssh.ErrServerClosed) || closing {
		return nil
	}
	return err
}

// auth accepts only keys of the operators file and valid certificates of
// its CAs, neither revoked. It decides nothing else: x/crypto asks it
// before the client proved it holds the key, so identity is resolved
// later, in admit, from the key the handshake verified.
func (s *Server) auth(ctx ssh.Context, key ssh.PublicKey) bool {
	_, err := s.identify(key, ctx.RemoteAddr())
	if err == nil {
		return true
	}
	reason, detail := refusalReason(err), err.Error()
	if why := s.opsRefused.Load(); why != nil && reason == RefusedUnknownKey {
		reason, detail = RefusedOperatorsFile, "the operators file was refused: "+*why
	}
	s.refused.add(reason)
	// A key nobody listed is what a scan or a flood offers: its lines are
	// rate-limited. A refused certificate or a revoked key is someone of the
	// team's, told why once per attempt.
	quiet, ok := uint64(0), true
	if reason == RefusedUnknownKey || reason == RefusedOperatorsFile {
		quiet, ok = s.refused.mayLog(reason, s.now())
	}
	if ok {
		attrs := append([]any{slog.String("reason", reason)}, keyAttrs(key)...)
		s.log.Warn("refused", append(attrs, slog.String("addr", ctx.RemoteAddr().String()),
			slog.String("user", model.OneLine(ctx.User(), 64)), slog.String("detail", detail), slog.Uint64("unlogged", quiet))...)
	}
	return false
}

// identify is who key logs in as now, from remote: a key not revoked (nor
// its certificate's CA), listed or certified by a listed CA.
func (s *Server) identify(key gossh.PublicKey, remote net.Addr) (Operator, error) {
	if why, revoked := s.revoked.Load().Refuses(key); revoked {
		return Operator{}, &Refusal{Reason: ReasonRevoked, Detail: why}
	}
	return s.ops.Load().Authenticate(key, s.o.Clock(), remote)
}

// keyAttrs names a key in the log: its fingerprint, and for a certificate
// the fingerprint of its key (the one the client holds), its CA, key id
// and serial. Nothing of a key is secret.
func keyAttrs(key gossh.PublicKey) []any {
	cert, ok := key.(*gossh.Certificate)
	if !ok || cert.Key == nil || cert.SignatureKey == nil {
		return []any{slog.String("key", gossh.FingerprintSHA256(key))}
	}
	return []any{slog.String("key", gossh.FingerprintSHA256(cert.Key)), slog.String("ca", gossh.FingerprintSHA256(cert.SignatureKey)),
		slog.String("key_id", model.OneLine(cert.KeyId, 64)), slog.Uint64("serial", cert.Serial)}
}

// refuse is the command filter's refusal (counted as RefusedCommand).
func (s *Server) refuse(sess ssh.Session, code int, msg string) {
	s.refuseWith(sess, RefusedCommand, code, msg)
}

// refuseWith refuses a session with one line, counted under reason.
func (s *Server) refuseWith(sess ssh.Session, reason string, code int, msg string) {
	s.refused.add(reason)
	fmt.Fprintln(sess.Stderr(), "simdesk: "+msg)
	_ = sess.Exit(code)
}

// admit resolves the operator from the verified key and applies the rate
// limit and max_sessions; every refusal is one polite line.
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		addr := hostOf(sess.RemoteAddr())
		if !s.limit.allow(addr) {
			s.logRefusal(RefusedRate, "a session from %s", addr)
			s.refuseWith(sess, RefusedRate, 1, "too many new sessions from your address; wait a minute and try again")
			return
		}
		key := sess.PublicKey()
		op, err := s.identify(key, sess.RemoteAddr())
		if err != nil {
			attrs := append([]any{slog.String("reason", refusalReason(err))}, keyAttrs(key)...)
			s.log.Warn("refused", append(attrs, slog.String("addr", sess.RemoteAddr().String()), slog.String("detail", err.Error()))...)
			s.refuseWith(sess, refusalReason(err), 1, "your key is not in the operators file, or is refused")
			return
		}
		if s.claimConn(sess, op) != "" {
			s.logRefusal(RefusedPerOperatorConns, "%s from %s: %d connections open", op.Name, addr, s.maxConnsPerOperator())
			s.refuseWith(sess, RefusedPerOperatorConns, 1, fmt.Sprintf("you already have %d connections open, the most one operator may (twice max_sessions_per_operator); close one and try again", s.maxConnsPerOperator()))
			if gc, ok := sess.Context().Value(gateKey{}).(*gateConn); ok {
				_ = gc.Close()
			}
			return
		}
		ss := &session{id: newID(), op: op, key: key, addr: sess.RemoteAddr().String()}
		if sess.RawCommand() != "" {
			ss.request = newID()
		}
		if !s.register(sess, ss) {
			return
		}
		ss.eng = s.o.Engine.As(engine.Actor{Operator: op.Name, Role: op.Role, Addr: ss.addr, Session: ss.id, Request: ss.request, Check: func() error {
			if err := s.keyCheck(ss); err != nil {
				return err
			}
			if s.isClosing() {
				return ErrShuttingDown
			}
			return nil
		}})
		s.log.Info("session start", append(append(ss.attrs(), keyAttrs(key)...), slog.String("addr", ss.addr),
			slog.String("command", model.OneLine(sess.RawCommand(), 200)))...)
		start := time.Now()
		defer s.unregister(sess, ss, start)
		next(sess)
		s.mu.Lock()
		end := ss.end
		s.mu.Unlock()
		if end != "" {
			fmt.Fprintln(sess, "simdesk: "+end)
		}
		s.release(sess)
		_ = sess.Exit(0)
	}
}

// release gives a finished session's place back before its exit status
// is sent: a script that runs the next command as soon as the last one
// exited must find the place free (max_sessions_per_operator), not race
// the bookkeeping that unregister does afterwards.
func (s *Server) release(sess ssh.Session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
}

// attrs are the attributes that put a log line in its session: operator,
// role, session id, request id.
func (ss *session) attrs() []any {
	a := []any{slog.String("operator", ss.op.Name), slog.String("role", string(ss.op.Role)), slog.String("session", ss.id)}
	if ss.request != "" {
		a = append(a, slog.String("request", ss.request))
	}
	return a
}

// register counts a new session in, or refuses it with one line, counted
// and logged under its reason (take says which).
func (s *Server) register(sess ssh.Session, ss *session) bool {
	reason, msg := s.take(sess, ss)
	if reason == "" {
		return true
	}
	s.logRefusal(reason, "%s from %s", ss.op.Name, ss.addr)
	s.refuseWith(sess, reason, 1, msg)
	return false
}

// take gives the session its place, or says why not (a reason and the
// line for the client): a shutdown, max_sessions, or the operator's own
// share, max_sessions_per_operator, so that one operator's consoles and
// scripts cannot lock the others out.
func (s *Server) take(sess ssh.Session, ss *session) (reason, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return RefusedShuttingDown, "the server is shutting down; try again in a minute"
	case len(s.sessions) >= s.o.MaxSessions:
		return RefusedMaxSessions, fmt.Sprintf("all %d sessions are in use; try again in a few minutes", s.o.MaxSessions)
	}
	mine := 0
	for _, o := range s.sessions {
		if o.op.Name == ss.op.Name {
			mine++
		}
	}
	if mine >= s.o.MaxSessionsPerOperator {
		return RefusedPerOperator, fmt.Sprintf("you already have %d sessions open, the most one operator may (max_sessions_per_operator); close one and try again", mine)
	}
	s.sessions[sess] = ss
	return "", ""
}

// unregister ends a session's bookkeeping: it leaves the hub and the log
// says why and how long.
func (s *Server) unregister(sess ssh.Session, ss *session, start time.Time) {
	s.mu.Lock()
	delete(s.sessions, sess)
	end := ss.end
	console := ss.ui
	s.mu.Unlock()
	if console != nil {
		console.Close()
	}
	s.log.Info("session end", append(ss.attrs(), slog.String("addr", ss.addr),
		slog.Float64("duration_seconds", time.Since(start).Round(time.Millisecond).Seconds()), slog.String("ended", end))...)
}

// accessLog appends one record to the access log for a session, with its
// operator, role, session and request ids and address before attrs: how
// the server records what is not an engine action (a command, a refusal).
func (s *Server) accessLog(ss *session, msg string, attrs ...slog.Attr) {
	a := []slog.Attr{slog.String("operator", ss.op.Name), slog.String("role", string(ss.op.Role)), slog.String("session", ss.id)}
	if ss.request != "" {
		a = append(a, slog.String("request", ss.request))
	}
	a = append(a, slog.String("addr", ss.addr))
	s.access.Log(s.o.Clock(), slog.LevelInfo, msg, append(a, attrs...)...)
}

// keyCheck refuses a session whose key left the operators file (or its
// certificate's CA did), was revoked, or whose operator or role changed
// there, since it was opened.
func (s *Server) keyCheck(ss *session) error {
	if _, revoked := s.revoked.Load().Refuses(ss.key); revoked {
		return fmt.Errorf("access revoked: the key of %s is on the server's revoked keys list (or the list cannot be read)", ss.op.Name)
	}
	op, ok := s.ops.Load().recheck(ss.key)
	switch {
	case !ok && ss.op.CA != "":
		return fmt.Errorf("access revoked: the CA of %s's certificate was removed from the operators file", ss.op.Name)
	case !ok:
		return fmt.Errorf("access revoked: the key of %s was removed from the operators file", ss.op.Name)
	case op.Name != ss.op.Name || op.Role != ss.op.Role:
		return fmt.Errorf("access changed: this key is now %s (%s) in the operators file; reconnect", op.Name, op.Role)
	}
	return nil
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

func (s *Server) session(sess ssh.Session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[sess]
}

// program builds the console of one session: its own tea.Program over the
// shared engine (acting as the operator) and hub, sized to the PTY, with the
// client's TERM and NO_COLOR.
func (s *Server) program(sess ssh.Session) *tea.Program {
	ss := s.session(sess)
	noColor := false
	for _, kv := range sess.Environ() {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			noColor = true
		}
	}
	m := ui.New(ui.Options{Engine: ss.eng, Demo: s.o.Demo, NoColor: noColor, Live: s.o.Hub, Operator: ss.op.Name, Role: ss.op.Role, Links: s.o.Links})
	w := &sessionModel{inner: m, check: func() error { return s.keyCheck(ss) }, idle: s.o.IdleTimeout, last: time.Now(),
		ended: func(text string) {
			s.mu.Lock()
			if ss.end == "" {
				ss.end = text
			}
			s.mu.Unlock()
		}}
	// No signal handler: SIGTERM is the server's, which tells every session
	// and ends them itself.
	opts := append(bm.MakeOptions(sess), tea.WithoutSignalHandler())
	p := tea.NewProgram(w, opts...)
	s.mu.Lock()
	ss.prog, ss.ui = p, m
	s.mu.Unlock()
	return p
}

// watch re-reads the operators and revoked_keys files when they change,
// once a change has stayed the same for one check (an editor's save is
// never read half-written).
func (s *Server) watch() {
	defer s.wg.Done()
	t := time.NewTicker(s.o.ReloadEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		if s.opsWatch.settled() {
			s.applyOperators()
		}
		if s.o.RevokedKeys != "" && s.revWatch.settled() {
			s.reloadRevoked()
		}
	}
}

// reloadRevoked applies a changed revoked_keys file. Unlike the operators
// file, a file that cannot be read or parsed (or was removed) refuses
// everyone until it is fixed: it was most likely being edited to revoke
// someone, and keeping the old list would let them stay.
func (s *Server) reloadRevoked() {
	r, err := LoadRevoked(s.o.RevokedKeys)
	if err != nil {
		r = revokeAll
	}
	s.revoked.Store(r) // before the log line: who reads it finds the new list applied
	if err != nil {
		s.log.Error("revoked_keys changed but cannot be used: every key is refused until it is fixed",
			slog.String("reason", "revoked_keys_invalid"), slog.String("error", strings.ReplaceAll(err.Error(), "\n", "; ")))
	} else {
		s.log.Info("revoked_keys reloaded", slog.Int("fingerprints", r.Len()))
	}
	s.revoke()
}

// fileWatch notices that a file changed, once the change has settled.
type fileWatch struct{ path, applied, seen string }

func newFileWatch(path string) *fileWatch {
	st := fileStamp(path)
	return &fileWatch{path: path, applied: st, seen: st}
}

// settled reports a change that stayed the same for one check; it reports
// each change once.
func (w *fileWatch) settled() bool {
	st := fileStamp(w.path)
	if st != w.seen {
		w.seen = st // changed since the last check: read it once it settles
		return false
	}
	if st == w.applied {
		return false
	}
	w.applied = st
	return true
}

// revoke ends at once every console whose key left the operators file or
// was revoked, or whose operator or role changed there: a removed operator
// must not go on watching the live stock and journal until they next press
// a key. (A headless command is refused at its next action; each one is
// short.)
func (s *Server) revoke() {
	type ending struct {
		prog  *tea.Program
		why   string
		attrs []any
	}
	var ends []ending
	s.mu.Lock()
	for _, ss := range s.sessions {
		if ss.prog == nil {
			continue
		}
		if err := s.keyCheck(ss); err != nil {
			ends = append(ends, ending{ss.prog, err.Error() + "; session ended", ss.attrs()})
		}
	}
	s.mu.Unlock()
	for _, e := range ends {
		s.log.Warn("session ended", append(e.attrs, slog.String("reason", ReasonRevoked), slog.String("detail", e.why))...)
		go e.prog.Send(endMsg{text: e.why}) // as in Shutdown: a busy console must not hold up the watcher
	}
}

// Shutdown stops accepting, tells every session, lets top-ups in flight
// (and headless commands) finish and journal their outcome, ends the
// consoles with a message, and returns within ctx's deadline (or Grace).
func (s *Server) Shutdown(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.o.Grace)
		defer cancel()
	}
	s.mu.Lock()
	already := s.closing
	s.closing = true
	lns := s.lns
	s.mu.Unlock()
	if already {
		return nil
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	s.log.Info("shutting down", slog.Int("sessions", s.sessionCount()), slog.Int("topups_in_flight", s.o.Engine.TopupsInFlight()))
	s.o.Hub.Announce("simdesk is shutting down: top-ups in flight will finish; no new lookups or top-ups")
	// The listeners closed above stop the accepting; the connections end
	// below (srv.Close). The SSH server's own graceful Shutdown is not
	// used: it waits on a WaitGroup that a connection still in its
	// handshake adds to afterwards (a data race inside charm.land/ssh
	// v0.4.3, caught by the race detector in TestEmptiedOperatorsFile…).
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for s.o.Engine.TopupsInFlight() > 0 || s.headlessCount() > 0 {
		select {
		case <-ctx.Done():
			err = fmt.Errorf("shutdown bound reached with %d top-ups in flight", s.o.Engine.TopupsInFlight())
			break wait
		case <-tick.C:
		}
	}
	// Send blocks until the console's event loop takes the message, and a
	// console can be busy drawing: tell each one on its own goroutine (Send
	// returns once its program ends) so that no console holds up the
	// shutdown's bound.
	s.mu.Lock()
	for _, ss := range s.sessions {
		if ss.prog != nil {
			go ss.prog.Send(endMsg{text: "the server was stopped; your top-ups are in the journal"})
		}
	}
	s.mu.Unlock()
	// Give the consoles a moment to print their last line.
	for deadline := time.Now().Add(time.Second); s.sessionCount() > 0 && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			deadline = time.Now()
		case <-tick.C:
		}
	}
	s.cancel()
	_ = s.srv.Close()
	s.gate.closeAll()
	close(s.stop)
	s.wg.Wait()
	s.log.Info("stopped")
	s.closeLogs()
	return err
}

func (s *Server) closeLogs() {
	s.o.Engine.SetAccessLog(nil)
	_ = s.access.Close()
	_ = s.logw.Close()
}

func (s *Server) sessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

func (s *Server) headlessCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.headless
}

func hostOf(a net.Addr) string {
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// Options are the server's settings after defaults.
func (s *Server) Options() Options { return s.o }

// HostPublicKey is the host public key, for clients that pin it.
func (s *Server) HostPublicKey() gossh.PublicKey { return s.signer.PublicKey() }
