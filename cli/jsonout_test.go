package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers/tmf677"
	"simdesk/seeds"
)

// The reflection encoder the lookup used before jsonout.go, kept verbatim
// as the reference the hand-written one must match byte for byte.

type refResultHead struct {
	Provider  string       `json:"provider"`
	Kind      string       `json:"kind"`
	Error     *model.Error `json:"error"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

type refLineHead struct {
	*model.Line
	Buckets *struct{} `json:"buckets,omitempty"`
}

func refWriteLookupJSON(w io.Writer, id model.Identifier, results []engine.Result) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	q, _ := json.MarshalIndent(queryJSON{ID: id.Value, Type: id.Type, Account: id.Account}, "  ", "  ")
	bw.WriteString("{\n  \"query\": ")
	bw.Write(q)
	bw.WriteString(",\n  \"results\": [")
	for i, r := range results {
		if i > 0 {
			bw.WriteByte(',')
		}
		head, _ := refMarshal(refResultHead{Provider: r.Provider, Kind: r.Kind, Error: r.Err, ElapsedMS: r.Elapsed.Milliseconds()}, "    ")
		bw.WriteString("\n    ")
		bw.Write(refReopen(head))
		bw.WriteString(",\n      \"lines\": [")
		for j := range r.Lines {
			if j > 0 {
				bw.WriteByte(',')
			}
			refWriteLine(bw, &r.Lines[j], "        ")
		}
		if len(r.Lines) > 0 {
			bw.WriteString("\n      ")
		}
		bw.WriteString("]\n    }")
	}
	if len(results) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

func refWriteLine(bw *bufio.Writer, l *model.Line, prefix string) {
	head, _ := refMarshal(refLineHead{Line: l}, prefix)
	bw.WriteString("\n" + prefix)
	bw.Write(refReopen(head))
	bw.WriteString(",\n" + prefix + "  \"buckets\": [")
	inner := prefix + "    "
	for k := range l.Buckets {
		if k > 0 {
			bw.WriteByte(',')
		}
		b, _ := refMarshal(&l.Buckets[k], inner)
		bw.WriteString("\n" + inner)
		bw.Write(b)
	}
	if len(l.Buckets) > 0 {
		bw.WriteString("\n" + prefix + "  ")
	}
	bw.WriteString("]\n" + prefix + "}")
}

func refMarshal(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func refReopen(b []byte) []byte {
	return bytes.TrimRight(bytes.TrimSuffix(b, []byte("}")), " \n")
}

// seedResults decodes every seed report into results, with errors, extras
// and empty answers besides, covering every member the encoder writes.
func seedResults(t testing.TB) []engine.Result {
	t.Helper()
	var out []engine.Result
	for _, n := range seeds.Names() {
		if !strings.HasPrefix(n, "dxp_pr") && !strings.HasPrefix(n, "cvp_") || strings.Contains(n, "error") {
			continue
		}
		lines, err := tmf677.Decode(seeds.MustRead(n), tmf677.Hint{ID: model.Identifier{Type: model.MSISDN, Value: "1"}, Lob: "PREPAID"})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out = append(out, engine.Result{Provider: n, Kind: "tmf677-cvp", Lines: lines, Elapsed: 1234567 * time.Microsecond})
	}
	one, two, tiny, huge := 1.5, -0.25, 1e-7, 1e21
	days := 3
	out = append(out,
		engine.Result{Provider: "orange", Kind: "orange-travel", Err: &model.Error{Kind: model.ErrNotFound, Status: 404, Message: `no "line" <here> & there`, CorrelationID: "c-1"}},
		engine.Result{Provider: "empty", Kind: "x", Lines: []model.Line{}},
		engine.Result{Provider: "extras", Kind: "orange-travel", Lines: []model.Line{{
			ID: "33612345678", Type: model.MSISDN, Supplier: "Orange France", SupplierID: "7", TransactionID: "t", MSISDN: "m", SimID: "s",
			OfferID: "o", OfferName: "n", Account: "a", Description: "d", Dialect: "x",
			FirstActivation: model.ParseTime("2024-01-02T03:04:05.5Z"), NumberExpires: model.ParseTime("2025-01-01"),
			Buckets: []model.Bucket{{ID: "1", Name: "é ☃ \"q\" \\ / <b>", Remaining: model.Quantity{Amount: &tiny, Unit: "MB"},
				Periods:  []model.Period{{DaysLeft: &days, Remaining: model.Quantity{Amount: &huge}, Attributes: model.Attrs{{Name: "k", Value: "v"}}}},
				Counters: []model.Counter{{Type: "used", Amount: &one, Unlimited: true, Level: "l", Text: "t"}, {Type: "x", Amount: &two}}}, {}},
		}}},
	)
	return out
}

// TestJSONOutMatchesReflection: the hand-written encoder writes exactly the
// bytes the reflection encoder wrote, for every seed line and every member.
func TestJSONOutMatchesReflection(t *testing.T) {
	id := model.Identifier{Type: model.MSISDN, Value: "9077613", Account: "150015680000"}
	results := seedResults(t)
	for k := range results {
		var want, got bytes.Buffer
		if err := refWriteLookupJSON(&want, id, results[k:k+1]); err != nil {
			t.Fatal(err)
		}
		if err := writeLookupJSON(&got, id, results[k:k+1]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			w, g := want.String(), got.String()
			i := 0
			for i < min(len(w), len(g)) && w[i] == g[i] {
				i++
			}
			t.Fatalf("%s: output differs at byte %d:\nwant …%s…\ngot  …%s…", results[k].Provider, i, w[max(0, i-200):min(len(w), i+100)], g[max(0, i-200):min(len(g), i+100)])
		}
	}
	var want, got bytes.Buffer
	refWriteLookupJSON(&want, id, results)
	writeLookupJSON(&got, id, results)
	if !bytes.Equal(want.Bytes(), got.Bytes()) {
		t.Fatal("all results at once: output differs")
	}
	for _, none := range [][]engine.Result{nil, {}} {
		want.Reset()
		got.Reset()
		refWriteLookupJSON(&want, id, none)
		writeLookupJSON(&got, id, none)
		if want.String() != got.String() {
			t.Fatalf("no results: %q, want %q", got.String(), want.String())
		}
	}
}

// TestJSONOutEscapesControls: the intended difference from encoding/json:
// C1 controls, DEL and bidi overrides are escaped too, and the document
// still reads back to the exact strings.
func TestJSONOutEscapesControls(t *testing.T) {
	name := "a\x1b]52;c;ZXZpbA==\x07b\u0085c\u202ed\x7f"
	res := []engine.Result{{Provider: "p", Kind: "k", Lines: []model.Line{{ID: "1", Buckets: []model.Bucket{{Name: name}}}}}}
	var out bytes.Buffer
	if err := writeLookupJSON(&out, model.Identifier{Value: "1"}, res); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"\x1b", "\x07", "\u0085", "\u202e", "\x7f"} {
		if strings.Contains(out.String(), raw) {
			t.Errorf("raw %q in the output", raw)
		}
	}
	var doc lookupJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Results[0].Lines[0].Buckets[0].Name != name {
		t.Fatalf("read back: %v", err)
	}
}

// TestJSONOutIsInertThroughTheTerminalWriter: the lookup's JSON skips the
// stdout sanitiser (inert), which is only right because sanitising it would
// change nothing: the bytes through a termWriter equal the sanitised bytes.
func TestJSONOutIsInertThroughTheTerminalWriter(t *testing.T) {
	res := seedResults(t)
	res = append(res, engine.Result{Provider: "p", Lines: []model.Line{{Buckets: []model.Bucket{{Name: "a\x1b[8mb\u009b\u202e\x7f\tc\n"}}}}})
	var direct, viaTerm bytes.Buffer
	tw := newTermWriter(&viaTerm)
	if err := writeLookupJSON(tw, model.Identifier{Value: "1"}, res); err != nil {
		t.Fatal(err)
	}
	writeLookupJSON(&direct, model.Identifier{Value: "1"}, res)
	if !bytes.Equal(direct.Bytes(), viaTerm.Bytes()) {
		t.Fatal("the terminal writer changed the JSON")
	}
	if s := string(model.AppendSanitized(nil, direct.String())); s != direct.String() {
		t.Fatal("sanitising the JSON would change it: it is not inert")
	}
}

// fillAll sets every field reachable from v to a non-zero value (strings
// named after their field, numbers, true, one-element slices, set pointers
// and times), so that a member the hand-written encoder forgets (a field
// added to the model later) shows up as a difference from the reflection
// encoder.
func fillAll(v reflect.Value, name string, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(name + "\u00e9")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Pointer:
		if depth > 6 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(v.Elem(), name, depth+1)
	case reflect.Slice:
		if depth > 6 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillAll(v.Index(0), name, depth+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(model.Time{}) {
			v.Set(reflect.ValueOf(model.ParseTime("2024-02-03T04:05:06.789Z")))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() && f.Type != reflect.TypeOf((*error)(nil)).Elem() {
				fillAll(v.Field(i), f.Name, depth+1)
			}
		}
	}
}

// TestJSONOutCoversEveryField: with every field of the model set, the
// hand-written encoder still matches the reflection encoder byte for byte.
func TestJSONOutCoversEveryField(t *testing.T) {
	var l model.Line
	fillAll(reflect.ValueOf(&l).Elem(), "line", 0)
	var e model.Error
	fillAll(reflect.ValueOf(&e).Elem(), "err", 0)
	e.Err = nil
	res := []engine.Result{{Provider: "p", Kind: "k", Lines: []model.Line{l, l}, Err: &e, Elapsed: time.Second}}
	id := model.Identifier{Type: model.MSISDN, Value: "1", Account: "acc"}
	var want, got bytes.Buffer
	refWriteLookupJSON(&want, id, res)
	writeLookupJSON(&got, id, res)
	if !bytes.Equal(want.Bytes(), got.Bytes()) {
		w, g := want.String(), got.String()
		i := 0
		for i < min(len(w), len(g)) && w[i] == g[i] {
			i++
		}
		t.Fatalf("output differs at byte %d:\nwant …%s…\ngot  …%s…", i, w[max(0, i-200):min(len(w), i+100)], g[max(0, i-200):min(len(g), i+100)])
	}
	if !strings.Contains(got.String(), `"invalid": "Invalidé"`) {
		t.Fatal("the filled model lacks a field the test expects")
	}
}
