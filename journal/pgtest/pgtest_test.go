package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestFreshDatabases: two databases of one package are distinct and empty,
// and a table created in one is absent from the other.
func TestFreshDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := NewDB(t), NewDB(t)
	if a == b {
		t.Fatal("two tests got the same database")
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, "CREATE TABLE x (n int)"); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("a table of one test's database shows in another's")
	}
}

// TestRestart: an owned cluster stops and starts again on the same port.
func TestRestart(t *testing.T) {
	c := Get(t)
	if !c.Owned {
		t.Skip("the server of $SIMDESK_TEST_DATABASE_URL is not restarted by tests")
	}
	dsn := NewDB(t)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
}

// TestRolesLeastPrivilege: the runtime role made by roles.sql cannot create
// in the schema; the owner can.
func TestRolesLeastPrivilege(t *testing.T) {
	ctx := context.Background()
	r := NewRoles(t)
	app, err := pgx.Connect(ctx, r.App)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	if _, err := app.Exec(ctx, "CREATE TABLE x (n int)"); err == nil {
		t.Fatal("the runtime role created a table")
	}
	owner, err := pgx.Connect(ctx, r.Admin)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	if _, err := owner.Exec(ctx, "CREATE TABLE x (n int)"); err != nil {
		t.Fatalf("the owner cannot create a table: %v", err)
	}
}
