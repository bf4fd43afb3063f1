package tmf677

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"simdesk/model"
	"simdesk/providers"
)

// The raw* types mirror the union of the six dialects' JSON: every field any
// of them uses, typed leniently. A bucket's characteristics, periods and
// counters go to small arenas on the reader that are reused for the next
// bucket: each bucket is converted to the model as soon as its closing brace
// is read, so a report of any size holds one raw bucket at a time, plus the
// model buckets themselves (the useful content).

// span is a half-open index range into one of the reader's arenas.
type span struct{ lo, hi int32 }

func (r span) n() int { return int(r.hi - r.lo) }

type rawChar struct{ name, value string }

type rawValue struct {
	amount model.Amount
	units  string
	set    bool // the member was present
}

type rawPeriod struct{ start, end string }

type rawBalance struct {
	valueName string
	value     rawValue
	validFor  rawPeriod
	daysLeft  *int
	chars     span
}

func (b *rawBalance) empty() bool {
	return b.valueName == "" && !b.value.set && b.value.units == "" && b.validFor == (rawPeriod{}) && b.daysLeft == nil && b.chars.n() == 0
}

type rawCounter struct {
	counterType, level, valueName, typ string
	value                              rawValue
	period                             rawPeriod
}

func (c *rawCounter) empty() bool {
	return c.counterType == "" && c.typ == "" && c.level == "" && c.valueName == "" && !c.value.set && c.value.units == "" && c.period == (rawPeriod{})
}

type rawBucket struct {
	id, name, usageType, status, description, typ string
	shared                                        bool
	remaining                                     rawValue
	remainingName                                 string
	validFor                                      rawPeriod
	daysLeft                                      *int
	product                                       string // product[0].publicIdentifier (or id)
	resource                                      string // logicalResource[0].id
	chars                                         span
	balances                                      span
	counters                                      span
}

// empty reports a bucket that says nothing at all ({} or only an @type): it
// is dropped, so a body of a million {} costs no memory.
func (b *rawBucket) empty() bool {
	return b.id == "" && b.name == "" && b.usageType == "" && b.status == "" && b.description == "" &&
		!b.shared && !b.remaining.set && b.remaining.units == "" && b.remainingName == "" &&
		b.validFor == (rawPeriod{}) && b.daysLeft == nil && b.product == "" && b.resource == "" &&
		b.chars.n() == 0 && b.balances.n() == 0 && b.counters.n() == 0
}

type rawRef struct{ id, typ, role string }

type rawError struct{ code, message, description string }

// rawReport is one report being read: what the line needs besides its
// buckets, and the shape features that tell its dialect, gathered bucket by
// bucket (see converter.dialect).
type rawReport struct {
	id, description, effectiveDate, queryDate string
	chars                                     span
	account                                   string // first BillingAccount party
	service                                   rawRef // searchCriteria.service[0]
	hasService                                bool
	err                                       rawError // first of errors[]
	hasErr                                    bool

	hasBucket, hasUsage bool
	known               bool // a member only a report has was seen (buckets, dates…)

	out  []model.Bucket // converted buckets, in order (none when streaming to a sink)
	from int64          // body offset after its first bucket (estimate)
	want int            // buckets the report is expected to have (estimate), 0 unknown
	last model.Bucket   // the last bucket kept, to drop a repeat
	nOut int            // buckets kept (streamed or not)

	// What the line needs of its buckets, gathered as they are kept, so
	// that a streamed line holds none of them (see keep).
	status       statusAcc
	prepaid      string // IsPrepaid of the first bucket that has it
	hasPrepaid   bool
	cycle        model.Cycle // the first current period (LCPR cycle)
	hasCycle     bool
	firstProduct string

	// Shape features (see dialect and queryDialect).
	matrixx, lcpr                   bool
	liberate, cerillion, ericsson   bool
	anyUsageBucket, allPlainBuckets bool
}

// reader holds the arenas and results of one decode.
type reader struct {
	scanner
	conv     *converter
	chars    []rawChar
	balances []rawBalance
	counters []rawCounter

	cur      model.Bucket   // the bucket just converted (not on the heap per bucket)
	pending  []model.Bucket // a usageConsumption's buckets until its id is read
	lines    []model.Line
	envelope *rawReport // the first report that was only an error envelope
	nBuckets int        // buckets kept across the whole answer
}

