package sim

import (
	"fmt"
	"time"
)

// TMF654BasePath is where the simulator serves the TMF654 Prepay Balance
// Management API (the spec's basePath below a /tmf654 prefix).
const TMF654BasePath = "/tmf654/tmf-api/prepayBalanceManagement/v4"

// tmfMode is how a simulated line answers a top-up.
type tmfMode int

const (
	tmfNormal    tmfMode = iota // completed at once
	tmfDelayed                  // created, completed tmfSettle later
	tmfForbidden                // 403: the line's account is not the distributor's
	tmfServerErr                // applied, then answered 500 (reconciliation finds it)
	tmfLimited                  // above tmfLimit: 201 with status failed
)

// tmfSettle is how long a delayed line's top-up stays "created".
const tmfSettle = 3 * time.Second

// tmfLimit is the limited line's largest top-up.
const tmfLimit = 20.0

type tmfBucket struct {
	id, name, usage, units string
	amount                 float64
	status                 string
	from, to               time.Time
	account, msisdn        string
	shared                 bool
}

type tmfLine struct {
	msisdn  string
	mode    tmfMode
	buckets []*tmfBucket
}

type tmfTopup struct {
	id, status, description, reason string
	amount                          float64
	units, usage, bucket, msisdn    string
	account, channel, requestor     string
	requested, confirmed, settleAt  time.Time
}

// tmfState is the simulated TMF654 backend; guarded by Server.mu.
type tmfState struct {
	lines   map[string]*tmfLine
	buckets map[string]*tmfBucket
	topups  []*tmfTopup
	seq     int
	runTag  string // "" or "1a2b3c-": the run's tag in top-up ids (Options.UniqueIDs)
	samples []SampleLine
}

// newTMFState builds the TMF654 lines: MSISDNs that also exist in the demo's
// TMF677 markets (so one search shows usage in one pane and the top-up
// target in another), each showing one behaviour.
func newTMFState(at time.Time) *tmfState {
	st := &tmfState{lines: map[string]*tmfLine{}, buckets: map[string]*tmfBucket{}}
	from := at.Add(-20 * 24 * time.Hour).UTC().Truncate(time.Second)
	to := at.Add(345 * 24 * time.Hour).UTC().Truncate(time.Second)
	add := func(msisdn string, mode tmfMode, shows string, bs ...tmfBucket) {
		l := &tmfLine{msisdn: msisdn, mode: mode}
		for i := range bs {
			b := bs[i]
			b.id = fmt.Sprintf("B-%s-%d", msisdn, i+1)
			b.msisdn = msisdn
			b.account = "PA-" + msisdn
			if b.status == "" {
				b.status = "active"
			}
			b.from, b.to = from, to
			l.buckets = append(l.buckets, &b)
			st.buckets[b.id] = &b
		}
		st.lines[msisdn] = l
		st.samples = append(st.samples, SampleLine{Provider: "lla-topup", Type: "msisdn", ID: msisdn, Shows: shows})
	}
	money := func(name string, v float64) tmfBucket {
		return tmfBucket{name: name, usage: "monetary", units: "USD", amount: v}
	}
	add("9077613", tmfNormal, "TMF654: USD balance and data; top-ups completed at once",
		money("Prepaid Balance", 12.5), tmfBucket{name: "Data Pass", usage: "data", units: "MB", amount: 2048})
	add("18767911940", tmfNormal, "TMF654: two USD balances, the operator picks one",
		money("Main Balance", 3.2), money("Bonus Balance", 0), tmfBucket{name: "Anytime Minutes", usage: "voice", units: "minutes", amount: 120})
	add("12424495927", tmfDelayed, "TMF654: top-ups answered 'created', completed 3 s later",
		money("Core Balance", 7.75))
	add("4933562", tmfNormal, "TMF654: no monetary bucket (a top-up is refused, nothing sent)",
		tmfBucket{name: "Voice Bundle", usage: "voice", units: "minutes", amount: 300}, tmfBucket{name: "SMS Bundle", usage: "sms", units: "sms", amount: 100})
	add("2466217773", tmfNormal, "TMF654: suspended balance (409 Conflict)",
		tmfBucket{name: "Prepaid Balance", usage: "monetary", units: "USD", amount: 1.1, status: "suspended"})
	add("7875550125", tmfForbidden, "TMF654: another distributor's account (403 Forbidden)",
		money("Prepaid Balance", 40))
	add("7875550123", tmfServerErr, "TMF654: applies the top-up, then answers 500 (reconciled by journal id)",
		money("Prepaid Balance", 2))
	add("7875550124", tmfLimited, fmt.Sprintf("TMF654: top-ups over %.0f USD fail (status failed)", tmfLimit),
		money("Prepaid Balance", 5))
	return st
}
