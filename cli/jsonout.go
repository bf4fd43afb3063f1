package cli

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

// The lookup's JSON output, written by hand: no reflection, no indent pass
// over encoded bytes, no per-bucket buffer. The layout is exactly the one
// json.MarshalIndent(…, "", "  ") gave before (TestJSONOutMatchesReflection
// holds it to that, byte for byte), so scripts that diff outputs see no
// change; strings are escaped by model.AppendJSONString (control, C1 and
// bidi characters as \u escapes), the one intended difference.

// ind returns the indentation for a nesting depth (two spaces a level).
func ind(depth int) string {
	const spaces = "                                                                "
	return spaces[:min(2*depth, len(spaces))]
}

// jw appends JSON members with MarshalIndent's layout: each member on its
// own line at depth, "key": value, separated by commas.
type jw struct {
	b     []byte
	first bool
	depth int
	times [16]timeSlot // formatted times, direct-mapped (see time)
}

// timeSlot is one formatted time of jw's cache.
type timeSlot struct {
	t   time.Time
	n   uint8
	out [48]byte
}

// open starts an object or array at the current position; members follow
// at depth+1.
func (w *jw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

// close ends it: on a new line when it had members, else right after the
// opening bracket ({} or []).
func (w *jw) close(c byte) {
	w.depth--
	if !w.first {
		w.b = append(w.b, '\n')
		w.b = append(w.b, ind(w.depth)...)
	}
	w.b = append(w.b, c)
	w.first = false
}

// elem starts an array element.
func (w *jw) elem() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, '\n')
	w.b = append(w.b, ind(w.depth)...)
}

// key starts an object member.
func (w *jw) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = model.AppendJSONString(w.b, v)
}

func (w *jw) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jw) boolean(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *jw) intPtr(k string, v *int) {
	w.key(k)
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = strconv.AppendInt(w.b, int64(*v), 10)
}

func (w *jw) floatPtr(k string, v *float64) {
	w.key(k)
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = appendFloat(w.b, *v)
}

// time writes a time member. A report repeats a few dozen timestamps
// across all its buckets (periods, validity): each is formatted once and
// copied from then on (a quarter of the encoder's time had gone to
// formatting them). Equal time.Time values (same instant, same location)
// format the same, so a hit is exact.
func (w *jw) time(k string, t model.Time) {
	w.key(k)
	sl := &w.times[(uint64(t.Unix())^uint64(t.Nanosecond()))*0x9E3779B97F4A7C15>>60]
	if sl.n > 0 && sl.t == t.Time {
		w.b = append(w.b, sl.out[:sl.n]...)
		return
	}
	n := len(w.b)
	w.b = appendTime(w.b, t)
	if out := w.b[n:]; len(out) <= len(sl.out) {
		sl.t, sl.n = t.Time, uint8(copy(sl.out[:], out))
	}
}

// appendFloat formats like encoding/json: the shortest representation,
// exponent form only below 1e-6 or from 1e21 on, "e-7" rather than "e-07".
// Amounts are finite by construction (the decoders drop NaN and ±Inf); one
// that is not is written as null rather than as invalid JSON.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	if abs < 1e15 && f == math.Trunc(f) && !(f == 0 && math.Signbit(f)) {
		// A whole amount (most of them) reads the same as an integer.
		return strconv.AppendInt(b, int64(f), 10)
	}
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendTime(b []byte, t model.Time) []byte {
	b = append(b, '"')
	if !t.IsZero() {
		b = t.AppendFormat(b, time.RFC3339Nano)
	}
	return append(b, '"')
}

func (w *jw) quantity(k string, q *model.Quantity) {
	w.key(k)
	w.open('{')
	w.floatPtr("amount", q.Amount)
	w.str("unit", q.Unit)
	w.boolean("unlimited", q.Unlimited)
	w.str("text", q.Text)
	w.strOmit("invalid", q.Invalid)
	w.close('}')
}

func (w *jw) attrs(k string, a model.Attrs) {
	w.key(k)
	w.open('{')
	for _, at := range a {
		w.elem()
		w.b = model.AppendJSONString(w.b, at.Name)
		w.b = append(w.b, ':', ' ')
		w.b = model.AppendJSONString(w.b, at.Value)
	}
	w.close('}')
}

