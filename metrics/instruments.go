package metrics

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
)

// maxLabels is the most labels an instrument has; a fixed-size key needs
// no allocation and cannot mistake two label sets for one.
const maxLabels = 3

type labelKey [maxLabels]string

// vec holds the series of one instrument by label values. The hooks that
// feed it run concurrently (provider calls, top-ups, journal appends): a
// series is created under the write lock, found under the read lock.
type vec[C any] struct {
	d     *desc
	mu    sync.RWMutex
	cells map[labelKey]*C
	keys  map[*C][]string // label values of each cell, in d.labels' order
	mk    func() *C
}

func newVec[C any](d *desc, mk func() *C) *vec[C] {
	if len(d.labels) > maxLabels {
		panic("metrics: " + d.name + " has more than maxLabels labels")
	}
	return &vec[C]{d: d, cells: map[labelKey]*C{}, keys: map[*C][]string{}, mk: mk}
}

// with returns the series of these label values (made safe), creating it.
// A wrong number of values is a programming error, as in client_golang.
func (v *vec[C]) with(values ...string) *C {
	if len(values) != len(v.d.labels) {
		panic("metrics: " + v.d.name + ": wrong number of label values")
	}
	var k labelKey
	for i, s := range values {
		k[i] = labelValue(s)
	}
	v.mu.RLock()
	c := v.cells[k]
	v.mu.RUnlock()
	if c != nil {
		return c
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if c = v.cells[k]; c == nil {
		c = v.mk()
		v.cells[k] = c
		v.keys[c] = append([]string(nil), k[:len(values)]...)
	}
	return c
}

// each calls fn with every series and its label values.
func (v *vec[C]) each(fn func(c *C, values []string)) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	for c, values := range v.keys {
		fn(c, values)
	}
}

// counter is a float64 added to atomically (a compare-and-swap loop on its
// bits, as client_golang does for non-integer additions).
type counter struct{ bits atomic.Uint64 }

func (c *counter) Add(x float64) {
	for {
		old := c.bits.Load()
		if c.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+x)) {
			return
		}
	}
}

func (c *counter) Inc()           { c.Add(1) }
func (c *counter) value() float64 { return math.Float64frombits(c.bits.Load()) }

type counterVec struct{ *vec[counter] }

func newCounterVec(d *desc) counterVec {
	return counterVec{newVec(d, func() *counter { return &counter{} })}
}

func (v counterVec) WithLabelValues(values ...string) *counter { return v.with(values...) }

func (v counterVec) collect(s *sink) {
	v.each(func(c *counter, values []string) { s.add(v.d, series{value: c.value()}, values) })
}

// histogram counts observations into buckets; a mutex keeps its counts,
// sum and count consistent with one another in a scrape.
type histogram struct {
	bounds []float64 // upper bounds, increasing, without +Inf
	mu     sync.Mutex
	counts []uint64 // per bucket; the last is above every bound
	sum    float64
	n      uint64
}

// Observe files x in the first bucket whose upper bound is at least x (le).
func (h *histogram) Observe(x float64) {
	i := sort.SearchFloat64s(h.bounds, x)
	h.mu.Lock()
	h.counts[i]++
	h.sum += x
	h.n++
	h.mu.Unlock()
}

func (h *histogram) snapshot() series {
	h.mu.Lock()
	defer h.mu.Unlock()
	x := series{value: h.sum, count: h.n, bounds: h.bounds, counts: make([]float64, len(h.bounds))}
	cum := uint64(0)
	for i := range h.bounds {
		cum += h.counts[i]
		x.counts[i] = float64(cum)
	}
	return x
}

type histogramVec struct{ *vec[histogram] }

func newHistogramVec(d *desc, bounds []float64) histogramVec {
	return histogramVec{newVec(d, func() *histogram {
		return &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
	})}
}

func (v histogramVec) WithLabelValues(values ...string) *histogram { return v.with(values...) }

func (v histogramVec) collect(s *sink) {
	v.each(func(h *histogram, values []string) { s.add(v.d, h.snapshot(), values) })
}
