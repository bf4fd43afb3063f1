package tmf677

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"simdesk/model"
	"simdesk/seeds"
)

// bigReport builds a Matrixx report of n buckets, cycling through the seven
// bucket shapes of the S-1001 seed (money without periods, voice/SMS/MMS with
// three periods, data with four periods and six thresholds…), each with its
// own id, as a dxp-ux backend would send for a line with many balances.
func bigReport(tb testing.TB, n int) []byte {
	tb.Helper()
	var reports []map[string]any
	if err := json.Unmarshal(seeds.MustRead("dxp_pr_prepaid_S-1001.json"), &reports); err != nil {
		tb.Fatal(err)
	}
	rep := reports[0]
	var shapes, ids [][]byte
	for _, b := range rep["bucket"].([]any) {
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		shapes = append(shapes, raw)
		ids = append(ids, []byte(`"id":`+strconv.Quote(b.(map[string]any)["id"].(string))))
	}
	delete(rep, "bucket")
	head, err := json.Marshal(rep)
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	out.WriteString("[")
	out.Write(head[:len(head)-1])
	out.WriteString(`,"bucket":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		k := i % len(shapes)
		out.Write(bytes.Replace(shapes[k], ids[k], []byte(`"id":`+strconv.Quote(strconv.Itoa(i+1))), 1))
	}
	out.WriteString("]}]")
	return out.Bytes()
}

var (
	big10kOnce sync.Once
	big10k     []byte
)

func report10k(tb testing.TB) []byte {
	big10kOnce.Do(func() { big10k = bigReport(tb, 10000) })
	return big10k
}

func TestBigReportDecodes(t *testing.T) {
	if testing.Short() {
		t.Skip("large body")
	}
	body := report10k(t)
	lines, err := Decode(body, Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || len(lines[0].Buckets) != 10000 {
		t.Fatalf("got %d lines / %d buckets", len(lines), len(lines[0].Buckets))
	}
	b := lines[0].Buckets[9999] // 9999 % 7 == 3: the fourth shape, Included Data
	if b.ID != "10000" || b.Name != "Included Data - Prepaid" || *b.Remaining.Amount != 8192 || len(b.Periods) != 4 || !b.Periods[1].Current {
		t.Fatalf("last bucket wrong: %+v", b)
	}
	// Every bucket has its own periods and counters (the arenas must not alias).
	lines[0].Buckets[3].Periods[0].Current = true
	if lines[0].Buckets[10].Periods[0].Current {
		t.Fatal("periods of different buckets share memory")
	}
}

func BenchmarkDecode10k(b *testing.B) {
	body := report10k(b)
	h := Hint{ID: model.Identifier{Type: model.Subscription, Value: "S-1001"}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		lines, err := Decode(body, h)
		if err != nil || len(lines[0].Buckets) != 10000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalAny10k(b *testing.B) {
	body := report10k(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}
