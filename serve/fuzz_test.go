package serve

import (
	"strings"
	"testing"

	"simdesk/engine"
)

// FuzzParseOperators: any bytes give either keys with a valid name and
// role, or problems that each start with FILE:LINE:, never a panic.
func FuzzParseOperators(f *testing.F) {
	k := newSigner(f)
	good := authLine(`operator="alice",role="agent"`, k)
	f.Add([]byte(good + " alice@laptop\n"))
	f.Add([]byte("# c\n\n" + good + "\n" + good + "\n"))
	f.Add([]byte(`operator="a b",role="agent" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ`))
	f.Add([]byte(`operator="x",role="agent",command="sh" ` + strings.SplitN(good, " ", 2)[1]))
	f.Add([]byte("\xff\xfe\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := ParseOperators("f", data)
		if err != nil {
			oe, ok := err.(*OperatorsError)
			if !ok || len(oe.Problems) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, p := range oe.Problems {
				if !strings.HasPrefix(p, "f:") || strings.ContainsAny(p, "\n\r") {
					t.Fatalf("problem %q", p)
				}
			}
			return
		}
		for _, op := range ops.byKey {
			if checkName(op.Name) != nil {
				t.Fatalf("bad name accepted: %q", op.Name)
			}
			if _, err := engine.ParseRole(string(op.Role)); err != nil {
				t.Fatalf("bad role accepted: %q", op.Role)
			}
		}
	})
}