// Limits a hostile or broken body cannot push memory past. A real line has
// tens of buckets; the simulator's largest has 60,000.
const (
	maxBuckets = 200_000 // per answer
	maxLines   = 1_000   // reports per answer
	maxPeriods = 1_000   // periods or counters per bucket
	maxChars   = 10_000  // characteristics per bucket or period
)

func newReader(s scanner, h Hint) *reader {
	r := &reader{
		scanner:  s,
		chars:    make([]rawChar, 0, 64),
		balances: make([]rawBalance, 0, 8),
		counters: make([]rawCounter, 0, 8),
	}
	r.conv = newConverter(r, h)
	return r
}

// list calls one for every object in an array, or once for a lone object
// where an array belongs; any other value is skipped.
func list(r *reader, one func(*reader)) {
	switch r.peek() {
	case '[':
		r.enter()
		for first := true; r.arrNext(&first); {
			if r.peek() == '{' {
				one(r)
			} else {
				r.skip()
			}
		}
	case '{':
		one(r)
	default:
		r.skip()
	}
}

// object iterates the members of an object; member handles one key and must
// consume its value. A value that is not an object is skipped.
func (r *reader) object(member func(r *reader, key []byte)) {
	if r.peek() != '{' {
		r.skip()
		return
	}
	r.enter()
	for first := true; r.objNext(&first); {
		k := r.key()
		if r.err != nil {
			return
		}
		member(r, k)
	}
}

// top reads the body: a list of reports or a lone report. It reports whether
// the body was an empty list, which these APIs send for "no such line".
func (r *reader) top() (empty bool) {
	switch r.peek() {
	case '[':
		r.enter()
		n := 0
		for first := true; r.arrNext(&first); n++ {
			if r.peek() == '{' {
				r.report()
			} else {
				r.skip()
			}
		}
		return n == 0 && r.err == nil
	case '{':
		r.report()
	}
	return false
}

func (r *reader) report() {
	rep := &rawReport{allPlainBuckets: true}
	var flat rawError // a flat {"code","message","description"} error
	charsLo := len(r.chars)
	r.enter()
	for first := true; r.objNext(&first); {
		k := r.key()
		switch string(k) {
		case "id":
			rep.id = r.str()
		case "description":
			rep.description = r.str()
		case "effectiveDate":
			rep.effectiveDate = r.str()
			rep.known = rep.known || rep.effectiveDate != ""
		case "queryUsageConsumptionDate":
			rep.queryDate = r.str()
			rep.known = rep.known || rep.queryDate != ""
		case "code":
			flat.code = r.str()
		case "message":
			flat.message = r.str()
		case "characteristic":
			// Report characteristics stay below the buckets' arena mark.
			r.chars = r.chars[:charsLo]
			rep.chars, rep.known = r.charList(), true
			charsLo = len(r.chars)
		case "bucket":
			rep.hasBucket, rep.known = true, true
			list(r, func(r *reader) { r.bucket(rep, false, charsLo) })
		case "usageConsumption":
			rep.hasUsage, rep.known = true, true
			list(r, func(r *reader) { r.usage(rep, charsLo) })
		case "relatedParty":
			rep.known = true
			r.refs(func(ref rawRef) {
				if rep.account == "" && (strings.EqualFold(ref.typ, "BillingAccount") || strings.EqualFold(ref.role, "BillingAccount")) {
					rep.account = ref.id
				}
			})
		case "searchCriteria":
			rep.known = true
			r.object(func(r *reader, k []byte) {
				if string(k) == "service" {
					rep.hasService = false
					r.refs(func(ref rawRef) {
						if !rep.hasService {
							rep.service, rep.hasService = ref, true
						}
					})
				} else {
					r.skip()
				}
			})
		case "errors":
			list(r, func(r *reader) {
				var e rawError
				r.object(func(r *reader, k []byte) {
					switch string(k) {
					case "code":
						e.code = r.str()
					case "message":
						e.message = r.str()
					case "description":
						e.description = r.str()
					default:
						r.skip()
					}
				})
				if !rep.hasErr {
					rep.err, rep.hasErr = e, true
				}
			})
		default:
			r.skip()
		}
	}
	if !rep.hasErr && (flat.code != "" || flat.message != "") {
		flat.description = rep.description
		rep.err, rep.hasErr = flat, true
	}
	if r.err != nil {
		return
	}
	switch {
	case rep.known:
		if len(r.lines) >= maxLines {
			r.tooMuch("more than " + strconv.Itoa(maxLines) + " usage consumption reports in one answer")
			return
		}
		l := r.conv.line(rep)
		if s := r.conv.hint.sink; s != nil {
			s.Line(len(r.lines), &l)
			l.Buckets = []model.Bucket{}
		}
		r.lines = append(r.lines, l)
	case rep.hasErr && r.envelope == nil:
		r.envelope = rep
	}
	r.chars = r.chars[:0]
}

