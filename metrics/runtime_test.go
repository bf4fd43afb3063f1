package metrics

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// goProcessText is our Go and process families' exposition.
func goProcessText() string {
	s := newSink()
	collectGo(s)
	collectProcess(s)
	var b []byte
	for _, f := range s.sorted() {
		b = appendFamily(b, f)
	}
	return string(b)
}

// TestGoProcessMatchClientGolang: the go_* and process_* families are the
// ones client_golang's GoCollector and ProcessCollector export by default
// (names, help, types, label names), and the figures that do not move
// between two reads are the same.
func TestGoProcessMatchClientGolang(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	for _, f := range fams {
		expfmt.MetricFamilyToText(&text, f)
	}
	want := parseText(t, text.String())
	if len(want) < 30 {
		t.Fatalf("client_golang exported %d families", len(want))
	}
	got := parseText(t, goProcessText())
	if runtime.GOOS != "linux" { // ours reads /proc only
		for name := range want {
			if strings.HasPrefix(name, "process_") {
				delete(want, name)
			}
		}
	}
	for _, name := range unionKeys(got, want) {
		g, w := got[name], want[name]
		switch {
		case g == nil && name == "go_gc_gogc_percent": // left out (runtime.go says why)
		case g == nil:
			t.Errorf("%s: missing (client_golang exports it)", name)
		case w == nil:
			t.Errorf("%s: exported, client_golang does not", name)
		case g.GetHelp() != w.GetHelp() || g.GetType() != w.GetType():
			t.Errorf("%s: %v %q, client_golang %v %q", name, g.GetType(), g.GetHelp(), w.GetType(), w.GetHelp())
		case labelNames(g) != labelNames(w):
			t.Errorf("%s: labels %s, client_golang %s", name, labelNames(g), labelNames(w))
		}
	}
	if runtime.GOOS != "linux" {
		return
	}
	for _, name := range []string{"process_max_fds", "process_virtual_memory_max_bytes",
		"go_gc_gomemlimit_bytes", "go_sched_gomaxprocs_threads"} {
		if g, w := valueOf(t, got, name), valueOf(t, want, name); g != w {
			t.Errorf("%s = %v, client_golang %v", name, g, w)
		}
	}
	if g, w := valueOf(t, got, "process_start_time_seconds"), valueOf(t, want, "process_start_time_seconds"); math.Abs(g-w) > 0.011 {
		t.Errorf("process_start_time_seconds = %v, client_golang %v", g, w)
	}
	if v := got["go_info"].Metric[0].Label[0].GetValue(); v != runtime.Version() {
		t.Errorf("go_info version %q", v)
	}
	for _, name := range []string{"process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "go_goroutines", "go_threads", "go_memstats_sys_bytes"} {
		if v := valueOf(t, got, name); v <= 0 {
			t.Errorf("%s = %v", name, v)
		}
	}
}

func labelNames(f *dto.MetricFamily) string {
	if len(f.Metric) == 0 {
		return ""
	}
	var names []string
	for _, l := range f.Metric[0].Label {
		names = append(names, l.GetName())
	}
	return strings.Join(names, ",")
}

func valueOf(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil || len(f.Metric) == 0 {
		t.Fatalf("%s not exported", name)
	}
	m := f.Metric[0]
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	}
	t.Fatalf("%s is no gauge or counter", name)
	return 0
}
