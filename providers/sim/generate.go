package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"simdesk/seeds"
)

// The identifiers of the two huge lines kept for performance work.
const (
	BigSubscriptionID = "S-10000"
	BigMSISDN         = "7870010000"
	bigBuckets        = 10000
)

// ScaleLines are cvp PR lines (MSISDN → bucket count) of the same LCPR
// shape as BigMSISDN at other sizes, for bench/run.sh's scaling table; the
// 60,000-bucket one is a ~25 MB body.
var ScaleLines = map[string]int{
	"7870000010": 10, "7870000100": 100, "7870001000": 1000, BigMSISDN: bigBuckets, "7870060000": 60000,
}

// gen draws every generated line from one seeded generator, in a fixed order,
// so that a seed always yields the same identifiers and balances.
type gen struct {
	r    *rand.Rand
	now  time.Time
	used map[string]bool
}

func newLLAState(r *rand.Rand, now time.Time) *llaState {
	st := &llaState{dxp: map[string]*llaLine{}, cvp: map[string]*llaLine{}}
	seed := func(name string) *llaLine { return &llaLine{body: seeds.MustRead(name)} }

	// The seeds' examples, verbatim, under the identifiers the seeds give.
	st.addDXP("S-1001", seed("dxp_pr_prepaid_S-1001.json"))
	st.addDXP("8201", seed("dxp_pr_postpaid_8201.json"))
	st.addCVP([]string{"PR"}, "9077613", seed("cvp_pr_9077613.json"))
	liberate := seed("cvp_cwc_liberate_4933562.json")
	liberate.account = "150015680000"
	st.addCVP(cwcMarkets, "4933562", liberate)
	st.addCVP(cwcMarkets, "2466217773", seed("cvp_cerillion_2466217773.json"))
	st.addCVP(cwcMarkets, "18767911940", seed("cvp_limeware_18767911940.json"))
	st.addCVP(cwcMarkets, "12424495927", seed("cvp_btc_ericsson_12424495927.json"))
	st.samples = append(st.samples,
		SampleLine{"dxp-pr", "subscription", "S-1001", "", "seed: Matrixx prepaid, USD balance, minutes/SMS/data periods, rollover"},
		SampleLine{"dxp-pr", "subscription", "8201", "", "seed: Matrixx postpaid, infinite credit limit (4 digits: searched as a subscription)"},
		SampleLine{"cvp-pr", "msisdn", "9077613", "", "seed: LCPR prepaid, flags with infinity, days left"},
		SampleLine{"cvp-jm", "msisdn", "4933562", "150015680000", "seed: CWC Liberate postpaid (account mandatory), carried-over minutes"},
		SampleLine{"cvp-jm", "msisdn", "2466217773", "", "seed: Cerillion postpaid, used/allocated/expiring counters"},
		SampleLine{"cvp-jm", "msisdn", "18767911940", "", "seed: Limeware prepaid, GB/KB/mins/SMS/JMD"},
		SampleLine{"cvp-jm", "msisdn", "12424495927", "", "seed: BTC Ericsson prepaid, BSD core balance, 9999-12-31 loan"},
	)

	g := &gen{r: r, now: now.UTC(), used: map[string]bool{
		"S-1001": true, "8201": true, "9077613": true, "4933562": true, "2466217773": true,
		"18767911940": true, "12424495927": true, BigSubscriptionID: true, BigMSISDN: true,
	}}
	for id := range ScaleLines {
		g.used[id] = true
	}
	g.matrixxLines(st, 12)
	g.lcprLines(st, 8)
	g.cwcLines(st)

	bigNow := g.now
	st.addDXP(BigSubscriptionID, &llaLine{gen: func() []byte { return bigMatrixx(bigNow) }})
	st.addCVP([]string{"PR"}, BigMSISDN, &llaLine{gen: func() []byte { return bigLCPR(bigNow) }})
	for id, n := range ScaleLines {
		if id != BigMSISDN {
			st.addCVP([]string{"PR"}, id, &llaLine{gen: func() []byte { return bigLCPRn(bigNow, id, n) }})
		}
	}
	st.samples = append(st.samples,
		SampleLine{"dxp-pr", "subscription", BigSubscriptionID, "", fmt.Sprintf("performance: %d Matrixx buckets, 3 periods each", bigBuckets)},
		SampleLine{"cvp-pr", "msisdn", BigMSISDN, "", fmt.Sprintf("performance: %d LCPR buckets", bigBuckets)},
	)
	return st
}

