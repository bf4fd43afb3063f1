package model

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Time is a timestamp that encodes as RFC 3339 (with fractional seconds only
// when present) or as "" when absent.
type Time struct{ time.Time }

// MarshalJSON writes "" for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + t.Format(time.RFC3339Nano) + `"`), nil
}

// UnmarshalJSON reads what MarshalJSON writes (and any ParseTime form).
func (t *Time) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	*t = ParseTime(s)
	return nil
}

// String is RFC 3339 or "".
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// Far reports a far-future sentinel such as 9999-12-31 ("never expires").
func (t Time) Far() bool { return !t.IsZero() && t.Year() >= 9000 }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime reads the timestamps providers send: RFC 3339 with or without
// fraction, with or without a zone (zoneless ones are taken as UTC), or a bare
// date. Anything else, including "", is the zero Time.
func ParseTime(s string) Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Time{t}
		}
	}
	return Time{}
}

// Cycle is a billing cycle.
type Cycle struct {
	Start Time `json:"start"`
	End   Time `json:"end"`
}

// Line is one subscriber line as one provider sees it.
type Line struct {
	ID           string   `json:"id"`
	Type         IDType   `json:"type"`
	Payment      string   `json:"payment"` // prepaid, postpaid or ""
	Status       string   `json:"status"`
	AsOf         Time     `json:"as_of"`
	BillingCycle Cycle    `json:"billing_cycle"`
	Buckets      []Bucket `json:"buckets"`

	// Extras beyond the contract's fields.
	Description     string `json:"description,omitempty"`
	Account         string `json:"account,omitempty"`
	Supplier        string `json:"supplier,omitempty"`
	SupplierID      string `json:"supplier_id,omitempty"`
	TransactionID   string `json:"transaction_id,omitempty"`
	MSISDN          string `json:"msisdn,omitempty"`
	SimID           string `json:"sim_id,omitempty"`
	OfferID         string `json:"offer_id,omitempty"`
	OfferName       string `json:"offer_name,omitempty"`
	FirstActivation Time   `json:"first_activation,omitzero"`
	NumberExpires   Time   `json:"number_expires,omitzero"`
	Dialect         string `json:"dialect,omitempty"`
}

// Bucket is one balance bucket of a line.
type Bucket struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Usage      Usage     `json:"usage"`
	UsageRaw   string    `json:"usage_raw"`
	Shared     bool      `json:"shared"`
	Status     string    `json:"status"`
	Remaining  Quantity  `json:"remaining"`
	ValidFrom  Time      `json:"valid_from"`
	ValidTo    Time      `json:"valid_to"`
	DaysLeft   *int      `json:"days_left"`
	Periods    []Period  `json:"periods"`
	Counters   []Counter `json:"counters"`
	Attributes Attrs     `json:"attributes"`

	// Extras beyond the contract's fields.
	Description string `json:"description,omitempty"`
	Plan        string `json:"plan,omitempty"`    // usageConsumption id (offer/plan code)
	Product     string `json:"product,omitempty"` // public identifier / logical resource the bucket belongs to
}

// Period is one validity period (a Matrixx bucketBalance interval).
type Period struct {
	Start      Time     `json:"start"`
	End        Time     `json:"end"`
	Current    bool     `json:"current"`
	Remaining  Quantity `json:"remaining"`
	DaysLeft   *int     `json:"days_left,omitempty"`
	Attributes Attrs    `json:"attributes,omitempty"`
}

// Counter is a consumption counter or a notification threshold.
type Counter struct {
	Type   string   `json:"type"` // used, allocated, carried, expiring, Threshold_… as given
	Amount *float64 `json:"amount"`
	Unit   string   `json:"unit"`
	Start  Time     `json:"start"`
	End    Time     `json:"end"`
	Name   string   `json:"name"`

	Unlimited bool   `json:"unlimited,omitempty"`
	Level     string `json:"level,omitempty"`
	Text      string `json:"text,omitempty"`
}

// Quantity returns the counter's value as a Quantity.
func (c Counter) Quantity() Quantity {
	return Quantity{Amount: c.Amount, Unit: c.Unit, Unlimited: c.Unlimited, Text: c.Text}
}

// CounterOf returns the first counter of the given type (case-insensitive).
func (b *Bucket) CounterOf(typ string) (Counter, bool) {
	for _, c := range b.Counters {
		if strings.EqualFold(c.Type, typ) {
			return c, true
		}
	}
	return Counter{}, false
}

