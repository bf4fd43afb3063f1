package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// unwanted are packages whose initialisers every simdesk process would run
// (the console and `simdesk lookup` included) if the binary linked them:
// client_golang's registry and collectors, procfs, ~29 protobuf packages
// (one hashes the binary at init), expvar's /debug/vars. Tests may use
// them; the binary must not.
var unwanted = []string{"github.com/prometheus/", "google.golang.org/protobuf/", "expvar"}

// linked lists the packages the simdesk binary links for goos.
func linked(t *testing.T, goos string) []string {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to list the dependencies")
		}
	}
	cmd := exec.Command(gobin, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS="+goos)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps (GOOS=%s): %v\n%s", goos, err, out)
	}
	return strings.Fields(string(out))
}

// TestBinaryLinksNoMetricsLibrary: the production binary links neither
// client_golang nor what it brings, on Linux and on two systems whose
// builds read no /proc.
func TestBinaryLinksNoMetricsLibrary(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		pkgs := linked(t, goos)
		if len(pkgs) < 50 || !contains(pkgs, "simdesk/metrics") {
			t.Fatalf("GOOS=%s: go list gave %d packages, without simdesk/metrics", goos, len(pkgs))
		}
		for _, p := range pkgs {
			for _, bad := range unwanted {
				if p == bad || strings.HasPrefix(p, bad) {
					t.Errorf("GOOS=%s: the binary links %s", goos, p)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
