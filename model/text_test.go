package model

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"  a \n\t b  ", 100, "a b"},
		{"a\x00b\x1bc\x7fd", 100, "abcd"},
		{"abcdefghij", 8, "abcde..."},
		{"ééééé", 8, "éé..."}, // 10 bytes: cut back to a rune boundary
		{"abc", 0, "abc"},
	} {
		if got := OneLine(c.in, c.max); got != c.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// hostile is provider text trying to drive a terminal: hidden text, an OSC 52
// clipboard write, an OSC 8 link, clear screen, BEL, a C1 CSI, a bidi
// override, DEL, a carriage return and invalid UTF-8.
const hostile = "Top\x1b[8m hidden\x1b[0m \x1b]52;c;cm0gLXJmIH4=\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1b[H \a \u009b31m \u202egnp.exe\u202c \x7f\r end \xff"

func TestSanitizeLeavesNoControl(t *testing.T) {
	got := Sanitize(hostile)
	for _, r := range got {
		if needsEscape(r) || r == utf8.RuneError {
			t.Fatalf("Sanitize left %U in %q", r, got)
		}
	}
	for _, want := range []string{`\x1b[8m`, `\x1b]52;c;`, `\x07`, `\u009b`, `\u202e`, `\u007f`, `\x0d`, `\xff`} {
		if !strings.Contains(got, want) {
			t.Errorf("Sanitize(%q) = %q: no visible %s", hostile, got, want)
		}
	}
	if s := "Orange France 5 € — «data»\n\tok"; Sanitize(s) != s {
		t.Errorf("Sanitize changed ordinary text: %q", Sanitize(s))
	}
}

func TestAppendJSONStringRoundTrips(t *testing.T) {
	for _, s := range []string{hostile[:len(hostile)-2], "plain", `quote " back \ slash`, "é\u2028x", ""} {
		b := AppendJSONString(nil, s)
		for _, c := range b {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("raw control byte %#x in %s", c, b)
			}
		}
		for _, r := range string(b) {
			if needsEscape(r) {
				t.Fatalf("raw %U in %s", r, b)
			}
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("AppendJSONString(%q) = %s: decodes to %q, %v", s, b, back, err)
		}
	}
	var back string
	if err := json.Unmarshal(AppendJSONString(nil, "a\xffb"), &back); err != nil || back != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %q, %v", back, err)
	}
}

func TestSafeText(t *testing.T) {
	for s, want := range map[string]bool{"TICKET-42 é": true, "a\x1bb": false, "a\nb": false, "x\u202ey": false, "\u0085": false, "": true} {
		if SafeText(s) != want {
			t.Errorf("SafeText(%q) = %v", s, !want)
		}
	}
}

// TestMapTextReachesEveryString fills every string field with a marker
// through reflection and checks the walkers reach all of them: a field added
// later without a walker line fails here.
func TestMapTextReachesEveryString(t *testing.T) {
	const mark = "SECRET"
	f := func(s string) string { return strings.ReplaceAll(s, mark, "x") }
	var l Line
	fill(reflect.ValueOf(&l).Elem(), mark)
	l.MapText(f)
	if leak := find(reflect.ValueOf(l), mark); leak != "" {
		t.Errorf("Line.MapText missed %s", leak)
	}
	var o Offer
	fill(reflect.ValueOf(&o).Elem(), mark)
	o.MapText(f)
	if leak := find(reflect.ValueOf(o), mark); leak != "" {
		t.Errorf("Offer.MapText missed %s", leak)
	}
	var r TopupResult
	fill(reflect.ValueOf(&r).Elem(), mark)
	r.MapText(f)
	if leak := find(reflect.ValueOf(r), mark); leak != "" {
		t.Errorf("TopupResult.MapText missed %s", leak)
	}
	e := &Error{Message: "m " + mark, CorrelationID: mark, Err: errors.New("cause " + mark)}
	e.MapText(f)
	if strings.Contains(e.Message+e.CorrelationID+e.Err.Error(), mark) || errors.Unwrap(e.Err) == nil {
		t.Errorf("Error.MapText: %+v", e)
	}
}

// fill sets every settable string (and map key/value, slice element) to mark,
// skipping identifier types (ours, not the provider's).
func fill(v reflect.Value, mark string) {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == reflect.TypeOf(IDType("")) || v.Type() == reflect.TypeOf(Usage("")) {
			return
		}
		v.SetString(mark)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), mark)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(s.Index(i), mark)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, mark)
		fill(e, mark+"v")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.String || v.Type().Elem().Kind() == reflect.Struct {
			p := reflect.New(v.Type().Elem())
			fill(p.Elem(), mark)
			v.Set(p)
		}
	}
}

func find(v reflect.Value, mark string) string {
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(v.String(), mark) {
			return v.Type().String() + " " + v.String()
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if s := find(v.Field(i), mark); s != "" {
				return v.Type().Field(i).Name + "." + s
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if s := find(v.Index(i), mark); s != "" {
				return s
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if s := find(k, mark) + find(v.MapIndex(k), mark); s != "" {
				return "map " + s
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return find(v.Elem(), mark)
		}
	}
	return ""
}
