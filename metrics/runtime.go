package metrics

import (
	"runtime"
	"runtime/debug"
	"time"
)

// The Go runtime's metrics, with client_golang's GoCollector's names, types
// and help (its default set, v1.25), so that dashboards built on them read
// simdesk unchanged. Everything is read at scrape time.

var (
	descGoroutines = &desc{name: "go_goroutines", typ: gaugeType,
		help: "Number of goroutines that currently exist."}
	descThreads = &desc{name: "go_threads", typ: gaugeType,
		help: "Number of OS threads created."}
	descGCDuration = &desc{name: "go_gc_duration_seconds", typ: summaryType,
		help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles."}
	descLastGC = &desc{name: "go_memstats_last_gc_time_seconds", typ: gaugeType,
		help: "Number of seconds since 1970 of last garbage collection."}
	descGoInfo = &desc{name: "go_info", typ: gaugeType,
		help: "Information about the Go environment.", labels: []string{"version"}}
)

// Two settings client_golang reads from runtime/metrics, read here from
// their getters: importing runtime/metrics alone cost every process 0.3 ms
// and 95 allocations of init. Its third, go_gc_gogc_percent, is left out:
// no getter reads GOGC without setting it.
var (
	descMemLimit = &desc{name: "go_gc_gomemlimit_bytes", typ: gaugeType,
		help: "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes."}
	descMaxProcs = &desc{name: "go_sched_gomaxprocs_threads", typ: gaugeType,
		help: "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads."}
)

// goMemStats are read from runtime.MemStats, which the help's runtime/metrics
// names are the parts of.
var goMemStats = [...]struct {
	d desc
	v func(*runtime.MemStats) float64
}{
	{desc{name: "go_memstats_alloc_bytes", typ: gaugeType,
		help: "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.Alloc) }},
	{desc{name: "go_memstats_alloc_bytes_total", typ: counterType,
		help: "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.TotalAlloc) }},
	{desc{name: "go_memstats_buck_hash_sys_bytes", typ: gaugeType,
		help: "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.BuckHashSys) }},
	{desc{name: "go_memstats_frees_total", typ: counterType,
		help: "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects."},
		func(s *runtime.MemStats) float64 { return float64(s.Frees) }},
	{desc{name: "go_memstats_gc_sys_bytes", typ: gaugeType,
		help: "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.GCSys) }},
	{desc{name: "go_memstats_heap_alloc_bytes", typ: gaugeType,
		help: "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.HeapAlloc) }},
	{desc{name: "go_memstats_heap_idle_bytes", typ: gaugeType,
		help: "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.HeapIdle) }},
	{desc{name: "go_memstats_heap_inuse_bytes", typ: gaugeType,
		help: "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes"},
		func(s *runtime.MemStats) float64 { return float64(s.HeapInuse) }},
	{desc{name: "go_memstats_heap_objects", typ: gaugeType,
		help: "Number of currently allocated objects. Equals to /gc/heap/objects:objects."},
		func(s *runtime.MemStats) float64 { return float64(s.HeapObjects) }},
	{desc{name: "go_memstats_heap_released_bytes", typ: gaugeType,
		help: "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.HeapReleased) }},
	{desc{name: "go_memstats_heap_sys_bytes", typ: gaugeType,
		help: "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.HeapSys) }},
	{desc{name: "go_memstats_mallocs_total", typ: counterType,
		help: "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects."},
		func(s *runtime.MemStats) float64 { return float64(s.Mallocs) }},
	{desc{name: "go_memstats_mcache_inuse_bytes", typ: gaugeType,
		help: "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.MCacheInuse) }},
	{desc{name: "go_memstats_mcache_sys_bytes", typ: gaugeType,
		help: "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.MCacheSys) }},
	{desc{name: "go_memstats_mspan_inuse_bytes", typ: gaugeType,
		help: "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.MSpanInuse) }},
	{desc{name: "go_memstats_mspan_sys_bytes", typ: gaugeType,
		help: "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.MSpanSys) }},
	{desc{name: "go_memstats_next_gc_bytes", typ: gaugeType,
		help: "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.NextGC) }},
	{desc{name: "go_memstats_other_sys_bytes", typ: gaugeType,
		help: "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.OtherSys) }},
	{desc{name: "go_memstats_stack_inuse_bytes", typ: gaugeType,
		help: "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.StackInuse) }},
	{desc{name: "go_memstats_stack_sys_bytes", typ: gaugeType,
		help: "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes."},
		func(s *runtime.MemStats) float64 { return float64(s.StackSys) }},
	{desc{name: "go_memstats_sys_bytes", typ: gaugeType,
		help: "Number of bytes obtained from system. Equals to /memory/classes/total:byte."},
		func(s *runtime.MemStats) float64 { return float64(s.Sys) }},
}

// collectGo adds the Go runtime's metrics.
func collectGo(s *sink) {
	s.add(descGoroutines, series{value: float64(runtime.NumGoroutine())}, nil)
	threads, _ := runtime.ThreadCreateProfile(nil)
	s.add(descThreads, series{value: float64(threads)}, nil)
	s.add(descGoInfo, series{value: 1}, []string{runtime.Version()})
	s.add(descGCDuration, gcPauses(), nil)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for i := range goMemStats {
		s.add(&goMemStats[i].d, series{value: goMemStats[i].v(&ms)}, nil)
	}
	s.add(descLastGC, series{value: float64(ms.LastGC) / 1e9}, nil)

	s.add(descMemLimit, series{value: float64(debug.SetMemoryLimit(-1))}, nil) // a negative limit reads it, changes nothing
	s.add(descMaxProcs, series{value: float64(runtime.GOMAXPROCS(0))}, nil)
}

// gcPauses is the stop-the-world pauses' summary as client_golang's
// GoCollector builds it from debug.ReadGCStats: the minimum, quartiles and
// maximum of the recent pauses, with their total and number.
func gcPauses() series {
	var st debug.GCStats
	st.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&st)
	x := series{value: st.PauseTotal.Seconds(), count: uint64(st.NumGC),
		bounds: []float64{0, 0.25, 0.5, 0.75, 1}, counts: make([]float64, 5)}
	for i, q := range st.PauseQuantiles {
		x.counts[i] = q.Seconds()
	}
	return x
}
