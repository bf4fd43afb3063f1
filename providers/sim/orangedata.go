package sim

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"simdesk/seeds"
)

// The fixed identifiers of the Orange seeds' examples, so that tests and the
// README can name them: the usage-balance example is served for this Welcome
// Travelers SIM and for this Orange France top-up transaction of SeedMSISDN.
const (
	SeedSimID         = "1956392841179"
	SeedMSISDN        = "33612345678"
	SeedTransactionID = "3f98e277-4cbd-47ad-9c90-a9587403e430"
	seedWTTransaction = "c7a2ea20-b2f1-4c94-ae05-319acb5c7427"
)

// supplier is one Orange Travel supplier; bySim marks Welcome Travelers,
// whose lines are addressed by simId instead of MSISDN.
type supplier struct {
	ID, Name    string
	bySim       bool
	countryCode string // MSISDN country code for msisdn suppliers
}

var (
	supWT  = &supplier{ID: "6513270e-269e-4d37-b2a7-4de452e6b438", Name: "Welcome Travelers", bySim: true}
	supOFR = &supplier{ID: "d23f0824-128b-4f33-8c5c-7fd0a6a3a450", Name: "Orange France", countryCode: "33"}
	supOES = &supplier{ID: "9531985d-5d9d-49f8-9818-e811892f902b", Name: "Orange Spain", countryCode: "34"}

	suppliers = []*supplier{supWT, supOFR, supOES}
)

// allowance is what one unit of an offer gives the line, in MB and seconds.
type allowance struct {
	dataMB, seconds, sms float64
	days                 int
}

// offer is one product the distributor sells, with its stock bucket.
type offer struct {
	ID, Name, Description, ProductType string
	sup                                *supplier
	price, fees                        float64
	feesType                           string
	stock                              int
	allow                              allowance
	// retired marks an offer no longer on sale: past transactions refer to
	// it, GET /offers/{id} shows it, the listing and new sales do not.
	retired bool
}

