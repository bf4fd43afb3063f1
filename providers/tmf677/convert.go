package tmf677

import (
	"hash/maphash"
	"sort"
	"strings"

	"simdesk/model"
)

// converter turns the raw reports of one body into model lines. It caches
// what repeats across thousands of buckets (timestamps, usage classes) and
// carves every bucket's periods and counters out of one slice per report.
type converter struct {
	r     *reader
	hint  Hint
	times map[string]model.Time
	usage map[[2]string]model.Usage

	// Arenas the buckets' slices are carved from (see chunk).
	periods  []model.Period
	counters []model.Counter
	attrs    []model.Attr
	amounts  model.Floats
	carved   int                     // attribute lists carved (attributes)
	seen     *[attrSlots]model.Attrs // lists already carved, by content (shared)

	bucketPerm, periodPerm perm // attribute order of the last bucket / period

	// The last few answers of time and classify, tried before their maps:
	// consecutive buckets repeat the same few timestamps and classes, and
	// the scanner interns their strings, so a comparison is mostly a
	// pointer check, where a map lookup hashes the string (these lookups
	// were a fifth of converting an LCPR bucket).
	recentTimes [2]recentTime
	recentUsage [4]recentUsage
	nextTime    uint8
	nextUsage   uint8
}

type recentTime struct {
	s string
	t model.Time
}

type recentUsage struct {
	raw, unit string
	u         model.Usage
}

// maxCache bounds each cache so hostile input cannot grow it without end.
const maxCache = 4096

func newConverter(r *reader, h Hint) *converter {
	return &converter{r: r, hint: h, times: make(map[string]model.Time, 16), usage: make(map[[2]string]model.Usage, 16)}
}

func (c *converter) time(s string) model.Time {
	if s == "" {
		return model.Time{}
	}
	for i := range c.recentTimes {
		if r := &c.recentTimes[i]; r.s == s {
			return r.t
		}
	}
	t, ok := c.times[s]
	if !ok {
		t = model.ParseTime(s)
		if len(c.times) < maxCache {
			c.times[s] = t
		}
	}
	c.recentTimes[c.nextTime%uint8(len(c.recentTimes))] = recentTime{s, t}
	c.nextTime++
	return t
}

func (c *converter) classify(usageRaw, unit string) model.Usage {
	for i := range c.recentUsage {
		if r := &c.recentUsage[i]; r.raw == usageRaw && r.unit == unit && r.u != "" {
			return r.u
		}
	}
	k := [2]string{usageRaw, unit}
	u, ok := c.usage[k]
	if !ok {
		u = model.ClassifyUsage(usageRaw, unit)
		if len(c.usage) < maxCache {
			c.usage[k] = u
		}
	}
	c.recentUsage[c.nextUsage%uint8(len(c.recentUsage))] = recentUsage{usageRaw, unit, u}
	c.nextUsage++
	return u
}

// chunk is how many periods, counters, attributes or amounts one arena
// allocation holds: buckets carve their slices out of shared chunks instead
// of allocating each.
const chunk = 512

// periodsOf returns a zeroed slice of n periods carved from the current chunk.
func (c *converter) periodsOf(n int) []model.Period {
	if n > len(c.periods) {
		c.periods = make([]model.Period, max(n, chunk))
	}
	p := c.periods[:n:n]
	c.periods = c.periods[n:]
	return p
}

func (c *converter) countersOf(n int) []model.Counter {
	if n > len(c.counters) {
		c.counters = make([]model.Counter, max(n, chunk))
	}
	p := c.counters[:n:n]
	c.counters = c.counters[n:]
	return p
}

func (c *converter) attrsOf(n int) model.Attrs {
	if n > len(c.attrs) {
		c.attrs = make([]model.Attr, max(n, chunk*4))
	}
	p := c.attrs[:n:n]
	c.attrs = c.attrs[n:]
	return p
}

