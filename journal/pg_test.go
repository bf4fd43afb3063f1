package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"simdesk/journal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openPG opens a PostgreSQL store on a fresh database of this test, as a
// deployment runs it: the schema created by its owner role, the store
// running as the runtime role, which cannot alter a row. It returns the
// runtime role's DSN.
func openPG(t testing.TB) (*PG, string) {
	t.Helper()
	p, r := openPGRoles(t, nil)
	return p, r.App
}

func openPGRoles(t testing.TB, s *Seal) (*PG, pgtest.Roles) {
	t.Helper()
	r := pgtest.NewRoles(t)
	p, err := OpenPGWith(context.Background(), r.App, PGOptions{AdminDSN: r.Admin, Seal: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, r
}

// superConn connects to the database of dsn as the cluster's superuser.
func superConn(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	return connAs(t, pgtest.AsSuper(t, dsn))
}

func connAs(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func pgIntent(id, line, offer string, ts time.Time) Entry {
	return Entry{TS: ts, JournalID: id, Phase: PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: offer, TargetType: "msisdn", TargetID: line}
}

func pgOutcome(id string, st Status, trx string, ts time.Time) Entry {
	return Entry{TS: ts, JournalID: id, Phase: PhaseOutcome, Operator: "alice", Provider: "orange",
		OfferID: "o1", TargetType: "msisdn", TargetID: "33612345678", Status: st, TransactionID: trx}
}

func TestPGMigrateOnceAndIdempotent(t *testing.T) {
	p, dsn := openPG(t)
	p2, err := OpenPG(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	p2.Close()
	var n, v int
	if err := superConn(t, dsn).QueryRow(context.Background(), "SELECT count(*), max(version) FROM simdesk_schema").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != PGSchemaVersion() || v != PGSchemaVersion() {
		t.Fatalf("schema rows %d, version %d; want %d", n, v, PGSchemaVersion())
	}
	_ = p
}

func TestPGAppendOnlyTriggers(t *testing.T) {
	ctx := context.Background()
	p, dsn := openPG(t)
	if _, err := p.Append(ctx, pgIntent("a1", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	c := superConn(t, dsn)
	for _, sql := range []string{
		"UPDATE simdesk_journal SET line = 'x'",
		"DELETE FROM simdesk_journal",
		"TRUNCATE simdesk_journal",
	} {
		_, err := c.Exec(ctx, sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}
	rep, err := p.Verify(ctx)
	if err != nil || !rep.OK || rep.Entries != 1 {
		t.Fatalf("after refused changes: %+v %v", rep, err)
	}
}

// TestPGSameBytesAsFile: the rows hold exactly the lines the file store
// writes for the same entries, chain included, so one verifier serves both.
func TestPGSameBytesAsFile(t *testing.T) {
	ctx := context.Background()
	p, _ := openPG(t)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ts := time.Date(2026, 11, 29, 6, 0, 0, 123456789, time.UTC)
	price := 3
	for i, e := range []Entry{
		pgIntent("b1", "33612345678", "o1", ts),
		{TS: ts.Add(time.Second), JournalID: "b1", Phase: PhaseOutcome, Provider: "orange", OfferID: "o1", TargetType: "msisdn", TargetID: "33612345678",
			Status: StatusOK, TransactionID: "t-1", Reason: "<ok> & \"quoted\" é", StockLeft: &price},
		pgIntent("b2", "+33612345678", "o2", ts.Add(2*time.Second)),
	} {
		if _, err := p.Append(ctx, e); err != nil {
			t.Fatal(i, err)
		}
		if _, err := appendFile(j, e); err != nil {
			t.Fatal(i, err)
		}
	}
	var rows []string
	recs, _, err := p.Since(ctx, 0, 0)
	if err != nil || len(recs) != 3 {
		t.Fatalf("since: %d %v", len(recs), err)
	}
	c := superConn(t, p.dsn)
	r, err := c.Query(ctx, "SELECT line FROM simdesk_journal ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var s string
		r.Scan(&s)
		rows = append(rows, s)
	}
	r.Close()
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows, "\n") + "\n"; got != string(file) {
		t.Fatalf("database lines differ from the file's:\n%s\nfile:\n%s", got, file)
	}
}

// TestPGTamperDetected: only a superuser disabling the triggers can change
// the table; Verify then names the altered and the missing lines (by the
// chain alone: no key).
func TestPGTamperDetected(t *testing.T) {
	ctx := context.Background()
	p, dsn := openPG(t)
	for i := 1; i <= 5; i++ {
		if _, err := p.Append(ctx, pgIntent(fmt.Sprintf("c%d", i), "33612345678", "o1", time.Time{})); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := p.Verify(ctx); err != nil || !rep.OK || rep.Entries != 5 {
		t.Fatalf("clean journal: %+v %v", rep, err)
	}
	c := superConn(t, dsn)
	mustExec(t, c, "ALTER TABLE simdesk_journal DISABLE TRIGGER USER")
	mustExec(t, c, `UPDATE simdesk_journal SET line = replace(line, '"alice"', '"mallory"') WHERE seq = 2`)
	rep, err := p.Verify(ctx)
	if err != nil || rep.OK || len(rep.Problems) != 1 || rep.Problems[0].Line != 2 || rep.Entries != 5 ||
		!strings.Contains(rep.Problems[0].Msg, "line 2 does not match the hash line 3 recorded") {
		t.Fatalf("altered line 2: %+v %v", rep, err)
	}
	mustExec(t, c, "DELETE FROM simdesk_journal WHERE seq = 4")
	rep, err = p.Verify(ctx)
	if err != nil || rep.OK {
		t.Fatalf("removed line 4: %+v %v", rep, err)
	}
	var missing, broken bool
	for _, pr := range rep.Problems {
		if pr.Line == 4 && strings.Contains(pr.Msg, "missing") {
			missing = true
		}
		if pr.Line == 3 && strings.Contains(pr.Msg, "line 3 does not match the hash line 5 recorded") {
			broken = true
		}
	}
	if !missing || !broken || rep.Entries != 4 {
		t.Fatalf("removed line 4 not reported as missing at 4 and a broken link 3→5: %+v", rep)
	}
}

func mustExec(t testing.TB, c *pgx.Conn, sql string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestPG50RacersOneIntent: 50 appenders, each on its own store (its own
// connections, as 50 processes or hosts would be), race to top up the same
// line with the same offer behind the duplicate guard: exactly one intent.
func TestPG50RacersOneIntent(t *testing.T) {
	ctx := context.Background()
	_, dsn := openPG(t)
	const n = 50
	stores := make([]*PG, n)
	for i := range stores {
		s, err := OpenPG(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	errDup := errors.New("duplicate")
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			// The same line written three ways: one key.
			line := []string{"33612345678", "+33612345678", "0033612345678"}[i%3]
			_, err := stores[i].AppendGuarded(ctx, pgIntent(fmt.Sprintf("r%02d", i), line, "o1", time.Time{}), time.Now().Add(-time.Hour),
				func(same []Attempt) error {
					for _, a := range same {
						if a.Status().Spent() {
							return errDup
						}
					}
					return nil
				})
			results <- err
		}(i)
	}
	close(start)
	wg.Wait()
	close(results)
	ok, dup := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, errDup):
			dup++
		default:
			t.Errorf("append: %v", err)
		}
	}
	if ok != 1 || dup != n-1 {
		t.Fatalf("%d intents written, %d refused as duplicates; want 1 and %d", ok, dup, n-1)
	}
	if rep, err := stores[0].Verify(ctx); err != nil || !rep.OK || rep.Entries != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// concurrentStores runs f on n stores of the same database at once, each
// opened on its own goroutine (as n simdesk processes would), and waits.
func concurrentStores(t *testing.T, dsn string, n int, f func(i int, s *PG)) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenPG(context.Background(), dsn)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			f(i, s)
		}()
	}
	wg.Wait()
}

// TestPGConcurrentAppendsOneChain: 50 stores appending at once still make
// one unbroken chain with contiguous positions.
func TestPGConcurrentAppendsOneChain(t *testing.T) {
	ctx := context.Background()
	_, dsn := openPG(t)
	concurrentStores(t, dsn, 50, func(i int, s *PG) {
		for k := 0; k < 4; k++ {
			if _, err := s.Append(ctx, pgIntent(fmt.Sprintf("k%d-%d", i, k), "33612345678", "o1", time.Time{})); err != nil {
				t.Error(err)
			}
		}
	})
	p, err := OpenPG(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rep, err := p.Verify(ctx)
	if err != nil || !rep.OK || rep.Entries != 200 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// TestPGDatabaseRestart: while the database is down, appends refuse (the
// caller sends nothing); when it is back the same store appends again and
// reads every entry once (the feed across a restart: live.TestPGFeedAcrossRestart).
func TestPGDatabaseRestart(t *testing.T) {
	c := pgtest.Get(t)
	if !c.Owned {
		t.Skip("the server of $" + pgtest.EnvURL + " is not restarted by tests")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, _ := openPG(t)
	if _, err := p.Append(ctx, pgIntent("d1", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	actx, acancel := context.WithTimeout(ctx, 10*time.Second)
	_, err := p.Append(actx, pgIntent("d2", "33612345678", "o1", time.Time{}))
	acancel()
	if err == nil {
		t.Fatal("append succeeded with the database down")
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"d3", "d4"} {
		if _, err := p.Append(ctx, pgIntent(id, "33612345678", "o1", time.Time{})); err != nil {
			t.Fatalf("append after restart: %v", err)
		}
	}
	recs, _, err := p.Since(ctx, 0, 0)
	var seen []string
	for _, r := range recs {
		seen = append(seen, r.Entry.JournalID)
	}
	if err != nil || strings.Join(seen, ",") != "d1,d3,d4" {
		t.Fatalf("after the restart the journal holds %v (%v)", seen, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}

// TestPGUnreachable: one line, naming the database without its password.
func TestPGUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	port := pgtest.FreePort(t)
	_, err := OpenPG(ctx, fmt.Sprintf("postgres://simdesk:hunter2-secret@127.0.0.1:%d/journal?sslmode=disable", port))
	if err == nil {
		t.Fatal("opened a database nobody serves")
	}
	msg := err.Error()
	if strings.Contains(msg, "hunter2") || strings.Contains(msg, "\n") || !strings.Contains(msg, "127.0.0.1") {
		t.Fatalf("error %q: want one line naming the host, without the password", msg)
	}
}

// TestPGExportImportRoundTrip: a file journal imported into PostgreSQL and
// exported back is the same file byte for byte; the database verifies and
// reads it as the file store does; importing into a non-empty journal, or a
// file that does not verify, is refused and leaves nothing behind.
func TestPGExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.jsonl")
	j, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		id := fmt.Sprintf("x%02d", i)
		appendFile(j, pgIntent(id, "33612345678", "o1", time.Time{}))
		switch i % 3 {
		case 0:
			appendFile(j, pgOutcome(id, StatusOK, "T"+id, time.Time{}))
		case 1:
			appendFile(j, pgOutcome(id, StatusRejected, "", time.Time{}))
		}
	}
	j.Close()
	p, _ := openPG(t)
	n, err := p.Import(ctx, src)
	if err != nil || n != 50 {
		t.Fatalf("import: %d %v", n, err)
	}
	if rep, err := p.Verify(ctx); err != nil || !rep.OK || rep.Entries != 50 {
		t.Fatalf("verify after import: %+v %v", rep, err)
	}
	pend, err := p.Pending(ctx)
	if err != nil || len(pend) != 10 {
		t.Fatalf("pending after import: %d %v", len(pend), err)
	}
	if _, err := p.Append(ctx, pgIntent("after", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Import(ctx, src); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second import: %v", err)
	}
	out := filepath.Join(dir, "out.jsonl")
	if n, err := p.Export(ctx, out); err != nil || n != 51 {
		t.Fatalf("export: %d %v", n, err)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(b), string(a)) || strings.Count(string(b), "\n") != 51 {
		t.Fatal("the exported file does not start with the imported one byte for byte")
	}
	back, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if rep, err := back.Verify(ctx); err != nil || !rep.OK || rep.Entries != 51 {
		t.Fatalf("exported file verify: %+v %v", rep, err)
	}
	if _, err := p.Export(ctx, out); err == nil {
		t.Fatal("export overwrote an existing file")
	}
	// A tampered file is not imported.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(strings.Replace(string(a), `"alice"`, `"mallory"`, 1)), 0o600)
	p2, _ := openPG(t)
	if _, err := p2.Import(ctx, bad); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("tampered import: %v", err)
	}
	if h, _ := p2.Head(ctx); h != 0 {
		t.Fatal("a refused import left rows behind")
	}
}

// TestPGLockedSerialisesReconcilers: ten reconcilers on ten stores (as on
// ten hosts) each decide inside Locked to settle a pending attempt: exactly
// one outcome is appended, and an append from outside waits for the
// section to end.
func TestPGLockedSerialisesReconcilers(t *testing.T) {
	ctx := context.Background()
	p, dsn := openPG(t)
	if _, err := p.Append(ctx, pgIntent("z1", "33612345678", "o1", time.Time{})); err != nil {
		t.Fatal(err)
	}
	concurrentStores(t, dsn, 10, func(i int, s *PG) {
		err := s.Locked(ctx, func(tx Tx) error {
			list, err := tx.Pending(ctx)
			if err != nil || len(list) == 0 {
				return err
			}
			time.Sleep(20 * time.Millisecond) // asking the provider
			_, err = tx.Append(ctx, pgOutcome("z1", StatusOK, fmt.Sprintf("T%d", i), time.Time{}))
			return err
		})
		if err != nil {
			t.Error(err)
		}
	})
	recs, _, err := p.Since(ctx, 0, 0)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d entries after ten reconcilers (want the intent and one outcome): %v", len(recs), err)
	}
	// An append waits for a section in progress.
	entered, release := make(chan struct{}), make(chan struct{})
	go p.Locked(ctx, func(tx Tx) error { close(entered); <-release; return nil })
	<-entered
	other, err := OpenPG(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	done := make(chan struct{})
	go func() {
		other.Append(ctx, pgIntent("z2", "33612345679", "o1", time.Time{}))
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("an append went through during another host's locked section")
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the append never went through after the section")
	}
}

// TestPGReadsUseIndexes: on a journal of 20,000 entries every read's plan
// uses an index; none scans simdesk_journal.
func TestPGReadsUseIndexes(t *testing.T) {
	ctx := context.Background()
	p, dsn := openPG(t)
	file := filepath.Join(t.TempDir(), "j.jsonl")
	if err := writeBigJournal(file, 20000); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Import(ctx, file); err != nil {
		t.Fatal(err)
	}
	c := superConn(t, dsn)
	day := time.Now().Add(-24 * time.Hour)
	for _, q := range []struct {
		name string
		sql  string
		args []any
	}{
		{"state (append)", pgStateSQL, []any{"big0001234"}},
		{"attempts", pgAttemptsSQL, []any{[]string{"big0001234", "big0004321"}}},
		{"recent", pgRecentSQL, []any{50}},
		{"same", pgSameSQL, []any{"orange", "33600001234", "offer-4", "", day}},
		{"claimed", pgClaimedSQL, []any{day}},
		{"since", pgSinceSQL, []any{int64(19000), 1000}},
		{"head", pgHeadSQL, nil},
	} {
		rows, err := c.Query(ctx, "EXPLAIN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var plan []string
		for rows.Next() {
			var l string
			rows.Scan(&l)
			plan = append(plan, l)
		}
		rows.Close()
		if text := strings.Join(plan, "\n"); strings.Contains(text, "Seq Scan on simdesk_journal") {
			t.Errorf("%s reads the whole journal:\n%s", q.name, text)
		}
	}
}

// TestPGMigratesVersion1: a database created by a version-1 simdesk, with
// a pending attempt in it, is migrated at start, and the duplicate guard
// still finds that attempt.
func TestPGMigratesVersion1(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDB(t)
	c := superConn(t, dsn)
	v1, err := pgMigrations.ReadFile("migrations/001_journal.sql")
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, `CREATE TABLE simdesk_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	mustExec(t, c, string(v1))
	mustExec(t, c, `INSERT INTO simdesk_schema (version, name) VALUES (1, 'migrations/001_journal.sql')`)
	e := pgIntent("old1", "33612345678", "o1", time.Now().Add(-48*time.Hour).UTC())
	line, _ := encodeEntry(e)
	k := KeyOf(e)
	if _, err := c.Exec(ctx, `INSERT INTO simdesk_journal (seq, line, journal_id, phase, first, ts, provider, line_key, offer_id, amount, status, transaction_id)
		VALUES (1, $1, 'old1', 'intent', true, $2, 'orange', $3, 'o1', '', '', '')`, string(line), e.TS, k.Line); err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, `INSERT INTO simdesk_pending (journal_id, seq) VALUES ('old1', 1)`)
	p, err := OpenPG(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var v int
	c.QueryRow(ctx, "SELECT max(version) FROM simdesk_schema").Scan(&v)
	if v != PGSchemaVersion() || v < 2 {
		t.Fatalf("schema version %d after start, want %d", v, PGSchemaVersion())
	}
	same, err := p.Same(ctx, k, time.Now().Add(-time.Hour))
	if err != nil || len(same) != 1 || same[0].Intent.JournalID != "old1" {
		t.Fatalf("the guard lost the pending attempt of a version-1 database: %+v %v", same, err)
	}
	if rep, err := p.Verify(ctx); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}
