package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// TMF654 v4 shapes as the simulator writes them (fields in the spec's
// order, with @type and href as a conformant server sends them).
type (
	tmfRef struct {
		ID           string `json:"id"`
		Href         string `json:"href,omitempty"`
		Name         string `json:"name,omitempty"`
		ReferredType string `json:"@referredType,omitempty"`
	}
	tmfQuantity struct {
		Amount float64 `json:"amount"`
		Units  string  `json:"units"`
	}
	tmfPeriod struct {
		Start string `json:"startDateTime,omitempty"`
		End   string `json:"endDateTime,omitempty"`
	}
	tmfBucketJSON struct {
		ID                 string      `json:"id"`
		Href               string      `json:"href"`
		Name               string      `json:"name"`
		IsShared           bool        `json:"isShared"`
		RemainingValueName string      `json:"remainingValueName"`
		LogicalResource    []tmfRef    `json:"logicalResource"`
		PartyAccount       tmfRef      `json:"partyAccount"`
		RemainingValue     tmfQuantity `json:"remainingValue"`
		ReservedValue      tmfQuantity `json:"reservedValue"`
		Status             string      `json:"status"`
		UsageType          string      `json:"usageType"`
		ValidFor           tmfPeriod   `json:"validFor"`
		Type               string      `json:"@type"`
	}
	tmfTopupJSON struct {
		ID               string      `json:"id"`
		Href             string      `json:"href"`
		ConfirmationDate string      `json:"confirmationDate,omitempty"`
		Description      string      `json:"description"`
		Reason           string      `json:"reason,omitempty"`
		RequestedDate    string      `json:"requestedDate"`
		Amount           tmfQuantity `json:"amount"`
		Bucket           tmfRef      `json:"bucket"`
		Channel          tmfRef      `json:"channel"`
		LogicalResource  []tmfRef    `json:"logicalResource"`
		PartyAccount     tmfRef      `json:"partyAccount"`
		Requestor        tmfRef      `json:"requestor"`
		Status           string      `json:"status"`
		UsageType        string      `json:"usageType"`
		Type             string      `json:"@type"`
	}
	// tmfCreate is TopupBalance_Create as a client sends it.
	tmfCreate struct {
		Amount *struct {
			Amount *float64 `json:"amount"`
			Units  string   `json:"units"`
		} `json:"amount"`
		UsageType       string   `json:"usageType"`
		Bucket          *tmfRef  `json:"bucket"`
		PartyAccount    *tmfRef  `json:"partyAccount"`
		LogicalResource []tmfRef `json:"logicalResource"`
		Channel         *tmfRef  `json:"channel"`
		Requestor       *tmfRef  `json:"requestor"`
		Description     string   `json:"description"`
	}
)

// tmfError is the TMF Error resource: code and reason required, message and
// status optional (all strings in the spec).
func tmfError(rep *reply, status int, reason, message string) {
	rep.json(status, map[string]string{"code": strconv.Itoa(status), "reason": reason, "message": message, "status": strconv.Itoa(status), "@type": "Error"})
}

func tmfTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// handleTMF654 serves the TMF654 resources the console uses: /bucket,
// /bucket/{id}, /topupBalance and /topupBalance/{id}, in the order a real
// gateway checks: resource, credentials, method, then the request.
func (s *Server) handleTMF654(rep *reply, r *http.Request, rest string) {
	rest = strings.Trim(rest, "/")
	res, id, _ := strings.Cut(rest, "/")
	if (res != "bucket" && res != "topupBalance") || strings.Contains(id, "/") {
		tmfError(rep, http.StatusNotFound, "Not Found", "no resource "+clip(r.URL.Path, 200)+" on this TMF654 API")
		return
	}
	if !s.validCredentials(r.Header.Get("client_id"), r.Header.Get("client_secret")) && !s.bearerOK(r) {
		tmfError(rep, http.StatusUnauthorized, "Unauthorized", "missing or invalid client credentials")
		return
	}
	allowed := http.MethodGet
	if res == "topupBalance" && id == "" {
		allowed = "GET, POST"
	}
	if r.Method != http.MethodGet && !(r.Method == http.MethodPost && allowed != http.MethodGet) {
		rep.header.Set("Allow", allowed)
		tmfError(rep, http.StatusMethodNotAllowed, "Method Not Allowed", r.Method+" is not allowed on "+res)
		return
	}
	base := s.URL() + TMF654BasePath
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.tmf
	st.settle(s.now())
	switch {
	case res == "bucket" && id != "":
		b, ok := st.buckets[id]
		if !ok {
			tmfError(rep, http.StatusNotFound, "Not Found", "no bucket "+clip(id, 80))
			return
		}
		rep.json(http.StatusOK, b.json(base))
	case res == "bucket":
		msisdn := r.URL.Query().Get("logicalResource.id")
		if msisdn == "" {
			tmfError(rep, http.StatusBadRequest, "Bad Request", "filter logicalResource.id is mandatory")
			return
		}
		var out []tmfBucketJSON
		if l, ok := st.lines[msisdn]; ok {
			for _, b := range l.buckets {
				out = append(out, b.json(base))
			}
		}
		page(rep, r, out)
	case id != "":
		for _, t := range st.topups {
			if t.id == id {
				rep.json(http.StatusOK, t.json(base))
				return
			}
		}
		tmfError(rep, http.StatusNotFound, "Not Found", "no topupBalance "+clip(id, 80))
	case r.Method == http.MethodGet:
		msisdn := r.URL.Query().Get("logicalResource.id")
		var out []tmfTopupJSON
		for _, t := range st.topups {
			if msisdn == "" || t.msisdn == msisdn {
				out = append(out, t.json(base))
			}
		}
		page(rep, r, out)
	default:
		s.tmfTopup(rep, r, st, base)
	}
}

