package tmf677

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"simdesk/model"
)

// scanner is a small, strict-syntax, lenient-types JSON reader over a byte
// slice or a stream. It exists because the upstream bodies are large (thousands of
// buckets) and loosely typed: decoding straight into the fields we need, and
// skipping the rest without materialising it, is several times cheaper than
// encoding/json into map[string]any, and a wrong type in one field (a number
// where a string belongs, an object where a list belongs) costs that field,
// never the whole answer. Syntax errors are fatal: the first one is kept and
// every later call returns at once, so loops always end.
//
// Over a stream (rd set), b is a window of the body: when a token runs past
// its end, the bytes before the token are dropped, the rest moves to the
// front and more is read. Memory is then the window (64 KiB, more only for a
// single longer token, at most maxToken), never the body.
type scanner struct {
	b     []byte
	i     int
	depth int
	err   error

	rd   io.Reader // nil: b is the whole body
	base int64     // offset in the body of b[0]
	rerr error     // what the stream failed with (not io.EOF)
	done bool      // the stream has no more bytes
	kbuf []byte    // the last member name, copied out of the window

	tmp    []byte   // unescaping buffer, reused
	intern []string // short repeated strings (names, units, dates); a power of two long
}

// maxDepth bounds nesting; real reports nest about eight levels.
const maxDepth = 512

// window is the stream buffer's size; maxToken bounds one token (a string
// or a number), the only thing the window must hold whole.
const (
	window   = 64 << 10
	maxToken = 16 << 20
)

// newStreamScanner reads from rd through a window.
func newStreamScanner(rd io.Reader) scanner {
	return scanner{rd: rd, b: make([]byte, 0, window)}
}

// more reads more of the stream, keeping the bytes from s.i on (moved to
// the front of the window). It reports whether bytes were added; false at
// the end of the stream, on a read error or after a syntax error.
func (s *scanner) more() bool {
	if s.rd == nil || s.done || s.err != nil {
		return false
	}
	if s.i > 0 {
		n := copy(s.b, s.b[s.i:])
		s.base += int64(s.i)
		s.b = s.b[:n]
		s.i = 0
	}
	if len(s.b) == cap(s.b) {
		if cap(s.b) >= maxToken {
			s.tooMuch(fmt.Sprintf("a single JSON value longer than %d MiB", maxToken>>20))
			return false
		}
		nb := make([]byte, len(s.b), 2*cap(s.b))
		copy(nb, s.b)
		s.b = nb
	}
	for range 100 { // a reader may return 0, nil; it may not do so forever
		n, err := s.rd.Read(s.b[len(s.b):cap(s.b)])
		s.b = s.b[:len(s.b)+n]
		if err != nil {
			s.done = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.done, s.rerr = true, io.ErrNoProgress
	return false
}

// atLeast makes n bytes from s.i available, or as many as the stream has.
func (s *scanner) atLeast(n int) {
	for len(s.b)-s.i < n && s.more() {
	}
}

// whole makes the token that starts at s.i lie whole in the window (or
// reach the end of the stream), so that the token readers below can work on
// the slice alone.
func (s *scanner) whole() {
	if s.rd == nil || s.i >= len(s.b) {
		return
	}
	j := s.i + 1
	switch c := s.b[s.i]; {
	case c == '"':
		for {
			// The closing quote is the first one after an even run of
			// backslashes (IndexByte finds candidates at memory speed).
			for j < len(s.b) {
				k := bytes.IndexByte(s.b[j:], '"')
				if k < 0 {
					j = len(s.b)
					break
				}
				q := j + k
				bs := 0
				for q-1-bs > s.i && s.b[q-1-bs] == '\\' {
					bs++
				}
				if bs%2 == 0 {
					return
				}
				j = q + 1
			}
			off := j - s.i
			if !s.more() {
				return
			}
			j = s.i + off
		}
	case c == '-' || c >= '0' && c <= '9':
		for {
			for j < len(s.b) {
				switch c := s.b[j]; {
				case c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
					j++
				default:
					return
				}
			}
			off := j - s.i
			if !s.more() {
				return
			}
			j = s.i + off
		}
	default:
		s.atLeast(5) // true, false, null
	}
}

// offset is the body offset of s.i.
func (s *scanner) offset() int64 { return s.base + int64(s.i) }

// internSlots is the size of the intern cache: direct-mapped (a string's
// hash picks its one slot; a newcomer replaces what was there), so it is
// bounded by construction, needs no map probe, and follows the working set
// of a long report, where a map filled by the first few thousand unique
// names missed on every later one.
//
// It starts at smallInternSlots (8 KiB) and grows to internSlots (64 KiB)
// once the body has passed bigInternAfter bytes: a one-line answer of a few
// KiB then touches two pages for its cache, not sixteen (each first touch is
// a page fault, which on a VM costs about ten microseconds).
const (
	internSlots      = 4096
	smallInternSlots = 512
	bigInternAfter   = 64 << 10
)

// internSeed hashes the intern cache (one per process is enough).
var internSeed = maphash.MakeSeed()

// syntaxError is a malformed body; Decode turns it into bad_response.
type syntaxError struct {
	msg   string
	off   int64
	limit bool // well-formed so far, but past one of the decoder's limits
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

// tooMuch stops the decode at one of its limits (see maxBuckets): the body
// may be valid JSON, but holding it would cost unbounded memory.
func (s *scanner) tooMuch(msg string) {
	if s.err == nil {
		s.err = &syntaxError{msg, s.offset(), true}
	}
	s.i = len(s.b)
}

func (s *scanner) fail(msg string) {
	if s.err == nil {
		s.err = &syntaxError{msg, s.offset(), false}
	}
	s.i = len(s.b) // stop every loop
}

func (s *scanner) eof() {
	s.fail("unexpected end of JSON (truncated answer?)")
}

// ws skips white space and reports whether a byte follows. Its common
// case, a significant byte already at s.i, is small enough to be inlined
// at each of its many call sites.
func (s *scanner) ws() bool {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return true
	}
	return s.wsSlow()
}

// wsSlow is ws past white space or the end of the window.
func (s *scanner) wsSlow() bool {
	for {
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ' ', '\t', '\n', '\r':
				s.i++
			default:
				return true
			}
		}
		if !s.more() {
			return false
		}
	}
}