func (c *converter) line(rep *rawReport) model.Line {
	r := c.r
	dialect := c.dialect(rep)
	buckets := rep.out
	if buckets == nil {
		buckets = []model.Bucket{}
	} else {
		buckets = buckets[:len(buckets):len(buckets)]
	}

	l := model.Line{
		ID:          c.hint.ID.Value,
		Type:        c.hint.ID.Type,
		Status:      rep.status.status(),
		Buckets:     buckets,
		Description: rep.description,
		Dialect:     dialect,
		Account:     rep.account,
	}
	if l.ID == "" {
		l.ID = rep.id
	}
	if l.ID == "" && rep.hasService {
		l.ID = rep.service.id
	}
	if l.ID == "" && rep.nOut > 0 {
		l.ID = rep.firstProduct
	}

	l.AsOf = c.time(rep.effectiveDate)
	if l.AsOf.IsZero() {
		l.AsOf = c.time(rep.queryDate)
	}
	if l.AsOf.IsZero() && !c.hint.AsOf.IsZero() {
		l.AsOf = model.Time{Time: c.hint.AsOf.Round(0)}
	}

	// Payment: what the query says, else Matrixx's IsPrepaid, else the line
	// of business the cvp API was asked for (LCPR says nothing itself).
	if rep.hasService {
		l.Payment = payment(rep.service.typ)
	}
	if l.Payment == "" && rep.hasPrepaid {
		switch strings.ToLower(strings.TrimSpace(rep.prepaid)) {
		case "true":
			l.Payment = "prepaid"
		case "false":
			l.Payment = "postpaid"
		}
	}
	if l.Payment == "" {
		l.Payment = payment(c.hint.Lob)
	}

	for _, ch := range r.chars[rep.chars.lo:rep.chars.hi] {
		switch ch.name {
		case "BillingCycleStartTime":
			l.BillingCycle.Start = c.time(ch.value)
		case "BillingCycleEndTime":
			l.BillingCycle.End = c.time(ch.value)
		}
	}
	if dialect == DialectLCPR && l.BillingCycle.Start.IsZero() && l.BillingCycle.End.IsZero() {
		// LCPR shows only the current month: its period is the cycle.
		l.BillingCycle = rep.cycle
	}
	return l
}

func payment(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "prepaid", "pre-paid", "prepago":
		return "prepaid"
	case "postpaid", "post-paid", "postpago":
		return "postpaid"
	}
	return ""
}

// dialect tells a report's backend from the shape features its buckets
// left on it while they were read (reader.features).
func (c *converter) dialect(rep *rawReport) string {
	r := c.r
	if rep.hasUsage {
		return queryDialect(rep)
	}
	for _, ch := range r.chars[rep.chars.lo:rep.chars.hi] {
		if strings.HasPrefix(ch.name, "BillingCycle") {
			return DialectMatrixx
		}
	}
	switch {
	case rep.matrixx:
		return DialectMatrixx
	case rep.lcpr:
		return DialectLCPR
	}
	return DialectTMF677
}

// queryDialect tells the queryUsageConsumption backends apart by shape:
// Liberate names its plans and types its counters (UnitsUsed…); Cerillion
// has expiring counters and bucket start dates; Ericsson has shared monetary
// buckets with ids; Limeware has bare buckets with a status and no id.
func queryDialect(rep *rawReport) string {
	switch {
	case rep.liberate:
		return DialectLiberate
	case rep.cerillion:
		return DialectCerillion
	case rep.ericsson:
		return DialectEricsson
	case rep.anyUsageBucket && rep.allPlainBuckets:
		return DialectLimeware
	}
	return DialectTMF677
}

