package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// luhnComplete appends the Luhn check digit to a digit string, computed
// independently of LuhnValid.
func luhnComplete(body string) string {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 { // these digits are doubled once the check digit is appended
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + fmt.Sprint((10-sum%10)%10)
}

// flipLast returns s with a wrong last digit.
func flipLast(s string) string {
	d := s[len(s)-1]
	return s[:len(s)-1] + string('0'+(d-'0'+1)%10)
}

func TestParseIdentifierValid(t *testing.T) {
	iccid19 := luhnComplete("894450010219830482")
	uuid := "123E4567-E89B-12D3-A456-426614174000"
	cases := []struct {
		raw     string
		forced  IDType
		account string
		want    Identifier
	}{
		// Detection (CONTRACT "--type T").
		{"9077613", "", "", Identifier{MSISDN, "9077613", ""}},
		{"+33612345678", "", "", Identifier{MSISDN, "33612345678", ""}},
		{"33612345678", "", "", Identifier{MSISDN, "33612345678", ""}},
		{"1234567", "", "", Identifier{MSISDN, "1234567", ""}},                 // 7 digits: shortest MSISDN
		{"123456789012345", "", "", Identifier{MSISDN, "123456789012345", ""}}, // 15 digits: longest
		{"+1234567", "", "", Identifier{MSISDN, "1234567", ""}},
		{"18767911940", "", "", Identifier{MSISDN, "18767911940", ""}},
		{"1956392841179", "", "", Identifier{MSISDN, "1956392841179", ""}}, // 13 digits, not 89…: a MSISDN unless forced
		{"S-1001", "", "", Identifier{Subscription, "S-1001", ""}},
		{"8201", "", "", Identifier{Subscription, "8201", ""}},
		{"123456", "", "", Identifier{Subscription, "123456", ""}},                     // 6 digits: too short for a MSISDN
		{"1234567890123456", "", "", Identifier{Subscription, "1234567890123456", ""}}, // 16 digits, not 89…
		{"sub_1.a", "", "", Identifier{Subscription, "sub_1.a", ""}},
		{"89014103211118510720", "", "", Identifier{SIM, "89014103211118510720", ""}},
		{iccid19, "", "", Identifier{SIM, iccid19, ""}},
		{uuid, "", "", Identifier{Transaction, strings.ToLower(uuid), ""}},
		{"  9077613\t", "", "", Identifier{MSISDN, "9077613", ""}},
		// Prefixes force a type, in any case.
		{"sim:1956392841179", "", "", Identifier{SIM, "1956392841179", ""}},
		{"SIM:1956392841179", "", "", Identifier{SIM, "1956392841179", ""}},
		{"msisdn:9077613", "", "", Identifier{MSISDN, "9077613", ""}},
		{"msisdn:+9077613", "", "", Identifier{MSISDN, "9077613", ""}},
		{"Msisdn: 9077613", "", "", Identifier{MSISDN, "9077613", ""}},
		{"sub:9077613", "", "", Identifier{Subscription, "9077613", ""}},
		{"sub:8201", "", "", Identifier{Subscription, "8201", ""}},
		{"trx:" + uuid, "", "", Identifier{Transaction, strings.ToLower(uuid), ""}},
		{"sim:89014103211118510720", SIM, "", Identifier{SIM, "89014103211118510720", ""}},
		// --type forces a type.
		{"9077613", Subscription, "", Identifier{Subscription, "9077613", ""}},
		{"1956392841179", SIM, "", Identifier{SIM, "1956392841179", ""}},
		{"123456", SIM, "", Identifier{SIM, "123456", ""}},
		{"1234567890123456789012", SIM, "", Identifier{SIM, "1234567890123456789012", ""}},
		{uuid, Transaction, "", Identifier{Transaction, strings.ToLower(uuid), ""}},
		{uuid, Subscription, "", Identifier{Subscription, uuid, ""}},
		// Accounts: ID@ACCOUNT and --account.
		{"4933562@150015680000", "", "", Identifier{MSISDN, "4933562", "150015680000"}},
		{"4933562", "", "150015680000", Identifier{MSISDN, "4933562", "150015680000"}},
		{"4933562@150015680000", "", "150015680000", Identifier{MSISDN, "4933562", "150015680000"}},
		{"msisdn:4933562@ACC-1_x", "", "", Identifier{MSISDN, "4933562", "ACC-1_x"}},
		{"S-1001@150015680000", "", "", Identifier{Subscription, "S-1001", "150015680000"}},
		{"4933562 @150015680000", "", "", Identifier{MSISDN, "4933562", "150015680000"}},
	}
	for _, tc := range cases {
		got, err := ParseIdentifier(tc.raw, tc.forced, tc.account)
		if err != nil {
			t.Errorf("ParseIdentifier(%q, %q, %q): %v", tc.raw, tc.forced, tc.account, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseIdentifier(%q, %q, %q) = %+v, want %+v", tc.raw, tc.forced, tc.account, got, tc.want)
		}
	}
}

func TestParseIdentifierErrors(t *testing.T) {
	iccid := "89014103211118510720"
	cases := []struct {
		raw     string
		forced  IDType
		account string
		msg     string // fragment of the one-line message
	}{
		{flipLast(iccid), "", "", "wrong check digit (Luhn)"},
		{"sim:" + flipLast(iccid), "", "", "wrong check digit"},
		{flipLast(luhnComplete("894450010219830482")), "", "", "wrong check digit"},
		{iccid, MSISDN, "", "is not a MSISDN"},
		{"8201", MSISDN, "", "is not a MSISDN"},
		{"S-1001", MSISDN, "", "is not a MSISDN"},
		{"S-1001", SIM, "", "is not a SIM id"},
		{"12345", SIM, "", "is not a SIM id"},
		{"9077613", Transaction, "", "is not a transaction id"},
		{"trx:123", "", "", "is not a transaction id"},
		{"msisdn:12ab", "", "", "is not a MSISDN"},
		{"sub:123", MSISDN, "", "contradicts --type msisdn"},
		{"trx:123", SIM, "", "contradicts --type sim"},
		{"4933562@150015680000", "", "999", "contradicts --account"},
		{"4933562", "", "bad account", "may contain only letters, digits"},
		{"4933562", "", strings.Repeat("1", 33), "must be 1 to 32 characters"},
		{"@", "", "", "empty account"},
		{"x@", "", "", "empty account"},
		{"a@b@", "", "", "empty account"},
		{"@150015680000", "", "", "empty identifier before the account"},
		{"msisdn:", "", "", `nothing after the prefix "msisdn:"`},
		{"trx: ", "", "", `nothing after the prefix "trx:"`},
		{"sim:@123", "", "", "empty identifier before the account"},
		{"", "", "", "empty identifier"},
		{"   ", "", "", "empty identifier"},
		{"9077613", "bogus", "", "unknown identifier type"},
		{strings.Repeat("9", 129), "", "", "identifier too long (129 characters, at most 128)"},
		{strings.Repeat("a", 65), "", "", "subscription id too long (65 characters, at most 64)"},
		{"---", "", "", "is not a valid identifier"},
		{"90 77613 x", "", "", "only letters, digits"},
		{"9077613\x00", "", "", "not printable ASCII"},
		{"９０７７６１３", "", "", "not printable ASCII"},
	}
	for _, tc := range cases {
		_, err := ParseIdentifier(tc.raw, tc.forced, tc.account)
		if err == nil {
			t.Errorf("ParseIdentifier(%q, %q, %q) accepted", tc.raw, tc.forced, tc.account)
			continue
		}
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseIdentifier(%q, %q, %q) = %v, want ErrInvalidInput with %q", tc.raw, tc.forced, tc.account, err, tc.msg)
		}
	}
}

// malformed lists inputs that must all be refused: at least 200 of them.
func malformed() []string {
	list := []string{
		// empty and blank
		"", " ", "\t", "\n", "\r\n", " \t \n ",
		// bad prefixes and prefix-only
		"trx:123", "trx:", "trx: ", "trx:S-1001", "trx:9077613", "trx:123e4567-e89b-12d3-a456-42661417400",
		"trx:123e4567e89b12d3a456426614174000", "trx:g23e4567-e89b-12d3-a456-426614174000", "trx:123e4567-e89b-12d3-a456_426614174000",
		"msisdn:12ab", "msisdn:", "msisdn:+", "msisdn:123456", "msisdn:1234567890123456", "msisdn:++9077613", "msisdn:S-1001",
		"sim:", "sim:abc", "sim:12345", "sim:8901410321111851072a", "sim:12345678901234567890123",
		"sim:" + flipLast("89014103211118510720"), "sub:", "sub: ", "sub:a b", "sub:!", "sub:---", "sub:a/b",
		"msisdn:sim:9077613", "sim:msisdn:9077613", "sub:sub:x", "trx:trx:x",
		// accounts
		"@", "x@", "a@b@", "@@", "a@@", "a@b c", "a@b!c", "a@" + strings.Repeat("1", 33), "@x", "9077613@", "9077613@ ",
		"9077613@acc/1", "9077613@acc.1", "9077613@acc:1", "9077613@ácc", "S-1001@a@",
		// spaces inside
		"S 1001", "S-1001 x", "123e4567-e89b-12d3-a456 426614174000",
		// plus signs and MSISDN look-alikes
		"+", "+123", "++9077613", "+S1001", "+1234567890123456", "9077613+", "+-9077613", "+0x1234567",
		// punctuation-only and junk
		"-", "_", ".", "---", "...", "_-.", "'", "\"", "`", "\\", "/", "?", "*", "%", "#", "!", "~",
		// injection attempts
		"'; DROP TABLE lines;--", "1 OR 1=1", "1' OR '1'='1", "$(rm -rf /)", "`id`", "a;b", "a|b", "a&&b",
		"a||b", "a>b", "a<b", "<script>alert(1)</script>", "../../etc/passwd", "..", "../", "%2e%2e%2f", "a/b", "a\\b",
		"${jndi:ldap://x/a}", "{{7*7}}", "${HOME}", "$HOME", "S-1001;reboot", "9077613' --", "9077613\"",
		"file:///etc/passwd", "http://evil/", "a,b", "a=b", "a&b=c", "[1]", "{}", "()", "S-1001%00",
		// too long
		strings.Repeat("9", 129), strings.Repeat("S", 65), strings.Repeat("a", 1000), strings.Repeat("1", 10000),
		"sub:" + strings.Repeat("x", 65), "msisdn:" + strings.Repeat("1", 16),
	}
	// Control characters inside an identifier, and DEL.
	for c := 0; c < 0x20; c++ {
		list = append(list, "9077"+string(rune(c))+"613")
	}
	list = append(list, "9077\x7f613", "S-1001\x7f")
	// Unicode look-alikes and invisible characters.
	for _, u := range []string{
		"９０７７６１３", "٩٠٧٧٦١٣", "907761３", "S‐1001", "S–1001", "S—1001", "S-1001\u200b", "9077\u200b613",
		"9077\u00a0613", "9077613\u202e", "\ufeff9077613x", "Ｓ-1001", "S-1001😀", "😀", "ß", "é", "Ω", "\u0085x\u0085y",
		"9077613\xff", "\xc3\x28", "S-\u00e91001", "msisdn:９０７７６１３", "sim:１９５６３９２８４１１７９", "4933562@１５０",
	} {
		list = append(list, u)
	}
	// Punctuation a subscription id may not hold.
	for _, c := range "!\"#$%&'()*+,/:;<=>?[\\]^`{|}~ " {
		list = append(list, "S"+string(c)+"1001")
	}
	return list
}

func TestParseIdentifierMalformed(t *testing.T) {
	list := malformed()
	if len(list) < 200 {
		t.Fatalf("only %d malformed inputs", len(list))
	}
	forced := []IDType{"", MSISDN, SIM, Subscription, Transaction}
	for _, raw := range list {
		for _, f := range forced {
			id, err := ParseIdentifier(raw, f, "")
			if err == nil {
				if f == "" {
					t.Errorf("ParseIdentifier(%q) accepted: %+v", raw, id)
				}
				continue
			}
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("ParseIdentifier(%q, %q): error %v does not wrap ErrInvalidInput", raw, f, err)
			}
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") || len(msg) > 200 {
				t.Errorf("ParseIdentifier(%q, %q): message not one short line: %q", raw, f, msg)
			}
		}
	}
	// Bad accounts through --account too.
	for _, acc := range []string{" ", "a b", "a/b", "a@b", "ä", "x\ny", strings.Repeat("9", 33), "1;DROP"} {
		_, err := ParseIdentifier("9077613", "", acc)
		if err == nil || !errors.Is(err, ErrInvalidInput) || strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("--account %q: %v", acc, err)
		}
	}
}