// UsedFraction returns used / allocated where both are known, finite and
// allocated is positive; ok is false otherwise.
func (b *Bucket) UsedFraction() (float64, bool) {
	used, ok1 := b.CounterOf("used")
	alloc, ok2 := b.CounterOf("allocated")
	if !ok1 || !ok2 || used.Amount == nil || alloc.Amount == nil || *alloc.Amount <= 0 {
		return 0, false
	}
	f := *used.Amount / *alloc.Amount
	if f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return f, true
}

// CurrentPeriod returns the index of the period marked current, or -1.
func (b *Bucket) CurrentPeriod() int {
	for i, p := range b.Periods {
		if p.Current {
			return i
		}
	}
	return -1
}

// Attr is one name/value characteristic of a bucket or period, as the
// provider sent it.
type Attr struct {
	Name, Value string
}

// Attrs holds a bucket's (or a period's) characteristics sorted by name, each
// name once (the last value sent wins, as a map would keep it). It is a slice
// rather than a map so that a 60,000-bucket line costs one small array per
// bucket instead of a hash table, and so that encoders write it in order
// without sorting at encode time; it encodes as a JSON object, {} when empty.
type Attrs []Attr

// Get returns the value of the named attribute.
func (a Attrs) Get(name string) (string, bool) {
	i := sort.Search(len(a), func(i int) bool { return a[i].Name >= name })
	if i < len(a) && a[i].Name == name {
		return a[i].Value, true
	}
	return "", false
}

// Value is Get without the presence flag ("" when absent).
func (a Attrs) Value(name string) string {
	v, _ := a.Get(name)
	return v
}

// AttrsOf builds Attrs from name/value pairs in any order; a repeated name
// keeps its last value and empty names are dropped. It is what providers and
// tests use to fill Attributes from a map or a list.
func AttrsOf(pairs ...Attr) Attrs {
	out := make(Attrs, 0, len(pairs))
	for _, p := range pairs {
		if p.Name != "" {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	w := 0
	for i := range out {
		if w > 0 && out[w-1].Name == out[i].Name {
			out[w-1].Value = out[i].Value
			continue
		}
		out[w] = out[i]
		w++
	}
	return out[:w]
}

// AttrsFromMap builds Attrs from a map (sorted by name).
func AttrsFromMap(m map[string]string) Attrs {
	out := make(Attrs, 0, len(m))
	for k, v := range m {
		out = append(out, Attr{k, v})
	}
	return AttrsOf(out...)
}

// MarshalJSON writes the attributes as one JSON object, in order; no
// attributes (nil included) is {}.
func (a Attrs) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(make([]byte, 0, 2+len(a)*32)), nil
}

// AppendJSON appends the attributes as one compact JSON object (see
// MarshalJSON), strings escaped by AppendJSONString.
func (a Attrs) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, at := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, at.Name)
		b = append(b, ':')
		b = AppendJSONString(b, at.Value)
	}
	return append(b, '}')
}

// UnmarshalJSON reads a JSON object of strings (null is no attributes).
func (a *Attrs) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*a = AttrsFromMap(m)
	return nil
}

// EachText calls f on every provider-supplied string of the line, the same
// strings MapText passes to its function, without writing anything, and
// stops at the first false; it reports whether f accepted them all. It lets
// a front end see that a line needs no change (no escape to show, no secret
// to mask) without copying the line first: copying a 10,000-bucket line
// and rewriting it in place cost the console as much as the check.
func (l *Line) EachText(f func(string) bool) bool {
	if !(f(l.ID) && f(l.Payment) && f(l.Status) && f(l.Description) && f(l.Account) && f(l.Supplier) &&
		f(l.SupplierID) && f(l.TransactionID) && f(l.MSISDN) && f(l.SimID) && f(l.OfferID) && f(l.OfferName) && f(l.Dialect)) {
		return false
	}
	for i := range l.Buckets {
		b := &l.Buckets[i]
		if !(f(b.ID) && f(b.Name) && f(b.UsageRaw) && f(b.Status) && f(b.Description) && f(b.Plan) && f(b.Product) &&
			b.Remaining.eachText(f) && eachAttr(b.Attributes, f)) {
			return false
		}
		for j := range b.Periods {
			if p := &b.Periods[j]; !(p.Remaining.eachText(f) && eachAttr(p.Attributes, f)) {
				return false
			}
		}
		for j := range b.Counters {
			if c := &b.Counters[j]; !(f(c.Type) && f(c.Unit) && f(c.Name) && f(c.Level) && f(c.Text)) {
				return false
			}
		}
	}
	return true
}

func (q *Quantity) eachText(f func(string) bool) bool { return f(q.Unit) && f(q.Text) && f(q.Invalid) }

func eachAttr(a Attrs, f func(string) bool) bool {
	for _, p := range a {
		if !f(p.Name) || !f(p.Value) {
			return false
		}
	}
	return true
}
