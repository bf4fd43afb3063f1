package orange

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"simdesk/model"
)

// usageBalances is one decoded usagebalances answer.
type usageBalances struct {
	FirstActivation model.Time
	NumberExpires   model.Time
	Buckets         []model.Bucket
}

// usageKinds are the three balances an Orange bucket may carry, in the order
// they become model buckets: data, voice, SMS.
var usageKinds = []struct {
	field, unitField, suffix string
	usage                    model.Usage
}{
	{"data_remaining", "data_unit", "data", model.UsageData},
	{"airtime_remaining", "airtime_unit", "voice", model.UsageVoice},
	{"sms_remaining", "sms_unit", "sms", model.UsageSMS},
}

// decodeUsageBalances reads GET …/usagebalances: the seed shape, also
// wrapped under "data", or a bare array of buckets. Each Orange bucket
// becomes one model bucket per balance field present (a zero is information,
// so present zeros are kept), with canonical units: data in MB (13.2 Gb →
// 13516.8 MB), airtime in seconds, SMS in sms.
func decodeUsageBalances(body []byte) (usageBalances, error) {
	var u usageBalances
	body = bytes.TrimSpace(body)
	var rawBuckets json.RawMessage
	if len(body) > 0 && body[0] == '[' {
		rawBuckets = body
	} else {
		m, ok := unwrapObject(body,
			[]string{"buckets", "first_activation_date", "number_expiration_date"},
			[]string{"data", "usagebalances", "usage_balances", "usageBalances"})
		if !ok {
			return u, errNoJSON
		}
		u.FirstActivation = model.ParseTime(text(m, "first_activation_date"))
		u.NumberExpires = model.ParseTime(text(m, "number_expiration_date"))
		rawBuckets, _ = lookupFold(m, "buckets")
	}
	rawBuckets = bytes.TrimSpace(rawBuckets)
	u.Buckets = []model.Bucket{}
	switch {
	case len(rawBuckets) == 0:
	case rawBuckets[0] == '[':
		// Empty and repeated buckets are skipped as they stream past: a
		// million {} cost nothing. Ids keep the position in the list.
		if _, err := eachObject(rawBuckets, maxBuckets, "usage buckets for one line", func(pos int, bm map[string]json.RawMessage) {
			u.Buckets = append(u.Buckets, bucketsOf(pos, bm)...)
		}); err != nil {
			return u, err
		}
	case rawBuckets[0] == '{':
		if bm, ok := objectOf(rawBuckets); ok && len(bm) > 0 {
			u.Buckets = append(u.Buckets, bucketsOf(1, bm)...)
		}
	}
	return u, nil
}

// bucketsOf turns the idx-th (1-based) Orange bucket into model buckets with
// ids "<idx>.data", "<idx>.voice", "<idx>.sms". A bucket with none of the
// three balances still shows, as "<idx>.other", so nothing the API says is
// hidden from the operator.
func bucketsOf(idx int, bm map[string]json.RawMessage) []model.Bucket {
	name := text(bm, "name")
	validTo := model.ParseTime(text(bm, "expiration_date"))
	validFrom := model.ParseTime(text(bm, "start_date", "activation_date"))
	pairs := make([]model.Attr, 0, len(bm))
	for k, v := range bm {
		pairs = append(pairs, model.Attr{Name: k, Value: rawText(v)})
	}
	attrs := model.AttrsOf(pairs...)
	prefix := strconv.Itoa(idx) + "."
	var out []model.Bucket
	for _, k := range usageKinds {
		raw, ok := lookupFold(bm, k.field)
		if !ok {
			continue
		}
		unit := text(bm, k.unitField)
		display := strings.TrimSpace(scalarText(raw) + " " + unit)
		out = append(out, model.Bucket{
			ID:         prefix + k.suffix,
			Name:       name,
			Usage:      k.usage,
			UsageRaw:   k.field,
			Remaining:  model.Normalize(parseAmount(raw), unit, k.usage, display),
			ValidFrom:  validFrom,
			ValidTo:    validTo,
			Periods:    []model.Period{},
			Counters:   []model.Counter{},
			Attributes: attrs, // never changed in place (MapText builds new ones): sharing is safe
		})
	}
	if len(out) == 0 {
		out = append(out, model.Bucket{
			ID:         prefix + "other",
			Name:       name,
			Usage:      model.UsageOther,
			ValidFrom:  validFrom,
			ValidTo:    validTo,
			Periods:    []model.Period{},
			Counters:   []model.Counter{},
			Attributes: attrs,
		})
	}
	return out
}