func TestParseIDType(t *testing.T) {
	for in, want := range map[string]IDType{
		"": "", " ": "", "msisdn": MSISDN, "MSISDN": MSISDN, "sim": SIM, " Sim ": SIM, "iccid": SIM, "simid": SIM,
		"subscription": Subscription, "sub": Subscription, "transaction": Transaction, "trx": Transaction,
	} {
		got, err := ParseIDType(in)
		if err != nil || got != want {
			t.Errorf("ParseIDType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"phone", "msisdn:", "uuid", "sims", "x\ny", strings.Repeat("z", 100)} {
		_, err := ParseIDType(in)
		if err == nil || !errors.Is(err, ErrInvalidInput) || strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("ParseIDType(%q) = %v", in, err)
		}
	}
}

func TestDetectType(t *testing.T) {
	for in, want := range map[string]IDType{
		"123e4567-e89b-12d3-a456-426614174000": Transaction,
		"89014103211118510720":                 SIM,
		flipLast("89014103211118510720"):       SIM, // detected as sim so validation can say why it is wrong
		"8901410321111851072":                  SIM, // 19 digits
		"890141032111185107":                   Subscription,
		"890141032111185107200":                Subscription,
		"9077613":                              MSISDN,
		"+9077613":                             MSISDN,
		"S-1001":                               Subscription,
		"8201":                                 Subscription,
	} {
		if got := DetectType(in); got != want {
			t.Errorf("DetectType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLuhnAndUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"89014103211118510720": true, "79927398713": true, "79927398710": false, "0": false, "": false,
		"00": true, "18": true, "1a": false, luhnComplete("8944500102198304826"): true,
	} {
		if got := LuhnValid(s); got != want {
			t.Errorf("LuhnValid(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"123e4567-e89b-12d3-a456-426614174000": true, "123E4567-E89B-12D3-A456-426614174000": true,
		"123e4567e89b12d3a456426614174000": false, "123e4567-e89b-12d3-a456-42661417400": false,
		"123e4567-e89b-12d3-a456-4266141740000": false, "z23e4567-e89b-12d3-a456-426614174000": false,
		"123e4567-e89b-12d3-a456+426614174000": false, "": false,
	} {
		if got := IsUUID(s); got != want {
			t.Errorf("IsUUID(%q) = %v", s, got)
		}
	}
}

func TestIdentifierStringAndLabel(t *testing.T) {
	id := Identifier{MSISDN, "4933562", "150015680000"}
	if id.String() != "4933562@150015680000" || id.Label() != "MSISDN 4933562@150015680000" {
		t.Errorf("%q / %q", id.String(), id.Label())
	}
	if (Identifier{Subscription, "S-1001", ""}).Label() != "Subscription S-1001" {
		t.Error("subscription label")
	}
	for _, typ := range IDTypes {
		if typ.Label() == string(typ) && typ != "" {
			t.Errorf("%q has no display label", typ)
		}
	}
	// Every accepted identifier re-parses to itself with its type forced.
	for _, raw := range []string{"9077613", "+33612345678", "S-1001", "8201", "89014103211118510720", "sim:1956392841179",
		"123E4567-E89B-12D3-A456-426614174000", "4933562@150015680000"} {
		id, err := ParseIdentifier(raw, "", "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseIdentifier(id.String(), id.Type, "")
		if err != nil || again != id {
			t.Errorf("%q → %+v → %+v, %v", raw, id, again, err)
		}
	}
}
