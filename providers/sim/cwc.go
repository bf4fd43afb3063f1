package sim

import (
	"time"
)

// The TMF677 queryUsageConsumption shape shared by the CWC/BTC dialects
// (Liberate, Cerillion, Limeware, Ericsson), as in seed 003.
type quReport struct {
	ID                        string     `json:"id"`
	QueryUsageConsumptionDate string     `json:"queryUsageConsumptionDate"`
	SearchCriteria            quSearch   `json:"searchCriteria"`
	RelatedParty              []typedRef `json:"relatedParty,omitempty"`
	UsageConsumption          []quUsage  `json:"usageConsumption"`
}

type quSearch struct {
	Service []typedRef `json:"service"`
}

type typedRef struct {
	ID   string `json:"id"`
	Type string `json:"@type"`
}

type quUsage struct {
	ID               string     `json:"id,omitempty"`
	BucketRefOrValue []quBucket `json:"bucketRefOrValue"`
	LogicalResource  []typedRef `json:"logicalResource"`
	Type             string     `json:"@type"`
}

type quBucket struct {
	ID                 *string     `json:"id,omitempty"`
	IsShared           *bool       `json:"isShared,omitempty"`
	Name               string      `json:"name"`
	UsageType          string      `json:"usageType,omitempty"`
	Description        string      `json:"description,omitempty"`
	RemainingValueName string      `json:"remainingValueName,omitempty"`
	Status             string      `json:"status,omitempty"`
	BucketCounter      []quCounter `json:"bucketCounter,omitempty"`
	RemainingValue     qty         `json:"remainingValue"`
	ValidFor           endStart    `json:"validFor"`
}

type quCounter struct {
	CounterType       string   `json:"counterType"`
	ValueName         string   `json:"valueName"`
	ConsumptionPeriod endStart `json:"consumptionPeriod"`
	Value             qty      `json:"value"`
	Type              string   `json:"@type,omitempty"`
}

const cwcTime = "2006-01-02T15:04:05.000-07:00"

// market is one Caribbean/Central American market of the CWC/BTC pool.
type market struct {
	code     string
	zone     *time.Location
	prefix   string // national number plan prefix
	digits   int    // digits after the prefix
	currency string
}

var (
	mJM = market{"JM", time.FixedZone("EST", -5*3600), "1876", 7, "JMD"}
	mBB = market{"BB", time.FixedZone("AST", -4*3600), "246", 7, "BBD"}
	mTT = market{"TT", time.FixedZone("AST", -4*3600), "1868", 7, "TTD"}
	mBS = market{"BS", time.FixedZone("EST", -5*3600), "1242", 7, "BSD"}
	mPA = market{"PA", time.FixedZone("EST", -5*3600), "5076", 7, "USD"}
	mCR = market{"CR", time.FixedZone("CST", -6*3600), "5068", 7, "CRC"}
)

// localDay is midnight of t's day in t's own zone.
func localDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// cwcLines adds the generated lines of every CWC/BTC market, in each
// market's dialect, to the pool served under JM, PA and CR.
func (g *gen) cwcLines(st *llaState) {
	type plan struct {
		m       market
		dialect string
		n       int
	}
	plans := []plan{
		{mJM, "limeware", 4}, {mJM, "liberate", 4}, {mBB, "cerillion", 4}, {mTT, "cerillion", 4},
		{mBS, "ericsson", 4}, {mPA, "ericsson", 4}, {mCR, "limeware", 4},
	}
	for _, p := range plans {
		for i := 0; i < p.n; i++ {
			msisdn := g.number(p.m.prefix, p.m.digits)
			var rep quReport
			line := &llaLine{}
			shows := ""
			switch p.dialect {
			case "limeware":
				rep, shows = g.limeware(p.m, msisdn), "generated "+p.m.code+" Limeware prepaid"
			case "liberate":
				account := g.number("1500", 8)
				rep, line.account, shows = g.liberate(p.m, msisdn, account), account, "generated "+p.m.code+" Liberate postpaid (account mandatory)"
			case "cerillion":
				rep, shows = g.cerillion(p.m, msisdn), "generated "+p.m.code+" Cerillion postpaid"
			default:
				rep, shows = g.ericsson(p.m, msisdn), "generated "+p.m.code+" Ericsson prepaid"
			}
			line.body = mustJSON([]quReport{rep}, true)
			st.addCVP(cwcMarkets, msisdn, line)
			if i == 0 {
				st.samples = append(st.samples, SampleLine{"cvp-jm", "msisdn", msisdn, line.account, shows})
			}
		}
	}
}

func (g *gen) status() string { return g.pick("active", "active", "Active", "ACTIVE") }

func (g *gen) header(m market, msisdn, lob string) quReport {
	return quReport{
		QueryUsageConsumptionDate: g.now.In(m.zone).Format(cwcTime),
		SearchCriteria:            quSearch{[]typedRef{{msisdn, lob}}},
	}
}

