// Package sim is the simulator of every provider kind simdesk speaks to: a
// real HTTP server on loopback that serves Orange Travel B2B, LLA dxp-ux and
// LLA cisco-cvp-ux from one address, with the seeds' examples verbatim,
// generated lines, offers with a stock that top-ups consume, and injected
// latency and failures. The demo (`go run .`), `simdesk sim`, the tests and
// the benchmarks all use it; nothing in the app knows it is a simulator.
package sim

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ClientID and ClientSecret are the only credentials the simulator accepts,
// on every API, so that the demo works without any real secret and a wrong
// credential can be shown to fail.
const (
	ClientID     = "demo"
	ClientSecret = "demo-secret"
)

// The fixed layout of the simulator (CONTRACT.md "The simulator"): configs and
// scripts written once keep working against any simulator instance.
const (
	OrangeBasePath  = "/orange/travel-b2b/v1"
	OrangeTokenPath = "/orange/oauth/v3/token"
	DXPBasePath     = "/lla/dxp-ux/v1"
	CVPBasePath     = "/lla/cisco-cvp-ux/v1"
)

// Options tune the simulator. The zero value is a fast, faultless simulator
// with seed 1 on the real clock.
type Options struct {
	// Latency delays every answer, after any state change is committed, so a
	// client that gives up mid-wait leaves work that reconciliation must find.
	Latency time.Duration
	// ErrorRate is the fraction (0..1) of calls answered with a 5xx instead:
	// a 500 JSON envelope, a 502 HTML page or a 503 with Retry-After: 1.
	ErrorRate float64
	// Seed makes generated data and fault injection repeatable; 0 means 1.
	Seed int64
	// Now is the clock for every date the simulator writes; default time.Now.
	Now func() time.Time
	// OrangeListLag hides Orange transactions younger than this from the
	// transaction list (not from GET by id), as a lagging backend does, so
	// tests can show an attempt that is "not visible yet".
	OrangeListLag time.Duration
	// ClientSecret replaces the demo secret, so that secret-leak drills can
	// use a canary that is also accepted; "" means ClientSecret.
	ClientSecret string
	// UniqueIDs draws the transaction ids of top-ups from a generator
	// seeded at random, and tags TMF654 ids with this run (TB-1a2b3c-000001),
	// so that no two runs ever hand out the same id: the demo's simulator
	// starts afresh every run while its journal persists, and a journal
	// must never show one transaction for two attempts. Seeded data and
	// faults stay repeatable.
	UniqueIDs bool
}

// Server is the simulator. It is an http.Handler, so tests can drive it with
// httptest, and Start serves it on a loopback port.
type Server struct {
	opts   Options
	secret string
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error

	requests atomic.Int64

	mu        sync.Mutex // guards everything below, and the Orange state
	faultRand *rand.Rand
	idRand    *rand.Rand // transaction ids
	corrRand  *rand.Rand // correlation ids made up for callers that send none
	tokens    map[string]time.Time

	orange *orangeState
	lla    *llaState
	tmf    *tmfState // TMF654 balances and top-ups

	lnMu sync.Mutex
	ln   net.Listener
	hs   *http.Server
	url  string
	done chan struct{}
}

// New builds a simulator with all its data generated from o.Seed. It does not
// listen: call Start, or use the Server as an http.Handler.
func New(o Options) *Server {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ErrorRate < 0 {
		o.ErrorRate = 0
	}
	if o.ClientSecret == "" {
		o.ClientSecret = ClientSecret
	}
	seed := uint64(o.Seed)
	s := &Server{
		opts:      o,
		secret:    o.ClientSecret,
		now:       o.Now,
		sleep:     sleepCtx,
		faultRand: rand.New(rand.NewPCG(seed, 0xfa17)),
		idRand:    rand.New(rand.NewPCG(seed, 0x1d5)),
		corrRand:  rand.New(rand.NewPCG(seed, 0xc0ee)),
		tokens:    map[string]time.Time{},
	}
	at := o.Now()
	s.lla = newLLAState(rand.New(rand.NewPCG(seed, 0x11a)), at)
	s.orange = newOrangeState(rand.New(rand.NewPCG(seed, 0x0a7e)), at)
	s.tmf = newTMFState(at)
	if o.UniqueIDs {
		var b [8]byte
		crand.Read(b[:]) // never fails (crypto/rand)
		run := binary.LittleEndian.Uint64(b[:])
		s.idRand = rand.New(rand.NewPCG(run, 0x1d5))
		s.tmf.runTag = fmt.Sprintf("%06x-", run&0xffffff)
	}
	return s
}