// page answers one offset/limit page of a list, with X-Total-Count.
func page[T any](rep *reply, r *http.Request, all []T) {
	q := r.URL.Query()
	off, err1 := strconv.Atoi(q.Get("offset"))
	lim, err2 := strconv.Atoi(q.Get("limit"))
	if q.Get("offset") == "" {
		off, err1 = 0, nil
	}
	if q.Get("limit") == "" {
		lim, err2 = 100, nil
	}
	if err1 != nil || err2 != nil || off < 0 || lim < 1 || lim > 1000 {
		tmfError(rep, http.StatusBadRequest, "Bad Request", "offset must be 0 or more and limit between 1 and 1000")
		return
	}
	rep.header.Set("X-Total-Count", strconv.Itoa(len(all)))
	rep.header.Set("X-Result-Count", strconv.Itoa(max(0, min(lim, len(all)-off))))
	out := []T{}
	if off < len(all) {
		out = all[off:min(len(all), off+lim)]
	}
	rep.json(http.StatusOK, out)
}

// tmfTopup handles POST /topupBalance (Server.mu held).
func (s *Server) tmfTopup(rep *reply, r *http.Request, st *tmfState, base string) {
	var in tmfCreate
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	if err := dec.Decode(&in); err != nil {
		tmfError(rep, http.StatusBadRequest, "Bad Request", "the body is not a TopupBalance_Create: "+clip(err.Error(), 120))
		return
	}
	b, status, title, detail := st.checkCreate(in)
	if b == nil {
		tmfError(rep, status, title, detail)
		return
	}
	v := *in.Amount.Amount
	line := st.lines[b.msisdn]
	if line.mode == tmfForbidden {
		tmfError(rep, http.StatusForbidden, "Forbidden", "account "+b.account+" is not served through this channel")
		return
	}
	if b.status != "active" {
		tmfError(rep, http.StatusConflict, "Bucket not active", "bucket "+b.id+" is "+b.status+": it cannot be topped up")
		return
	}
	if in.Description != "" {
		for _, t := range st.topups {
			if t.description == in.Description && t.msisdn == b.msisdn {
				tmfError(rep, http.StatusConflict, "Duplicate", "a top-up with description "+clip(in.Description, 80)+" exists already ("+t.id+")")
				return
			}
		}
	}
	now := s.now()
	st.seq++
	t := &tmfTopup{
		id: fmt.Sprintf("TB-%s%06d", st.runTag, st.seq), description: clip(in.Description, 200), amount: v, units: b.units, usage: b.usage,
		bucket: b.id, msisdn: b.msisdn, account: b.account, requested: now,
	}
	if in.Channel != nil {
		t.channel = clip(in.Channel.Name, 40)
	}
	if in.Requestor != nil {
		t.requestor = clip(in.Requestor.ID, 64)
	}
	st.topups = append(st.topups, t)
	switch {
	case line.mode == tmfLimited && v > tmfLimit:
		t.status, t.reason, t.confirmed = "failed", fmt.Sprintf("amount over the line's top-up limit of %.2f %s", tmfLimit, b.units), now
	case line.mode == tmfDelayed:
		t.status, t.settleAt = "created", now.Add(tmfSettle)
	default:
		t.status, t.confirmed = "completed", now
		b.amount = math.Round((b.amount+v)*100) / 100
	}
	if line.mode == tmfServerErr {
		tmfError(rep, http.StatusInternalServerError, "Internal Server Error", "the balance system did not answer in time")
		return
	}
	rep.header.Set("Location", base+"/topupBalance/"+t.id)
	rep.json(http.StatusCreated, t.json(base))
}

