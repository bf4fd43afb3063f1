package topup

import (
	"encoding/json"
	"testing"
)

func TestOutcomeTextIsChecked(t *testing.T) {
	for _, o := range Outcomes() {
		b, err := json.Marshal(o)
		var back Outcome
		if err != nil || json.Unmarshal(b, &back) != nil || back != o {
			t.Errorf("%s: %s %v → %q", o, b, err, back)
		}
	}
	for _, bad := range []string{`"OK"`, `"accepted"`, `"ok "`, `"done"`, `"rejected\u0000"`} {
		var o Outcome
		if err := json.Unmarshal([]byte(bad), &o); err == nil {
			t.Errorf("%s read as %q", bad, o)
		}
	}
	if _, err := json.Marshal(Outcome("okay")); err == nil {
		t.Error("a misspelt outcome was written")
	}
	var none struct {
		S Outcome `json:"status,omitempty"`
	}
	if b, _ := json.Marshal(none); string(b) != `{}` {
		t.Errorf("no outcome written as %s", b)
	}
}

// TestClosesIsTheOneRule: the rule the file index and the PostgreSQL
// pending set both ask (journal.Attempt.Closed).
func TestClosesIsTheOneRule(t *testing.T) {
	for _, tc := range []struct {
		o                      Outcome
		trx                    string
		definitive, spent, end bool
	}{
		{OK, "t1", true, true, true},
		{OK, "", true, true, false}, // ok without its id: the id may still come
		{Rejected, "", true, false, true},
		{Rejected, "t2", true, false, true},
		{NotFound, "", true, false, true},
		{Unknown, "", false, true, false},
		{"", "", false, true, false}, // no outcome yet
	} {
		if tc.o.Definitive() != tc.definitive || tc.o.Spent() != tc.spent || tc.o.Closes(tc.trx) != tc.end {
			t.Errorf("%q %q: definitive %v spent %v closes %v", tc.o, tc.trx, tc.o.Definitive(), tc.o.Spent(), tc.o.Closes(tc.trx))
		}
	}
}
