package cli

import (
	"fmt"
	"strings"
	"testing"

	"simdesk/providers/sim"
)

// badInputs builds the drill's table: malformed identifiers, accounts,
// offer ids and flags, each of which must be refused before anything is sent.
func badInputs() [][]string {
	ids := []string{
		"", " ", "\t", "\x00", "907\x007613", "9077613\x7f", "\x1b[31m9077613", "９０７７６１３", "907 7613 x", "907+7613",
		"+", "++9077613", "+-9077613", "msisdn:", "msisdn:abc", "msisdn:12345", "msisdn:1234567890123456", "msisdn:+", "msisdn:9077613a", "MSISDN:12ab",
		"sim:", "sim:abc", "sim:12345", "sim:89014103211118510721", "sim:89abc", "sim:12345678901234567890123", "sim:-1", "sim:+89014103211118510720", "sim: ", "sim:1e10",
		"trx:", "trx:123", "trx:not-a-uuid", "trx:123e4567-e89b-12d3-a456-42661417400", "trx:123e4567-e89b-12d3-a456-4266141740000", "trx:g23e4567-e89b-12d3-a456-426614174000",
		"trx:123e4567e89b12d3a456426614174000", "trx:{123e4567-e89b-12d3-a456-426614174000}", "trx:123e4567-e89b-12d3-a456_426614174000", "TRX:zzz",
		"sub:", "sub:a b", "sub:S/1001", "sub:../../etc/passwd", "sub:" + strings.Repeat("a", 65), "sub:---", "sub:S-1001;rm -rf /", "sub:'; DROP TABLE lines;--", "sub:$(id)", "sub:`id`",
		"89014103211118510721", "8901410321111851073", "S/1001", "S 1001", "../../etc/passwd", "..", "...", "-", "--", "_",
		"a;b", "a|b", "a&b", "a>b", "a<b", "$(id)", "`id`", "'; DROP TABLE lines;--", "\"quoted\"", "%00",
		"%2e%2e%2f", "a\\b", "a/b", "a?b", "a#b", "a*b", "a,b", "a:b", "http://x", "file:///etc/passwd",
		strings.Repeat("9", 129), strings.Repeat("S", 200), "é", "Ω123", "🙂", "9077613🙂", "\u202e9077613", "9077613\u00a0x", "9077613\u200b", "ＳＩＭ",
		"@", "@150015680000", "9077613@", "a@b@", "9077613@@1", "@@", "9077613 @ 1", "x@", "x@ ", "9077613@acc ount",
	}
	accounts := []string{
		"!!", "a b", "a;b", "../x", strings.Repeat("1", 33), "\x00", "é", "1/2", "1.2", "$(id)",
		"'or'1'='1", "a@b", "a:b", "a,b", "a*b", "a?b", "a#b", "a%b", "a+b", "a=b",
	}
	var out [][]string
	for _, id := range ids {
		out = append(out, []string{"lookup", "--format", "json", id})
	}
	for _, a := range accounts {
		out = append(out, []string{"lookup", "--account", a, "9077613"})
		out = append(out, []string{"lookup", "9077613@" + a})
	}
	out = append(out, []string{"lookup", "--account", "111", "9077613@222"})
	offers := []string{
		" ", "a b", "a/b", "../x", "a;b", "$(id)", "\x00", "é", "a.b", "a:b",
		strings.Repeat("x", 65), "a?b", "a#b", "a%20b", "a+b", "'x'", "\"x\"", "a\\b", "a,b", "a*b",
		"a|b", "a&b", "a>b", "a<b", "a=b", "a@b", "a!b", "a~b", "a^b", "{x}",
	}
	for _, o := range offers {
		out = append(out, []string{"topup", "--provider", "orange", "--offer", o, "--yes", "33612345678"})
	}
	flags := [][]string{
		{"lookup", "--format", "xml", "9077613"}, {"lookup", "--format", "", "9077613"}, {"lookup", "--type", "imei", "9077613"},
		{"lookup", "--type", "msisdn", "S-1001"}, {"lookup", "--type", "sim", "9077613x"}, {"lookup", "--type", "transaction", "9077613"},
		{"lookup", "--type", "sim", "msisdn:9077613"}, {"lookup", "--bogus", "9077613"}, {"lookup", "-x", "9077613"}, {"lookup"},
		{"lookup", "1234567", "7654321"}, {"lookup", "--demo", "--config", "x.toml", "9077613"}, {"lookup", "--provider"}, {"lookup", "--format"},
		{"stock", "--format", "yaml"}, {"stock", "x"}, {"stock", "--bogus"}, {"journal", "--pending=maybe"}, {"journal", "-n", "-1"}, {"journal", "x"},
		{"topup"}, {"topup", "--provider", "orange"}, {"topup", "--offer", "x"}, {"topup", "--provider", "orange", "--offer", "x", "--type", "transaction", "--yes", "123e4567-e89b-12d3-a456-426614174000"},
		{"topup", "--provider", "orange", "--offer", "x", "--yes", "S-1001"}, {"topup", "--provider", "orange", "--offer", "x", "--yes", "1", "2"},
		{"topup", "--provider", "orange", "--offer", "x", "33612345678"}, {"topup", "--provider", "orange", "--offer", "x", "--yes", "--ref", strings.Repeat("r", 65), "33612345678"},
		{"topup", "--provider", "orange", "--offer", "x", "--yes", "--ref", "a\nb", "33612345678"}, {"topup", "--provider", "orange", "--offer", "x", "--yes", "--type", "msisdn"},
		{"sim", "--latency", "-1s"}, {"sim", "--latency", "soon"}, {"sim", "--error-rate", "2"}, {"sim", "--error-rate", "-0.1"}, {"sim", "--seed", "x"},
		{"sim", "extra"}, {"frobnicate"}, {"lookups", "9077613"}, {"--bogus"}, {"--demo", "--config", "x.toml"},
	}
	return append(out, flags...)
}

// TestBadInputSendsNothing: every malformed input exits 2 with one clear
// line on stderr, prints nothing on stdout, and no request reaches the
// simulator.
func TestBadInputSendsNothing(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	table := badInputs()
	if len(table) < 200 {
		t.Fatalf("only %d bad inputs", len(table))
	}
	for _, args := range table {
		code, out, errs := run(t, env, "", args...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "simdesk: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
		if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
			t.Errorf("%q: stack trace %q", args, errs)
		}
	}
	if n := s.Requests(); n != 0 {
		t.Fatalf("%d requests reached the simulator", n)
	}
	t.Log(fmt.Sprintf("%d malformed inputs refused, 0 requests sent", len(table)))
}