func (c *converter) bucket(b *rawBucket) model.Bucket {
	r := c.r
	chars := r.chars[b.chars.lo:b.chars.hi]
	bals := r.balances[b.balances.lo:b.balances.hi]
	cnts := r.counters[b.counters.lo:b.counters.hi]

	out := model.Bucket{
		ID:          b.id,
		Name:        b.name,
		UsageRaw:    b.usageType,
		Shared:      b.shared,
		Status:      b.status,
		Description: b.description,
		Product:     b.product,
		Attributes:  c.attributes(chars, &c.bucketPerm),
		Periods:     []model.Period{},
		Counters:    []model.Counter{},
	}
	if out.Product == "" {
		out.Product = b.resource
	}
	var avail, startTime, endTime string
	hasAvail := false
	for _, ch := range chars {
		switch ch.name {
		case "AvailableAmount":
			avail, hasAvail = ch.value, true
		case "StartTime":
			startTime = ch.value
		case "EndTime":
			endTime = ch.value
		}
	}

	// The current period: marked by IsCurrentPeriod, or the only one.
	if len(bals) > 0 {
		out.Periods = c.periodsOf(len(bals))
	}
	cur, marked := -1, false
	for i := range bals {
		for _, ch := range r.chars[bals[i].chars.lo:bals[i].chars.hi] {
			if ch.name == "IsCurrentPeriod" {
				marked = true
				if strings.EqualFold(strings.TrimSpace(ch.value), "true") {
					out.Periods[i].Current = true
					if cur < 0 {
						cur = i
					}
				}
			}
		}
	}
	if !marked && len(bals) == 1 {
		cur = 0
		out.Periods[0].Current = true
	}

	// The bucket's own unit: its periods' (Matrixx states AvailableAmount in
	// it), else its remaining value's.
	native := ""
	if cur >= 0 {
		native = bals[cur].value.units
	}
	for i := 0; native == "" && i < len(bals); i++ {
		native = bals[i].value.units
	}
	if native == "" {
		native = b.remaining.units
	}
	usage := c.classify(b.usageType, native)
	out.Usage = usage
	norm := func(a model.Amount, unit, text string) model.Quantity {
		if unit == "" {
			unit = native
		}
		return model.NormalizeInUsageFrom(&c.amounts, a, unit, b.usageType, usage, text)
	}

	// Remaining: Matrixx's AvailableAmount (rollover included) when it is a
	// number or "infinity"; else the bucket's own remaining value; else the
	// current period's.
	availAmount := model.ParseAmount(avail)
	switch {
	case hasAvail && availAmount.Present:
		// The text is the AvailableAmount as sent: the current period's
		// remainingValueName describes the period, not what is available now
		// (8192 available vs "4096 megabytes" in the period, for rollover).
		out.Remaining = norm(availAmount, native, strings.TrimSpace(avail))
	case b.remaining.set:
		out.Remaining = norm(b.remaining.amount, b.remaining.units, b.remainingName)
	case cur >= 0:
		out.Remaining = norm(bals[cur].value.amount, bals[cur].value.units, bals[cur].valueName)
	default:
		out.Remaining = norm(model.Amount{}, native, b.remainingName)
	}

	out.ValidFrom, out.ValidTo = c.time(b.validFor.start), c.time(b.validFor.end)
	if cur >= 0 {
		if out.ValidFrom.IsZero() {
			out.ValidFrom = c.time(bals[cur].validFor.start)
		}
		if out.ValidTo.IsZero() {
			out.ValidTo = c.time(bals[cur].validFor.end)
		}
		out.DaysLeft = bals[cur].daysLeft
	}
	if out.ValidFrom.IsZero() {
		out.ValidFrom = c.time(startTime)
	}
	if out.ValidTo.IsZero() {
		out.ValidTo = c.time(endTime)
	}
	if out.DaysLeft == nil {
		out.DaysLeft = b.daysLeft
	}

	for i := range bals {
		bal := &bals[i]
		p := &out.Periods[i]
		p.Start, p.End = c.time(bal.validFor.start), c.time(bal.validFor.end)
		p.Remaining = norm(bal.value.amount, bal.value.units, bal.valueName)
		p.DaysLeft = bal.daysLeft
		p.Attributes = c.attributes(r.chars[bal.chars.lo:bal.chars.hi], &c.periodPerm)

	}

	if len(cnts) > 0 {
		out.Counters = c.countersOf(len(cnts))
	}
	for i := range cnts {
		rc := &cnts[i]
		unit := rc.value.units
		if strings.EqualFold(unit, "none") && native != "" {
			unit = native // a threshold in the bucket's own unit
		}
		q := norm(rc.value.amount, unit, "")
		out.Counters[i] = model.Counter{
			Type:      rc.counterType,
			Amount:    q.Amount,
			Unit:      q.Unit,
			Unlimited: q.Unlimited,
			Start:     c.time(rc.period.start),
			End:       c.time(rc.period.end),
			Name:      rc.valueName,
			Level:     rc.level,
			Text:      rc.valueName,
		}
	}
	return out
}

// perm is the sorted, de-duplicated order of one characteristic list, kept
// for the next list with the same names: Matrixx sends every bucket's
// characteristics in the same order, so a 60,000-bucket report sorts once.
type perm struct {
	names []string // the names it was computed for, in the provider's order
	idx   []int32  // for each attribute, the characteristic that gives its value
}

func (p *perm) same(chars []rawChar) bool {
	if len(chars) != len(p.names) {
		return false
	}
	for i := range chars {
		if chars[i].name != p.names[i] {
			return false
		}
	}
	return true
}

func (p *perm) compute(chars []rawChar) {
	p.names = p.names[:0]
	idx := p.idx[:0]
	for i, ch := range chars {
		p.names = append(p.names, ch.name)
		if ch.name != "" {
			idx = append(idx, int32(i))
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return chars[idx[a]].name < chars[idx[b]].name })
	// Of equal names the last one sent wins, as it would in a map.
	w := 0
	for _, k := range idx {
		if w > 0 && chars[idx[w-1]].name == chars[k].name {
			idx[w-1] = k
			continue
		}
		idx[w] = k
		w++
	}
	p.idx = idx[:w]
}