// checkCreate checks a TopupBalance_Create against the bucket it names:
// the bucket, or nil with the error's status, title and detail.
func (st *tmfState) checkCreate(in tmfCreate) (b *tmfBucket, status int, title, detail string) {
	switch {
	case in.Amount == nil || in.Amount.Amount == nil:
		return nil, http.StatusBadRequest, "Bad Request", "amount is mandatory"
	case in.Bucket == nil || in.Bucket.ID == "":
		return nil, http.StatusBadRequest, "Bad Request", "bucket.id is mandatory"
	case in.PartyAccount == nil || in.PartyAccount.ID == "":
		return nil, http.StatusBadRequest, "Bad Request", "partyAccount.id is mandatory"
	case in.UsageType == "":
		return nil, http.StatusBadRequest, "Bad Request", "usageType is mandatory"
	}
	v := *in.Amount.Amount
	b, ok := st.buckets[in.Bucket.ID]
	switch {
	case math.IsNaN(v) || v <= 0:
		return nil, http.StatusBadRequest, "Invalid amount", "amount.amount must be more than zero"
	case !ok:
		return nil, http.StatusNotFound, "Not Found", "no bucket " + clip(in.Bucket.ID, 80)
	case in.Amount.Units != b.units:
		return nil, http.StatusBadRequest, "Invalid amount", fmt.Sprintf("bucket %s holds %s, not %s", b.id, b.units, clip(in.Amount.Units, 10))
	case in.PartyAccount.ID != b.account:
		return nil, http.StatusBadRequest, "Invalid partyAccount", "bucket " + b.id + " does not belong to account " + clip(in.PartyAccount.ID, 40)
	case in.UsageType != b.usage:
		return nil, http.StatusBadRequest, "Invalid usageType", "bucket " + b.id + " is " + b.usage + ", not " + clip(in.UsageType, 20)
	case len(in.LogicalResource) > 0 && in.LogicalResource[0].ID != b.msisdn:
		return nil, http.StatusBadRequest, "Invalid logicalResource", "bucket " + b.id + " is not a balance of " + clip(in.LogicalResource[0].ID, 20)
	}
	return b, 0, "", ""
}

// settle completes delayed top-ups whose time has come (Server.mu held).
func (st *tmfState) settle(now time.Time) {
	for _, t := range st.topups {
		if t.status == "created" && !now.Before(t.settleAt) {
			t.status, t.confirmed = "completed", now
			if b, ok := st.buckets[t.bucket]; ok {
				b.amount = math.Round((b.amount+t.amount)*100) / 100
			}
		}
	}
}

func (b *tmfBucket) json(base string) tmfBucketJSON {
	return tmfBucketJSON{
		ID: b.id, Href: base + "/bucket/" + b.id, Name: b.name, IsShared: b.shared, RemainingValueName: b.name,
		LogicalResource: []tmfRef{{ID: b.msisdn, ReferredType: "MSISDN"}},
		PartyAccount:    tmfRef{ID: b.account, ReferredType: "PartyAccount"},
		RemainingValue:  tmfQuantity{Amount: b.amount, Units: b.units},
		ReservedValue:   tmfQuantity{Amount: 0, Units: b.units},
		Status:          b.status, UsageType: b.usage,
		ValidFor: tmfPeriod{Start: tmfTime(b.from), End: tmfTime(b.to)},
		Type:     "Bucket",
	}
}

func (t *tmfTopup) json(base string) tmfTopupJSON {
	return tmfTopupJSON{
		ID: t.id, Href: base + "/topupBalance/" + t.id, ConfirmationDate: tmfTime(t.confirmed), Description: t.description,
		Reason: t.reason, RequestedDate: tmfTime(t.requested), Amount: tmfQuantity{Amount: t.amount, Units: t.units},
		Bucket:          tmfRef{ID: t.bucket, Href: base + "/bucket/" + t.bucket},
		Channel:         tmfRef{ID: t.channel, Name: t.channel},
		LogicalResource: []tmfRef{{ID: t.msisdn, ReferredType: "MSISDN"}},
		PartyAccount:    tmfRef{ID: t.account},
		Requestor:       tmfRef{ID: t.requestor, ReferredType: "Individual"},
		Status:          t.status, UsageType: t.usage, Type: "TopupBalance",
	}
}
