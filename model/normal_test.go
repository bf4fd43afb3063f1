package model

import "testing"

// A number pasted from a ticket or a web page parses as one MSISDN: spaces,
// dots, dashes, parentheses and the 00 prefix are separators, not errors.
func TestParsePastedNumbers(t *testing.T) {
	for raw, want := range map[string]Identifier{
		"+1 (876) 791-1940":        {MSISDN, "18767911940", ""},
		"0033 6 12 34 56 78":       {MSISDN, "33612345678", ""},
		"0033612345678":            {MSISDN, "33612345678", ""},
		"33.6.12.34.56.78":         {MSISDN, "33612345678", ""},
		"907 7613":                 {MSISDN, "9077613", ""},
		"+ 9077613":                {MSISDN, "9077613", ""},
		"msisdn:907-7613":          {MSISDN, "9077613", ""},
		"(876) 791-1940@ACC-1":     {MSISDN, "8767911940", "ACC-1"},
		"8901 4103 2111 1851 0720": {SIM, "89014103211118510720", ""},
		"S-1001":                   {Subscription, "S-1001", ""},
	} {
		got, err := ParseIdentifier(raw, "", "")
		if err != nil || got != want {
			t.Errorf("ParseIdentifier(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, bad := range []string{"+1 (876) 791-1940x", "12-34", "+1+2345678", "00", "()", "1 2 3"} {
		if id, err := ParseIdentifier(bad, MSISDN, ""); err == nil {
			t.Errorf("ParseIdentifier(%q, msisdn) = %+v, want an error", bad, id)
		}
	}
}

// 0033…, +33… and 33… are one line for every comparison.
func TestNormalLineOneForm(t *testing.T) {
	want := "33612345678"
	for _, v := range []string{"0033612345678", "+33612345678", "33612345678", " +33 6 12 34 56 78 ", "0033 6-12-34-56-78"} {
		for _, typ := range []IDType{MSISDN, ""} {
			if got := NormalLine(typ, v); got != want {
				t.Errorf("NormalLine(%q, %q) = %q, want %q", typ, v, got, want)
			}
		}
	}
	if got := NormalLine(SIM, "0033612345678"); got != "0033612345678" {
		t.Errorf("a SIM id is not a MSISDN: NormalLine = %q", got)
	}
	if got := NormalLine(Subscription, "S-1001"); got != "S-1001" {
		t.Errorf("NormalLine(sub) = %q", got)
	}
	if got := NormalLine("", "S-1001"); got != "S-1001" {
		t.Errorf("NormalLine(untyped sub) = %q", got)
	}
	if NormalLine(MSISDN, "0612345678") == NormalLine(MSISDN, "33612345678") {
		t.Error("a national number is not rewritten into another country's")
	}
}