// peek returns the next significant byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.err != nil || !s.ws() {
		return 0
	}
	return s.b[s.i]
}

// enter consumes an opening bracket.
func (s *scanner) enter() {
	s.i++
	s.depth++
	if s.depth > maxDepth {
		s.fail(fmt.Sprintf("JSON nested deeper than %d levels", maxDepth))
	}
}

// next advances inside an object (close '}') or array (close ']'): it
// consumes a separating comma or the closing bracket and reports whether an
// element follows. first must start true for each container.
func (s *scanner) next(first *bool, close byte) bool {
	if s.err != nil {
		return false
	}
	if !s.ws() {
		s.eof()
		return false
	}
	c := s.b[s.i]
	if c == close {
		s.i++
		s.depth--
		return false
	}
	if *first {
		*first = false
		return true
	}
	if c != ',' {
		s.fail(fmt.Sprintf("expected ',' or '%c', found %s", close, quoteByte(c)))
		return false
	}
	s.i++
	if !s.ws() {
		s.eof()
		return false
	}
	if s.b[s.i] == close {
		s.fail("trailing comma")
		return false
	}
	return true
}

// objNext iterates the members of an object entered with enter.
func (s *scanner) objNext(first *bool) bool { return s.next(first, '}') }

// arrNext iterates the elements of an array entered with enter.
func (s *scanner) arrNext(first *bool) bool { return s.next(first, ']') }

// key reads a member name and its colon. The bytes are only valid until the
// next call on the scanner: compare them, never keep them.
func (s *scanner) key() []byte {
	if !s.ws() {
		s.eof()
		return nil
	}
	if s.b[s.i] != '"' {
		s.fail("expected a member name, found " + quoteByte(s.b[s.i]))
		return nil
	}
	v := s.rawString()
	if s.i < len(s.b) && s.b[s.i] == ':' {
		// The colon follows at once (compact JSON): nothing more is read
		// before the caller compares the name, so it needs no copy.
		s.i++
		return v
	}
	// The name is copied: reading on may move the window under it.
	s.kbuf = append(s.kbuf[:0], v...)
	k := s.kbuf
	if !s.ws() {
		s.eof()
		return nil
	}
	if s.b[s.i] != ':' {
		s.fail("expected ':' after a member name")
		return nil
	}
	s.i++
	return k
}