// bucket writes one bucket object at the current position.
func (w *jw) bucket(b *model.Bucket) {
	w.open('{')
	w.str("id", b.ID)
	w.str("name", b.Name)
	w.str("usage", string(b.Usage))
	w.str("usage_raw", b.UsageRaw)
	w.boolean("shared", b.Shared)
	w.str("status", b.Status)
	w.quantity("remaining", &b.Remaining)
	w.time("valid_from", b.ValidFrom)
	w.time("valid_to", b.ValidTo)
	w.intPtr("days_left", b.DaysLeft)
	w.key("periods")
	if b.Periods == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range b.Periods {
			p := &b.Periods[i]
			w.elem()
			w.open('{')
			w.time("start", p.Start)
			w.time("end", p.End)
			w.boolean("current", p.Current)
			w.quantity("remaining", &p.Remaining)
			if p.DaysLeft != nil {
				w.intPtr("days_left", p.DaysLeft)
			}
			if len(p.Attributes) > 0 {
				w.attrs("attributes", p.Attributes)
			}
			w.close('}')
		}
		w.close(']')
	}
	w.key("counters")
	if b.Counters == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for i := range b.Counters {
			c := &b.Counters[i]
			w.elem()
			w.open('{')
			w.str("type", c.Type)
			w.floatPtr("amount", c.Amount)
			w.str("unit", c.Unit)
			w.time("start", c.Start)
			w.time("end", c.End)
			w.str("name", c.Name)
			if c.Unlimited {
				w.boolean("unlimited", true)
			}
			w.strOmit("level", c.Level)
			w.strOmit("text", c.Text)
			w.close('}')
		}
		w.close(']')
	}
	w.attrs("attributes", b.Attributes)
	w.strOmit("description", b.Description)
	w.strOmit("plan", b.Plan)
	w.strOmit("product", b.Product)
	w.close('}')
}

// lineFields writes every member of a line but its buckets.
func (w *jw) lineFields(l *model.Line) {
	w.str("id", l.ID)
	w.str("type", string(l.Type))
	w.str("payment", l.Payment)
	w.str("status", l.Status)
	w.time("as_of", l.AsOf)
	w.key("billing_cycle")
	w.open('{')
	w.time("start", l.BillingCycle.Start)
	w.time("end", l.BillingCycle.End)
	w.close('}')
	w.strOmit("description", l.Description)
	w.strOmit("account", l.Account)
	w.strOmit("supplier", l.Supplier)
	w.strOmit("supplier_id", l.SupplierID)
	w.strOmit("transaction_id", l.TransactionID)
	w.strOmit("msisdn", l.MSISDN)
	w.strOmit("sim_id", l.SimID)
	w.strOmit("offer_id", l.OfferID)
	w.strOmit("offer_name", l.OfferName)
	if !l.FirstActivation.IsZero() {
		w.time("first_activation", l.FirstActivation)
	}
	if !l.NumberExpires.IsZero() {
		w.time("number_expires", l.NumberExpires)
	}
	w.strOmit("dialect", l.Dialect)
}

// errorValue writes a result's error member value (null when none).
func (w *jw) errorValue(e *model.Error) {
	if e == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('{')
	w.str("kind", string(e.Kind))
	w.int("status", int64(e.Status))
	w.str("message", e.Message)
	w.str("correlation_id", e.CorrelationID)
	w.close('}')
}

// flushAt is how much output collects before it goes to the writer.
const flushAt = 64 << 10

// lookupWriter writes the lookup document to out, bucket by bucket.
type lookupWriter struct {
	out *bufio.Writer
	w   jw
	err error
}

func newLookupWriter(out io.Writer) *lookupWriter {
	return &lookupWriter{out: bufio.NewWriterSize(inert(out), flushAt), w: jw{b: make([]byte, 0, flushAt+8<<10)}}
}

// inert returns a writer that skips the terminal sanitiser of stdout for
// output that holds no control character by construction, as this encoder's
// does (every string goes through model.AppendJSONString; the rest is our
// punctuation, digits and spaces): sanitising 40 MB of it again cost a fifth
// of a big lookup. A write error is kept like termWriter's own.
func inert(w io.Writer) io.Writer {
	if t, ok := w.(*termWriter); ok {
		return inertTerm{t}
	}
	return w
}

type inertTerm struct{ t *termWriter }

func (r inertTerm) Write(p []byte) (int, error) {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return 0, t.err
	}
	if len(t.pending) > 0 { // a split character written before: it goes first
		pend := t.pending
		t.pending = nil
		if err := t.emit(pend); err != nil {
			return 0, err
		}
	}
	if _, err := t.w.Write(p); err != nil {
		t.err = err
		return 0, err
	}
	return len(p), nil
}

// spill hands what collected to the buffered writer once it is large.
func (lw *lookupWriter) spill(force bool) {
	if len(lw.w.b) >= flushAt || force && len(lw.w.b) > 0 {
		if _, err := lw.out.Write(lw.w.b); err != nil && lw.err == nil {
			lw.err = err
		}
		lw.w.b = lw.w.b[:0]
	}
}

// flush writes everything out now.
func (lw *lookupWriter) flush() error {
	lw.spill(true)
	if err := lw.out.Flush(); err != nil && lw.err == nil {
		lw.err = err
	}
	return lw.err
}

// head writes the document up to the first result.
func (lw *lookupWriter) head(id model.Identifier) {
	w := &lw.w
	w.open('{')
	w.key("query")
	w.open('{')
	w.str("id", id.Value)
	w.str("type", string(id.Type))
	w.strOmit("account", id.Account)
	w.close('}')
	w.key("results")
	w.open('[')
}

