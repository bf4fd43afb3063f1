// Package pgtest gives tests a real PostgreSQL: the server named by
// $SIMDESK_TEST_DATABASE_URL when it is set, otherwise a throwaway cluster
// that it creates itself (initdb, pg_ctl on a free loopback port, socket in
// a temporary directory) and removes when the package's tests end. Each test
// gets a fresh database of its own, so tests never see each other's rows.
//
// When neither is possible the tests skip with one line, except when
// CI=true: there a skipped PostgreSQL test would make a green run prove
// nothing, so it fails instead.
//
// Use it from TestMain, so the cluster is stopped after the last test:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the DSN of an existing server to test
// against (a superuser, or a role allowed to CREATE DATABASE).
const EnvURL = "SIMDESK_TEST_DATABASE_URL"

// BinDir is where the machine image keeps PostgreSQL 15's server binaries.
// $SIMDESK_PG_BIN overrides it.
const BinDir = "/usr/lib/postgresql/15/bin"

// Cluster is the server the tests of this package use.
type Cluster struct {
	// URL is a superuser DSN of the maintenance database "postgres".
	URL string
	// Owned: this process created the cluster, so it may stop, restart
	// and remove it (a server named by $SIMDESK_TEST_DATABASE_URL is never
	// restarted).
	Owned bool

	dir, data, sock, bin string
	port                 int
	asPostgres           bool
	mu                   sync.Mutex
}

var (
	once    sync.Once
	shared  *Cluster
	why     error // why no cluster is available
	counter atomic.Int64
)

// Main runs the package's tests and then stops and removes the cluster, if
// one was started. The cluster starts on the first call of Get or NewDB, so
// a run that selects no PostgreSQL test pays nothing.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil && shared.Owned {
		if err := shared.remove(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// Get returns the package's cluster, starting it when needed. When no
// PostgreSQL is available the test is skipped with one line (failed when
// CI=true).
func Get(t testing.TB) *Cluster {
	t.Helper()
	once.Do(func() { shared, why = start() })
	if why != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no PostgreSQL for the tests (CI=true requires one): %v", why)
		}
		t.Skipf("no PostgreSQL (set %s or install %s): %v", EnvURL, BinDir, why)
	}
	return shared
}

// NewDB creates a fresh, empty database for this test and returns its DSN.
// The database is dropped when the test ends.
func NewDB(t testing.TB) string {
	t.Helper()
	c := Get(t)
	name := fmt.Sprintf("simdesk_t%d_%d", os.Getpid(), counter.Add(1))
	if err := c.exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE ends the sessions a failed test left open.
		_ = c.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return c.DSN(name)
}

// Roles are the DSNs of one fresh database as its three kinds of user:
// the cluster's superuser, the schema's owner (simdesk_owner) and the
// runtime role (simdesk_app), made by contrib/postgres/roles.sql exactly as
// a deployment makes them.
type Roles struct {
	Super, Admin, App string
}

// TestPassword is the password the test roles get (a throwaway cluster
// trusts loopback connections; a server of $SIMDESK_TEST_DATABASE_URL may
// ask for it).
const TestPassword = "simdesk-test-pw"

var rolesMu sync.Mutex

// NewRoles creates a fresh database (dropped when the test ends), runs the
// deployment's roles.sql in it as the superuser, and returns its DSNs.
func NewRoles(t testing.TB) Roles {
	t.Helper()
	super := NewDB(t)
	sql, err := os.ReadFile(RolesSQL())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	// Roles belong to the cluster: one database at a time creates them.
	rolesMu.Lock()
	defer rolesMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, super)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, string(sql)); err != nil {
		t.Fatalf("pgtest: roles.sql: %v", err)
	}
	for _, r := range []string{"simdesk_owner", "simdesk_app"} {
		if _, err := conn.Exec(ctx, "ALTER ROLE "+r+" PASSWORD '"+TestPassword+"'"); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	return Roles{Super: super, Admin: AsRole(super, "simdesk_owner"), App: AsRole(super, "simdesk_app")}
}

// AsRole is dsn with another user (and the test password).
func AsRole(dsn, role string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.UserPassword(role, TestPassword)
	return u.String()
}

// AsSuper is a DSN of this cluster (any role) as the superuser, on the same
// database.
func AsSuper(t testing.TB, dsn string) string {
	t.Helper()
	c := Get(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	su, err := url.Parse(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = su.User
	return u.String()
}

// RolesSQL is the path of contrib/postgres/roles.sql in this source tree.
func RolesSQL() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "contrib", "postgres", "roles.sql")
}

// DSN is the cluster's DSN with another database name.
func (c *Cluster) DSN(db string) string {
	u, err := url.Parse(c.URL)
	if err != nil {
		return c.URL
	}
	u.Path = "/" + db
	return u.String()
}

func (c *Cluster) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func start() (*Cluster, error) {
	if u := os.Getenv(EnvURL); u != "" {
		c := &Cluster{URL: u}
		if err := c.exec("SELECT 1"); err != nil {
			return nil, fmt.Errorf("$%s: %v", EnvURL, errors.Unwrap(err))
		}
		return c, nil
	}
	bin := BinDir
	if b := os.Getenv("SIMDESK_PG_BIN"); b != "" {
		bin = b
	}
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return nil, fmt.Errorf("no initdb in %s", bin)
	}
	c := &Cluster{bin: bin, Owned: true}
	var uid, gid int = -1, -1
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, errors.New("running as root and there is no postgres user to own the cluster")
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, errors.New("running as root and runuser is missing")
		}
		c.asPostgres = true
	}
	base := "" // $TMPDIR, unless postgres cannot reach it (e.g. under /root)
	if c.asPostgres && exec.Command("runuser", "-u", "postgres", "--", "test", "-x", os.TempDir()).Run() != nil {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "simdesk-pg")
	if err != nil {
		return nil, err
	}
	c.dir, c.data, c.sock = dir, filepath.Join(dir, "data"), dir
	if c.asPostgres {
		// The temporary directory is root's and 0700: hand it to postgres.
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if out, err := c.run("initdb", "-A", "trust", "--no-sync", "-U", "postgres", "-E", "UTF8", "--locale=C", "-D", c.data); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	var lastErr error
	for try := 0; try < 3; try++ {
		c.port, err = freePort()
		if err != nil {
			return nil, err
		}
		if lastErr = c.Start(); lastErr == nil {
			c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
			return c, nil
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// run runs a server binary, as postgres when this process is root.
func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// Start starts the cluster's server (again, after Stop) on its port and
// waits until it accepts connections.
func (c *Cluster) Start() error {
	if !c.Owned {
		return errors.New("pgtest: the server of $" + EnvURL + " is not this test's to start")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.port, c.sock)
	out, err := c.run("pg_ctl", "start", "-w", "-t", "60", "-D", c.data, "-l", filepath.Join(c.dir, "server.log"), "-o", opts)
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLines(out), lastLines(log))
	}
	return nil
}

// Stop stops the server at once (mode immediate: as a crash would, every
// session is cut), leaving its data in place for Start.
func (c *Cluster) Stop() error {
	if !c.Owned {
		return errors.New("pgtest: the server of $" + EnvURL + " is not this test's to stop")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out, err := c.run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", c.data)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, lastLines(out))
	}
	return nil
}

func (c *Cluster) remove() error {
	err := c.Stop()
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, " / ")
}

// FreePort is a loopback port nothing listens on (at the time of the call),
// for tests that need an address where no server answers.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
