package seeds

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerbatim proves every example is a verbatim excerpt of a source
// document, when the documents are beside the repository (as in CI).
func TestVerbatim(t *testing.T) {
	docs, _ := filepath.Glob("../../shared/seeds/0*.txt")
	if len(docs) == 0 {
		t.Skip("../shared/seeds not present")
	}
	var all []byte
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	for _, n := range Names() {
		if !bytes.Contains(all, bytes.TrimSpace(MustRead(n))) {
			t.Errorf("%s is not a verbatim excerpt of the seeds", n)
		}
	}
}

func TestExamplesAreJSONExceptTheBrokenOne(t *testing.T) {
	if len(Names()) != 21 {
		t.Fatalf("want 21 examples, have %d", len(Names()))
	}
	for _, n := range Names() {
		valid := json.Valid(MustRead(n))
		if strings.HasSuffix(n, ".txt") == valid {
			t.Errorf("%s: valid JSON = %v", n, valid)
		}
	}
}
