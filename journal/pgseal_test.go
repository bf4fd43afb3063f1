package journal

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/journal/pgtest"
)

// TestPGRuntimeRoleCannotAlter: the runtime role appends and reads but
// every UPDATE, DELETE, TRUNCATE and trigger change is refused by its
// privileges (not only by the triggers), and it is not reported as able to
// alter the journal.
func TestPGRuntimeRoleCannotAlter(t *testing.T) {
	ctx := context.Background()
	p, r := openPGRoles(t, nil)
	if _, err := p.Append(ctx, pgIntent("a1", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if p.CanAlter() != "" {
		t.Fatalf("the runtime role is reported able to alter: %s", p.CanAlter())
	}
	app := connAs(t, r.App)
	for _, sql := range []string{
		"UPDATE simdesk_journal SET line = 'x'",
		"DELETE FROM simdesk_journal",
		"TRUNCATE simdesk_journal",
		"ALTER TABLE simdesk_journal DISABLE TRIGGER USER",
		"DROP TRIGGER simdesk_journal_no_change ON simdesk_journal",
		"CREATE TABLE simdesk_x (n int)",
	} {
		if _, err := app.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "42501") && !strings.Contains(err.Error(), "must be owner") {
			t.Errorf("%s as the runtime role: %v, want permission denied", sql, err)
		}
	}
	if rep, err := p.Verify(ctx); err != nil || !rep.OK || rep.Entries != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("verify as the runtime role: %+v %v", rep, err)
	}
}

// TestPGOwnerAndSuperuserAreReported: a store running as the table's owner
// or as a superuser says so (serve logs it; --verify warns).
func TestPGOwnerAndSuperuserAreReported(t *testing.T) {
	ctx := context.Background()
	_, r := openPGRoles(t, nil)
	for _, c := range []struct{ dsn, want string }{
		{r.Admin, "owns simdesk_journal"},
		{r.Super, "is a superuser"},
	} {
		p, err := OpenPG(ctx, c.dsn)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := p.Verify(ctx)
		p.Close()
		if !strings.Contains(p.CanAlter(), c.want) || err != nil || !rep.OK || len(rep.Warnings) != 1 ||
			!strings.Contains(rep.Warnings[0].Msg, "it can alter the journal") {
			t.Errorf("%s: CanAlter %q, verify %+v %v", c.want, p.CanAlter(), rep, err)
		}
	}
}