// offerTable is the catalogue: plenty, low (1–10) and empty stock for each
// supplier and product type, so every stock state can be demonstrated.
func offerTable() []*offer {
	o := func(id, name, desc, typ string, sup *supplier, price, fees float64, feesType string, stock int, a allowance) *offer {
		return &offer{id, name, desc, typ, sup, price, fees, feesType, stock, a, false}
	}
	const gb = 1024.0
	return []*offer{
		o("36f675cc-81e7-4ef5-a8e2-5d940ed90475", "Carte Holiday Tourist LS", "Carte SIM prépayée Holiday : 20 GB et 30 min en Europe, valable 14 jours", "sim", supWT, 39.9, 5, "percent", 124, allowance{20 * gb, 1800, 0, 14}),
		o("6b0d549b-6f03-475a-9600-a35a099950d8", "Recharge Holiday Voix 30 min", "30 minutes d'appels en France et en Europe, valables 30 jours", "topup", supWT, 9.9, 5, "percent", 240, allowance{0, 1800, 0, 30}),
		o("8d116ece-1738-47d9-bd9c-172411e20b8f", "Recharge Holiday Voix 120 min", "120 minutes d'appels en France et en Europe, valables 30 jours", "topup", supWT, 19.9, 7.5, "percent", 60, allowance{0, 7200, 0, 30}),
		o("90c192cf-d3ac-44af-8f21-ddb66cad4a26", "Recharge Holiday Data 5 GB", "5 GB d'internet en Europe, valables 14 jours", "topup", supWT, 19.9, 1.5, "value", 8, allowance{5 * gb, 0, 0, 14}),
		o("a170b338-3926-4059-b28c-105d1fb17c23", "Recharge Holiday Data 20 GB", "20 GB d'internet en Europe, valables 30 jours", "topup", supWT, 34.9, 5, "percent", 0, allowance{20 * gb, 0, 0, 30}),
		o("0fd630f1-f29d-4da9-953f-48f1a09f76b5", "eSIM Europe 3 GB", "eSIM data 3 GB, 30 pays d'Europe, valable 7 jours", "eSim", supWT, 9.9, 5, "percent", 1000, allowance{3 * gb, 0, 0, 7}),
		o("0cb1e29c-658c-4a14-95e6-0af593bd04cf", "eSIM Europe 10 GB", "eSIM data 10 GB, 30 pays d'Europe, valable 30 jours", "eSim", supWT, 24.9, 5, "percent", 350, allowance{10 * gb, 0, 0, 30}),
		o("8e81973e-0bec-47b0-b898-d190f9ebdacc", "eSIM Europe 30 GB", "eSIM data 30 GB, 30 pays d'Europe, valable 30 jours", "eSim", supWT, 44.9, 2, "value", 3, allowance{30 * gb, 0, 0, 30}),
		o("6b4cb242-4a23-4596-a217-beaddbc496cb", "eSIM World 5 GB", "eSIM data 5 GB, 80 destinations, valable 15 jours", "eSim", supWT, 29.9, 5, "percent", 0, allowance{5 * gb, 0, 0, 15}),
		o("92276658-1e27-41c0-8a6a-63ec24ede6a4", "Recharge Holiday Data 10 GB", "10 GB d'internet en France et en Europe, valables 30 jours", "topup", supOFR, 15, 6, "percent", 500, allowance{10 * gb, 0, 0, 30}),
		o("ae97ba94-d0ed-482f-8f6d-05584ef8aa38", "Recharge Holiday Voix & SMS", "60 minutes et 100 SMS en France et en Europe, valables 30 jours", "topup", supOFR, 10, 0.8, "value", 5, allowance{0, 3600, 100, 30}),
		o("923a7369-94e3-4f91-9a61-dbe22e44158b", "Recharge Holiday Zen 20 GB", "20 GB, appels et SMS illimités en France, valables 30 jours", "topup", supOFR, 29.99, 6, "percent", 0, allowance{20 * gb, 360000, 9999, 30}),
		o("18f135d2-5f55-4203-b018-50c5a38fd547", "Recharge Holiday Europe 5 GB", "5 GB d'internet en Europe, valables 14 jours", "topup", supOFR, 9.99, 6, "percent", 1, allowance{5 * gb, 0, 0, 14}),
		o("907a70c3-1012-4037-b64c-e4228c38fb29", "Carte Holiday Data 5 GB", "Carte SIM Holiday avec 5 GB et 30 min, valable 14 jours", "sim", supOFR, 19.99, 6, "percent", 150, allowance{5 * gb, 1800, 0, 14}),
		o("7f150524-34b9-45df-9e77-69b10f4205b4", "eSIM Holiday Europe 12 GB", "eSIM Holiday 12 GB en Europe, valable 30 jours", "eSim", supOFR, 39.99, 6, "percent", 75, allowance{12 * gb, 0, 0, 30}),
		o("c6f87718-6d76-407e-881e-d162ae2eb154", "Recarga Holiday España 10 GB", "10 GB de datos en España y Europa, válidos 30 días", "topup", supOES, 15, 5, "percent", 220, allowance{10 * gb, 0, 0, 30}),
		o("ec66a787-95e7-41d1-b731-af10506bf2ef", "Recarga Holiday Voz 60 min", "60 minutos de llamadas en España y Europa, válidos 30 días", "topup", supOES, 8, 0.5, "value", 9, allowance{0, 3600, 0, 30}),
		o("4cdd2055-930d-4eaf-94f4-733f3e7d1bfb", "Recarga Holiday Internacional", "5 GB y 30 minutos internacionales, válidos 15 días", "topup", supOES, 12, 5, "percent", 2, allowance{5 * gb, 1800, 0, 15}),
		o("57ee05cd-e009-42c7-bebf-f20686734721", "Tarjeta Holiday España 25 GB", "Tarjeta SIM Holiday con 25 GB, válida 30 días", "sim", supOES, 25, 5, "percent", 0, allowance{25 * gb, 0, 0, 30}),
		o("9be4bcfc-49b6-4a08-b2e6-cc3ababced20", "eSIM España 15 GB", "eSIM de datos 15 GB en España y Europa, válida 30 días", "eSim", supOES, 20, 5, "percent", 140, allowance{15 * gb, 0, 0, 30}),
	}
}

