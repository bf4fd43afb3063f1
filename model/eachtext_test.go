package model

import (
	"reflect"
	"strconv"
	"testing"
)

// fillUnique sets every settable string (as fill does) to a value of its
// own, so that the set of values a walker sees names the fields it reached.
func fillUnique(v reflect.Value, n *int) {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == reflect.TypeOf(IDType("")) || v.Type() == reflect.TypeOf(Usage("")) {
			return
		}
		*n++
		v.SetString("s" + strconv.Itoa(*n))
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillUnique(v.Field(i), n)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fillUnique(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct || v.Type().Elem().Kind() == reflect.String {
			p := reflect.New(v.Type().Elem())
			fillUnique(p.Elem(), n)
			v.Set(p)
		}
	}
}

// TestEachTextSeesWhatMapTextMaps: on a line with a distinct value in
// every string field, EachText visits exactly the strings MapText maps (a
// field added to one walker and not the other fails here), writes nothing,
// and stops at the first refusal.
func TestEachTextSeesWhatMapTextMaps(t *testing.T) {
	var l Line
	n := 0
	fillUnique(reflect.ValueOf(&l).Elem(), &n)
	mapped, seen := map[string]bool{}, map[string]bool{}
	c := l
	c.Buckets = nil
	for _, b := range l.Buckets { // MapText writes: walk a deep enough copy
		b.Periods = append([]Period(nil), b.Periods...)
		b.Counters = append([]Counter(nil), b.Counters...)
		c.Buckets = append(c.Buckets, b)
	}
	c.MapText(func(s string) string { mapped[s] = true; return s })
	calls := 0
	if !l.EachText(func(s string) bool { seen[s] = true; calls++; return true }) {
		t.Fatal("EachText refused although f accepted everything")
	}
	if !reflect.DeepEqual(mapped, seen) {
		for s := range mapped {
			if !seen[s] {
				t.Errorf("EachText missed %s", s)
			}
		}
		for s := range seen {
			if !mapped[s] {
				t.Errorf("EachText saw %s, which MapText does not map", s)
			}
		}
	}
	if len(seen) < 40 {
		t.Fatalf("only %d strings seen: the fill did not reach the buckets", len(seen))
	}
	k := 0
	if l.EachText(func(string) bool { k++; return k < 5 }) || k != 5 {
		t.Fatalf("EachText did not stop at the first refusal (%d calls)", k)
	}
}
