package metrics_test

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"simdesk/metrics"
)

// ruleExprs reads the expr of every rule of a Prometheus rules file (the
// one-line form and the "|" block form, which is all the file uses) and
// the alert names, without a YAML library.
func ruleExprs(t *testing.T, path string) (alerts, exprs []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	block, indent := false, 0
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		lead := len(line) - len(strings.TrimLeft(line, " "))
		if block {
			if trim != "" && lead > indent {
				exprs[len(exprs)-1] += " " + trim
				continue
			}
			block = false
		}
		switch {
		case strings.HasPrefix(trim, "- alert:"):
			alerts = append(alerts, strings.TrimSpace(strings.TrimPrefix(trim, "- alert:")))
		case trim == "expr: |":
			exprs, block, indent = append(exprs, ""), true, lead
		case strings.HasPrefix(trim, "expr:"):
			exprs = append(exprs, strings.TrimSpace(strings.TrimPrefix(trim, "expr:")))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return alerts, exprs
}

// dashboardExprs collects every "expr" of a Grafana dashboard's panels.
func dashboardExprs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "expr" {
					out = append(out, s)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return out
}

var metricName = regexp.MustCompile(`\bsimdesk_[a-z0-9_]+`)

// unexported lists the simdesk_ names used in exprs that are not series
// names the registry exports.
func unexported(exprs []string, exported map[string]bool) []string {
	var bad []string
	for _, e := range exprs {
		for _, n := range metricName.FindAllString(e, -1) {
			if !exported[n] {
				bad = append(bad, n)
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func exportedNames(t *testing.T) map[string]bool {
	s := runShift(t)
	fams := scrape(t, s.m)
	names := map[string]bool{}
	for _, f := range fams {
		names[f.GetName()] = true
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+suf] = true
			}
		}
	}
	return names
}

// TestContribUsesExportedMetrics: the alert rules and the dashboard shipped
// in contrib/ name only metrics simdesk exports, and the rules cover what
// the NOC is paged for.
func TestContribUsesExportedMetrics(t *testing.T) {
	exported := exportedNames(t)
	alerts, exprs := ruleExprs(t, "../contrib/prometheus/simdesk-rules.yml")
	if len(alerts) != len(exprs) || len(exprs) == 0 {
		t.Fatalf("%d alerts, %d exprs", len(alerts), len(exprs))
	}
	for _, want := range []string{"SimdeskStockLow", "SimdeskStockEmpty", "SimdeskTopupPendingPastSettleTime",
		"SimdeskProviderFailing", "SimdeskJournalNotWritable", "SimdeskStockNotRead"} {
		if !contains(alerts, want) {
			t.Errorf("rules lack %s", want)
		}
	}
	if bad := unexported(exprs, exported); len(bad) > 0 {
		t.Errorf("rules use metrics simdesk does not export: %v", bad)
	}
	dash := dashboardExprs(t, "../contrib/grafana/simdesk.json")
	if len(dash) < 10 {
		t.Fatalf("dashboard has %d queries", len(dash))
	}
	if bad := unexported(dash, exported); len(bad) > 0 {
		t.Errorf("dashboard uses metrics simdesk does not export: %v", bad)
	}
	// Every exported simdesk_ metric is on the dashboard.
	used := map[string]bool{}
	for _, e := range dash {
		for _, n := range metricName.FindAllString(e, -1) {
			used[strings.TrimSuffix(n, "_bucket")] = true
		}
	}
	for n := range exported {
		if strings.HasPrefix(n, "simdesk_") && !used[n] && !strings.HasSuffix(n, "_sum") && !strings.HasSuffix(n, "_count") && !strings.HasSuffix(n, "_bucket") {
			t.Errorf("dashboard does not show %s", n)
		}
	}
}

// TestUnexportedCatchesDrift: the check fails on a renamed metric (and
// accepts a histogram's series).
func TestUnexportedCatchesDrift(t *testing.T) {
	exported := map[string]bool{"simdesk_a_seconds": true, "simdesk_a_seconds_bucket": true, "simdesk_b_total": true}
	got := unexported([]string{`rate(simdesk_a_seconds_bucket[5m])`, `simdesk_b_total + simdesk_c_total`, `simdesk_b_total_count`}, exported)
	if strings.Join(got, ",") != "simdesk_b_total_count,simdesk_c_total" {
		t.Fatalf("unexported = %v", got)
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

// TestFamiliesAsDeclared: after a shift, every simdesk_ family is exported
// with the name, HELP, TYPE and label names it had when client_golang
// wrote the exposition, and none other.
func TestFamiliesAsDeclared(t *testing.T) {
	s := runShift(t)
	fams := scrape(t, s.m)
	ref := map[string]metrics.Family{}
	for _, f := range metrics.ReferenceFamilies() {
		ref[f.Name] = f
	}
	for name, f := range fams {
		r, ok := ref[name]
		switch {
		case !ok:
			t.Errorf("%s: exported, not declared before", name)
			continue
		case f.GetHelp() != r.Help:
			t.Errorf("%s: HELP %q, was %q", name, f.GetHelp(), r.Help)
		case strings.ToLower(f.GetType().String()) != r.Type:
			t.Errorf("%s: TYPE %v, was %s", name, f.GetType(), r.Type)
		}
		want := append([]string(nil), r.Labels...)
		sort.Strings(want)
		for _, m := range f.Metric {
			var got []string
			for _, l := range m.Label {
				got = append(got, l.GetName())
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: labels %v, were %v", name, got, want)
				break
			}
		}
	}
	for name := range ref {
		if fams[name] == nil {
			t.Errorf("%s: not exported after a shift", name)
		}
	}
}
