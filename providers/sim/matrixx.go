package sim

import (
	"fmt"
	"strconv"
	"time"
)

// Matrixx (dxp PR) report shapes, field for field as in seed 002.
type mxReport struct {
	Description    string     `json:"description"`
	EffectiveDate  string     `json:"effectiveDate"`
	Type           string     `json:"@type"`
	Characteristic []nv       `json:"characteristic"`
	Bucket         []mxBucket `json:"bucket"`
}

type mxBucket struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	UsageType      string      `json:"usageType"`
	IsShared       bool        `json:"isShared"`
	Type           string      `json:"@type"`
	Characteristic []nv        `json:"characteristic"`
	Product        []pubID     `json:"product"`
	BucketBalance  []mxPeriod  `json:"bucketBalance,omitempty"`
	BucketCounter  []mxCounter `json:"bucketCounter,omitempty"`
}

type mxPeriod struct {
	RemainingValueName string   `json:"remainingValueName"`
	RemainingValue     qty      `json:"remainingValue"`
	ValidFor           validFor `json:"validFor"`
	Characteristic     []nv     `json:"characteristic"`
}

type mxCounter struct {
	CounterType string `json:"counterType"`
	Level       string `json:"level"`
	Value       qty    `json:"value"`
	ValueName   string `json:"valueName"`
}

// Matrixx writes local times without a zone.
const mxTime = "2006-01-02T15:04:05"

// mxSpec describes one bucket to generate.
type mxSpec struct {
	name, usageType string
	unit            string // periods' unit; "" writes no unit (SMS, MMS) and "none" on counters
	monetary        bool
	prepaid         bool
	alloc, used     float64
	rollover        float64
	unlimited       bool // AvailableAmount "infinity", ThresholdLimit 99999
}

// mxClock is the timeline of one line: its billing cycle and the 30-day
// periods around now.
type mxClock struct {
	now, since, cycleStart, cycleEnd, curStart time.Time
}

func newMxClock(now time.Time, offsetDays, ageDays int) mxClock {
	day := now.Truncate(24 * time.Hour)
	cs := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return mxClock{
		now: now, since: day.AddDate(0, 0, -ageDays).Add(18*time.Hour + 17*time.Minute + 22*time.Second),
		cycleStart: cs, cycleEnd: cs.AddDate(0, 1, 0), curStart: day.AddDate(0, 0, -offsetDays),
	}
}

func yesNo(b bool) string { return strconv.FormatBool(b) }

