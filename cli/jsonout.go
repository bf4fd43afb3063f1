package cli

import (
	"bufio"
	"io"
	"math"
	"runtime/debug"
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
	w.boolean("unlimited", q.NoLimit()) // a sentinel amount too, as Quantity.MarshalJSON
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
//
// The writing runs on a goroutine of its own (see pipe): the lookup's
// goroutine reads and converts the answer, this one redacts, encodes and
// writes it, so a big line keeps both cores busy instead of one.
type streamWriter struct {
	*lookupWriter
	id             model.Identifier
	provider, kind string

	// The writer goroutine's state (read by finish once it has ended).
	started, lineOpen bool

	// The lookup goroutine's side of the pipe.
	pipe *pipe
}

// pipe carries buckets from the lookup's goroutine to the writer goroutine
// in batches, in order, through a bounded ring of batchesInFlight batches:
// the reader never runs more than that many batches ahead of the output
// (memory stays bounded whatever the answer's size, and a slow reader of
// stdout slows the lookup down as before).
type pipe struct {
	cur  *batch
	full chan *batch // to the writer goroutine
	free chan *batch // back, written, for reuse
	done chan struct{}
	made int // batches allocated, at most batchesInFlight
}

// batch is a run of consecutive buckets, then possibly the end of the line
// they belong to. Buckets are shallow copies: a Sink's bucket is valid only
// during the call, but its slices stay valid (providers.Sink).
type batch struct {
	buckets []model.Bucket
	line    *model.Line // Line(…) after the buckets, when set
	flush   bool        // write out at once (the first bucket)
}

// Pipe sizes: a batch amortises the channel's hand-over (about a
// microsecond, against some 10 µs to encode a bucket); four in flight let
// either side run ahead a little without holding more than a few hundred
// buckets (a 10,000-bucket answer is 23 MB).
const (
	batchBuckets    = 64
	batchesInFlight = 4
)

// newStreamWriter writes the streamed result of one provider to out. It
// redacts nothing itself: every bucket and line reaches it through the
// engine's boundary (engine.LookupOne wraps the sink in its redactingSink),
// which has masked the secrets already; a second pass here had cost a
// tenth of a big lookup's CPU for nothing.
func newStreamWriter(out io.Writer, id model.Identifier, provider, kind string) *streamWriter {
	return &streamWriter{lookupWriter: newLookupWriter(out), id: id, provider: provider, kind: kind}
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

// Bucket queues one bucket for the writer goroutine, started by the first
// one, which goes out alone and at once (the reader of the pipe sees output
// as soon as there is some); the rest go in batches, and out in 64 KiB
// steps.
func (s *streamWriter) Bucket(_ int, b *model.Bucket) {
	p := s.pipe
	if p == nil {
		// The first batch is the first bucket alone; the others are
		// made as the answer outgrows them (a small answer needs one).
		p = &pipe{full: make(chan *batch, batchesInFlight), free: make(chan *batch, batchesInFlight), done: make(chan struct{})}
		p.cur, p.made = &batch{buckets: make([]model.Bucket, 0, 1), flush: true}, 1
		s.pipe = p
		go s.write(p)
		p.cur.buckets = append(p.cur.buckets, *b)
		s.send()
		return
	}
	p.cur.buckets = append(p.cur.buckets, *b)
	if len(p.cur.buckets) == batchBuckets {
		s.send()
	}
}

// Line queues the end of a line: its buckets are closed and its other
// fields written after them.
func (s *streamWriter) Line(_ int, l *model.Line) {
	if s.pipe == nil {
		s.endLine(l) // a line without buckets: nothing is in flight
		return
	}
	s.pipe.cur.line = l
	s.send()
}

// send hands the current batch over and takes a free one, or makes one
// (waiting when batchesInFlight are made and queued).
func (s *streamWriter) send() {
	p := s.pipe
	p.full <- p.cur
	select {
	case p.cur = <-p.free:
	default:
		if p.made < batchesInFlight {
			p.made++
			p.cur = &batch{buckets: make([]model.Bucket, 0, batchBuckets)}
			return
		}
		p.cur = <-p.free
	}
	if cap(p.cur.buckets) < batchBuckets { // the first one
		p.cur.buckets = make([]model.Bucket, 0, batchBuckets)
	}
}

// write is the writer goroutine: it writes the batches in the order sent,
// until the pipe is closed.
func (s *streamWriter) write(p *pipe) {
	defer close(p.done)
	for bt := range p.full {
		for i := range bt.buckets {
			b := &bt.buckets[i]
			s.openLine()
			s.w.elem()
			s.w.bucket(b)
			*b = model.Bucket{} // the batch is reused: drop the references
			s.spill(false)
		}
		bt.buckets = bt.buckets[:0]
		if bt.flush {
			bt.flush = false
			s.flush()
		}
		if bt.line != nil {
			s.endLine(bt.line)
			bt.line = nil
		}
		p.free <- bt
	}
}

// endLine closes a line's buckets and writes its other fields.
func (s *streamWriter) endLine(l *model.Line) {
	s.openLine()
	s.w.close(']')
	s.w.lineFields(l)
	s.w.close('}')
	s.lineOpen = false
	s.spill(false)
}

// drain sends what is queued, closes the pipe and waits until the writer
// goroutine has written everything: after it, the lookupWriter is the
// caller's alone. Calling it again is harmless.
func (s *streamWriter) drain() {
	p := s.pipe
	if p == nil || p.cur == nil {
		return
	}
	if len(p.cur.buckets) > 0 || p.cur.line != nil {
		p.full <- p.cur
	}
	p.cur = nil
	close(p.full)
	<-p.done
}

// streamGCPercent is the garbage collector's GOGC for a streamed lookup
// run as a process of its own (streamGC).
const streamGCPercent = 400

// streamGC sets the collector for a streamed lookup, unless the operator
// set GOGC or GOMEMLIMIT. Such a lookup allocates about 2 KB per bucket
// (its characteristics, periods and counters, kept by the Sink's contract)
// while its live heap stays a few MiB (the window, the pipe's batches, the
// lines without their buckets): with the default GOGC of 100 the collector
// ran some ten cycles over a 10,000-bucket answer and was marking most of
// the time, so every pointer store of the decoder and the encoder paid a
// write barrier (a quarter of the CPU went to the collector). With 400 it
// runs a cycle or two; the peak RSS grows by about 10 MiB (19 → 29 MiB for
// the 23 MB answer), well under the body's size. A lookup that keeps its
// answer whole (text, or several providers) keeps the default: its live
// heap is the answer, and five times that would be too much.
func streamGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(streamGCPercent)
}

// finish ends the document with the result: its error and elapsed time
// after the lines already written, or the whole result when nothing was.
func (s *streamWriter) finish(r *engine.Result) error {
	s.drain()
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
