package orange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"simdesk/model"
	"simdesk/topup"
)

// The decoders here are deliberately liberal: the Orange API (and whatever
// gateway sits in front of it) may send numbers as strings, wrap lists in
// different keys or omit fields. Every decoder is total: any byte sequence
// gives a value or an error, never a panic (see the fuzz targets).

// rawText renders one JSON value as the text an operator would expect:
// strings unquoted, numbers and booleans as written, null as "", objects and
// arrays as compact JSON.
func rawText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		var v string
		if json.Unmarshal(b, &v) != nil {
			return ""
		}
		return v
	case 'n':
		return ""
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, b) != nil {
			return ""
		}
		return buf.String()
	}
	return string(b)
}

// scalarText is rawText limited to scalars: objects and arrays read as "".
func scalarText(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return ""
	}
	return rawText(b)
}

// parseNumber reads a number given as a JSON number or a numeric string
// ("9.90", "9,90", " 12 "). ok is false for anything else, NaN or ±Inf.
func parseNumber(b []byte) (float64, bool) {
	s := numberText(b)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// numberText is a number's text as the provider wrote it, as a JSON
// number or a numeric string, with a thousands or decimal comma made plain
// ("1,234.5" → "1234.5", "9,90" → "9.90"); "" for anything else.
func numberText(b []byte) string {
	s := strings.TrimSpace(scalarText(b))
	if strings.Contains(s, ",") {
		if strings.Contains(s, ".") {
			s = strings.ReplaceAll(s, ",", "") // 1,234.5
		} else {
			s = strings.ReplaceAll(s, ",", ".") // 9,90 (decimal comma)
		}
	}
	return s
}

// parseAmount reads a balance amount: a number, a numeric string, or
// "infinity" (any case), which the contract treats as unlimited.
func parseAmount(b []byte) model.Amount {
	if strings.EqualFold(strings.TrimSpace(scalarText(b)), "infinity") {
		return model.Amount{Unlimited: true, Present: true}
	}
	f, ok := parseNumber(b)
	if !ok {
		return model.Amount{Invalid: model.InvalidNumber(scalarText(b))}
	}
	return model.Amount{Value: f, Present: true}
}

// money reads a price field in currency exactly, from the number's text
// (topup.FromNumber: no float between the provider's digits and the
// amount), or says why the provider's value is unusable (NaN, ±Inf, out of
// range, more decimals than the currency has) so that it is shown as
// invalid, never as a zero, rounded or wrapped-around price.
func money(m map[string]json.RawMessage, currency string, keys ...string) model.Money {
	for _, k := range keys {
		v, ok := lookupFold(m, k)
		if !ok {
			continue
		}
		if f, ok := parseNumber(v); ok {
			// The float only recognises what is no amount, in the words
			// every other figure uses; the amount is read from the text.
			if why := model.CheckAmount(f); why != "" {
				return model.Money{Currency: currency, Invalid: why}
			}
			txt := numberText(v)
			p, err := topup.FromNumber(txt, currency)
			if err != nil {
				return model.Money{Currency: currency, Invalid: "provider sent " + model.OneLine(txt, 24) + ": " + err.Error()}
			}
			return p
		}
		if why := model.InvalidNumber(scalarText(v)); why != "" {
			return model.Money{Currency: currency, Invalid: why}
		}
	}
	return model.Money{Currency: currency}
}

// flexStock is an offer's stock bucket: a number, a numeric string, or an
// object holding it under "remaining", "quantity" or "available".
type flexStock struct {
	V  int
	OK bool
	// Invalid says why a stock the provider did send is unusable (NaN,
	// ±Inf, out of range): it is then neither 0 nor EMPTY.
	Invalid string
}

// count reads one stock figure into s.
func (s *flexStock) count(b []byte) bool {
	f, ok := parseNumber(b)
	if !ok {
		if why := model.InvalidNumber(scalarText(b)); why != "" {
			s.Invalid = why
		}
		return false
	}
	if why := model.CheckAmount(f); why != "" {
		s.Invalid = why
		return false
	}
	s.V, s.OK = clampInt(f), true
	return true
}

func (s *flexStock) UnmarshalJSON(b []byte) error {
	*s = flexStock{}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return nil
		}
		for _, k := range []string{"remaining", "quantity", "available", "stock", "value", "count"} {
			if v, ok := lookupFold(m, k); ok && s.count(v) {
				s.Invalid = ""
				return nil
			}
		}
		return nil
	}
	s.count(b)
	return nil
}