// rawString reads a string token at s.i and returns its content, unescaped
// (into s.tmp when escapes are present) and with invalid UTF-8 replaced.
func (s *scanner) rawString() []byte {
	// Fast path: a string of plain ASCII without escapes that lies whole
	// in the window (nearly every string of a report) is found in one pass
	// over it, with no look-ahead for its end first.
	if b, start := s.b, s.i+1; start <= len(b) {
		j := start + plainRun(b[start:])
		if j < len(b) && b[j] == '"' {
			s.i = j + 1
			return b[start:j]
		}
	}
	s.whole()
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		c := s.b[j]
		switch {
		case c == '"':
			s.i = j + 1
			v := s.b[start:j]
			if !ascii && !utf8.Valid(v) {
				s.tmp = append(s.tmp[:0], strings.ToValidUTF8(string(v), "\uFFFD")...)
				return s.tmp
			}
			return v
		case c == '\\':
			return s.escapedString(start)
		case c < 0x20:
			s.i = j
			s.fail("control character in a string")
			return nil
		case c >= 0x80:
			ascii = false
		}
	}
	s.eof()
	return nil
}

// plain marks the bytes a string may hold on rawString's fast path:
// printable ASCII other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// SWAR constants: a byte of ones, a byte of high bits, in every lane.
const (
	lanes1 = 0x0101010101010101
	lanes8 = 0x8080808080808080
)

// plainRun is the length of the run of plain bytes (see plain) that b
// starts with, eight bytes at a time: a word is plain when no lane is
// below 0x20, at or above 0x80, a quote or a backslash. The lowest flagged
// lane is always a true hit (borrows only run upwards), and the byte loop
// settles the rest.
func plainRun(b []byte) int {
	j := 0
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		q, bs := x^(lanes1*'"'), x^(lanes1*'\\')
		m := ((x-lanes1*0x20)&^x | (q-lanes1)&^q | (bs-lanes1)&^bs | x) & lanes8
		if m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for j < len(b) && plain[b[j]] {
		j++
	}
	return j
}

func (s *scanner) escapedString(start int) []byte {
	out := s.tmp[:0]
	j := start
	for j < len(s.b) {
		c := s.b[j]
		switch {
		case c == '"':
			s.i = j + 1
			if !utf8.Valid(out) {
				out = []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
			}
			s.tmp = out
			return out
		case c < 0x20:
			s.i = j
			s.fail("control character in a string")
			return nil
		case c != '\\':
			out = append(out, c)
			j++
			continue
		}
		if j+1 >= len(s.b) {
			s.i = j
			s.eof()
			return nil
		}
		e := s.b[j+1]
		j += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s.b, j)
			if !ok {
				s.i = j
				s.fail(`bad \u escape`)
				return nil
			}
			j += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if j+6 <= len(s.b) && s.b[j] == '\\' && s.b[j+1] == 'u' {
					r2, ok2 = hex4(s.b, j+2)
				}
				if d := utf16.DecodeRune(r, r2); ok2 && d != utf8.RuneError {
					r = d
					j += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			s.i = j - 1
			s.fail("bad escape in a string")
			return nil
		}
	}
	s.i = j
	s.eof()
	return nil
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a JSON number token and returns its bytes.
func (s *scanner) number() []byte {
	s.whole()
	start := s.i
	j := s.i
	if j < len(s.b) && s.b[j] == '-' {
		j++
	}
	d := digits(s.b, j)
	if d == 0 || d > 1 && s.b[j] == '0' {
		s.i = j
		s.fail("malformed number")
		return nil
	}
	j += d
	if j < len(s.b) && s.b[j] == '.' {
		j++
		if d = digits(s.b, j); d == 0 {
			s.i = j
			s.fail("malformed number")
			return nil
		}
		j += d
	}
	if j < len(s.b) && (s.b[j] == 'e' || s.b[j] == 'E') {
		j++
		if j < len(s.b) && (s.b[j] == '+' || s.b[j] == '-') {
			j++
		}
		if d = digits(s.b, j); d == 0 {
			s.i = j
			s.fail("malformed number")
			return nil
		}
		j += d
	}
	s.i = j
	return s.b[start:j]
}

func digits(b []byte, i int) int {
	n := 0
	for i+n < len(b) && b[i+n] >= '0' && b[i+n] <= '9' {
		n++
	}
	return n
}