// usage reads one usageConsumption entry. Its id (the plan) and its
// logicalResource may come after its buckets, so they are set on its
// buckets once the entry is read.
func (r *reader) usage(rep *rawReport, charsLo int) {
	var id, resource string
	r.pending = r.pending[:0]
	r.enter()
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "id":
			id = r.str()
		case "bucketRefOrValue", "bucket":
			list(r, func(r *reader) { r.bucket(rep, true, charsLo) })
		case "logicalResource":
			resource = r.firstID("id")
		default:
			r.skip()
		}
	}
	rep.liberate = rep.liberate || id != ""
	for i := range r.pending {
		b := &r.pending[i]
		b.Plan = id
		if b.Product == "" {
			b.Product = resource
		}
		r.keep(rep, b)
	}
	clear(r.pending)
	r.pending = r.pending[:0]
}

// refs reads a list of references, handing each to one.
func (r *reader) refs(one func(rawRef)) {
	list(r, func(r *reader) {
		var ref rawRef
		r.object(func(r *reader, k []byte) {
			switch string(k) {
			case "id":
				ref.id = r.str()
			case "@type":
				ref.typ = r.str()
			case "role":
				ref.role = r.str()
			default:
				r.skip()
			}
		})
		one(ref)
	})
}

// firstID reads a list of references and returns the first non-empty value of
// field (or of "id" as a fallback).
func (r *reader) firstID(field string) string {
	if v, ok := r.oneRefFast(field); ok {
		return v
	}
	out := ""
	list(r, func(r *reader) {
		var primary, id string
		r.object(func(r *reader, k []byte) {
			switch {
			case string(k) == field:
				primary = r.str()
			case string(k) == "id":
				id = r.str()
			default:
				r.skip()
			}
		})
		if out == "" {
			if primary != "" {
				out = primary
			} else {
				out = id
			}
		}
	})
	return out
}

// oneRefFast reads, in one pass, the usual list of one reference,
// [{"field":"V"}] written compactly with V plain ASCII (see pairFast): every
// bucket's product. Anything else reports false with nothing consumed.
func (r *reader) oneRefFast(field string) (string, bool) {
	if r.depth+2 > maxDepth {
		return "", false
	}
	w := r.b[r.i:]
	p := 3 + len(field)
	if len(w) < p+3 || w[0] != '[' || w[1] != '{' || w[2] != '"' || string(w[3:p]) != field ||
		w[p] != '"' || w[p+1] != ':' || w[p+2] != '"' {
		return "", false
	}
	p += 3
	k := plainRun(w[p:])
	if p+k+2 >= len(w) || w[p+k] != '"' || w[p+k+1] != '}' || w[p+k+2] != ']' {
		return "", false
	}
	v := r.scanner.keep(w[p : p+k])
	r.i += p + k + 3
	return v, true
}

func (r *reader) charList() span {
	lo := len(r.chars)
	list(r, (*reader).char)
	return span{int32(lo), int32(len(r.chars))}
}

func (r *reader) char() {
	c, ok := r.charFast()
	if !ok {
		r.enter()
		for first := true; r.objNext(&first); {
			switch string(r.key()) {
			case "name":
				c.name = r.str()
			case "value":
				c.value = r.str()
			default:
				r.skip()
			}
		}
	}
	if c.name == "" && c.value == "" {
		return // {} says nothing
	}
	if len(r.chars) >= maxChars+64 && r.err == nil {
		r.tooMuch("more than " + strconv.Itoa(maxChars) + " characteristics in one bucket")
		return
	}
	r.chars = append(r.chars, c)
}

// pairShape is an object of exactly two string members, a and b, in
// either order, written compactly: the shape of nearly every
// characteristic ({"value":…,"name":…}, some 25 per Matrixx bucket, the
// most frequent object of a report) and of every period
// ({"startDateTime":…,"endDateTime":…}).
type pairShape struct{ aFirst, bNext, bFirst, aNext []byte }

func pairOf(a, b string) pairShape {
	return pairShape{[]byte(`{"` + a + `":"`), []byte(`","` + b + `":"`), []byte(`{"` + b + `":"`), []byte(`","` + a + `":"`)}
}

