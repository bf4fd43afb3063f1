package tmf677

import "simdesk/model"

// The raw* types mirror the union of the six dialects' JSON: every field any
// of them uses, typed leniently. They live in flat arenas on the reader
// (characteristics, periods, counters, buckets) and refer to them by index
// range, so a 10,000-bucket report costs a handful of growing slices rather
// than tens of thousands of small allocations.

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

type rawCounter struct {
	counterType, level, valueName, typ string
	value                              rawValue
	period                             rawPeriod
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

type rawRef struct{ id, typ, role string }

type rawUsage struct {
	id       string
	resource string
	buckets  span
}

type rawError struct{ code, message, description string }

type rawReport struct {
	id, description, effectiveDate, queryDate string
	chars                                     span
	buckets                                   span // report-level bucket[] (Matrixx, LCPR)
	usages                                    []rawUsage
	parties                                   []rawRef
	services                                  []rawRef
	errors                                    []rawError

	hasBucket, hasUsage bool
	known               bool // a member only a report has was seen (buckets, dates…)
}

// reader holds the arenas of one Decode call.
type reader struct {
	scanner
	chars    []rawChar
	balances []rawBalance
	counters []rawCounter
	buckets  []rawBucket
	reports  []rawReport
}

// newReader sizes the arenas from the body's length (a Matrixx bucket with
// its periods and thresholds is about 2 KB of JSON holding some 27
// characteristics), so a large report grows them once or twice, not twenty
// times.
func newReader(body []byte) *reader {
	n := len(body)
	return &reader{
		scanner:  scanner{b: body},
		chars:    make([]rawChar, 0, n/80),
		balances: make([]rawBalance, 0, n/600),
		counters: make([]rawCounter, 0, n/600),
		buckets:  make([]rawBucket, 0, n/2000),
	}
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
	var rep rawReport
	var flat rawError // a flat {"code","message","description"} error
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
			rep.chars, rep.known = r.charList(), true
		case "bucket":
			rep.hasBucket, rep.known = true, true
			lo := len(r.buckets)
			list(r, (*reader).bucket)
			rep.buckets = span{int32(lo), int32(len(r.buckets))}
		case "usageConsumption":
			rep.hasUsage, rep.known = true, true
			rep.usages = rep.usages[:0]
			list(r, func(r *reader) { rep.usages = append(rep.usages, r.usage()) })
		case "relatedParty":
			rep.known = true
			rep.parties = r.refs(rep.parties[:0])
		case "searchCriteria":
			rep.known = true
			r.object(func(r *reader, k []byte) {
				if string(k) == "service" {
					rep.services = r.refs(rep.services[:0])
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
				rep.errors = append(rep.errors, e)
			})
		default:
			r.skip()
		}
	}
	if len(rep.errors) == 0 && (flat.code != "" || flat.message != "") {
		flat.description = rep.description
		rep.errors = append(rep.errors, flat)
	}
	if r.err == nil {
		r.reports = append(r.reports, rep)
	}
}

func (r *reader) usage() rawUsage {
	var u rawUsage
	r.enter()
	for first := true; r.objNext(&first); {
		switch string(r.key()) {
		case "id":
			u.id = r.str()
		case "bucketRefOrValue", "bucket":
			lo := len(r.buckets)
			list(r, (*reader).bucket)
			u.buckets = span{int32(lo), int32(len(r.buckets))}
		case "logicalResource":
			u.resource = r.firstID("id")
		default:
			r.skip()
		}
	}
	return u
}

func (r *reader) refs(dst []rawRef) []rawRef {
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
		dst = append(dst, ref)
	})
	return dst
}

// firstID reads a list of references and returns the first non-empty value of
// field (or of "id" as a fallback).
func (r *reader) firstID(field string) string {
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

func (r *reader) charList() span {
	lo := len(r.chars)
	list(r, (*reader).char)
	return span{int32(lo), int32(len(r.chars))}
}

func (r *reader) char() {
	var c rawChar
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
	r.chars = append(r.chars, c)
}

func (r *reader) value() rawValue {
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

func (r *reader) bucket() {
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
	r.buckets = append(r.buckets, b)
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
	r.counters = append(r.counters, c)
}
