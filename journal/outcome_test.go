package journal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"simdesk/topup"
)

// TestOutcomeTextIsTyped: a status that is not one of the outcomes is
// never written (the append fails, nothing on disk) and a line holding one
// is reported like any garbled line, never read as some other outcome.
func TestOutcomeTextIsTyped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx := context.Background()
	in := Entry{TS: time.Now(), JournalID: "a", Phase: PhaseIntent, Provider: "orange", OfferID: "o", TargetType: "msisdn", TargetID: "33612345678"}
	if _, err := j.Append(ctx, in); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := in
	bad.Phase, bad.Status = PhaseOutcome, topup.Outcome("okay")
	if _, err := j.Append(ctx, bad); err == nil {
		t.Fatal("an outcome that is none was written")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("the refused append wrote:\n%s", after)
	}
	// A line edited by hand to "OK": garbled, named by its line number.
	line := strings.Replace(string(before), `"phase":"intent"`, `"phase":"outcome","status":"OK"`, 1)
	line = strings.Replace(line, `"journal_id":"a"`, `"journal_id":"b"`, 1)
	if err := os.WriteFile(path, []byte(string(before)+line), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := j.Verify(ctx)
	if err != nil || rep.OK || len(rep.Problems) == 0 || rep.Problems[0].Line != 2 || !strings.Contains(rep.Problems[0].Msg, "not a journal entry") {
		t.Errorf("verify %+v %v", rep, err)
	}
}
