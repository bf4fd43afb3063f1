package cli

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"simdesk/model"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

// TestLoadThousandLookups runs 1,000 lookups, 50 at a time, against the
// simulator answering 10 % of calls with a 5xx: each ends in lines or a typed
// error, no goroutine is left behind, and the heap stays flat.
func TestLoadThousandLookups(t *testing.T) {
	if testing.Short() {
		t.Skip("load drill")
	}
	_, env := startSim(t, sim.Options{ErrorRate: 0.1, Seed: 3}, "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	s, err := open(Env{Getenv: func(k string) string { return env[k] }}, common{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []string{"9077613", "S-1001", "7879999991", "18767911940", "12424495927"}
	parsed := make([]model.Identifier, len(ids))
	for i, raw := range ids {
		parsed[i], _ = model.ParseIdentifier(raw, "", "")
	}
	httpx.CloseIdle()
	runtime.GC()
	goroutinesBefore := runtime.NumGoroutine()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	var mu sync.Mutex
	kinds := map[string]int{}
	var heapHalf uint64
	sem := make(chan struct{}, 50)
	var wg sync.WaitGroup
	for i := 0; i < 1000; i++ {
		if i == 500 {
			wg.Wait()
			heapHalf = heap()
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			id := parsed[i%len(parsed)]
			// One provider per lookup, round robin, so the breaker of one
			// provider does not hide the others.
			names := s.engine.Accepting(id.Type)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			r := s.engine.LookupOne(ctx, names[i%len(names)], id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Err == nil && len(r.Lines) > 0:
				kinds["lines"]++
			case r.Err != nil && r.Err.Kind != "":
				kinds[string(r.Err.Kind)]++
			default:
				t.Errorf("lookup %d ended with neither lines nor a typed error: %+v", i, r)
			}
		}()
	}
	wg.Wait()
	heapEnd := heap()
	total := 0
	for _, n := range kinds {
		total += n
	}
	if total != 1000 {
		t.Fatalf("%d outcomes", total)
	}
	httpx.CloseIdle()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutinesBefore && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > goroutinesBefore {
		t.Errorf("goroutines: %d before, %d after", goroutinesBefore, g)
	}
	if heapEnd > heapHalf*3/2+4<<20 {
		t.Errorf("heap grew from %d to %d bytes between 500 and 1000 lookups", heapHalf, heapEnd)
	}
	t.Logf("outcomes %v; heap %d KiB at 500, %d KiB at 1000", kinds, heapHalf>>10, heapEnd>>10)
}
