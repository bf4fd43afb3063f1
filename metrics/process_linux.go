package metrics

import (
	"bytes"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// userHZ is the kernel's clock tick for /proc's times (procfs assumes 100,
// which every Linux build client_golang runs on uses).
const userHZ = 100

// maxProcFile bounds what is read of one /proc file.
const maxProcFile = 1 << 20

// collectProcess adds the process's metrics.
func collectProcess(s *sink) { collectProcessFrom(s, "/proc") }

// collectProcessFrom reads the process's figures under root (a test gives
// its own files); a file that cannot be read or parsed leaves its figures
// out, not the scrape.
func collectProcessFrom(s *sink, root string) {
	if st, ok := procStat(root); ok {
		s.add(descCPU, series{value: st.cpu}, nil)
		s.add(descVSize, series{value: st.vsize}, nil)
		s.add(descRSS, series{value: st.rss}, nil)
		if boot, ok := bootTime(root); ok {
			s.add(descStart, series{value: boot + st.start}, nil)
		}
	}
	if fds, err := os.ReadDir(root + "/self/fd"); err == nil {
		s.add(descOpenFDs, series{value: float64(len(fds))}, nil)
	}
	if b, err := readProc(root + "/self/limits"); err == nil {
		if v, ok := limit(b, "Max open files"); ok {
			s.add(descMaxFDs, series{value: v}, nil)
		}
		if v, ok := limit(b, "Max address space"); ok {
			s.add(descVMax, series{value: v}, nil)
		}
	}
	if b, err := readProc(root + "/self/net/dev"); err == nil {
		if rx, tx, ok := netDev(b); ok {
			s.add(descNetRx, series{value: rx}, nil)
			s.add(descNetTx, series{value: tx}, nil)
		}
	}
}

func readProc(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxProcFile))
}

type stat struct{ cpu, vsize, rss, start float64 }

// procStat reads /proc/self/stat: the fields after the command's closing
// parenthesis (a command may hold spaces and parentheses), from the state
// (field 3) on.
func procStat(root string) (stat, bool) {
	b, err := readProc(root + "/self/stat")
	if err != nil {
		return stat{}, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 22 {
		return stat{}, false
	}
	var v [5]float64
	for k, field := range []int{14, 15, 22, 23, 24} { // utime stime starttime vsize rss
		n, err := strconv.ParseUint(f[field-3], 10, 64)
		if err != nil {
			return stat{}, false
		}
		v[k] = float64(n)
	}
	return stat{cpu: (v[0] + v[1]) / userHZ, start: v[2] / userHZ, vsize: v[3], rss: v[4] * float64(os.Getpagesize())}, true
}

// bootTime is /proc/stat's btime, Unix seconds.
func bootTime(root string) (float64, bool) {
	b, err := readProc(root + "/stat")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(rest), 10, 64)
			return float64(n), err == nil
		}
	}
	return 0, false
}

// limit is the soft limit of a /proc/self/limits row; unlimited is the
// largest uint64, as procfs reads it.
func limit(b []byte, name string) (float64, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		if f[0] == "unlimited" {
			return math.MaxUint64, true
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		return float64(n), err == nil
	}
	return 0, false
}

// netDev sums the bytes received and sent over every interface of
// /proc/self/net/dev (the process's network namespace), as procfs does.
func netDev(b []byte) (rx, tx float64, ok bool) {
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return 0, 0, false
	}
	for _, line := range lines[2:] {
		_, counts, found := strings.Cut(line, ":")
		f := strings.Fields(counts)
		if !found || len(f) < 9 {
			continue
		}
		r, err1 := strconv.ParseUint(f[0], 10, 64)
		t, err2 := strconv.ParseUint(f[8], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, 0, false
		}
		rx += float64(r)
		tx += float64(t)
	}
	return rx, tx, true
}
