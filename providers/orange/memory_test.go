package orange

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// emptyEntries is a ~3 MB body listing a million empty objects under key,
// the shape that took 1.2 GB to decode.
func emptyEntries(key string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + key + `":[`)
	for i := 0; i < 1_000_000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// allocated runs f and returns the bytes it allocated (TotalAlloc): what
// the garbage collector had to handle, an upper bound of the peak.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestEmptyEntriesCostNothing: a 3 MB body of a million empty entries in the
// usage balances, the offer list or the transaction list is decoded in
// memory proportional to its useful content (none), and yields nothing.
func TestEmptyEntriesCostNothing(t *testing.T) {
	const budget = 48 << 20 // a few times the body, whatever the entry count
	for _, c := range []struct {
		name string
		body []byte
		run  func([]byte) (int, error)
	}{
		{"usage balances", emptyEntries("buckets"), func(b []byte) (int, error) {
			u, err := decodeUsageBalances(b)
			return len(u.Buckets), err
		}},
		{"offers", emptyEntries("offers"), func(b []byte) (int, error) {
			o, _, err := decodeOffers(b)
			return len(o), err
		}},
		{"transactions", emptyEntries("transactions"), func(b []byte) (int, error) {
			s, _, err := decodeTransactions(b)
			return len(s), err
		}},
	} {
		var n int
		var err error
		got := allocated(func() { n, err = c.run(c.body) })
		t.Logf("%s: %d-byte body of empty entries: %d entries, %.1f MB allocated, err %v", c.name, len(c.body), n, float64(got)/(1<<20), err)
		if err != nil || n != 0 {
			t.Errorf("%s: %d entries, err %v (want none, no error)", c.name, n, err)
		}
		if got > budget {
			t.Errorf("%s: %.0f MB allocated for a %d-byte body of empty entries", c.name, float64(got)/(1<<20), len(c.body))
		}
	}
}

// TestTooManyEntriesIsAClearError: past the limit, distinct entries end in a
// one-line error, not an ever-growing line.
func TestTooManyEntriesIsAClearError(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"buckets":[`)
	for i := 0; i < 1001; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"b%d","data_remaining":%d,"data_unit":"MB"}`, i, i)
	}
	b.WriteString(`]}`)
	_, err := decodeUsageBalances([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than %d", 1000)) {
		t.Errorf("%d buckets: err %v", 1001, err)
	}
	// Duplicates cost nothing and count once.
	b.Reset()
	b.WriteString(`{"buckets":[`)
	for i := 0; i < 3000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"same","data_remaining":1,"data_unit":"MB"}`)
	}
	b.WriteString(`]}`)
	u, err := decodeUsageBalances([]byte(b.String()))
	if err != nil || len(u.Buckets) != 1 {
		t.Errorf("repeated bucket: %d buckets, err %v", len(u.Buckets), err)
	}
}
