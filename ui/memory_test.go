package ui

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"simdesk/engine"
	"simdesk/model"
)

// TestDroppingALargeAnswerOnlyTellsThePolicy: a pane that replaces a
// 6,000-bucket answer tells the process's memory policy (Options.Dropped)
// once, with the count; a small answer tells nothing; without a policy
// nothing happens. Freeing memory is the policy's business, off Update.
func TestDroppingALargeAnswerOnlyTellsThePolicy(t *testing.T) {
	var got []int
	c := &common{width: 80, height: 24, st: newStyles(nil), plain: newStyles(nil), keys: defaultKeyMap(),
		dropped: func(n int) { got = append(got, n) }}
	p := &pane{name: "dxp-pr"}
	big := model.Line{Buckets: make([]model.Bucket, 6000)}
	small := model.Line{Buckets: make([]model.Bucket, 3)}
	p.apply(engine.Result{Provider: "dxp-pr", Lines: []model.Line{big}}, c)
	p.apply(engine.Result{Provider: "dxp-pr", Lines: []model.Line{small}}, c)
	p.apply(engine.Result{Provider: "dxp-pr", Lines: []model.Line{small}}, c)
	if len(got) != 1 || got[0] != 6000 {
		t.Fatalf("the policy heard %v, want one hint of 6000 buckets", got)
	}
	c.dropped = nil
	p.apply(engine.Result{Provider: "dxp-pr", Lines: []model.Line{big}}, c)
	p.apply(engine.Result{Provider: "dxp-pr", Lines: []model.Line{small}}, c) // no policy: no call, no panic
}

// TestUINeverFreesMemoryItself: no file of the console calls
// debug.FreeOSMemory or runtime.GC (under serve, one session's Update would
// stop the world for all of them); the process's policy does (cli).
func TestUINeverFreesMemoryItself(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no sources", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range f.Imports {
			if path, _ := strconv.Unquote(im.Path.Value); path == "runtime/debug" {
				t.Errorf("%s imports runtime/debug", name)
			}
		}
		if strings.Contains(string(src), "runtime.GC(") {
			t.Errorf("%s calls runtime.GC", name)
		}
	}
}
