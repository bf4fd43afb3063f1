package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/model"
)

// fakeProv is an in-memory provider that counts what it is asked; its
// top-ups wait on gate when one is set (a top-up in flight).
type fakeProv struct {
	offers  atomic.Int64
	lookups atomic.Int64
	topups  atomic.Int64
	gate    chan struct{}
	started chan struct{}
}

func (f *fakeProv) Name() string                { return "fk" }
func (f *fakeProv) Kind() string                { return "fake" }
func (f *fakeProv) Accepts(t model.IDType) bool { return true }
func (f *fakeProv) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	f.lookups.Add(1)
	if id.Value != "0611111111" {
		return nil, nil
	}
	return []model.Line{{Type: model.MSISDN, ID: id.Value, MSISDN: id.Value, Supplier: "fk"}}, nil
}
func (f *fakeProv) Offers(ctx context.Context) ([]model.Offer, error) {
	f.offers.Add(1)
	return []model.Offer{testOffer()}, nil
}
func (f *fakeProv) Topup(ctx context.Context, req model.TopupRequest) (model.TopupResult, error) {
	f.topups.Add(1)
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return model.TopupResult{Sent: true}, ctx.Err()
		}
	}
	return model.TopupResult{Status: model.TopupOK, TransactionID: "trx-" + req.JournalID, Sent: true}, nil
}
func (f *fakeProv) Reconcile(ctx context.Context, req model.TopupRequest, claimed map[string]bool) (model.TopupResult, error) {
	return model.TopupResult{}, errors.New("fake cannot reconcile")
}

func testOffer() model.Offer {
	return model.Offer{ID: "OF1", Name: "Offer One", ProductType: "topup", TargetType: model.MSISDN, Stock: 50, Supplier: "fk"}
}

// operator keys of the tests
type testKeys struct {
	alice, bob, vic, sue, eve gossh.Signer
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authLine(opts string, s gossh.Signer) string {
	return opts + " " + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

// operatorsText: alice and bob agents, vic viewer, sue supervisor (eve is
// nobody).
func (k testKeys) operatorsText(skip ...string) string {
	lines := []struct {
		name, role string
		s          gossh.Signer
	}{{"alice", "agent", k.alice}, {"bob", "agent", k.bob}, {"vic", "viewer", k.vic}, {"sue", "supervisor", k.sue}}
	var b strings.Builder
	b.WriteString("# simdesk operators\n")
outer:
	for _, l := range lines {
		for _, s := range skip {
			if s == l.name {
				continue outer
			}
		}
		fmt.Fprintf(&b, "%s %s@laptop\n", authLine(fmt.Sprintf(`operator="%s",role="%s"`, l.name, l.role), l.s), l.name)
	}
	return b.String()
}

type testServer struct {
	t       testing.TB
	srv     *Server
	addr    string
	prov    *fakeProv
	eng     *engine.Engine
	hub     *live.Hub
	journal *journal.File
	keys    testKeys
	opsPath string
	dir     string
	stopHub context.CancelFunc
	hubDone func()
	served  chan error
}

type serverOpt func(*Options, *fakeProv)

func startServer(t testing.TB, refresh time.Duration, opts ...serverOpt) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{t: t, dir: dir, prov: &fakeProv{}, served: make(chan error, 1)}
	ts.keys = testKeys{alice: newSigner(t), bob: newSigner(t), vic: newSigner(t), sue: newSigner(t), eve: newSigner(t)}
	ts.opsPath = filepath.Join(dir, "operators")
	if err := os.WriteFile(ts.opsPath, []byte(ts.keys.operatorsText()), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ts.journal = j
	ts.eng = engine.New(engine.Options{Operator: "server", Environment: "demo", Journal: j, DuplicateWindow: 10 * time.Minute},
		engine.Registered{Provider: ts.prov, StockRefresh: refresh, StockLow: 5})
	ts.hub = live.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	ts.stopHub = cancel
	ts.hubDone = ts.hub.Run(ctx, ts.eng)
	o := Options{Engine: ts.eng, Hub: ts.hub, Listen: "127.0.0.1:0", HostKey: filepath.Join(dir, "hostkey", "key"),
		Operators: ts.opsPath, StateDir: filepath.Join(dir, "state"), ReloadEvery: 20 * time.Millisecond,
		Grace: 10 * time.Second, Headless: testHeadless}
	for _, f := range opts {
		f(&o, ts.prov)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	go func() { ts.served <- srv.Serve(ln) }()
	t.Cleanup(ts.close)
	return ts
}

func (ts *testServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = ts.srv.Shutdown(ctx)
	<-ts.served
	ts.stopHub()
	ts.hubDone()
	ts.journal.Close()
}

// testHeadless stands for cli's runner (tested over SSH in package cli):
// it shows who the engine acts as, and tops up or reconciles on request.
func testHeadless(ctx context.Context, eng *engine.Engine, args []string, io Stdio) int {
	a, _ := eng.Actor()
	switch args[0] {
	case "topup":
		_, err := eng.Topup(ctx, engine.TopupInput{Provider: "fk", Offer: testOffer(), Target: model.Identifier{Type: model.MSISDN, Value: "0611111111"}})
		if err != nil {
			fmt.Fprintln(io.Stderr, "simdesk: "+err.Error())
			return 5
		}
		fmt.Fprintln(io.Stdout, "ok as "+a.Operator)
		return 0
	case "journal":
		if len(args) > 1 && args[1] == "--reconcile" {
			if _, _, err := eng.Reconcile(ctx); err != nil {
				fmt.Fprintln(io.Stderr, "simdesk: "+err.Error())
				return 2
			}
		}
	}
	fmt.Fprintf(io.Stdout, "%s as %s (%s)\n", strings.Join(args, " "), a.Operator, a.Role)
	return 0
}

func (ts *testServer) dial(s gossh.Signer, user string) (*gossh.Client, error) {
	return gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(s)},
		HostKeyCallback: gossh.FixedHostKey(ts.srv.signer.PublicKey()),
		Timeout:         5 * time.Second,
	})
}

