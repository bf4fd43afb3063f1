// Package seeds holds, verbatim, every JSON example of the four source
// documents in ../shared/seeds: the ground truth for the upstream APIs. The
// simulator serves them and the decoders' tests read them.
package seeds

import (
	"embed"
	"io/fs"
)

//go:embed *.json *.txt
var files embed.FS

// FS is every seed example, by file name.
var FS fs.FS = files

// MustRead returns one example; it panics on a name that is not embedded, which
// is a programming error caught by any test that uses it.
func MustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("seeds: no example named " + name)
	}
	return b
}

// Names lists every example.
func Names() []string {
	ents, _ := fs.ReadDir(files, ".")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