func (g *gen) limeware(m market, msisdn string) quReport {
	rep := g.header(m, msisdn, "PREPAID")
	end := g.now.In(m.zone).AddDate(0, 0, 3+g.r.IntN(20)).Truncate(time.Second)
	var bs []quBucket
	add := func(name, desc, usage string, amount any, units string, until string) {
		bs = append(bs, quBucket{Name: name, Description: desc, RemainingValueName: desc, Status: g.status(), UsageType: usage,
			RemainingValue: q(amount, units), ValidFor: endStart{EndDateTime: until}})
	}
	e := end.Format(cwcTime)
	add("Social Media", "Social Media", "Social Media", g.between(0, 10), "GB", e)
	if g.chance(0.5) {
		add("Spotify", "Spotify", "Internet", g.between(0, 2.5), "GB", e)
	}
	if g.chance(0.3) {
		add("Unlimited WhatsApp", "Unlimited WhatsApp", "Internet", "infinity", "GB", e)
	}
	add("local Text", "Local Text", "Sms", float64(g.r.IntN(201)), "SMS", e)
	add("Intl", "USA Intl Mins", "Voice", float64(g.r.IntN(60)), "mins", e)
	add("not displayed", "not displayed", "Internet", float64(g.r.IntN(100)), "KB", e)
	if g.chance(0.5) {
		add("Data", "Data Plan", "Internet", g.between(0, 8), "GB", "")
	}
	add("Core", "primaryBalance", "Core", g.between(0, 2500), m.currency, end.AddDate(0, 1, 0).Format(cwcTime))
	rep.UsageConsumption = []quUsage{{BucketRefOrValue: bs, LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "UsageConsumption"}}
	return rep
}

// counters3 is the Liberate trio used/allocated/carried.
func counters3(valueName, units, end string, used, alloc, carried any) []quCounter {
	p := endStart{EndDateTime: end}
	return []quCounter{
		{"used", valueName, p, q(used, units), "UnitsUsed"},
		{"allocated", valueName, p, q(alloc, units), "UnitsAllocated"},
		{"carried", valueName, p, q(carried, units), "UnitsCarriedOver"},
	}
}

func (g *gen) liberate(m market, msisdn, account string) quReport {
	rep := g.header(m, msisdn, "POSTPAID")
	rep.RelatedParty = []typedRef{{account, "BillingAccount"}}
	now := g.now.In(m.zone)
	cycleEnd := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, m.zone).AddDate(0, 0, -1).Format(cwcTime)
	mins := []float64{500, 1000, 2000}[g.r.IntN(3)]
	used := g.between(0, mins/2)
	carried := g.between(0, mins)
	data := []float64{6144, 12288, 25600}[g.r.IntN(3)]
	dUsed, dCarried := g.between(0, data), g.between(0, data/2)
	plan := g.pick("M-LARGE", "M-MEDIUM", "M-LARGE-STAFF", "PP-SMALL")
	rep.UsageConsumption = []quUsage{{
		ID: plan,
		BucketRefOrValue: []quBucket{
			{ID: sp("3"), IsShared: bp(false), Name: "Local SMS ( Flow & 3rd Party)", UsageType: "Number of Calls",
				BucketCounter:  counters3("Calls", "", cycleEnd, 0, 999999999999, 0),
				RemainingValue: q(999999999999, ""), ValidFor: endStart{EndDateTime: cycleEnd}},
			{ID: sp("1"), IsShared: bp(false), Name: "Anytime Anywhere - " + num(mins) + "MINs", UsageType: "Duration",
				BucketCounter:  counters3("Minutes", "MINS", "", used, mins, carried),
				RemainingValue: q(round2(mins-used+carried), "MINS"), ValidFor: endStart{EndDateTime: ""}},
			{ID: sp("4"), IsShared: bp(false), Name: "Local and HRR DATA (Flow)- " + num(data/1024) + "GB", UsageType: "Volume",
				BucketCounter:  counters3("Megabytes", "MBS", cycleEnd, dUsed, data, dCarried),
				RemainingValue: q(round2(data-dUsed+dCarried), "MBS"), ValidFor: endStart{EndDateTime: cycleEnd}},
		},
		LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "usageConsumption",
	}}
	if g.chance(0.5) {
		rep.UsageConsumption = append(rep.UsageConsumption, quUsage{
			ID: "MB-D-7GB",
			BucketRefOrValue: []quBucket{{ID: sp("1"), IsShared: bp(false), Name: "MOBILE DATA 7GB", UsageType: "Volume",
				BucketCounter:  counters3("Megabytes", "MBS", cycleEnd, 0, 7168, 0),
				RemainingValue: q(7168, "MBS"), ValidFor: endStart{EndDateTime: cycleEnd}}},
			LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "usageConsumption",
		})
	}
	rep.UsageConsumption = append(rep.UsageConsumption, g.internet(m, msisdn))
	return rep
}

// internet is the trailing "Mobile Internet" entry the CWC postpaid dialects add.
func (g *gen) internet(m market, msisdn string) quUsage {
	return quUsage{
		BucketRefOrValue: []quBucket{{Name: "internet", Description: "Mobile Internet", RemainingValueName: "Mobile Internet",
			Status: g.status(), UsageType: "Internet", RemainingValue: q(g.between(0, 40), "GB"),
			ValidFor: endStart{EndDateTime: localDay(g.now.In(m.zone).AddDate(0, 0, 1+g.r.IntN(28))).Format(cwcTime)}}},
		LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "UsageConsumption",
	}
}