// Start serves the simulator on addr ("" means 127.0.0.1:0, a free port). It
// refuses any host that is not loopback: the simulator accepts well-known
// credentials and must never be reachable from another machine.
func (s *Server) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sim: bad listen address %q: %v", addr, err)
	}
	if !isLoopbackHost(host) {
		return fmt.Errorf("sim: refusing to listen on %q: the simulator serves only loopback (127.0.0.1, ::1, localhost)", addr)
	}
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln != nil {
		return errors.New("sim: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.done = make(chan struct{})
	go func(hs *http.Server, done chan struct{}) {
		defer close(done)
		_ = hs.Serve(ln)
	}(s.hs, s.done)
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL is the base address ("http://127.0.0.1:PORT") once started, "" before.
func (s *Server) URL() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.url
}

// Close stops serving and drops open connections; calling it on a server
// that never started, or twice, is harmless.
func (s *Server) Close() error {
	s.lnMu.Lock()
	hs, done := s.hs, s.done
	s.hs, s.done = nil, nil
	s.lnMu.Unlock()
	if hs == nil {
		return nil
	}
	err := hs.Close()
	<-done
	return err
}

// Requests counts every request received, faults included, so that a test
// can prove a command sent nothing at all.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP routes one request. The answer is built in full (and any state
// change committed) before the latency wait, then written unless the client
// has gone away in the meantime.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	rep := &reply{header: http.Header{}}
	if f := s.pickFault(); f != noFault {
		s.writeFault(rep, r, f)
	} else {
		s.route(rep, r)
	}
	if s.opts.Latency > 0 {
		if err := s.sleep(r.Context(), s.opts.Latency); err != nil {
			return
		}
	}
	rep.flush(w)
}

func (s *Server) route(rep *reply, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == OrangeTokenPath:
		s.handleToken(rep, r)
	case p == OrangeBasePath || strings.HasPrefix(p, OrangeBasePath+"/"):
		s.handleOrange(rep, r, strings.TrimPrefix(p, OrangeBasePath))
	case strings.HasPrefix(p, DXPBasePath+"/"):
		s.handleLLA(rep, r, apiDXP, strings.TrimPrefix(p, DXPBasePath+"/"))
	case strings.HasPrefix(p, CVPBasePath+"/"):
		s.handleLLA(rep, r, apiCVP, strings.TrimPrefix(p, CVPBasePath+"/"))
	case p == TMF654BasePath || strings.HasPrefix(p, TMF654BasePath+"/"):
		s.handleTMF654(rep, r, strings.TrimPrefix(p, TMF654BasePath))
	case p == "/" || p == "":
		s.handleIndex(rep)
	default:
		rep.json(http.StatusNotFound, map[string]string{"code": "404", "message": "no such resource on the simulator", "description": "see / for the served APIs"})
	}
}

// servedAPIs are the APIs this simulator serves, for its index page.
var servedAPIs = []struct{ title, path string }{
	{"Orange Travel B2B", OrangeBasePath},
	{"Orange OAuth token", OrangeTokenPath},
	{"LLA dxp-ux TMF677", DXPBasePath},
	{"LLA cisco-cvp-ux TMF677", CVPBasePath},
	{"TMF654 prepay balance", TMF654BasePath},
}

// handleIndex answers "/" with a plain-text map of the served APIs, for
// whoever points curl or a browser at the simulator.
func (s *Server) handleIndex(rep *reply) {
	base := s.URL()
	var b strings.Builder
	b.WriteString("simdesk simulator (DEMO). Credentials: client id \"" + ClientID + "\".\n\n")
	for _, a := range servedAPIs {
		fmt.Fprintf(&b, "%-24s %s%s\n", a.title, base, a.path)
	}
	if demo := DemoProviders(base); len(demo) > 0 {
		b.WriteString("\nDemo providers:\n")
		for _, p := range demo {
			fmt.Fprintf(&b, "  %-10s %-14s %s\n", p.Name, p.Kind, p.BaseURL)
		}
	}
	b.WriteString("\nSample lines:\n")
	for _, l := range s.SampleLines() {
		id := l.TypeAs()
		fmt.Fprintf(&b, "  %-7s %-12s %-40s %s\n", l.Provider, l.Type, id, l.Shows)
	}
	rep.raw(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newUUID draws a version-4 UUID from the simulator's seeded generator, so
// that ids are repeatable for a given seed and sequence of calls.
func newUUID(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// nextCorrelationID draws a correlation id for a caller that sent none.
func (s *Server) nextCorrelationID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return newUUID(s.corrRand)
}