// literal consumes true, false or null.
func (s *scanner) literal(word string) {
	s.whole()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return
	}
	if len(s.b)-s.i < len(word) && strings.HasPrefix(word, string(s.b[s.i:])) {
		s.eof()
		return
	}
	s.fail("invalid literal")
}

// skip consumes one value of any type, checking its syntax.
func (s *scanner) skip() {
	if s.err != nil {
		return
	}
	if !s.ws() {
		s.eof()
		return
	}
	switch c := s.b[s.i]; {
	case c == '{':
		s.enter()
		for first := true; s.objNext(&first); {
			s.key()
			s.skip()
		}
	case c == '[':
		s.enter()
		for first := true; s.arrNext(&first); {
			s.skip()
		}
	case c == '"':
		s.rawString()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	default:
		s.fail("unexpected " + quoteByte(c))
	}
}

// str reads a value as text, leniently: strings as they are, numbers as
// written, booleans as "true"/"false", null and containers as "".
func (s *scanner) str() string {
	switch c := s.peek(); {
	case c == '"':
		return s.keep(s.rawString())
	case c == '-' || c >= '0' && c <= '9':
		return s.keep(s.number())
	case c == 't':
		s.literal("true")
		return "true"
	case c == 'f':
		s.literal("false")
		return "false"
	default:
		s.skip()
		return ""
	}
}

// keep turns scanned bytes into a string, sharing short repeated ones.
func (s *scanner) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 40 {
		return string(b)
	}
	if len(s.intern) < internSlots && (s.intern == nil || s.offset() > bigInternAfter) {
		s.intern = s.growIntern()
	}
	slot := &s.intern[maphash.Bytes(internSeed, b)&uint64(len(s.intern)-1)]
	if *slot == string(b) {
		return *slot
	}
	v := string(b)
	*slot = v
	return v
}

// growIntern returns the intern cache's next size: small at first, the
// full size for a body past bigInternAfter (the small cache's strings are
// dropped: it is a cache).
func (s *scanner) growIntern() []string {
	if s.intern == nil && s.offset() <= bigInternAfter {
		return make([]string, smallInternSlots)
	}
	return make([]string, internSlots)
}

// boolean reads true/false, "true"/"false" in any case, or a number (non-zero
// is true); anything else is false.
func (s *scanner) boolean() bool {
	switch c := s.peek(); {
	case c == 't':
		s.literal("true")
		return true
	case c == 'f':
		s.literal("false")
		return false
	case c == '"':
		v := s.rawString()
		return strings.EqualFold(strings.TrimSpace(string(v)), "true")
	case c == '-' || c >= '0' && c <= '9':
		f, ok := parseNumber(s.number())
		return ok && f != 0
	default:
		s.skip()
		return false
	}
}

// amount reads a provider amount: a number, a numeric string or "infinity";
// anything else (null, true, an object) is no amount.
func (s *scanner) amount() model.Amount {
	switch c := s.peek(); {
	case c == '"':
		return model.ParseAmount(string(s.rawString()))
	case c == '-' || c >= '0' && c <= '9':
		num := s.number()
		if f, ok := parseNumber(num); ok {
			return model.Amount{Value: f, Present: true}
		}
		return model.Amount{Invalid: model.InvalidNumber(string(num))} // 1e999: out of range
	default:
		s.skip()
		return model.Amount{}
	}
}

// integer reads a whole number of days and the like from a number or a
// numeric string; fractions are truncated, absurd values are absent.
func (s *scanner) integer() *int {
	a := s.amount()
	if !a.Present || a.Unlimited || math.Abs(a.Value) > 1e9 {
		return nil
	}
	n := int(a.Value)
	return &n
}

// parseNumber parses a scanned JSON number; out-of-range values are absent
// (tiny ones round to 0).
func parseNumber(b []byte) (float64, bool) {
	if len(b) > 0 && len(b) <= 9 {
		// Fast path for short integers, the common case.
		n, neg := 0, false
		for k, c := range b {
			if c == '-' && k == 0 {
				neg = true
				continue
			}
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int(c-'0')
		}
		if n >= 0 {
			if neg {
				return -float64(n), true
			}
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && (math.IsInf(f, 0) || f == 0 && len(b) == 0) {
		return 0, false
	}
	return f, true
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