func (g *gen) cerillion(m market, msisdn string) quReport {
	rep := g.header(m, msisdn, "POSTPAID")
	rep.RelatedParty = []typedRef{{g.number("7000", 4), "BillingAccount"}}
	now := g.now.In(m.zone)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, m.zone)
	period := endStart{start.AddDate(0, 1, -1).Format(cwcTime), start.Format(cwcTime)}
	bucket := func(name, usage, valueName, units string, alloc, used, carried float64) quBucket {
		left := round2(alloc - used + carried)
		p := period
		return quBucket{ID: sp(""), IsShared: bp(false), Name: name, UsageType: usage,
			BucketCounter: []quCounter{
				{CounterType: "used", ValueName: valueName, ConsumptionPeriod: p, Value: q(used, units)},
				{CounterType: "carried", ValueName: valueName, ConsumptionPeriod: p, Value: q(carried, units)},
				{CounterType: "allocated", ValueName: valueName, ConsumptionPeriod: p, Value: q(alloc, units)},
				{CounterType: "expiring", ValueName: valueName, ConsumptionPeriod: p, Value: q(left, units)},
			},
			RemainingValue: q(left, units), ValidFor: p}
	}
	mins := []float64{300, 600, 1200}[g.r.IntN(3)]
	mUsed := g.between(0, mins)
	data := []float64{5120, 15360, 30720}[g.r.IntN(3)]
	dUsed := g.between(0, data)
	bs := []quBucket{
		bucket("2 Free Directory Enquiries", "", "SMS", "SMS", 2, float64(g.r.IntN(3)), 0),
		bucket(num(mins)+" Anytime Minutes", "Duration", "Minutes", "MINS", mins, mUsed, 0),
		bucket("Local Data "+num(data/1024)+"GB", "Volume", "Megabytes", "MBS", data, dUsed, g.between(0, 1024)),
		bucket("Bill Credit", "Monetary", m.currency, m.currency, g.between(0, 300), 0, 0),
	}
	rep.UsageConsumption = []quUsage{
		{BucketRefOrValue: bs, LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "usageConsumption"},
		g.internet(m, msisdn),
	}
	return rep
}

func (g *gen) ericsson(m market, msisdn string) quReport {
	rep := g.header(m, msisdn, "PREPAID")
	now := g.now.In(m.zone)
	forever := time.Date(9999, 12, 31, 7, 0, 0, 0, m.zone).Format(cwcTime)
	core := g.between(0, 80)
	bs := []quBucket{
		{ID: sp(msisdn), IsShared: bp(true), Name: "Core", UsageType: "monetary", Description: "Core monetary balance",
			RemainingValueName: num(core) + " " + m.currency, RemainingValue: q(core, m.currency),
			ValidFor: endStart{EndDateTime: now.AddDate(0, 10, 0).Truncate(time.Hour).Format(cwcTime)}, Status: g.pick("Active", "active")},
		{ID: sp("1001"), IsShared: bp(true), Name: "Loan", UsageType: "monetary", Description: "Loan",
			RemainingValueName: "0 " + m.currency, RemainingValue: q(0, m.currency), ValidFor: endStart{EndDateTime: forever}, Status: "Active"},
	}
	gb := []float64{1, 2, 5, 10}[g.r.IntN(4)]
	left := g.between(0, gb*1024)
	bs = append(bs, quBucket{ID: sp("2001"), IsShared: bp(false), Name: "Data " + num(gb) + "GB", UsageType: "data",
		Description: num(gb) + "GB data bundle", RemainingValueName: num(left) + " MB", RemainingValue: q(left, "MB"),
		ValidFor: endStart{EndDateTime: now.AddDate(0, 0, 1+g.r.IntN(30)).Truncate(time.Hour).Format(cwcTime)}, Status: g.status()})
	if g.chance(0.5) {
		v := float64(g.r.IntN(120))
		bs = append(bs, quBucket{ID: sp("3001"), IsShared: bp(false), Name: "Voice Bundle", UsageType: "voice",
			Description: "Local minutes", RemainingValueName: num(v) + " MINS", RemainingValue: q(v, "MINS"),
			ValidFor: endStart{EndDateTime: ""}, Status: g.pick("Active", "EXPIRED")})
	}
	if g.chance(0.4) {
		bs = append(bs, quBucket{ID: sp("4001"), IsShared: bp(false), Name: "Unlimited Social", UsageType: "data",
			Description: "Unlimited social media", RemainingValueName: "infinity", RemainingValue: q("infinity", ""),
			ValidFor: endStart{EndDateTime: now.AddDate(0, 0, 7).Truncate(time.Hour).Format(cwcTime)}, Status: "active"})
	}
	rep.UsageConsumption = []quUsage{{BucketRefOrValue: bs, LogicalResource: []typedRef{{msisdn, "MSISDN"}}, Type: "usageConsumption"}}
	return rep
}