// result writes one whole result, in the classic order: provider, kind,
// error, elapsed_ms, then the lines.
func (lw *lookupWriter) result(r *engine.Result) {
	w := &lw.w
	w.elem()
	w.open('{')
	w.str("provider", r.Provider)
	w.str("kind", r.Kind)
	w.key("error")
	w.errorValue(r.Err)
	w.int("elapsed_ms", r.Elapsed.Milliseconds())
	w.key("lines")
	w.open('[') // [] for none, never null
	for i := range r.Lines {
		l := &r.Lines[i]
		w.elem()
		w.open('{')
		w.lineFields(l)
		lw.buckets(l.Buckets)
		w.close('}')
	}
	w.close(']')
	w.close('}')
}

// buckets writes a line's buckets member.
func (lw *lookupWriter) buckets(bs []model.Bucket) {
	w := &lw.w
	w.key("buckets")
	w.open('[') // [] for none, never null
	for i := range bs {
		w.elem()
		w.bucket(&bs[i])
		lw.spill(false)
	}
	w.close(']')
}

// end closes the results and the document.
func (lw *lookupWriter) end() {
	w := &lw.w
	w.close(']')
	w.close('}')
	w.b = append(w.b, '\n')
}

// writeLookupJSON writes the contract's lookup document for finished
// results.
func writeLookupJSON(out io.Writer, id model.Identifier, results []engine.Result) error {
	lw := newLookupWriter(out)
	lw.head(id)
	for i := range results {
		lw.result(&results[i])
	}
	lw.end()
	return lw.flush()
}

// streamWriter writes one provider's lookup document while the answer is
// read (it is the providers.Sink of a single-provider `lookup --format json`):
// the document starts with the first bucket, each bucket is written and
// dropped as soon as it is converted, and the result's error and elapsed
// time come last, once they exist. The layout of a streamed result is
// therefore: provider, kind, lines (each line's buckets first, then its
// other fields), error, elapsed_ms: the same keys as the classic layout, in
// another order (README, "Lookup output"). An answer that streams nothing
// (an error before the first bucket, or a provider that cannot stream) is
// written in the classic layout.
type streamWriter struct {
	*lookupWriter
	id             model.Identifier
	provider, kind string
	redact         func(string) string // the engine boundary's filter, for what bypasses the engine

	started, lineOpen, flushed bool
	one                        [1]model.Bucket
}

// newStreamWriter writes the streamed result of one provider to out. redact
// is called on every string of every bucket, with no memo: the redactor's
// own prefilter (the shortest secret's length, then the first three bytes
// of each) answers a string holding no secret in one pass, cheaper than a
// map lookup of it.
func newStreamWriter(out io.Writer, id model.Identifier, provider, kind string, redact func(string) string) *streamWriter {
	return &streamWriter{lookupWriter: newLookupWriter(out), id: id, provider: provider, kind: kind, redact: redact}
}

// openLine starts the document, the result and a line, as far as needed.
func (s *streamWriter) openLine() {
	w := &s.w
	if !s.started {
		s.started = true
		s.head(s.id)
		w.elem()
		w.open('{')
		w.str("provider", s.provider)
		w.str("kind", s.kind)
		w.key("lines")
		w.open('[')
	}
	if !s.lineOpen {
		s.lineOpen = true
		w.elem()
		w.open('{')
		w.key("buckets")
		w.open('[')
	}
}

// Bucket writes one bucket; the first one goes out at once (the reader of
// the pipe sees output as soon as there is some), the rest in 64 KiB steps.
func (s *streamWriter) Bucket(_ int, b *model.Bucket) {
	s.openLine()
	s.one[0] = *b
	l := model.Line{Buckets: s.one[:]}
	l.MapText(s.redact) // what the engine does to the lines it returns
	s.w.elem()
	s.w.bucket(&s.one[0])
	s.one[0] = model.Bucket{}
	if !s.flushed {
		s.flushed = true
		s.flush()
		return
	}
	s.spill(false)
}

// Line closes a line's buckets and writes its other fields.
func (s *streamWriter) Line(_ int, l *model.Line) {
	s.openLine()
	s.w.close(']')
	c := *l
	c.Buckets = nil
	c.MapText(s.redact)
	s.w.lineFields(&c)
	s.w.close('}')
	s.lineOpen = false
	s.spill(false)
}

// finish ends the document with the result: its error and elapsed time
// after the lines already written, or the whole result when nothing was.
func (s *streamWriter) finish(r *engine.Result) error {
	if !s.started {
		s.head(s.id)
		s.result(r)
		s.end()
		return s.flush()
	}
	w := &s.w
	if s.lineOpen {
		// The answer broke off inside a line: its buckets so far, and
		// the result's error says the lines are incomplete.
		w.close(']')
		w.close('}')
		s.lineOpen = false
	}
	w.close(']')
	w.key("error")
	w.errorValue(r.Err)
	w.int("elapsed_ms", r.Elapsed.Milliseconds())
	w.close('}')
	s.end()
	return s.flush()
}
