package httpx

import (
	"runtime"
	"testing"
)

// AddBasic registers its forms with one rebuild of the 8 KiB prefilter, not
// one per form: it runs for every provider at every process start (a
// rebuild per form allocated ~268 KB per call and was 2.4% of a small
// lookup's CPU; one rebuild is ~25 KB). Averaged over 20 calls on one P,
// so that what other goroutines of the test binary allocate meanwhile
// cannot pass for the prefilter's.
func TestAddBasicRebuildsThePrefilterOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const runs = 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var r *Redactor
	for range runs {
		r = NewRedactor()
		r.AddBasic("demo-client", "demo-secret-0123456789")
	}
	runtime.ReadMemStats(&after)
	if n := len(r.state.Load().secrets); n < 5 {
		t.Fatalf("AddBasic registered %d forms, want the secret, its base64 pairs and cores", n)
	}
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 64<<10 {
		t.Errorf("AddBasic allocated %d bytes a call: the prefilter (8 KiB) was rebuilt for each form", per)
	}
	if r.Redact("x demo-secret-0123456789 y") != "x "+Mask+" y" {
		t.Errorf("the secret is not masked after a batched Add")
	}
}