// clampInt rounds a stock count and keeps it within a sane int range.
func clampInt(f float64) int {
	const lim = 1 << 31
	switch {
	case f > lim:
		return lim
	case f < -lim:
		return -lim
	}
	return int(math.Round(f))
}

// lookupFold finds a key in a decoded object, exactly first, then ignoring case.
func lookupFold(m map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// objectOf decodes b as a JSON object; ok is false for anything else.
func objectOf(b []byte) (map[string]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

// errNoJSON is the cause of every "not the JSON we expected" failure.
var errNoJSON = errors.New("not a JSON object or list")

// listKeys are the keys under which a list may be wrapped, most specific first.
var listKeys = []string{"offers", "suppliers", "transactions", "data", "items", "results"}

// page is one page of a paged list: its distinct, non-empty objects.
type page struct {
	Items    []map[string]json.RawMessage
	Count    int // entries in the list as sent, empty and repeated ones included (paging counts them)
	Total    int
	HasTotal bool
}

// Bounds on what one answer may list. Empty and repeated entries are
// skipped without being kept, so they cost nothing whatever their number;
// distinct ones past the bound end the decoding with a clear error.
const (
	maxPageItems = 10_000 // distinct entries on one page of a list
	maxBuckets   = 1_000  // distinct usage-balance buckets for one line
)

// errTooMany is the one-line error for an answer listing more than limit
// distinct entries.
func errTooMany(limit int, what string) error {
	return fmt.Errorf("the answer lists more than %d %s (simdesk reads at most %d)", limit, what, limit)
}

// eachObject walks a JSON array one entry at a time, without holding the
// entries it has passed: fn gets every distinct object that has at least one
// field, in order, with its 1-based position in the list; empty objects, repeats of an earlier entry (byte for
// byte) and non-objects are counted and skipped. Memory is proportional to
// the useful entries, not to how many the provider sent. More than limit
// useful entries is an error naming what.
func eachObject(arr []byte, limit int, what string, fn func(pos int, m map[string]json.RawMessage)) (count int, err error) {
	dec := json.NewDecoder(bytes.NewReader(arr))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, errNoJSON
	}
	seen := map[string]struct{}{}
	var raw json.RawMessage // reused: RawMessage decoding appends into it
	kept := 0
	for dec.More() {
		if err := dec.Decode(&raw); err != nil {
			return count, errNoJSON
		}
		count++
		if len(raw) < 2 || raw[0] != '{' || emptyObject(raw) {
			continue
		}
		if _, dup := seen[string(raw)]; dup {
			continue
		}
		m, ok := objectOf(raw)
		if !ok || len(m) == 0 {
			continue
		}
		if kept++; kept > limit {
			return count, errTooMany(limit, what)
		}
		seen[string(raw)] = struct{}{}
		fn(count, m)
	}
	if _, err := dec.Token(); err != nil {
		return count, errNoJSON
	}
	return count, nil
}

// emptyObject reports {} with any whitespace inside.
func emptyObject(b []byte) bool {
	return len(bytes.TrimSpace(b[1:len(b)-1])) == 0 && b[len(b)-1] == '}'
}

// decodePage reads a bare array or an object holding the list under one of
// listKeys (one level of nesting allowed, e.g. {"data":{"offers":[…]}}),
// with "total" paging information when present.
func decodePage(body []byte) (page, error) {
	return decodePageDepth(body, 0)
}

func decodePageDepth(body []byte, depth int) (page, error) {
	var p page
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return p, errors.New("empty answer")
	}
	switch body[0] {
	case '[':
		return p, p.fill(body)
	case '{':
	default:
		return p, errNoJSON
	}
	m, ok := objectOf(body)
	if !ok {
		return p, errNoJSON
	}
	for _, k := range []string{"total", "total_count", "totalCount", "total_results"} {
		if v, ok := lookupFold(m, k); ok {
			if f, ok := parseNumber(v); ok && f >= 0 {
				p.Total, p.HasTotal = clampInt(f), true
				break
			}
		}
	}
	for _, k := range listKeys {
		v, ok := lookupFold(m, k)
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || bytes.Equal(v, []byte("null")):
			return p, nil
		case v[0] == '[':
			return p, p.fill(v)
		case v[0] == '{' && depth == 0:
			inner, err := decodePageDepth(v, depth+1)
			if err != nil {
				continue
			}
			if !inner.HasTotal {
				inner.Total, inner.HasTotal = p.Total, p.HasTotal
			}
			return inner, nil
		}
	}
	return p, errors.New("no list in the answer")
}