// attributes turns characteristics into the model's sorted attributes,
// carved from the arena. A list equal to one already carved (same names and
// values: Matrixx repeats a period's characteristics, and many a bucket's,
// across the buckets of a huge line) is that list, shared: attributes are
// never written in place (MapText builds a new list when it changes one,
// and a carved list's capacity is its length, so an append copies it). In
// S-10000, 4,617 distinct lists of 30,000 periods' and 4,608 of 10,000
// buckets': 5.4 of its 8.3 MB of attributes not written again.
func (c *converter) attributes(chars []rawChar, p *perm) model.Attrs {
	if len(chars) == 0 {
		return model.Attrs{}
	}
	if !p.same(chars) {
		p.compute(chars)
	}
	var slot *model.Attrs
	if c.carved++; c.carved > attrsShareAfter {
		if c.seen == nil {
			c.seen = new([attrSlots]model.Attrs)
		}
		slot = &c.seen[attrsHash(chars, p.idx)%attrSlots]
		if sameChars(*slot, chars, p.idx) {
			return *slot
		}
	}
	out := c.attrsOf(len(p.idx))
	for i, k := range p.idx {
		out[i] = model.Attr{Name: chars[k].name, Value: chars[k].value}
	}
	if slot != nil {
		*slot = out
	}
	return out
}

// Sharing equal attribute lists: after the first attrsShareAfter lists (a
// small answer never pays for the table), a direct-mapped table of
// attrSlots lists, for one decode.
const (
	attrsShareAfter = 256
	attrSlots       = 16384
)

// attrsHash hashes the values of one list in the order the attributes take.
func attrsHash(chars []rawChar, idx []int32) uint64 {
	h := uint64(len(idx))
	for _, k := range idx {
		h = (h ^ maphash.String(internSeed, chars[k].value)) * 0x100000001b3
	}
	return h ^ h>>29
}

// sameChars reports whether a holds exactly the attributes chars gives in
// the order idx.
func sameChars(a model.Attrs, chars []rawChar, idx []int32) bool {
	if len(a) != len(idx) {
		return false
	}
	for i, k := range idx {
		if a[i].Name != chars[k].name || a[i].Value != chars[k].value {
			return false
		}
	}
	return true
}

// sameBucket reports a bucket repeated with its id and every field equal:
// it is the same bucket sent twice, and is kept once.
func sameBucket(a, b *model.Bucket) bool {
	if a.ID == "" || a.ID != b.ID || a.Name != b.Name || a.Usage != b.Usage || a.UsageRaw != b.UsageRaw ||
		a.Shared != b.Shared || a.Status != b.Status || !sameQty(a.Remaining, b.Remaining) ||
		!a.ValidFrom.Equal(b.ValidFrom.Time) || !a.ValidTo.Equal(b.ValidTo.Time) || !sameInt(a.DaysLeft, b.DaysLeft) ||
		a.Description != b.Description || a.Plan != b.Plan || a.Product != b.Product ||
		len(a.Periods) != len(b.Periods) || len(a.Counters) != len(b.Counters) || !sameAttrs(a.Attributes, b.Attributes) {
		return false
	}
	for i := range a.Periods {
		p, q := &a.Periods[i], &b.Periods[i]
		if !p.Start.Equal(q.Start.Time) || !p.End.Equal(q.End.Time) || p.Current != q.Current ||
			!sameQty(p.Remaining, q.Remaining) || !sameInt(p.DaysLeft, q.DaysLeft) || !sameAttrs(p.Attributes, q.Attributes) {
			return false
		}
	}
	for i := range a.Counters {
		p, q := &a.Counters[i], &b.Counters[i]
		if p.Type != q.Type || !sameFloat(p.Amount, q.Amount) || p.Unit != q.Unit || !p.Start.Equal(q.Start.Time) ||
			!p.End.Equal(q.End.Time) || p.Name != q.Name || p.Unlimited != q.Unlimited || p.Level != q.Level || p.Text != q.Text {
			return false
		}
	}
	return true
}

func sameQty(a, b model.Quantity) bool {
	return sameFloat(a.Amount, b.Amount) && a.Unit == b.Unit && a.Unlimited == b.Unlimited && a.Text == b.Text && a.Invalid == b.Invalid
}

func sameFloat(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func sameInt(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func sameAttrs(a, b model.Attrs) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
