package sim

import (
	"net/http"
	"testing"
	"time"
)

func BenchmarkBuildBigMatrixx(b *testing.B) {
	for b.Loop() {
		b.SetBytes(int64(len(bigMatrixx(fixedNow))))
	}
}

func BenchmarkBuildBigLCPR(b *testing.B) {
	for b.Loop() {
		b.SetBytes(int64(len(bigLCPR(fixedNow))))
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(Options{Now: func() time.Time { return fixedNow }})
	}
}

// BenchmarkLookupOverHTTP is one seed-sized cvp lookup through loopback HTTP.
func BenchmarkLookupOverHTTP(b *testing.B) {
	s := New(Options{})
	if err := s.Start(""); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u := llaURL(s, CVPBasePath, "PR", "9077613", "MSISDN", "")
	for b.Loop() {
		req, _ := http.NewRequest("GET", u, nil)
		for k, v := range cvpHeaders() {
			req.Header[k] = []string{v}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}