// fill reads the list's entries into the page, bounded by maxPageItems.
func (p *page) fill(arr []byte) error {
	n, err := eachObject(arr, maxPageItems, "entries on one page", func(_ int, m map[string]json.RawMessage) {
		p.Items = append(p.Items, m)
	})
	p.Count = n
	return err
}

// unwrapObject returns the object itself when it has one of the keys that
// mark the record, or the object found under one of the wrapper keys.
func unwrapObject(body []byte, marks []string, wrappers []string) (map[string]json.RawMessage, bool) {
	m, ok := objectOf(body)
	if !ok {
		return nil, false
	}
	for _, k := range marks {
		if _, ok := lookupFold(m, k); ok {
			return m, true
		}
	}
	for _, w := range wrappers {
		if v, ok := lookupFold(m, w); ok {
			if inner, ok := objectOf(v); ok {
				return inner, true
			}
		}
	}
	return m, true
}

// supplierRef reads a supplier given as {"id","name"}, as a plain name, or
// through supplier_id / supplier_name fields beside it.
func supplierRef(m map[string]json.RawMessage) (id, name string) {
	if v, ok := lookupFold(m, "supplier"); ok {
		if o, ok := objectOf(v); ok {
			if x, ok := lookupFold(o, "id"); ok {
				id = scalarText(x)
			}
			if x, ok := lookupFold(o, "name"); ok {
				name = scalarText(x)
			}
		} else {
			name = scalarText(v)
		}
	}
	if v, ok := lookupFold(m, "supplier_id"); ok && id == "" {
		id = scalarText(v)
	}
	if v, ok := lookupFold(m, "supplier_name"); ok && name == "" {
		name = scalarText(v)
	}
	return strings.TrimSpace(id), strings.TrimSpace(name)
}

// text returns a scalar field as trimmed text ("" when absent).
func text(m map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		if v, ok := lookupFold(m, k); ok {
			if s := strings.TrimSpace(scalarText(v)); s != "" {
				return s
			}
		}
	}
	return ""
}

// number returns a numeric field (number or numeric string).
func number(m map[string]json.RawMessage, keys ...string) (float64, bool) {
	for _, k := range keys {
		if v, ok := lookupFold(m, k); ok {
			if f, ok := parseNumber(v); ok {
				return f, true
			}
		}
	}
	return 0, false
}

// stock returns the first stock field present among keys.
// invalid says why the first stock field present was unusable.
func stock(m map[string]json.RawMessage, keys ...string) (n int, ok bool, invalid string) {
	for _, k := range keys {
		if v, found := lookupFold(m, k); found {
			var s flexStock
			_ = s.UnmarshalJSON(v)
			if s.OK {
				return s.V, true, ""
			}
			if invalid == "" {
				invalid = s.Invalid
			}
		}
	}
	return 0, false, invalid
}
