package tmf677

import (
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

	periods  []model.Period
	counters []model.Counter
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
	if t, ok := c.times[s]; ok {
		return t
	}
	t := model.ParseTime(s)
	if len(c.times) < maxCache {
		c.times[s] = t
	}
	return t
}

func (c *converter) classify(usageRaw, unit string) model.Usage {
	k := [2]string{usageRaw, unit}
	if u, ok := c.usage[k]; ok {
		return u
	}
	u := model.ClassifyUsage(usageRaw, unit)
	if len(c.usage) < maxCache {
		c.usage[k] = u
	}
	return u
}

// buckets returns the raw buckets of a report: its own bucket[] and those of
// every usageConsumption, with the plan and resource each belongs to.
func (c *converter) eachBucket(rep *rawReport, f func(b *rawBucket, plan, resource string)) {
	for i := rep.buckets.lo; i < rep.buckets.hi; i++ {
		f(&c.r.buckets[i], "", "")
	}
	for _, u := range rep.usages {
		for i := u.buckets.lo; i < u.buckets.hi; i++ {
			f(&c.r.buckets[i], u.id, u.resource)
		}
	}
}

func (c *converter) line(rep *rawReport) model.Line {
	r := c.r
	dialect := c.dialect(rep)
	nb, np, nc := 0, 0, 0
	c.eachBucket(rep, func(b *rawBucket, _, _ string) {
		nb++
		np += b.balances.n()
		nc += b.counters.n()
	})
	c.periods = make([]model.Period, np)
	c.counters = make([]model.Counter, nc)
	buckets := make([]model.Bucket, 0, nb)
	c.eachBucket(rep, func(b *rawBucket, plan, resource string) {
		buckets = append(buckets, c.bucket(b, plan, resource))
	})

	l := model.Line{
		ID:          c.hint.ID.Value,
		Type:        c.hint.ID.Type,
		Status:      lineStatus(buckets),
		Buckets:     buckets,
		Description: rep.description,
		Dialect:     dialect,
	}
	if l.ID == "" {
		l.ID = rep.id
	}
	if l.ID == "" && len(rep.services) > 0 {
		l.ID = rep.services[0].id
	}
	if l.ID == "" && len(buckets) > 0 {
		l.ID = buckets[0].Product
	}

	l.AsOf = c.time(rep.effectiveDate)
	if l.AsOf.IsZero() {
		l.AsOf = c.time(rep.queryDate)
	}
	if l.AsOf.IsZero() && !c.hint.AsOf.IsZero() {
		l.AsOf = model.Time{Time: c.hint.AsOf.Round(0)}
	}

	for _, p := range rep.parties {
		if strings.EqualFold(p.typ, "BillingAccount") || strings.EqualFold(p.role, "BillingAccount") {
			l.Account = p.id
			break
		}
	}

	// Payment: what the query says, else Matrixx's IsPrepaid, else the line
	// of business the cvp API was asked for (LCPR says nothing itself).
	if len(rep.services) > 0 {
		l.Payment = payment(rep.services[0].typ)
	}
	if l.Payment == "" {
		for i := range buckets {
			if v, ok := buckets[i].Attributes["IsPrepaid"]; ok {
				switch strings.ToLower(strings.TrimSpace(v)) {
				case "true":
					l.Payment = "prepaid"
				case "false":
					l.Payment = "postpaid"
				}
				break
			}
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
		for i := range buckets {
			if k := buckets[i].CurrentPeriod(); k >= 0 {
				l.BillingCycle = model.Cycle{Start: buckets[i].Periods[k].Start, End: buckets[i].Periods[k].End}
				break
			}
		}
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

// lineStatus is the buckets' common status, lower-cased; buckets that
// disagree make the line active when any of them is; no status at all means
// active, since the backend returned a live usage report.
func lineStatus(bs []model.Bucket) string {
	common, mixed, anyActive := "", false, false
	for i := range bs {
		s := strings.ToLower(strings.TrimSpace(bs[i].Status))
		switch {
		case s == "":
			continue
		case s == "active":
			anyActive = true
		}
		if common == "" {
			common = s
		} else if s != common {
			mixed = true
		}
	}
	if common == "" || mixed && anyActive {
		return "active"
	}
	return common
}

func (c *converter) dialect(rep *rawReport) string {
	r := c.r
	if rep.hasUsage {
		return c.queryDialect(rep)
	}
	for _, ch := range r.chars[rep.chars.lo:rep.chars.hi] {
		if strings.HasPrefix(ch.name, "BillingCycle") {
			return DialectMatrixx
		}
	}
	lcpr := false
	for i := rep.buckets.lo; i < rep.buckets.hi; i++ {
		b := &r.buckets[i]
		if b.chars.n() > 0 {
			return DialectMatrixx
		}
		for _, bal := range r.balances[b.balances.lo:b.balances.hi] {
			for _, ch := range r.chars[bal.chars.lo:bal.chars.hi] {
				if ch.name == "IsCurrentPeriod" {
					return DialectMatrixx
				}
			}
			lcpr = lcpr || bal.daysLeft != nil
		}
		lcpr = lcpr || b.remaining.set
		for _, ct := range r.counters[b.counters.lo:b.counters.hi] {
			lcpr = lcpr || ct.period.start != "" || ct.period.end != ""
		}
	}
	if lcpr {
		return DialectLCPR
	}
	return DialectTMF677
}

// queryDialect tells the queryUsageConsumption backends apart by shape:
// Liberate names its plans and types its counters (UnitsUsed…); Cerillion
// has expiring counters and bucket start dates; Ericsson has shared monetary
// buckets with ids; Limeware has bare buckets with a status and no id.
func (c *converter) queryDialect(rep *rawReport) string {
	r := c.r
	liberate, cerillion, ericsson := false, false, false
	anyBucket, allPlain := false, true
	for _, u := range rep.usages {
		liberate = liberate || u.id != ""
		for i := u.buckets.lo; i < u.buckets.hi; i++ {
			b := &r.buckets[i]
			anyBucket = true
			for _, ct := range r.counters[b.counters.lo:b.counters.hi] {
				if len(ct.typ) >= 5 && strings.EqualFold(ct.typ[:5], "units") {
					liberate = true
				}
				if strings.EqualFold(ct.counterType, "expiring") {
					cerillion = true
				}
			}
			cerillion = cerillion || b.validFor.start != ""
			ericsson = ericsson || b.id != "" && b.shared || strings.EqualFold(b.usageType, "monetary")
			if b.id != "" || b.counters.n() > 0 || b.status == "" {
				allPlain = false
			}
		}
	}
	switch {
	case liberate:
		return DialectLiberate
	case cerillion:
		return DialectCerillion
	case ericsson:
		return DialectEricsson
	case anyBucket && allPlain:
		return DialectLimeware
	}
	return DialectTMF677
}

func (c *converter) bucket(b *rawBucket, plan, resource string) model.Bucket {
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
		Plan:        plan,
		Product:     b.product,
		Attributes:  make(map[string]string, len(chars)),
		Periods:     []model.Period{},
		Counters:    []model.Counter{},
	}
	if out.Product == "" {
		out.Product = b.resource
	}
	if out.Product == "" {
		out.Product = resource
	}
	var avail, startTime, endTime string
	hasAvail := false
	for _, ch := range chars {
		if ch.name == "" {
			continue
		}
		out.Attributes[ch.name] = ch.value
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
		out.Periods = c.periods[:len(bals):len(bals)]
		c.periods = c.periods[len(bals):]
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
		return model.NormalizeInUsage(a, unit, b.usageType, usage, text)
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
		pc := r.chars[bal.chars.lo:bal.chars.hi]
		p.Attributes = make(map[string]string, len(pc))
		for _, ch := range pc {
			if ch.name != "" {
				p.Attributes[ch.name] = ch.value
			}
		}
	}

	if len(cnts) > 0 {
		out.Counters = c.counters[:len(cnts):len(cnts)]
		c.counters = c.counters[len(cnts):]
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
