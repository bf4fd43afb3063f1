package metrics

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The exposition is written here, not by client_golang: linking
// client_golang ran its package initialisers (its default registry, procfs,
// expvar, ~29 protobuf packages) in every simdesk process, the console and
// `simdesk lookup` included, ~3 ms of each start, and Go cannot skip a
// linked package's init. The tests keep client_golang as the reference: they
// lint this exposition with promlint and compare it with what its registry
// writes for the same instruments.

// Prometheus text format 0.0.4. The escaping parameter is what promhttp
// answered by default; every name here is a legacy name, which no escaping
// scheme changes.
const contentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

// Metric types, as the TYPE line spells them.
const (
	counterType   = "counter"
	gaugeType     = "gauge"
	histogramType = "histogram"
	summaryType   = "summary"
)

// desc describes a metric family. Descs are package-level composite
// literals, so that a process that never serves metrics builds nothing: the
// label order is worked out on first use.
type desc struct {
	name, help, typ string
	labels          []string // label names, in the order values are given

	once  sync.Once
	order []int // indices of labels in name order (the exposition's order)
}

func (d *desc) sorted() []int {
	d.once.Do(func() {
		d.order = make([]int, len(d.labels))
		for i := range d.order {
			d.order[i] = i
		}
		slices.SortStableFunc(d.order, func(a, b int) int { return strings.Compare(d.labels[a], d.labels[b]) })
	})
	return d.order
}

// series is one sample set of a family: a counter's or gauge's value, or a
// histogram's buckets (cumulative) or a summary's quantiles with the sum
// and count.
type series struct {
	labels []string // values, in label name order
	value  float64  // counter, gauge; histogram and summary: the sum
	count  uint64   // histogram, summary
	bounds []float64
	counts []float64 // histogram: cumulative count at each bound; summary: the quantile's value
}

type family struct {
	d      *desc
	series []series
}

// sink gathers one scrape's families.
type sink struct {
	fams map[string]*family
}

func newSink() *sink { return &sink{fams: map[string]*family{}} }

// add files x under d, with label values given in d.labels' order. A
// series with the wrong number of values is left out: as with client_golang's
// ContinueOnError, one bad metric does not fail the scrape.
func (s *sink) add(d *desc, x series, values []string) {
	if len(values) != len(d.labels) {
		return
	}
	x.labels = make([]string, len(values))
	for i, j := range d.sorted() {
		x.labels[i] = values[j]
	}
	f := s.fams[d.name]
	if f == nil {
		f = &family{d: d}
		s.fams[d.name] = f
	}
	f.series = append(f.series, x)
}

// put adds a counter or gauge read at scrape time; its label values are
// made safe (provider text among them).
func (s *sink) put(d *desc, v float64, values ...string) {
	for i := range values {
		values[i] = labelValue(values[i])
	}
	s.add(d, series{value: v}, values)
}

// sorted returns the families by name, each one's series by label values,
// a series repeated (same labels) kept once (the first), families without
// a series left out: what client_golang's registry does, so the output is
// deterministic.
func (s *sink) sorted() []*family {
	out := make([]*family, 0, len(s.fams))
	for _, f := range s.fams {
		slices.SortStableFunc(f.series, func(a, b series) int { return slices.Compare(a.labels, b.labels) })
		f.series = slices.CompactFunc(f.series, func(a, b series) bool { return slices.Equal(a.labels, b.labels) })
		if len(f.series) > 0 {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *family) int { return strings.Compare(a.d.name, b.d.name) })
	return out
}

// appendFamily writes f in the text format, as expfmt.MetricFamilyToText
// does.
func appendFamily(b []byte, f *family) []byte {
	d := f.d
	b = append(b, "# HELP "...)
	b = append(b, d.name...)
	b = append(b, ' ')
	b = appendEscaped(b, d.help, false)
	b = append(b, "\n# TYPE "...)
	b = append(b, d.name...)
	b = append(b, ' ')
	b = append(b, d.typ...)
	b = append(b, '\n')
	names := make([]string, len(d.labels))
	for i, j := range d.sorted() {
		names[i] = d.labels[j]
	}
	for _, x := range f.series {
		b = appendSeries(b, d, names, x)
	}
	return b
}

func appendSeries(b []byte, d *desc, names []string, x series) []byte {
	switch d.typ {
	case histogramType:
		for i, le := range x.bounds {
			b = appendSample(b, d.name+"_bucket", names, x.labels, "le", le, x.counts[i])
		}
		if len(x.bounds) == 0 || !math.IsInf(x.bounds[len(x.bounds)-1], +1) {
			b = appendSample(b, d.name+"_bucket", names, x.labels, "le", math.Inf(+1), float64(x.count))
		}
	case summaryType:
		for i, q := range x.bounds {
			b = appendSample(b, d.name, names, x.labels, "quantile", q, x.counts[i])
		}
	default:
		return appendSample(b, d.name, names, x.labels, "", 0, x.value)
	}
	b = appendSample(b, d.name+"_sum", names, x.labels, "", 0, x.value)
	return appendSample(b, d.name+"_count", names, x.labels, "", 0, float64(x.count))
}

// appendSample writes one line: name{labels,extra="v"} value.
func appendSample(b []byte, name string, names, values []string, extra string, extraV, v float64) []byte {
	b = append(b, name...)
	sep := byte('{')
	for i, n := range names {
		b = append(b, sep)
		b = append(b, n...)
		b = append(b, `="`...)
		b = appendEscaped(b, values[i], true)
		b = append(b, '"')
		sep = ','
	}
	if extra != "" {
		b = append(b, sep)
		b = append(b, extra...)
		b = append(b, `="`...)
		b = appendFloat(b, extraV)
		b = append(b, '"')
		sep = ','
	}
	if sep == ',' {
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, v)
	return append(b, '\n')
}

// appendEscaped escapes a HELP text (backslash, newline) or a label value
// (and double quote). Invalid UTF-8, which a parser refuses, becomes
// U+FFFD: client_golang refused such a series.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat formats as Prometheus does: the shortest representation that
// reads back the same, +Inf, -Inf, NaN.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case f == 1:
		return append(b, '1')
	case f == 0:
		return append(b, '0')
	case f == -1:
		return append(b, "-1"...)
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, +1):
		return append(b, "+Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}