// TestPGSchemaBehind: a runtime role that may not create in the schema
// opens a current schema, and refuses a schema that is behind (or absent)
// in one line naming `journal --migrate`; the owner's migration then lets
// it open, with the grants it needs.
func TestPGSchemaBehind(t *testing.T) {
	ctx := context.Background()
	r := pgtest.NewRoles(t)
	_, err := OpenPG(ctx, r.App)
	if err == nil || !strings.Contains(err.Error(), "journal --migrate") || !strings.Contains(err.Error(), "not created yet") ||
		strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), pgtest.TestPassword) {
		t.Fatalf("no schema: %v", err)
	}
	owner := connAs(t, r.Admin)
	v1, _ := pgMigrations.ReadFile("migrations/001_journal.sql")
	mustExec(t, owner, `CREATE TABLE simdesk_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	mustExec(t, owner, string(v1))
	mustExec(t, owner, `INSERT INTO simdesk_schema (version, name) VALUES (1, 'migrations/001_journal.sql')`)
	mustExec(t, owner, `GRANT SELECT ON simdesk_schema TO simdesk_app`)
	_, err = OpenPG(ctx, r.App)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version 1, this simdesk needs %d", PGSchemaVersion())) || !strings.Contains(err.Error(), "journal --migrate") {
		t.Fatalf("schema behind: %v", err)
	}
	m, err := MigratePG(ctx, r.Admin, r.App)
	if err != nil || m.From != 1 || m.To != PGSchemaVersion() || m.Granted != "simdesk_app" || m.Owner != "simdesk_owner" {
		t.Fatalf("migrate: %+v %v", m, err)
	}
	p, err := OpenPG(ctx, r.App)
	if err != nil {
		t.Fatalf("after the migration: %v", err)
	}
	defer p.Close()
	if _, err := p.Append(ctx, pgIntent("m1", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	// Run again: nothing to do, still fine.
	if m, err := MigratePG(ctx, r.Admin, r.App); err != nil || m.From != PGSchemaVersion() {
		t.Fatalf("second migrate: %+v %v", m, err)
	}
	// A wrong password is one line, without it.
	bad := pgtest.AsRole(r.App, "simdesk_owner")
	bad = strings.Replace(bad, pgtest.TestPassword, "wr0ng-pw-zz", 1)
	if _, err := MigratePG(ctx, strings.Replace(bad, "127.0.0.1", "127.0.0.1:1", 1), r.App); err == nil || strings.Contains(err.Error(), "wr0ng-pw-zz") {
		t.Fatalf("bad admin DSN: %v", err)
	}
}

// sealedPG is a store running as the runtime role with a key, five rows
// appended, and the owner's connection with the triggers disabled (what an
// owner who wants to rewrite history does first).
func sealedPG(t *testing.T) (*PG, *Seal, func(sql string)) {
	t.Helper()
	ctx := context.Background()
	s, _ := newSeal(t)
	p, r := openPGRoles(t, s)
	for i := 1; i <= 5; i++ {
		if _, err := p.Append(ctx, pgIntent(fmt.Sprintf("c%d", i), "33612345678", "o1", time.Time{})); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := p.Verify(ctx)
	if err != nil || !rep.OK || rep.Sealed != 5 || rep.Plain != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("clean sealed journal: %+v %v", rep, err)
	}
	owner := connAs(t, r.Admin)
	mustExec(t, owner, "ALTER TABLE simdesk_journal DISABLE TRIGGER USER")
	return p, s, func(sql string) { mustExec(t, owner, sql) }
}

// TestPGOwnerRewritesAreNamed: the schema's owner (who can disable the
// triggers) rewrites or deletes the first, a middle or the last row, even
// recomputing the chain after it; --verify names the line each time.
func TestPGOwnerRewritesAreNamed(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		sql  []string
		line int
		msg  string
	}{
		{"update first", []string{`UPDATE simdesk_journal SET line = replace(line, '"alice"', '"mallory"') WHERE seq = 1`}, 1, "MAC"},
		{"update middle", []string{`UPDATE simdesk_journal SET line = replace(line, '"alice"', '"mallory"') WHERE seq = 3`}, 3, "MAC"},
		{"update last", []string{`UPDATE simdesk_journal SET line = replace(line, '"c5"', '"c6"') WHERE seq = 5`}, 5, "MAC"},
		{"update last transaction id", []string{`UPDATE simdesk_journal SET line = replace(line, '"prev":"', '"transaction_id":"T-X","prev":"') WHERE seq = 5`}, 5, "MAC"},
		{"delete first", []string{`DELETE FROM simdesk_journal WHERE seq = 1`}, 1, "missing"},
		{"delete middle", []string{`DELETE FROM simdesk_journal WHERE seq = 3`}, 2, "hash chain broken"},
		{"delete last", []string{`DELETE FROM simdesk_journal WHERE seq = 5`}, 5, "removed tail"},
		{"delete last two", []string{`DELETE FROM simdesk_journal WHERE seq >= 4`}, 4, "lines 4 to 5 are missing"},
		{"delete last, renumber nothing, insert a forged row", []string{
			`DELETE FROM simdesk_journal WHERE seq = 5`,
			`INSERT INTO simdesk_journal SELECT 5, replace(line, '"c4"', '"c9"'), 'c9', phase, first, ts, provider, line_key, offer_id, amount, status, transaction_id FROM simdesk_journal WHERE seq = 4`,
		}, 5, "MAC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, _, exec := sealedPG(t)
			for _, sql := range c.sql {
				exec(sql)
			}
			rep, err := p.Verify(ctx)
			if err != nil || rep.OK || len(rep.Problems) == 0 || rep.Problems[0].Line != c.line || !strings.Contains(reportText(rep), c.msg) {
				t.Fatalf("first problem should be line %d (%q): %+v %v", c.line, c.msg, rep, err)
			}
		})
	}
}

// TestPGSealedImportOfAFileWrittenBeforeTheKey: a file journal written
// before the key existed imports (its lines verify by the chain), and rows
// appended after it are sealed.
func TestPGSealedImportOfAFileWrittenBeforeTheKey(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/old.jsonl"
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	appendFile(j, pgIntent("o1", "33612345678", "o1", time.Time{}))
	appendFile(j, pgOutcome("o1", StatusOK, "T1", time.Time{}))
	j.Close()
	s, _ := newSeal(t)
	p, _ := openPGRoles(t, s)
	if n, err := p.Import(ctx, path); err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	if _, err := p.Append(ctx, pgIntent("n1", "33612345679", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	rep, err := p.Verify(ctx)
	if err != nil || !rep.OK || rep.Plain != 2 || rep.Sealed != 1 || len(rep.Warnings) != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// TestSealedConcurrentAppends: eight handles (as eight processes of one
// host, each with its own Seal on the same key and anchor) append at once
// to a file and to a PostgreSQL journal; a verify running meanwhile and
// one after never see a false removed tail, and every line is sealed.
func TestSealedConcurrentAppends(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key, head := dir+"/k", dir+"/head.json"
	seal := func() *Seal {
		s, err := OpenSeal(key, head)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	_, r := openPGRoles(t, seal())
	filePath := dir + "/j.jsonl"
	open := map[string]func() Store{
		"file": func() Store {
			j, err := Open(filePath)
			if err != nil {
				t.Fatal(err)
			}
			j.SetSeal(seal())
			return j
		},
		"postgres": func() Store {
			p, err := OpenPGWith(ctx, r.App, PGOptions{Seal: seal()})
			if err != nil {
				t.Fatal(err)
			}
			return p
		},
	}
	for name, o := range open {
		t.Run(name, func(t *testing.T) {
			os.Remove(head)
			stores := make([]Store, 8)
			for i := range stores {
				stores[i] = o()
				defer stores[i].Close()
			}
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; k < 5; k++ {
						if _, err := s.Append(ctx, pgIntent(fmt.Sprintf("%s%d-%d", name, i, k), "33612345678", "o1", time.Time{})); err != nil {
							t.Error(err)
						}
						if k == 2 && i == 0 {
							if rep, err := stores[7].Verify(ctx); err != nil || !rep.OK {
								t.Errorf("verify during appends: %+v %v", rep, err)
							}
						}
					}
				}()
			}
			wg.Wait()
			v := o()
			defer v.Close()
			rep, err := v.Verify(ctx)
			if err != nil || !rep.OK || rep.Sealed != 40 || len(rep.Warnings) != 0 {
				t.Fatalf("verify: %+v %v", rep, err)
			}
		})
	}
}

// TestPGIndexRowsAreVerified: what the reads answer from besides the lines
// (the pending set that reconciliation and the duplicate guard read, the
// columns beside each line that Claimed, Same and Recent read) is checked
// against the lines too. The runtime role may delete pending rows (it
// settles attempts): deleting one of an attempt still open hides it from
// --pending and reconciliation, and must not verify; nor may the owner's
// edit of a column whose line it left alone.
func TestPGIndexRowsAreVerified(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		app  bool // as the runtime role, not the owner
		sql  string
		line int
		msg  string
	}{
		{"runtime role deletes an open attempt's pending row", true, `DELETE FROM simdesk_pending WHERE journal_id = 'p3'`, 3, "pending"},
		{"runtime role adds a pending row for a closed attempt", true,
			`INSERT INTO simdesk_pending (journal_id, seq, provider, line_key, offer_id, amount) VALUES ('p1', 1, 'orange', '33612345678', 'o1', '')`, 1, "pending"},
		{"runtime role adds a pending row for no attempt", true,
			`INSERT INTO simdesk_pending (journal_id, seq, provider, line_key, offer_id, amount) VALUES ('zz', 99, 'orange', '33612345678', 'o1', '')`, 99, "pending"},
		{"owner moves a pending row to another line", false, `UPDATE simdesk_pending SET line_key = '33699999999' WHERE journal_id = 'p4'`, 4, "pending"},
		{"owner gives a transaction to another attempt", false, `UPDATE simdesk_journal SET transaction_id = 'T9' WHERE seq = 5`, 5, "column"},
		{"owner closes an attempt in the columns only", false, `UPDATE simdesk_journal SET status = 'ok' WHERE seq = 6`, 6, "column"},
		{"owner hides an attempt from the listing", false, `UPDATE simdesk_journal SET first = false WHERE seq = 3`, 3, "column"},
		{"owner moves an intent to another line", false, `UPDATE simdesk_journal SET line_key = '33699999999' WHERE seq = 4`, 4, "column"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newSeal(t)
			p, r := openPGRoles(t, s)
			for _, e := range []Entry{
				pgIntent("p1", "33612345678", "o1", time.Time{}), pgIntent("p2", "33612345678", "o1", time.Time{}),
				pgIntent("p3", "33612345678", "o1", time.Time{}), pgIntent("p4", "33612345678", "o1", time.Time{}),
				pgOutcome("p1", StatusOK, "T1", time.Time{}), pgOutcome("p3", StatusUnknown, "", time.Time{}),
			} {
				if _, err := p.Append(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			if rep, err := p.Verify(ctx); err != nil || !rep.OK {
				t.Fatalf("clean journal: %+v %v", rep, err)
			}
			if c.app {
				mustExec(t, connAs(t, r.App), c.sql)
			} else {
				owner := connAs(t, r.Admin)
				mustExec(t, owner, "ALTER TABLE simdesk_journal DISABLE TRIGGER USER")
				mustExec(t, owner, c.sql)
			}
			rep, err := p.Verify(ctx)
			if err != nil || rep.OK || len(rep.Problems) == 0 || rep.Problems[0].Line != c.line || !strings.Contains(reportText(rep), c.msg) {
				t.Fatalf("first problem should be line %d (%q): %+v %v", c.line, c.msg, rep, err)
			}
		})
	}
}