func (c mxClock) bucket(id int, sp mxSpec, pid string) mxBucket {
	b := mxBucket{ID: strconv.Itoa(id), Name: sp.name, UsageType: sp.usageType, Type: "BucketBalance", Product: []pubID{{pid}}}
	counterUnit := sp.unit
	if counterUnit == "" {
		counterUnit = "none"
	}
	if sp.monetary {
		avail, credit, thr := num(sp.alloc), "0", num(round2(sp.alloc*0.8))
		if sp.unlimited {
			avail, credit, thr = "infinity", "infinity", "infinity"
		}
		b.Characteristic = []nv{{avail, "AvailableAmount"}}
		if sp.prepaid {
			b.Characteristic = append(b.Characteristic, nv{c.since.Format(mxTime), "StartTime"})
		}
		b.Characteristic = append(b.Characteristic, nv{credit, "CreditLimit"}, nv{"false", "IsCreateExternalPaymentRequest"},
			nv{"false", "IsPeriodic"}, nv{yesNo(sp.prepaid), "IsPrepaid"}, nv{"false", "IsPrivate"}, nv{"false", "IsVirtual"},
			nv{"0", "ReservedAmount"}, nv{thr, "ThresholdLimit"})
		if sp.unlimited {
			b.BucketCounter = []mxCounter{{"Threshold_credit_limit", "Notify_Gross,Notify_IncrEq,Notify_DecrEq", q("infinity", "none"), "Limit"}}
		} else {
			b.BucketCounter = []mxCounter{
				{"Threshold_credit_limit", "Notify_Gross", q(0, "none"), "Limit"},
				{"Threshold_available_amount", "Notify_Gross,Notify_BalIncr,Notify_IncrEq", q(20, "none"), "20Absolute #514"},
				{"Threshold_available_amount", "Notify_Gross,Notify_BalIncr,Notify_IncrEq", q(0, "none"), "ZeroAbsolute #515"},
			}
		}
		return b
	}
	cur := round2(sp.alloc - sp.used)
	avail, thr := num(round2(cur+sp.rollover)), num(sp.alloc)
	if sp.unlimited {
		cur, avail, thr = 99999, "infinity", "99999"
	}
	curEnd := c.curStart.AddDate(0, 0, 30)
	b.Characteristic = []nv{
		{avail, "AvailableAmount"}, {c.since.Format(mxTime), "BalanceStartTime"},
		{c.curStart.Format(mxTime), "StartTime"}, {curEnd.Format(mxTime), "EndTime"}, {"0", "CreditLimit"},
		{yesNo(!sp.prepaid), "IsBillingCyclePeriodic"}, {"false", "IsCompositeMeter"}, {"false", "IsCreateExternalPaymentRequest"},
		{"false", "IsOnDemand"}, {"true", "IsPeriodic"}, {yesNo(sp.prepaid), "IsPrepaid"}, {"false", "IsPrivate"},
		{"true", "IsPurchasedItemCyclePeriodic"}, {"false", "IsRenewable"}, {"false", "IsVirtual"}, {"0", "ReservedAmount"},
	}
	if sp.rollover > 0 {
		b.Characteristic = append(b.Characteristic, nv{num(sp.rollover), "RolloverInitAmountTotal"})
	}
	b.Characteristic = append(b.Characteristic, nv{thr, "ThresholdLimit"})
	full := sp.alloc
	if sp.unlimited {
		full = 99999
	}
	period := func(from time.Time, amount float64, current bool) mxPeriod {
		name, v := num(amount), qn(amount)
		if sp.unit != "" {
			name, v = name+" "+sp.unit, q(amount, sp.unit)
		}
		t := num(amount)
		return mxPeriod{RemainingValueName: name, RemainingValue: v,
			ValidFor:       validFor{from.Format(mxTime), from.AddDate(0, 0, 30).Format(mxTime)},
			Characteristic: []nv{{t, "ThresholdLimit"}, {"0", "ReservedAmount"}, {yesNo(current), "IsCurrentPeriod"}}}
	}
	b.BucketBalance = []mxPeriod{
		period(c.curStart.AddDate(0, 0, -30), full, false),
		period(c.curStart, cur, true),
		period(curEnd, 0, false),
	}
	b.BucketCounter = []mxCounter{{"Threshold_credit_limit", "Notify_Gross", q(0, counterUnit), "Bal"}}
	switch sp.usageType {
	case "Voice":
		b.BucketCounter = append(b.BucketCounter, mxCounter{"Threshold_available_amount", "Notify_Gross", q(100, counterUnit), "recurring minutes threshold"})
	case "Data":
		lv := "Notify_Gross,Notify_BalIncr,Notify_IncrEq"
		b.BucketCounter = append(b.BucketCounter,
			mxCounter{"Threshold_available_amount", "Notify_Gross", q(100, counterUnit), "recurring data threshold"},
			mxCounter{"Threshold_consumed_amount", lv, q(75, counterUnit), "75Percent #501"},
			mxCounter{"Threshold_consumed_amount", lv, q(90, counterUnit), "90Percent #502"},
			mxCounter{"Threshold_consumed_amount", lv, q(100, counterUnit), "100Percent #503"},
			mxCounter{"Threshold_available_amount", lv, q(0, counterUnit), "Bal_Zero"})
	}
	return b
}

func (c mxClock) report(kind, pid string, buckets []mxSpec, interval int) mxReport {
	rep := mxReport{
		Description: "Usage Consumption Report for " + kind + " " + pid, EffectiveDate: c.now.Format(mxTime), Type: "UsageConsumptionReport",
		Characteristic: []nv{
			{"Monthly", "BillingCycleId"}, {strconv.Itoa(interval), "BillingIntervalId"},
			{strconv.Itoa(int(c.cycleEnd.Sub(c.cycleStart).Hours() / 24)), "BillingCycleDuration"},
			{strconv.Itoa(int(c.now.Sub(c.cycleStart).Hours() / 24)), "BillingCycleOffset"},
			{c.cycleStart.Format(mxTime), "BillingCycleStartTime"}, {c.cycleEnd.Format(mxTime), "BillingCycleEndTime"},
		},
	}
	for i, sp := range buckets {
		rep.Bucket = append(rep.Bucket, c.bucket(i+1, sp, pid))
	}
	return rep
}