// oBucket is one usage-balance bucket, in the field order of seed 000.
type oBucket struct {
	ExpirationDate   string  `json:"expiration_date"`
	DataRemaining    float64 `json:"data_remaining"`
	DataUnit         string  `json:"data_unit"`
	AirtimeRemaining float64 `json:"airtime_remaining"`
	AirtimeUnit      string  `json:"airtime_unit"`
	SMSRemaining     float64 `json:"sms_remaining"`
	Name             string  `json:"name"`
}

type oBalances struct {
	FirstActivationDate  *string   `json:"first_activation_date"`
	NumberExpirationDate string    `json:"number_expiration_date"`
	Buckets              []oBucket `json:"buckets"`
}

// oLine is what a SIM, an MSISDN or an eSIM holds at one supplier. verbatim
// is the seed's bytes, served as they are until a top-up changes the line.
type oLine struct {
	sup      *supplier
	status   string
	dataUnit string // "Gb" or "Mb"
	airUnit  string // "seconds" or "minutes"
	bal      oBalances
	verbatim []byte
}

func (l *oLine) body() []byte {
	if l.verbatim != nil {
		return l.verbatim
	}
	return mustJSON(l.bal, true)
}

// add credits one unit of an offer to the line, as a bucket named after it.
func (l *oLine) add(o *offer, at time.Time) {
	if l.verbatim != nil {
		// The seed decodes into oBalances by construction (tested); from now on
		// the line is rendered from its fields.
		_ = json.Unmarshal(l.verbatim, &l.bal)
		l.verbatim = nil
	}
	data := o.allow.dataMB
	if l.dataUnit == "Gb" {
		data = round2(data / 1024)
	}
	air := o.allow.seconds
	if l.airUnit == "minutes" {
		air = round2(air / 60)
	}
	exp := at.AddDate(0, 0, o.allow.days).UTC().Format(time.RFC3339)
	l.bal.Buckets = append(l.bal.Buckets, oBucket{exp, data, l.dataUnit, air, l.airUnit, o.allow.sms, o.Name})
	if t, err := time.Parse(time.RFC3339, l.bal.NumberExpirationDate); err != nil || t.Before(at.AddDate(0, 6, 0)) {
		l.bal.NumberExpirationDate = at.AddDate(0, 6, 0).UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
	}
	if l.status == "expired" {
		l.status = "active"
	}
}

// oTrx is one recorded transaction.
type oTrx struct {
	seq        int
	ID         string
	Status     string
	offer      *offer
	created    time.Time
	userID     string
	price      float64
	stockLeft  int
	parameters map[string]string
	reason     string
	line       *oLine
}

type orangeState struct {
	offers    []*offer
	offerByID map[string]*offer
	lines     map[string]*oLine // supplierID|sim:ID, supplierID|msisdn:N, supplierID|trx:ID
	trx       []*oTrx
	trxByID   map[string]*oTrx
	samples   []SampleLine
}

func lineKey(sup *supplier, kind, id string) string { return sup.ID + "|" + kind + ":" + id }

func (st *orangeState) offerNamed(name string) *offer {
	for _, o := range st.offers {
		if o.Name == name {
			return o
		}
	}
	panic("sim: no offer named " + name)
}

// record appends a transaction; the caller has applied its effect.
func (st *orangeState) record(t *oTrx) {
	t.seq = len(st.trx)
	st.trx = append(st.trx, t)
	st.trxByID[t.ID] = t
}

