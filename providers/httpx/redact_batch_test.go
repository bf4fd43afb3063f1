package httpx

import (
	"runtime"
	"testing"
)

// AddBasic registers its thirty-odd forms with one rebuild of the 8 KiB
// prefilter, not one per form: it runs for every provider at every process
// start (a rebuild per form was 2.4% of a small lookup's CPU).
func TestAddBasicRebuildsThePrefilterOnce(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := NewRedactor()
	r.AddBasic("demo-client", "demo-secret-0123456789")
	runtime.ReadMemStats(&after)
	if n := len(r.state.Load().secrets); n < 5 {
		t.Fatalf("AddBasic registered %d forms, want the secret, its base64 pairs and cores", n)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 2*8192 {
		t.Errorf("AddBasic allocated %d bytes: the prefilter (8 KiB) was rebuilt more than once", got)
	}
	if r.Redact("x demo-secret-0123456789 y") != "x "+Mask+" y" {
		t.Errorf("the secret is not masked after a batched Add")
	}
}