var (
	charPair   = pairOf("value", "name")
	periodPair = pairOf("startDateTime", "endDateTime")
)

// pairFast reads the object at r.i in one pass when it has sh's shape,
// both strings plain ASCII (see plain) and the whole object in the window:
// the same result as the member loop, without its per-member calls (a
// third of a Matrixx decode went to characteristics). Anything else (white
// space, escapes, other or repeated members, a token past the window)
// reports false with nothing consumed, and the caller reads it the general
// way.
func (r *reader) pairFast(sh *pairShape) (a, b string, ok bool) {
	if r.depth >= maxDepth {
		return "", "", false // enter would refuse it: let it
	}
	w := r.b[r.i:]
	var first, second []byte
	var p int
	aFirst := bytes.HasPrefix(w, sh.aFirst)
	next := sh.bNext
	switch {
	case aFirst:
		p = len(sh.aFirst)
	case bytes.HasPrefix(w, sh.bFirst):
		p, next = len(sh.bFirst), sh.aNext
	default:
		return "", "", false
	}
	k := plainRun(w[p:])
	first, p = w[p:p+k], p+k
	if !bytes.HasPrefix(w[p:], next) {
		return "", "", false
	}
	p += len(next)
	k = plainRun(w[p:])
	second, p = w[p:p+k], p+k
	if p+1 >= len(w) || w[p] != '"' || w[p+1] != '}' {
		return "", "", false
	}
	r.i += p + 2
	x, y := r.scanner.keep(first), r.scanner.keep(second)
	if aFirst {
		return x, y, true
	}
	return y, x, true
}

// charFast reads a characteristic through pairFast.
func (r *reader) charFast() (c rawChar, ok bool) {
	c.value, c.name, ok = r.pairFast(&charPair)
	return c, ok
}

// The compact shapes of an amount with its unit, {"amount":N,"units":"U"},
// and without, {"amount":N}: every remainingValue and counter value.
var (
	valueAmount = []byte(`{"amount":`)
	valueUnits  = []byte(`,"units":"`)
)

// valueFast reads a value at r.i in one pass when it has one of those
// shapes, N a plain decimal (digits, a sign, a fraction: no exponent) and
// U plain ASCII, the whole object in the window; like pairFast, anything
// else reports false with nothing consumed.
func (r *reader) valueFast() (v rawValue, ok bool) {
	if r.depth >= maxDepth {
		return v, false
	}
	w := r.b[r.i:]
	if !bytes.HasPrefix(w, valueAmount) {
		return v, false
	}
	p := len(valueAmount)
	q := p
	if q < len(w) && w[q] == '-' {
		q++
	}
	d := digits(w, q)
	if d == 0 || d > 1 && w[q] == '0' {
		return v, false
	}
	q += d
	if q < len(w) && w[q] == '.' {
		if d = digits(w, q+1); d == 0 {
			return v, false
		}
		q += 1 + d
	}
	num := w[p:q]
	switch {
	case q < len(w) && w[q] == '}':
		q++
	case bytes.HasPrefix(w[q:], valueUnits):
		q += len(valueUnits)
		k := plainRun(w[q:])
		if q+k+1 >= len(w) || w[q+k] != '"' || w[q+k+1] != '}' {
			return v, false
		}
		v.units = r.scanner.keep(w[q : q+k])
		q += k + 2
	default:
		return v, false
	}
	f, fine := parseNumber(num)
	if !fine {
		return rawValue{}, false // out of range: the general way says why
	}
	r.i += q
	return rawValue{amount: model.Amount{Value: f, Present: true}, units: v.units, set: true}, true
}

func (r *reader) value() rawValue {
	if v, ok := r.valueFast(); ok {
		return v
	}
	v := rawValue{set: true}
	switch r.peek() {
	case '{':
	case 'n':
		r.skip()
		return rawValue{}
	default:
		// A bare amount where an object belongs; anything else is no value.
		v.amount = r.amount()
		v.set = v.amount.Present
		return v
	}
	r.enter()
	units := ""
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "amount":
			v.amount = r.amount()
		case "units":
			v.units = r.str()
		case "unit":
			units = r.str()
		default:
			r.skip()
		}
	}
	if v.units == "" {
		v.units = units
	}
	return v
}