func newOrangeState(r *rand.Rand, now time.Time) *orangeState {
	now = now.UTC().Truncate(time.Second)
	st := &orangeState{offerByID: map[string]*offer{}, lines: map[string]*oLine{}, trxByID: map[string]*oTrx{}}
	st.offers = offerTable()
	for _, o := range st.offers {
		st.offerByID[o.ID] = o
	}
	seedBody := seeds.MustRead("orange_usagebalances.json")
	wtSeed := &oLine{sup: supWT, status: "active", dataUnit: "Gb", airUnit: "seconds", verbatim: seedBody}
	ofrSeed := &oLine{sup: supOFR, status: "active", dataUnit: "Gb", airUnit: "seconds", verbatim: seedBody}
	st.lines[lineKey(supWT, "sim", SeedSimID)] = wtSeed
	st.lines[lineKey(supOFR, "msisdn", SeedMSISDN)] = ofrSeed

	// The history was sold under earlier editions of today's offers (same
	// name and allowance, another id, no longer on sale): every offer on sale
	// starts with no transaction, so a drill can count the ones it made.
	retired := map[*offer]*offer{}
	edition := func(o *offer) *offer {
		if old, ok := retired[o]; ok {
			return old
		}
		old := *o
		old.ID, old.stock, old.retired = newUUID(r), 0, true
		retired[o] = &old
		st.offerByID[old.ID] = &old
		return &old
	}
	var hist []*oTrx
	mk := func(id string, o *offer, at time.Time, user string, params map[string]string, line *oLine) *oTrx {
		o = edition(o)
		t := &oTrx{ID: id, Status: "ok", offer: o, created: at, userID: user, price: o.price, stockLeft: 1 + r.IntN(40), parameters: params, line: line}
		hist = append(hist, t)
		return t
	}
	mk(seedWTTransaction, st.offerNamed("Carte Holiday Tourist LS"), now.AddDate(0, 0, -12).Add(-3*time.Hour), "alice", map[string]string{"simId": SeedSimID}, wtSeed)
	mk(SeedTransactionID, st.offerNamed("Recharge Holiday Voix & SMS"), now.AddDate(0, 0, -5).Add(-7*time.Hour), "alice", map[string]string{"msisdn": SeedMSISDN}, ofrSeed)

	users := []string{"alice", "bob", "noc-bot", ""}
	ago := func() time.Time { return now.Add(-time.Duration(1+r.IntN(60*24*60)) * time.Minute) }
	offersOf := func(sup *supplier, types ...string) []*offer {
		var out []*offer
		for _, o := range st.offers {
			for _, t := range types {
				if o.sup == sup && o.ProductType == t {
					out = append(out, o)
				}
			}
		}
		return out
	}
	newLine := func(sup *supplier) *oLine {
		l := &oLine{sup: sup, status: "active", dataUnit: "Gb", airUnit: "seconds"}
		if sup != supWT && r.IntN(2) == 0 {
			l.dataUnit, l.airUnit = "Mb", "minutes"
		}
		return l
	}
	used := map[string]bool{SeedSimID: true, SeedMSISDN: true}
	digits := func(prefix string, n int) string {
		for {
			s := prefix
			for i := 0; i < n; i++ {
				s += strconv.Itoa(r.IntN(10))
			}
			if !used[s] {
				used[s] = true
				return s
			}
		}
	}
	var generated []*oLine

	// Welcome Travelers SIMs, each sold with a card and topped up by simId.
	for i := 0; i < 6; i++ {
		sim := digits("19563", 8)
		l := newLine(supWT)
		st.lines[lineKey(supWT, "sim", sim)] = l
		generated = append(generated, l)
		cards := offersOf(supWT, "sim")
		sold := ago()
		mk(newUUID(r), cards[r.IntN(len(cards))], sold, users[r.IntN(len(users))], map[string]string{"simId": sim}, l)
		for k := r.IntN(3); k > 0; k-- {
			ups := offersOf(supWT, "topup")
			at := sold.Add(time.Duration(r.Int64N(int64(now.Sub(sold)) + 1)))
			mk(newUUID(r), ups[r.IntN(len(ups))], at, users[r.IntN(len(users))], map[string]string{"simId": sim}, l)
		}
		if i < 2 {
			st.samples = append(st.samples, SampleLine{"orange", "sim", sim, "", "generated Welcome Travelers SIM (lookup by simId)"})
		}
	}
	// Orange France and Orange Spain numbers, found through their transactions.
	for _, sup := range []*supplier{supOFR, supOES} {
		for i := 0; i < 5; i++ {
			msisdn := digits(sup.countryCode+strconv.Itoa(6+r.IntN(2)), 8)
			l := newLine(sup)
			st.lines[lineKey(sup, "msisdn", msisdn)] = l
			generated = append(generated, l)
			ups := offersOf(sup, "topup", "sim")
			n := 1 + r.IntN(3)
			for k := 0; k < n; k++ {
				mk(newUUID(r), ups[r.IntN(len(ups))], ago(), users[r.IntN(len(users))], map[string]string{"msisdn": msisdn}, l)
			}
			if i == 0 {
				st.samples = append(st.samples, SampleLine{"orange", "msisdn", msisdn, "", "generated " + sup.Name + " number, " + strconv.Itoa(n) + " transaction(s)"})
			}
		}
	}
	// eSIM sales: each transaction is its own line.
	for i := 0; i < 6; i++ {
		sup := suppliers[i%3]
		es := offersOf(sup, "eSim")
		l := newLine(sup)
		generated = append(generated, l)
		t := mk(newUUID(r), es[r.IntN(len(es))], ago(), users[r.IntN(len(users))], nil, l)
		st.lines[lineKey(sup, "trx", t.ID)] = l
	}
	// Failed attempts recorded by the supplier: no line, no balance.
	for i := 0; i < 3; i++ {
		sup := suppliers[1+i%2]
		ups := offersOf(sup, "topup")
		t := mk(newUUID(r), ups[r.IntN(len(ups))], ago(), users[r.IntN(len(users))], map[string]string{"msisdn": digits(sup.countryCode+"6", 8)}, nil)
		t.Status, t.reason = "error", "supplier network rejected the top-up"
	}

	sort.SliceStable(hist, func(i, j int) bool { return hist[i].created.Before(hist[j].created) })
	for _, t := range hist {
		if t.line != nil && t.line.verbatim == nil {
			if t.line.bal.FirstActivationDate == nil && (t.offer.ProductType != "eSim" || r.IntN(2) == 0) {
				fa := t.created.Add(time.Duration(1+r.IntN(48)) * time.Hour).Format(time.RFC3339)
				t.line.bal.FirstActivationDate = &fa
			}
			t.line.add(t.offer, t.created)
		}
		st.record(t)
	}
	// What has been used since: a random part of every generated bucket.
	for _, l := range generated {
		for i := range l.bal.Buckets {
			b := &l.bal.Buckets[i]
			f := r.Float64()
			b.DataRemaining, b.AirtimeRemaining, b.SMSRemaining = round2(b.DataRemaining*f), round2(b.AirtimeRemaining*f), float64(int(b.SMSRemaining*f))
		}
		if l.bal.Buckets == nil {
			l.bal.Buckets = []oBucket{}
		}
	}
	generated[1].status, generated[3].status = "suspended", "expired"
	generated[8].status = "suspended"

	st.samples = append([]SampleLine{
		{"orange", "sim", SeedSimID, "", "seed: Welcome Travelers usage balances (simId)"},
		{"orange", "msisdn", SeedMSISDN, "", "seed: Orange France number, found through its transactions"},
		{"orange", "transaction", SeedTransactionID, "", "seed: the Orange France top-up transaction of " + SeedMSISDN},
	}, st.samples...)
	return st
}

// normMSISDN reads a top-up MSISDN for a supplier of country cc: +CC…,
// 00CC…, CC… or the national 0… form of a mobile number; ok is false for
// anything else (the API's "bad parameter").
func normMSISDN(s, cc string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "00") {
		s = s[2:]
	}
	if len(s) == 10 && s[0] == '0' {
		s = cc + s[1:]
	}
	if !digitsOnly(s) || len(s) != len(cc)+9 || !strings.HasPrefix(s, cc) {
		return "", false
	}
	return s, s[len(cc)] == '6' || s[len(cc)] == '7'
}

// validSimID accepts a SIM id or ICCID: 8 to 22 digits.
func validSimID(s string) bool { return digitsOnly(s) && len(s) >= 8 && len(s) <= 22 }

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