// matrixxSpecs draws the buckets of one prepaid or postpaid Matrixx line.
func (g *gen) matrixxSpecs(prepaid bool) []mxSpec {
	sfx := " - Prepaid"
	if !prepaid {
		sfx = " - Postpaid"
	}
	var out []mxSpec
	if prepaid {
		out = append(out, mxSpec{name: "Prepaid Balance", usageType: "United States dollar", monetary: true, prepaid: true, alloc: g.between(0, 260)})
	} else {
		out = append(out, mxSpec{name: "Postpaid Balance", usageType: "United States dollar", monetary: true, unlimited: true})
	}
	mins := []float64{300, 1000, 88888}[g.r.IntN(3)]
	unlimited := !prepaid && g.chance(0.7)
	minName := "Included Minutes"
	if unlimited {
		minName = "Unlimited Minutes"
	}
	out = append(out, mxSpec{name: minName + sfx, usageType: "Voice", unit: "minutes", prepaid: prepaid,
		alloc: mins, used: g.between(0, mins/3), unlimited: unlimited})
	out = append(out, mxSpec{name: "Included SMS" + sfx, usageType: "Text", prepaid: prepaid, alloc: 999999})
	data := []float64{2048, 4096, 8192, 20480}[g.r.IntN(4)]
	roll := 0.0
	if g.chance(0.5) {
		roll = data / 2
	}
	out = append(out, mxSpec{name: "Included Data" + sfx, usageType: "Data", unit: "megabytes", prepaid: prepaid,
		alloc: data, used: g.between(0, data), rollover: roll})
	if g.chance(0.7) {
		out = append(out, mxSpec{name: "HotSpot Data" + sfx, usageType: "Data", unit: "megabytes", prepaid: prepaid, alloc: 4096, used: g.between(0, 4096)})
	}
	if g.chance(0.4) {
		out = append(out, mxSpec{name: "Roaming Data" + sfx, usageType: "Data", unit: "megabytes", prepaid: prepaid, alloc: 1024, used: g.between(0, 1024)})
	}
	if g.chance(0.3) {
		out = append(out, mxSpec{name: "DataPrioritization Balance" + sfx, usageType: "Data", unit: "megabytes", prepaid: prepaid})
	}
	out = append(out, mxSpec{name: "Included MMS" + sfx, usageType: "Picture", prepaid: prepaid, alloc: 999999})
	return out
}

// matrixxLines adds n dxp PR lines, each reachable by its subscription id and
// by its MSISDN (the report names whichever was asked).
func (g *gen) matrixxLines(st *llaState, n int) {
	for i := 0; i < n; i++ {
		sub := g.number("S-1", 3)
		msisdn := g.number(g.pick("787", "939"), 7)
		prepaid := i%3 != 2
		specs := g.matrixxSpecs(prepaid)
		clk := newMxClock(g.now, g.r.IntN(29), 30+g.r.IntN(400))
		interval := 1 + g.r.IntN(28)
		st.addDXP(sub, &llaLine{body: mustJSON([]mxReport{clk.report("SubscriptionId", sub, specs, interval)}, true)})
		st.addDXP(msisdn, &llaLine{body: mustJSON([]mxReport{clk.report("MSISDN", msisdn, specs, interval)}, true)})
		if i < 3 {
			kind := "prepaid"
			if !prepaid {
				kind = "postpaid, unlimited minutes"
			}
			st.samples = append(st.samples,
				SampleLine{"dxp-pr", "subscription", sub, "", "generated Matrixx " + kind},
				SampleLine{"dxp-pr", "msisdn", msisdn, "", "the same line as " + sub + ", by MSISDN"})
		}
	}
}

// bigMatrixx is the dxp line with bigBuckets buckets of 3 periods and their
// counters each, for benchmarks; built once, on first request.
func bigMatrixx(now time.Time) []byte {
	clk := newMxClock(now.UTC(), 10, 200)
	kinds := []struct{ usage, unit string }{{"Data", "megabytes"}, {"Voice", "minutes"}, {"Text", ""}}
	specs := make([]mxSpec, bigBuckets)
	for i := range specs {
		k := kinds[i%3]
		alloc := float64(1024 * (1 + i%8))
		specs[i] = mxSpec{name: fmt.Sprintf("Pass %05d - Prepaid", i+1), usageType: k.usage, unit: k.unit, prepaid: true,
			alloc: alloc, used: float64((i * 37) % int(alloc))}
	}
	b, err := encodeJSON([]mxReport{clk.report("SubscriptionId", BigSubscriptionID, specs, 11)}, false, bigBuckets*2400)
	if err != nil {
		panic("sim: big line does not encode: " + err.Error())
	}
	return b
}