func (r *reader) period() rawPeriod {
	var p rawPeriod
	var ok bool
	if p.start, p.end, ok = r.pairFast(&periodPair); ok {
		return p
	}
	r.object(func(r *reader, k []byte) {
		switch string(k) {
		case "startDateTime":
			p.start = r.str()
		case "endDateTime":
			p.end = r.str()
		default:
			r.skip()
		}
	})
	return p
}

// bucket reads one bucket, notes its shape features on the report, converts
// it and frees its arenas for the next one.
func (r *reader) bucket(rep *rawReport, inUsage bool, charsLo int) {
	r.chars = r.chars[:charsLo]
	r.balances = r.balances[:0]
	r.counters = r.counters[:0]
	var b rawBucket
	r.enter()
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "id":
			b.id = r.str()
		case "name":
			b.name = r.str()
		case "usageType":
			b.usageType = r.str()
		case "status":
			b.status = r.str()
		case "description":
			b.description = r.str()
		case "@type":
			b.typ = r.str()
		case "isShared":
			b.shared = r.boolean()
		case "remainingValue":
			b.remaining = r.value()
		case "remainingValueName":
			b.remainingName = r.str()
		case "validFor":
			b.validFor = r.period()
		case "daysLeft":
			b.daysLeft = r.integer()
		case "product":
			b.product = r.firstID("publicIdentifier")
		case "logicalResource":
			b.resource = r.firstID("id")
		case "characteristic":
			b.chars = r.charList()
		case "bucketBalance":
			lo := len(r.balances)
			list(r, (*reader).balance)
			b.balances = span{int32(lo), int32(len(r.balances))}
		case "bucketCounter":
			lo := len(r.counters)
			list(r, (*reader).counter)
			b.counters = span{int32(lo), int32(len(r.counters))}
		default:
			r.skip()
		}
	}
	if r.err != nil {
		return
	}
	r.features(rep, &b, inUsage)
	if b.empty() {
		return
	}
	r.cur = r.conv.bucket(&b)
	if inUsage {
		if len(r.pending) >= maxBuckets {
			r.tooMuch("more than " + strconv.Itoa(maxBuckets) + " buckets in one answer (simdesk reads at most " + strconv.Itoa(maxBuckets) + ")")
			return
		}
		r.pending = append(r.pending, r.cur) // kept once the entry's plan is known
		return
	}
	r.keep(rep, &r.cur)
}

// keep takes a finished bucket: it drops a repeat of the previous one,
// enforces the bucket limit, notes what the line needs of it, and hands it
// to the sink or appends it to the report's buckets.
func (r *reader) keep(rep *rawReport, b *model.Bucket) {
	if r.err != nil {
		return
	}
	if rep.nOut > 0 && sameBucket(&rep.last, b) {
		return // a repeated bucket (same id and content) is the same bucket
	}
	if r.nBuckets >= maxBuckets {
		r.tooMuch("more than " + strconv.Itoa(maxBuckets) + " buckets in one answer (simdesk reads at most " + strconv.Itoa(maxBuckets) + ")")
		return
	}
	r.nBuckets++
	rep.nOut++
	rep.last = *b
	rep.status.add(b.Status)
	if !rep.hasPrepaid {
		rep.prepaid, rep.hasPrepaid = b.Attributes.Get("IsPrepaid")
	}
	if !rep.hasCycle {
		if k := b.CurrentPeriod(); k >= 0 {
			rep.cycle, rep.hasCycle = model.Cycle{Start: b.Periods[k].Start, End: b.Periods[k].End}, true
		}
	}
	if rep.nOut == 1 {
		rep.firstProduct = b.Product
	}
	r.estimate(rep)
	if s := r.conv.hint.sink; s != nil {
		if rep.nOut == 1+providers.ExpectAfter {
			providers.Expect(s, len(r.lines), rep.want)
		}
		s.Bucket(len(r.lines), b)
		return
	}
	if rep.out == nil {
		rep.out = make([]model.Bucket, 0, 16)
	}
	if len(rep.out) == cap(rep.out) && rep.want > cap(rep.out) {
		// Straight to the estimate, but never past 16 times what arrived
		// (a lying size), where append grows a large slice by a quarter.
		rep.out = slices.Grow(rep.out, min(rep.want, 16*len(rep.out))-len(rep.out))
	}
	rep.out = append(rep.out, *b)
}

