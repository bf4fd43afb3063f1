package model

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"simdesk/topup"
)

// OneLine makes provider or operator text safe for one line of a screen, a
// message or a log: whitespace collapsed, control characters dropped, at most
// max bytes, cut on a rune boundary with "..." when longer.
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		for _, r := range s {
			if r >= 0x20 && r != 0x7f {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if max > 3 && len(s) > max {
		cut := max - 3
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// needsEscape reports whether r must not reach a terminal raw: C0 controls
// (except newline and tab, which only lay text out), DEL, C1 controls
// (U+0080–U+009F, which some terminals obey as 8-bit CSI/OSC), the bidi
// embeddings, overrides, isolates and marks that reorder what the operator
// reads, and the Unicode line/paragraph separators.
func needsEscape(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendEscape writes the visible form of r: \x1b for a C0 control (never
// raw in any JSON document), \u0085 / \u202e for the rest. Both forms are
// also valid inside a JSON string, so text that passes through a
// sanitising writer twice, or JSON that passes through it once, stays
// readable and valid.
func appendEscape(dst []byte, r rune) []byte {
	if r < 0x20 {
		return append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	}
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// clean reports whether s holds nothing Sanitize would change; it is the
// fast path for the ASCII text that makes up nearly every provider string.
func clean(s string) bool {
	i := 0
	// Eight bytes at a time while no lane is below 0x20 (tab and newline
	// included) or at or above 0x7f; the byte loop settles the rest. A
	// 10,000-bucket answer brings the console some 500,000 strings.
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if ((x-0x2020202020202020)&^x|(x+0x0101010101010101)|x)&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return false
		}
	}
	return true
}

// Sanitize makes provider text harmless for a terminal: every control
// character (C0 but newline and tab, DEL, C1) and every bidi control becomes
// a visible escape such as \x1b or \u202e, and each byte of invalid UTF-8
// becomes \xNN. Provider names, descriptions and reasons can carry ESC
// sequences (OSC 52 clipboard writes, OSC 8 links, clear screen, hidden
// text) that would otherwise drive the operator's terminal; the escape
// shows the operator that something was there without obeying it. The model
// keeps the exact string; front ends call this where text reaches a screen.
func Sanitize(s string) string {
	if clean(s) {
		return s
	}
	return string(AppendSanitized(make([]byte, 0, len(s)+16), s))
}

// AppendSanitized appends Sanitize(s) to dst without an intermediate string:
// the sanitising writers of the headless commands call it per write.
func AppendSanitized(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if needsEscape(rune(c)) {
				dst = appendEscape(dst, rune(c))
			} else {
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		case needsEscape(r):
			dst = appendEscape(dst, r)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// AppendJSONString appends s as a JSON string literal that keeps the exact
// text (a decoder gets s back, invalid UTF-8 aside, which becomes U+FFFD as
// in encoding/json) while holding no raw control byte: C0, DEL, C1, bidi
// controls and U+2028/U+2029 are written as \u escapes (\u001b, \u202e). JSON output is piped
// into terminals and log viewers too, so it must be as inert as text output.
// HTML characters are left as they are: the output is never embedded in a
// page.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s, true) }

// appendJSONString is AppendJSONString; swar off leaves out the eight-byte
// fast path, and is the reference its test holds the fast path to.
func appendJSONString(dst []byte, s string, swar bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time (no lane below 0x20, at or above
		// 0x7f, a quote or a backslash): the encoder of a big lookup
		// writes tens of megabytes of such text.
		if swar && i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			q, bs := x^0x2222222222222222, x^0x5c5c5c5c5c5c5c5c
			if ((x-0x2020202020202020)&^x|(q-0x0101010101010101)&^q|(bs-0x0101010101010101)&^bs|(x+0x0101010101010101)|x)&0x8080808080808080 == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if needsEscape(r) {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, r)
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// SafeText reports whether s can reach a terminal as it is: no control
// character at all (not even newline or tab) and no bidi control. Operator
// input such as a call reference must pass it, as identifiers do.
func SafeText(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\t' || r == utf8.RuneError || needsEscape(r) {
			return false
		}
	}
	return true
}

// MapText applies f to every provider-supplied string of the line, its
// buckets, periods, counters and attributes (keys and values), in place.
// It is the one walker the engine uses to redact secrets from everything a
// provider returns, and the console uses to sanitise it, so a field added
// here is covered on every path at once. Identifier types, times and
// numbers are ours and are left alone.
func (l *Line) MapText(f func(string) string) {
	l.ID, l.Payment, l.Status = f(l.ID), f(l.Payment), f(l.Status)
	l.Description, l.Account, l.Supplier, l.SupplierID = f(l.Description), f(l.Account), f(l.Supplier), f(l.SupplierID)
	l.TransactionID, l.MSISDN, l.SimID = f(l.TransactionID), f(l.MSISDN), f(l.SimID)
	l.OfferID, l.OfferName, l.Dialect = f(l.OfferID), f(l.OfferName), f(l.Dialect)
	for i := range l.Buckets {
		l.Buckets[i].MapText(f)
	}
}

// MapText applies f to every provider-supplied string of one bucket, in
// place: Line.MapText for a bucket that arrives alone, streamed from a
// huge answer (providers.Sink).
func (b *Bucket) MapText(f func(string) string) {
	b.ID, b.Name, b.UsageRaw, b.Status = f(b.ID), f(b.Name), f(b.UsageRaw), f(b.Status)
	b.Description, b.Plan, b.Product = f(b.Description), f(b.Plan), f(b.Product)
	b.Remaining.mapText(f)
	b.Attributes = mapAttrs(b.Attributes, f)
	for j := range b.Periods {
		p := &b.Periods[j]
		p.Remaining.mapText(f)
		p.Attributes = mapAttrs(p.Attributes, f)
	}
	for j := range b.Counters {
		c := &b.Counters[j]
		c.Type, c.Unit, c.Name, c.Level, c.Text = f(c.Type), f(c.Unit), f(c.Name), f(c.Level), f(c.Text)
	}
}

func (q *Quantity) mapText(f func(string) string) {
	q.Unit, q.Text, q.Invalid = f(q.Unit), f(q.Text), f(q.Invalid)
}

// mapAttrs rebuilds the attributes only when f changes a name or a value
// (keeping them sorted and unique), so the common case costs one pass and
// no allocation.
func mapAttrs(a Attrs, f func(string) string) Attrs {
	changed := false
	for _, p := range a {
		if f(p.Name) != p.Name || f(p.Value) != p.Value {
			changed = true
			break
		}
	}
	if !changed {
		return a
	}
	out := make([]Attr, len(a))
	for i, p := range a {
		out[i] = Attr{Name: f(p.Name), Value: f(p.Value)}
	}
	return AttrsOf(out...)
}

// MapText applies f to every provider-supplied string of the offer, in
// place (see Line.MapText for why there is one walker).
func (o *Offer) MapText(f func(string) string) {
	o.Provider, o.ID, o.Name, o.Supplier, o.ProductType = f(o.Provider), f(o.ID), f(o.Name), f(o.Supplier), f(o.ProductType)
	o.Price.Currency, o.SupplierID, o.FeesType, o.Description = f(o.Price.Currency), f(o.SupplierID), f(o.FeesType), f(o.Description)
	o.Price.Invalid, o.StockInvalid = f(o.Price.Invalid), f(o.StockInvalid)
}

// MapText applies f to the result's transaction id and reason, in place:
// a rejected reason is provider text and may quote anything. (The status
// is a topup.Outcome, not provider text; it is mapped like every string so
// that the walker misses nothing.)
func (r *TopupResult) MapText(f func(string) string) {
	r.Status, r.TransactionID, r.Reason = topup.Outcome(f(string(r.Status))), f(r.TransactionID), f(r.Reason)
}

// MapText applies f to the error's message and correlation id, and wraps its
// cause so that the cause's text is mapped too while errors.Is/As still see
// the original. A nil error is left alone.
func (e *Error) MapText(f func(string) string) {
	if e == nil {
		return
	}
	e.Message, e.CorrelationID = f(e.Message), f(e.CorrelationID)
	if e.Err != nil {
		if t := e.Err.Error(); f(t) != t {
			e.Err = mappedError{f(t), e.Err}
		}
	}
}

// mappedError is a cause whose text was mapped (redacted); Unwrap keeps the
// original reachable for errors.As, never for printing.
type mappedError struct {
	msg   string
	cause error
}

func (m mappedError) Error() string { return m.msg }
func (m mappedError) Unwrap() error { return m.cause }

// MaxReference bounds a ticket or call reference, as the journal shows it.
const MaxReference = 64

// CheckReference refuses a call reference that could not be shown as
// typed: too long, or holding a control character (C0, DEL, C1) or a bidi
// control, like an identifier would be refused. Both front ends call it
// before a reference is kept, so the journal never holds one that rewrites
// the terminal of whoever reads it.
func CheckReference(s string) error {
	if len(s) > MaxReference {
		return &InputError{Msg: fmt.Sprintf("reference too long (%d characters, at most %d)", len(s), MaxReference)}
	}
	if !SafeText(s) {
		return &InputError{Msg: "reference contains a control character: " + Sanitize(s)}
	}
	return nil
}
