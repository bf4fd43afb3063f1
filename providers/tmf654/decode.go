package tmf654

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"simdesk/model"
	"simdesk/topup"
)

// The TMF654 v4 shapes simdesk reads and writes, with only the fields it
// uses; unknown fields are ignored, so a richer provider is read the same.

// ref is any TMF entity reference ({id, name, href, @referredType}).
type ref struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	Href         string `json:"href,omitempty"`
	ReferredType string `json:"@referredType,omitempty"`
}

// quantity is TMF's Quantity {amount, units}; the amount is read leniently
// (number or numeric string) so one odd value never fails a whole answer.
type quantity struct {
	Amount model.Amount `json:"amount"`
	Units  string       `json:"units"`
}

type period struct {
	Start string `json:"startDateTime"`
	End   string `json:"endDateTime"`
}

// bucket is TMF654's Bucket.
type bucket struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	IsShared           bool     `json:"isShared"`
	RemainingValueName string   `json:"remainingValueName"`
	LogicalResource    []ref    `json:"logicalResource"`
	PartyAccount       *ref     `json:"partyAccount"`
	RemainingValue     quantity `json:"remainingValue"`
	ReservedValue      quantity `json:"reservedValue"`
	Status             string   `json:"status"`
	UsageType          string   `json:"usageType"`
	ValidFor           period   `json:"validFor"`
}

// topupBalance is TMF654's TopupBalance, as answered.
type topupBalance struct {
	ID               string  `json:"id"`
	Href             string  `json:"href"`
	Status           string  `json:"status"`
	Description      string  `json:"description"`
	Reason           string  `json:"reason"`
	RequestedDate    string  `json:"requestedDate"`
	ConfirmationDate string  `json:"confirmationDate"`
	Amount           moneyIn `json:"amount"`
	UsageType        string  `json:"usageType"`
	Bucket           *ref    `json:"bucket"`
	LogicalResource  []ref   `json:"logicalResource"`
}

// topupCreate is TMF654's TopupBalance_Create, as sent.
type topupCreate struct {
	Amount          moneyOut `json:"amount"`
	UsageType       string   `json:"usageType"`
	Bucket          ref      `json:"bucket"`
	PartyAccount    ref      `json:"partyAccount"`
	LogicalResource []ref    `json:"logicalResource"`
	Channel         ref      `json:"channel"`
	Requestor       ref      `json:"requestor"`
	Description     string   `json:"description"`
}

// moneyOut is the amount sent: a plain number with its currency as units,
// written from the amount's digits (json.Number), never through a float.
type moneyOut struct {
	Amount json.Number `json:"amount"`
	Units  string      `json:"units"`
}

// moneyIn is a top-up's amount as answered: the number's text is kept so
// that it is read exactly (money), never through a float.
type moneyIn struct {
	Amount json.RawMessage `json:"amount"`
	Units  string          `json:"units"`
}

// money reads the answered amount exactly in its units (a JSON number or a
// numeric string); ok is false when there is none or it is no amount of
// that currency.
func (m moneyIn) money() (topup.Money, bool) {
	txt := strings.TrimSpace(string(m.Amount))
	if strings.HasPrefix(txt, `"`) {
		var s string
		if json.Unmarshal(m.Amount, &s) != nil {
			return topup.Money{}, false
		}
		txt = strings.TrimSpace(s)
	}
	cur := strings.ToUpper(strings.TrimSpace(m.Units))
	if txt == "" || !topup.ValidCurrency(cur) {
		return topup.Money{}, false
	}
	v, err := topup.FromNumber(txt, cur)
	return v, err == nil
}

// maxItems bounds the entries one answer may hold: a line has a handful of
// buckets and top-ups per page, never millions.
const maxItems = 10000

// errNotList is a 2xx answer that is not a JSON array of entities.
var errNotList = errors.New("the answer is not a list")