// estimate sets how many buckets a report is expected to have once its
// first buckets are read, from the body's announced size and the bytes
// those buckets took: the sink is told (providers.Expecter), so that a
// console keeping the answer sizes its bucket array once instead of
// doubling it nine times for S-10000, and so is the report's own slice
// when the answer is not streamed.
func (r *reader) estimate(rep *rawReport) {
	if r.conv.hint.size <= 0 {
		return
	}
	at := r.base + int64(r.i) // just after the bucket being kept
	switch rep.nOut {
	case 1:
		rep.from = at
	case 1 + providers.ExpectAfter:
		// The buckets after the first, at the bytes a bucket the last
		// ExpectAfter took; ExpectedBuckets bounds a lying size.
		if n := providers.ExpectedBuckets(r.conv.hint.size-rep.from, at-rep.from, providers.ExpectAfter); n > 0 {
			rep.want = 1 + n
		}
	}
}

// statusAcc computes lineStatus over buckets one at a time.
type statusAcc struct {
	common           string
	mixed, anyActive bool
	last             string // the last status added, as sent
}

func (a *statusAcc) add(status string) {
	if status == a.last && status != "" {
		// The same status as the bucket before (nearly always): nothing
		// changes, and lower-casing it again would allocate.
		return
	}
	a.last = status
	s := strings.ToLower(strings.TrimSpace(status))
	switch {
	case s == "":
		return
	case s == "active":
		a.anyActive = true
	}
	if a.common == "" {
		a.common = s
	} else if s != a.common {
		a.mixed = true
	}
}

// status is the buckets' common status, lower-cased; buckets that disagree
// make the line active when any of them is; no status at all means active,
// since the backend returned a live usage report.
func (a *statusAcc) status() string {
	if a.common == "" || a.mixed && a.anyActive {
		return "active"
	}
	return a.common
}

// features notes what the dialect detection needs of one raw bucket.
func (r *reader) features(rep *rawReport, b *rawBucket, inUsage bool) {
	cnts := r.counters[b.counters.lo:b.counters.hi]
	if !inUsage {
		if b.chars.n() > 0 {
			rep.matrixx = true
		}
		for _, bal := range r.balances[b.balances.lo:b.balances.hi] {
			for _, ch := range r.chars[bal.chars.lo:bal.chars.hi] {
				if ch.name == "IsCurrentPeriod" {
					rep.matrixx = true
				}
			}
			rep.lcpr = rep.lcpr || bal.daysLeft != nil
		}
		rep.lcpr = rep.lcpr || b.remaining.set
		for _, ct := range cnts {
			rep.lcpr = rep.lcpr || ct.period.start != "" || ct.period.end != ""
		}
		return
	}
	rep.anyUsageBucket = true
	for _, ct := range cnts {
		if len(ct.typ) >= 5 && strings.EqualFold(ct.typ[:5], "units") {
			rep.liberate = true
		}
		if strings.EqualFold(ct.counterType, "expiring") {
			rep.cerillion = true
		}
	}
	rep.cerillion = rep.cerillion || b.validFor.start != ""
	rep.ericsson = rep.ericsson || b.id != "" && b.shared || strings.EqualFold(b.usageType, "monetary")
	if b.id != "" || b.counters.n() > 0 || b.status == "" {
		rep.allPlainBuckets = false
	}
}

func (r *reader) balance() {
	var b rawBalance
	r.enter()
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "remainingValueName":
			b.valueName = r.str()
		case "remainingValue":
			b.value = r.value()
		case "validFor":
			b.validFor = r.period()
		case "daysLeft":
			b.daysLeft = r.integer()
		case "characteristic":
			b.chars = r.charList()
		default:
			r.skip()
		}
	}
	if b.empty() {
		return
	}
	if len(r.balances) >= maxPeriods && r.err == nil {
		r.tooMuch("more than " + strconv.Itoa(maxPeriods) + " periods in one bucket")
		return
	}
	r.balances = append(r.balances, b)
}

func (r *reader) counter() {
	var c rawCounter
	r.enter()
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "counterType":
			c.counterType = r.str()
		case "level":
			c.level = r.str()
		case "valueName":
			c.valueName = r.str()
		case "@type":
			c.typ = r.str()
		case "value":
			c.value = r.value()
		case "consumptionPeriod":
			c.period = r.period()
		default:
			r.skip()
		}
	}
	if c.empty() {
		return
	}
	if len(r.counters) >= maxPeriods && r.err == nil {
		r.tooMuch("more than " + strconv.Itoa(maxPeriods) + " counters in one bucket")
		return
	}
	r.counters = append(r.counters, c)
}