// number draws a fresh identifier: prefix followed by n random digits.
func (g *gen) number(prefix string, n int) string {
	for {
		s := prefix
		for i := 0; i < n; i++ {
			s += strconv.Itoa(g.r.IntN(10))
		}
		if !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between draws a value in [lo, hi) rounded to 2 decimals.
func (g *gen) between(lo, hi float64) float64 { return round2(lo + g.r.Float64()*(hi-lo)) }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func mustJSON(v any, indent bool) []byte {
	b, err := encodeJSON(v, indent, 0)
	if err != nil {
		panic("sim: generated data does not encode: " + err.Error())
	}
	return b
}

// encodeJSON encodes like the upstream APIs do: no HTML escaping ("&" stays
// "&"), indented like the seeds when asked.
// sizeHint pre-sizes the buffer (the big lines are tens of megabytes).
func encodeJSON(v any, indent bool, sizeHint int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(sizeHint)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "    ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// qty is a TMF Quantity: the amount is a number or the string "infinity",
// and units may be absent (nil) or empty, as in the seeds.
type qty struct {
	Amount any     `json:"amount"`
	Units  *string `json:"units,omitempty"`
}

func q(amount any, units string) qty { return qty{amount, &units} }

func qn(amount any) qty { return qty{Amount: amount} }

type nv struct {
	Value string `json:"value"`
	Name  string `json:"name"`
}

type pubID struct {
	PublicIdentifier string `json:"publicIdentifier"`
}

type validFor struct {
	StartDateTime string `json:"startDateTime"`
	EndDateTime   string `json:"endDateTime"`
}

// endStart is a validFor/consumptionPeriod whose start may be absent, as in
// the CWC dialects.
type endStart struct {
	EndDateTime   string `json:"endDateTime"`
	StartDateTime string `json:"startDateTime,omitempty"`
}

// ---- LCPR (cvp PR) ----

type lcprReport struct {
	ID            string       `json:"id"`
	Href          string       `json:"href"`
	Description   string       `json:"description"`
	EffectiveDate string       `json:"effectiveDate"`
	Bucket        []lcprBucket `json:"bucket"`
}

type lcprBucket struct {
	ID                 string        `json:"id"`
	Name               string        `json:"name"`
	UsageType          string        `json:"usageType"`
	IsShared           bool          `json:"isShared"`
	RemainingValue     *qty          `json:"remainingValue,omitempty"`
	RemainingValueName string        `json:"remainingValueName,omitempty"`
	Product            []pubID       `json:"product"`
	BucketBalance      []lcprBalance `json:"bucketBalance,omitempty"`
	BucketCounter      []lcprCounter `json:"bucketCounter,omitempty"`
}

type lcprBalance struct {
	RemainingValue     qty      `json:"remainingValue"`
	RemainingValueName string   `json:"remainingValueName"`
	ValidFor           validFor `json:"validFor"`
	DaysLeft           int      `json:"daysLeft"`
}

type lcprCounter struct {
	CounterType       string   `json:"counterType"`
	ConsumptionPeriod endStart `json:"consumptionPeriod"`
	Value             qty      `json:"value"`
}

const lcprTime = "2006-01-02T15:04:05.000Z07:00"

func (g *gen) lcprLines(st *llaState, n int) {
	for i := 0; i < n; i++ {
		msisdn := g.number(g.pick("787", "939"), 7)
		body := mustJSON([]lcprReport{g.lcprReport(msisdn, i%4 == 3)}, true)
		st.addCVP([]string{"PR"}, msisdn, &llaLine{body: body})
		if i == 0 || i == 3 {
			shows := "generated LCPR prepaid: USD balance, minutes, data, flags"
			if i%4 == 3 {
				shows = "generated LCPR postpaid"
			}
			st.samples = append(st.samples, SampleLine{"cvp-pr", "msisdn", msisdn, "", shows})
		}
	}
}

func (g *gen) lcprReport(msisdn string, postpaid bool) lcprReport {
	start := g.now.Add(-time.Duration(g.r.IntN(29*24)+1) * time.Hour).Truncate(time.Second)
	end := start.AddDate(0, 0, 30)
	days := int(end.Sub(g.now).Hours() / 24)
	vf := validFor{start.Format(lcprTime), end.Format(lcprTime)}
	prod := []pubID{{msisdn}}
	rep := lcprReport{
		ID: msisdn, Href: "https://esb-dev.lla.com/usageConsumption/v3/usageConsumptionReport/" + msisdn,
		Description:   "Usage Consumption Report for MSISDN " + msisdn,
		EffectiveDate: g.now.Format(lcprTime),
	}
	money := g.between(0, 120)
	name := "Prepaid Balance"
	if postpaid {
		name, money = "Postpaid Balance", 0
	}
	rep.Bucket = append(rep.Bucket, lcprBucket{ID: "1", Name: name, UsageType: "United States dollar",
		RemainingValue: ptr(q(money, "USD")), RemainingValueName: num(money) + " USD", Product: prod})
	flags := []string{"Setup_Flag_Balance", "Setup_Flag_Balance - SMS 3G", "Setup_Flag_Balance - SMS LTE", "Roaming_Flag_Balance"}
	for _, f := range flags[:1+g.r.IntN(len(flags))] {
		rep.Bucket = append(rep.Bucket, lcprBucket{ID: strconv.Itoa(len(rep.Bucket) + 1), Name: f, UsageType: "Flag",
			RemainingValue: ptr(q("infinity", "")), RemainingValueName: "infinity", Product: prod})
	}
	suffix := " - Prepaid"
	if postpaid {
		suffix = " - Postpaid"
	}
	type spec struct {
		name, usage, unit string
		alloc             float64
	}
	specs := []spec{
		{"Included Minutes", "Voice", "minutes", []float64{300, 1000, 999999}[g.r.IntN(3)]},
		{"Included SMS", "Text", "", []float64{500, 999999}[g.r.IntN(2)]},
		{"Included Data", "Data", "megabytes", []float64{2048, 4096, 10240, 20480}[g.r.IntN(4)]},
	}
	if g.chance(0.6) {
		specs = append(specs, spec{"HotSpot Data", "Data", "megabytes", 4096})
	}
	if g.chance(0.4) {
		specs = append(specs, spec{"Roaming Data", "Data", "megabytes", 1024})
	}
	if g.chance(0.5) {
		specs = append(specs, spec{"Included MMS", "Picture", "", 999999})
	}
	for _, sp := range specs {
		left := sp.alloc
		if sp.alloc < 999999 {
			left = round2(sp.alloc * g.r.Float64())
		}
		rv, cv := qn(left), qn(round2(sp.alloc-left))
		rvName := num(left)
		if sp.unit != "" {
			rv, cv = q(left, sp.unit), q(round2(sp.alloc-left), sp.unit)
			rvName += " " + sp.unit
		}
		rep.Bucket = append(rep.Bucket, lcprBucket{
			ID: strconv.Itoa(len(rep.Bucket) + 1), Name: sp.name + suffix, UsageType: sp.usage, Product: prod,
			BucketBalance: []lcprBalance{{RemainingValue: rv, RemainingValueName: rvName, ValidFor: vf, DaysLeft: days}},
			BucketCounter: []lcprCounter{{CounterType: "used", ConsumptionPeriod: endStart{vf.EndDateTime, vf.StartDateTime}, Value: cv}},
		})
	}
	return rep
}

// bigLCPR is the cvp PR line with bigBuckets data buckets, for benchmarks.
func bigLCPR(now time.Time) []byte { return bigLCPRn(now, BigMSISDN, bigBuckets) }

// bigLCPRn is a cvp PR line of n buckets under the MSISDN id.
func bigLCPRn(now time.Time, id string, n int) []byte {
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
	vf := validFor{start.Format(lcprTime), start.AddDate(0, 0, 30).Format(lcprTime)}
	rep := lcprReport{ID: id, Href: "https://esb-dev.lla.com/usageConsumption/v3/usageConsumptionReport/" + id,
		Description: "Usage Consumption Report for MSISDN " + id, EffectiveDate: now.UTC().Format(lcprTime)}
	prod := []pubID{{id}}
	units := []string{"megabytes", "minutes", ""}
	usages := []string{"Data", "Voice", "Text"}
	for i := 0; i < n; i++ {
		k := i % 3
		left := float64((i * 37) % 5000)
		rv, cv, name := q(left, units[k]), q(float64(5000-int(left)), units[k]), num(left)+" "+units[k]
		if units[k] == "" {
			rv, cv, name = qn(left), qn(float64(5000-int(left))), num(left)
		}
		rep.Bucket = append(rep.Bucket, lcprBucket{ID: strconv.Itoa(i + 1), Name: fmt.Sprintf("Pass %05d - %s", i+1, usages[k]),
			UsageType: usages[k], Product: prod,
			BucketBalance: []lcprBalance{{RemainingValue: rv, RemainingValueName: name, ValidFor: vf, DaysLeft: 20}},
			BucketCounter: []lcprCounter{{CounterType: "used", ConsumptionPeriod: endStart{vf.EndDateTime, vf.StartDateTime}, Value: cv}},
		})
	}
	b, err := encodeJSON([]lcprReport{rep}, false, n*560)
	if err != nil {
		panic("sim: big line does not encode: " + err.Error())
	}
	return b
}

func ptr[T any](v T) *T { return &v }
