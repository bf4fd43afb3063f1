package metrics

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestProcessFromProcFiles reads the figures from a /proc of fixed files:
// a command with spaces and parentheses, unlimited address space, two
// interfaces.
func TestProcessFromProcFiles(t *testing.T) {
	s := newSink()
	collectProcessFrom(s, "testdata/proc")
	got := map[string]float64{}
	for _, f := range s.sorted() {
		got[f.d.name] = f.series[0].value
	}
	want := map[string]float64{
		"process_cpu_seconds_total":            3.75,
		"process_start_time_seconds":           1796500000 + 123.45,
		"process_virtual_memory_bytes":         1599959040,
		"process_resident_memory_bytes":        2188 * float64(os.Getpagesize()),
		"process_open_fds":                     4,
		"process_max_fds":                      20000,
		"process_virtual_memory_max_bytes":     math.MaxUint64,
		"process_network_receive_bytes_total":  123457789,
		"process_network_transmit_bytes_total": 988654,
	}
	if len(got) != len(want) {
		t.Errorf("families %v, want %v", got, want)
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}

// TestProcessHostileFiles: truncated, garbled or missing /proc files leave
// their figures out, and nothing else.
func TestProcessHostileFiles(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "self", "net"), 0o755)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("self/stat", "4242 (a) b) S 1 2 3")                             // too few fields
	write("stat", "btime x\n")                                            // no usable boot time
	write("self/limits", "Max open files\nMax address space  -1 bytes\n") // no value, a negative one
	write("self/net/dev", "h1\nh2\n  eth0: 1 2 3 4 5 6 7 8 x\n")          // a non-number
	s := newSink()
	collectProcessFrom(s, root)
	if fams := s.sorted(); len(fams) != 0 {
		for _, f := range fams {
			t.Errorf("%s exported from garbled files: %v", f.d.name, f.series[0].value)
		}
	}
	s = newSink()
	collectProcessFrom(s, filepath.Join(root, "absent"))
	if fams := s.sorted(); len(fams) != 0 {
		t.Errorf("%d families without /proc", len(fams))
	}
}
