package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
	"testing"
)

// plainMsgs are the console's message types that carry no provider text,
// each with the reason; every other *Msg type must be a case of
// sanitizeMsg's switch.
var plainMsgs = map[string]string{
	"clockMsg":        "the time",
	"stockTickMsg":    "a timer",
	"forwardMsg":      "a timer (a request id)",
	"historySavedMsg": "our own file write's error",
	"progressMsg":     "counts and our own step names (providers.Progress)",
}

// TestEveryMessageWithProviderTextIsSanitised: sanitizeMsg is the one place
// the console makes provider text safe for the terminal, by message type;
// a new message type must be added there (or here, with the reason it
// carries no provider text), so none can reach the screen unsanitised by
// being forgotten.
func TestEveryMessageWithProviderTextIsSanitised(t *testing.T) {
	fset := token.NewFileSet()
	ents, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	cases := map[string]bool{}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			switch x := node.(type) {
			case *ast.TypeSpec:
				if strings.HasSuffix(x.Name.Name, "Msg") && x.TypeParams == nil {
					msgs = append(msgs, x.Name.Name)
				}
			case *ast.FuncDecl:
				if x.Name.Name != "sanitizeMsg" {
					return true
				}
				ast.Inspect(x.Body, func(m ast.Node) bool {
					if cc, ok := m.(*ast.CaseClause); ok {
						for _, c := range cc.List {
							if id, ok := c.(*ast.Ident); ok {
								cases[id.Name] = true
							}
						}
					}
					return true
				})
				return false
			}
			return true
		})
	}
	sort.Strings(msgs)
	if len(msgs) < 10 || len(cases) < 8 {
		t.Fatalf("found %d message types and %d sanitizeMsg cases: the parse is off", len(msgs), len(cases))
	}
	for _, m := range msgs {
		_, plain := plainMsgs[m]
		switch {
		case cases[m] && plain:
			t.Errorf("%s is both sanitised and listed as plain", m)
		case !cases[m] && !plain:
			t.Errorf("message type %s is not a case of sanitizeMsg: add it there, or to plainMsgs with the reason it carries no provider text", m)
		}
	}
	for m := range plainMsgs {
		if !strings.Contains(strings.Join(msgs, " ")+" ", m+" ") {
			t.Errorf("plainMsgs lists %s, which no longer exists", m)
		}
	}
}