func (ts *testServer) mustDial(s gossh.Signer) *gossh.Client {
	ts.t.Helper()
	c, err := ts.dial(s, "root")
	if err != nil {
		ts.t.Fatalf("dial: %v", err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// run executes a command without a PTY: stdout, stderr, exit status.
func run(t testing.TB, c *gossh.Client, cmd string) (string, string, int) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	if cmd == "" {
		err = sess.Shell()
		if err == nil {
			err = sess.Wait()
		}
	} else {
		err = sess.Run(cmd)
	}
	code := 0
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	case err != nil:
		t.Fatalf("%q: %v", cmd, err)
	}
	return out.String(), errb.String(), code
}

// console is a PTY session driven like an operator's terminal.
type console struct {
	t     testing.TB
	sess  *gossh.Session
	in    io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan struct{}
	first chan struct{}
	once  sync.Once
	reads atomic.Int64
	keep  int           // bytes of output kept for waitFor (the newest)
	got   chan struct{} // signalled after each read (capacity 1)
	// onRead, when set, sees every read as it returns, with the time it
	// returned (the benchmark stamps frames there, not after a wake-up).
	onRead atomic.Pointer[func(time.Time, []byte)]
}

func openConsole(t testing.TB, c *gossh.Client, env map[string]string) *console {
	t.Helper()
	return openConsoleSized(t, c, env, 80, 24)
}

func openConsoleSized(t testing.TB, c *gossh.Client, env map[string]string, cols, rows int) *console {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv: %v", err)
		}
	}
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outp, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cn := &console{t: t, sess: sess, in: in, done: make(chan struct{}), first: make(chan struct{}), keep: 1 << 20, got: make(chan struct{}, 1)}
	go func() {
		defer close(cn.done)
		buf := make([]byte, 32<<10)
		for {
			n, err := outp.Read(buf)
			if n > 0 {
				if f := cn.onRead.Load(); f != nil {
					(*f)(time.Now(), buf[:n])
				}
				cn.mu.Lock()
				cn.out.Write(buf[:n])
				if cn.out.Len() > 2*cn.keep {
					cn.out.Next(cn.out.Len() - cn.keep)
				}
				cn.mu.Unlock()
				cn.reads.Add(1)
				select {
				case cn.got <- struct{}{}:
				default:
				}
				cn.once.Do(func() { close(cn.first) })
			}
			if err != nil {
				return
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return cn
}

func (cn *console) text() string {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.out.String()
}

// waitFor waits until the output contains want.
func (cn *console) waitFor(want string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(cn.text(), want) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func (cn *console) ended(within time.Duration) bool {
	select {
	case <-cn.done:
		return true
	case <-time.After(within):
		return false
	}
}

func (cn *console) typeText(s string) {
	if _, err := io.WriteString(cn.in, s); err != nil {
		cn.t.Fatalf("type: %v", err)
	}
}

func nilHub() *live.Hub { return live.NewHub() }

func mustID(t testing.TB, s string) model.Identifier {
	t.Helper()
	id, err := model.ParseIdentifier(s, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// journalEntries lists the journal's attempts oldest first, each as its
// intent followed by its outcome when there is one.
func journalEntries(t testing.TB, ts *testServer) []journal.Entry {
	t.Helper()
	as, _, err := ts.eng.Attempts(100)
	if err != nil {
		t.Fatal(err)
	}
	var out []journal.Entry
	for i := len(as) - 1; i >= 0; i-- {
		out = append(out, as[i].Intent)
		if as[i].Outcome != nil {
			out = append(out, *as[i].Outcome)
		}
	}
	return out
}

// waitFirst waits for the console's first output.
func (cn *console) waitFirst(within time.Duration) {
	cn.t.Helper()
	select {
	case <-cn.first:
	case <-time.After(within):
		cn.t.Fatalf("no output from the console within %s", within)
	}
}
