package sim

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"simdesk/seeds"
)

// api tells the two LLA gateways apart: they differ in header names, error
// bodies, allowed markets and response dialects.
type api int

const (
	apiDXP api = iota
	apiCVP
)

// cvpMarkets are the businessIds the cvp gateway accepts (seed 003); CL is
// accepted but answers 501, as the seed's own example shows.
var cvpMarkets = map[string]bool{"JM": true, "PA": true, "PR": true, "CL": true, "CR": true}

// cwcMarkets serve the CWC/BTC pool (Liberate, Cerillion, Limeware,
// Ericsson lines of every Caribbean market), as the seeds' examples are not
// tied to one businessId.
var cwcMarkets = []string{"JM", "PA", "CR"}

// llaLine is one report body, served verbatim. Huge lines are built on first
// use (gen) and cached.
type llaLine struct {
	body    []byte
	gen     func() []byte
	once    sync.Once
	account string // relatedParty.id the line requires (CWC postpaid), or ""
}

func (l *llaLine) bytes() []byte {
	if l.gen != nil {
		l.once.Do(func() { l.body = l.gen() })
	}
	return l.body
}

// llaState is immutable after New except for the lazily built lines, so
// lookups need no lock.
type llaState struct {
	dxp     map[string]*llaLine // businessId|identifier
	cvp     map[string]*llaLine
	samples []SampleLine
}

func (st *llaState) addDXP(id string, l *llaLine) { st.dxp["PR|"+id] = l }

func (st *llaState) addCVP(markets []string, id string, l *llaLine) {
	for _, m := range markets {
		st.cvp[m+"|"+id] = l
	}
}

// handleLLA serves GET {base}/{businessId}/usageConsumptionReport on either
// gateway, checking what the real gateways check, in their order: resource,
// credentials, method, market, mandatory headers, query, then the line.
func (s *Server) handleLLA(rep *reply, r *http.Request, a api, rest string) {
	bid, res, ok := strings.Cut(rest, "/")
	if !ok || res != "usageConsumptionReport" || bid == "" {
		rep.json(http.StatusNotFound, llaErr(404, "APIKIT:NOT_FOUND", "No listener for endpoint: "+clip(r.URL.Path, 200)))
		return
	}
	corr := r.Header.Get("X-Correlation-ID")
	if !printableASCII(corr) || len(corr) > 128 {
		// Mule makes one up when the caller sends none (seed 002).
		corr = s.nextCorrelationID()
	}
	rep.header.Set("X-Correlation-ID", corr)

	id, secret := r.Header.Get("client_id"), r.Header.Get("client_secret")
	seed401, seed405, seed400 := "dxp_error_401.json", "dxp_error_404_method.json", "dxp_error_400.json"
	if a == apiCVP {
		id, secret = r.Header.Get("Client-id"), r.Header.Get("Client-secret")
		seed401, seed405, seed400 = "cvp_error_401.json", "cvp_error_405_malformed.txt", "cvp_error_400.json"
	}
	if !s.validCredentials(id, secret) {
		rep.raw(http.StatusUnauthorized, "application/json", seeds.MustRead(seed401))
		return
	}
	if r.Method != http.MethodGet {
		rep.header.Set("Allow", http.MethodGet)
		rep.raw(http.StatusMethodNotAllowed, "application/json", seeds.MustRead(seed405))
		return
	}
	badRequest := func() { rep.raw(http.StatusBadRequest, "application/json", seeds.MustRead(seed400)) }
	if a == apiCVP {
		if !cvpMarkets[bid] {
			badRequest()
			return
		}
		if bid == "CL" {
			rep.raw(http.StatusNotImplemented, "application/json", seeds.MustRead("cvp_error_501.json"))
			return
		}
		if r.Header.Get("lob") == "" {
			badRequest()
			return
		}
	} else if !isTwoLetters(bid) {
		badRequest()
		return
	}
	if bid == "PR" && (r.Header.Get("channelId") == "" || r.Header.Get("targetSystem") == "") {
		badRequest()
		return
	}
	q := r.URL.Query()
	pid := strings.TrimPrefix(strings.TrimSpace(q.Get("product.publicIdentifier")), "+")
	typ := strings.ToLower(q.Get("product.publicIdentifierType"))
	if pid == "" || (typ != "msisdn" && typ != "subscriptionid") {
		badRequest()
		return
	}
	lines := s.lla.dxp
	if a == apiCVP {
		lines = s.lla.cvp
	}
	line := lines[bid+"|"+pid]
	if line == nil || (line.account != "" && q.Get("relatedParty.id") != "" && q.Get("relatedParty.id") != line.account) {
		s.notFound(rep, a, pid)
		return
	}
	if line.account != "" && q.Get("relatedParty.id") == "" {
		rep.json(http.StatusBadRequest, llaErr(400, "relatedParty.id is mandatory for CWC postpaid lines",
			"The billing account (relatedParty.id) must be given for CWC (Liberate) postpaid lines"))
		return
	}
	rep.raw(http.StatusOK, "application/json", line.bytes())
}

// notFound answers an unknown line the way each gateway does: dxp names the
// identifier in Matrixx's message, cvp sends its generic 404.
func (s *Server) notFound(rep *reply, a api, pid string) {
	if a == apiCVP {
		rep.raw(http.StatusNotFound, "application/json", seeds.MustRead("cvp_error_404.json"))
		return
	}
	esc, _ := json.Marshal(clip(pid, 64))
	inner := string(esc[1 : len(esc)-1])
	body := strings.Replace(string(seeds.MustRead("dxp_error_404_subscriber.json")), "ExternalId=xxxx", "ExternalId="+inner, 1)
	rep.raw(http.StatusNotFound, "application/json", []byte(body))
}

func (s *Server) validCredentials(id, secret string) bool {
	okID := subtle.ConstantTimeCompare([]byte(id), []byte(ClientID)) == 1
	okSecret := subtle.ConstantTimeCompare([]byte(secret), []byte(s.secret)) == 1
	return okID && okSecret
}

// printableASCII reports a non-empty string safe to echo in a header.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

func isTwoLetters(s string) bool {
	return len(s) == 2 && isLetter(s[0]) && isLetter(s[1])
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// llaErr is the LLA error envelope {"errors":[{"code","message","description"}]}.
func llaErr(code int, message, description string) any {
	type item struct {
		Code        int    `json:"code"`
		Message     string `json:"message"`
		Description string `json:"description"`
	}
	return struct {
		Errors []item `json:"errors"`
	}{[]item{{code, message, description}}}
}

// clip bounds text echoed from a request.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