// DecodeBuckets reads a GET /bucket answer. It is total: any bytes give
// buckets or an error, never a panic (fuzzed).
func DecodeBuckets(r io.Reader) ([]bucket, error) {
	var out []bucket
	if err := decodeList(r, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeTopups reads a GET /topupBalance answer (total, fuzzed).
func DecodeTopups(r io.Reader) ([]topupBalance, error) {
	var out []topupBalance
	if err := decodeList(r, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeTopup reads one TopupBalance (POST answer or GET by id) (total,
// fuzzed). A body without a status is an error: the outcome must be known
// from what the provider said, never guessed.
func DecodeTopup(r io.Reader) (topupBalance, error) {
	var t topupBalance
	dec := json.NewDecoder(r)
	if err := dec.Decode(&t); err != nil {
		return topupBalance{}, badJSON(err)
	}
	if strings.TrimSpace(t.Status) == "" {
		return topupBalance{}, errors.New("the top-up answer carries no status")
	}
	return t, nil
}

func decodeList(r io.Reader, dst any) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return badJSON(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errNotList
	}
	// Re-decode element by element, bounding the count.
	switch list := dst.(type) {
	case *[]bucket:
		for dec.More() {
			if len(*list) >= maxItems {
				return fmt.Errorf("more than %d entries in one answer", maxItems)
			}
			var b bucket
			if err := dec.Decode(&b); err != nil {
				return badJSON(err)
			}
			*list = append(*list, b)
		}
	case *[]topupBalance:
		for dec.More() {
			if len(*list) >= maxItems {
				return fmt.Errorf("more than %d entries in one answer", maxItems)
			}
			var t topupBalance
			if err := dec.Decode(&t); err != nil {
				return badJSON(err)
			}
			*list = append(*list, t)
		}
	}
	if _, err := dec.Token(); err != nil {
		return badJSON(err)
	}
	return nil
}

func badJSON(err error) error {
	return fmt.Errorf("unreadable JSON: %s", model.OneLine(err.Error(), 200))
}

// usageOf maps TMF654's UsageType to the model's usage.
func usageOf(usageType, units string) model.Usage {
	switch strings.ToLower(strings.TrimSpace(usageType)) {
	case "monetary":
		return model.UsageMoney
	case "data":
		return model.UsageData
	case "voice":
		return model.UsageVoice
	case "sms":
		return model.UsageSMS
	}
	return model.ClassifyUsage(usageType, units)
}

// toBucket converts a TMF bucket to the model's.
func toBucket(b bucket) model.Bucket {
	usage := usageOf(b.UsageType, b.RemainingValue.Units)
	name := firstNonEmpty(b.Name, b.RemainingValueName, b.Description, b.UsageType, b.ID)
	out := model.Bucket{
		ID:          model.OneLine(b.ID, 128),
		Name:        model.OneLine(name, 128),
		Usage:       usage,
		UsageRaw:    model.OneLine(b.UsageType, 64),
		Shared:      b.IsShared,
		Status:      strings.ToLower(model.OneLine(b.Status, 32)),
		Remaining:   model.Normalize(b.RemainingValue.Amount, b.RemainingValue.Units, usage, ""),
		ValidFrom:   model.ParseTime(b.ValidFor.Start),
		ValidTo:     model.ParseTime(b.ValidFor.End),
		Periods:     []model.Period{},
		Counters:    []model.Counter{},
		Description: model.OneLine(b.Description, 200),
	}
	if b.ReservedValue.Amount.Present && !b.ReservedValue.Amount.Unlimited && !math.IsNaN(b.ReservedValue.Amount.Value) {
		q := model.Normalize(b.ReservedValue.Amount, firstNonEmpty(b.ReservedValue.Units, b.RemainingValue.Units), usage, "")
		out.Counters = append(out.Counters, model.Counter{Type: "reserved", Amount: q.Amount, Unit: q.Unit})
	}
	if len(b.LogicalResource) > 0 {
		out.Product = model.OneLine(b.LogicalResource[0].ID, 64)
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
