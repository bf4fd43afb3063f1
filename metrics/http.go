package metrics

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Ready reports whether the server can do its job now: the journal can be
// appended to (probed now, not remembered from the last append) and at
// least one provider is not failing. reasons says what is wrong.
func (m *Metrics) Ready(ctx context.Context) (ok bool, reasons []string) {
	s := m.sources()
	switch {
	case s.Probe == nil:
		reasons = append(reasons, "journal: not open")
	default:
		if err := s.Probe(ctx); err != nil {
			reasons = append(reasons, "journal: "+oneLine(err.Error()))
		}
	}
	if s.Engine == nil || len(s.Engine.Registered()) == 0 {
		reasons = append(reasons, "providers: none configured")
	} else {
		up := 0
		for _, r := range s.Engine.Registered() {
			if s.Engine.Health(r.Name()).State != "failing" {
				up++
			}
		}
		if up == 0 {
			reasons = append(reasons, "providers: every one is failing")
		}
	}
	return len(reasons) == 0, reasons
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Redact masks secrets (a DSN's password) in a /readyz answer; the server
// sets its redactor's. Nil: nothing to mask.
type Redact func(string) string

// Handler serves /metrics, /healthz (the process answers) and /readyz
// (200 when Ready, else 503 with the reasons, one a line).
func (m *Metrics) Handler(redact Redact) http.Handler {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.metricsHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		ok, reasons := m.Ready(ctx)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, why := range reasons {
				fmt.Fprintln(w, redact(why))
			}
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// Server is the metrics listener's HTTP server, with bounded headers and
// timeouts: it is meant for a loopback or monitoring network address, but
// must hold against a client that never finishes its request.
func (m *Metrics) Server(redact Redact) *http.Server {
	return &http.Server{
		Handler:           m.Handler(redact),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}
}

// MaxConns bounds the connections the metrics listener holds at once: a
// Prometheus or two, a health checker and a person with curl need a few.
// More wait in the kernel's backlog, holding none of the process's
// descriptors: the port is reachable by whoever can reach it, and without
// a bound they could use up the descriptors the SSH server needs.
const MaxConns = 32

// Listen opens the metrics address; a clear message when it is taken. The
// listener holds at most MaxConns connections at once.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: cannot listen on %s: %w", addr, err)
	}
	return &limitListener{Listener: ln, sem: make(chan struct{}, MaxConns)}, nil
}

// limitListener accepts a connection only while fewer than cap(sem) are
// open (as golang.org/x/net/netutil's LimitListener, without the module).
type limitListener struct {
	net.Listener
	sem  chan struct{}
	once sync.Once
	done chan struct{} // closed by Close: a waiting Accept returns
	mu   sync.Mutex
}

func (l *limitListener) closed() chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done == nil {
		l.done = make(chan struct{})
	}
	return l.done
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.closed():
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed()) })
	return l.Listener.Close()
}

// limitConn gives its place back once, on its first Close.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
