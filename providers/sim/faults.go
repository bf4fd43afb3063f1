package sim

import (
	"net/http"
	"strings"

	"simdesk/seeds"
)

// fault is one injected failure; the mix is what real gateways produce: an
// application error envelope, a proxy's HTML page and a throttled 503.
type fault int

const (
	noFault fault = iota
	fault500
	fault502
	fault503
)

// pickFault draws whether this call fails, from the seeded generator, so a
// given seed and call sequence always fails the same calls.
func (s *Server) pickFault() fault {
	if s.opts.ErrorRate <= 0 {
		return noFault
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faultRand.Float64() >= s.opts.ErrorRate {
		return noFault
	}
	return fault500 + fault(s.faultRand.IntN(3))
}

// badGatewayPage is what an nginx in front of an API answers when the
// upstream is down: HTML where the client expects JSON.
const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// writeFault answers with the failure in the dialect of the API called: the
// seeds' LLA envelopes on /lla, Orange's flat envelope elsewhere, the OAuth
// error shape on the token endpoint.
func (s *Server) writeFault(rep *reply, r *http.Request, f fault) {
	lla := strings.HasPrefix(r.URL.Path, "/lla/")
	token := r.URL.Path == OrangeTokenPath
	switch f {
	case fault502:
		rep.raw(http.StatusBadGateway, "text/html", []byte(badGatewayPage))
	case fault503:
		rep.header.Set("Retry-After", "1")
		switch {
		case lla:
			rep.raw(http.StatusServiceUnavailable, "application/json", seeds.MustRead("cvp_error_503.json"))
		case token:
			rep.json(http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable", "error_description": "service unavailable, retry later"})
		default:
			rep.json(http.StatusServiceUnavailable, orangeErr("503", "service unavailable", "the service is temporarily unavailable, retry later"))
		}
	default:
		switch {
		case lla:
			rep.raw(http.StatusInternalServerError, "application/json", seeds.MustRead("cvp_error_500.json"))
		case token:
			rep.json(http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "internal error"})
		default:
			rep.json(http.StatusInternalServerError, orangeErr("500", "internal server error", "the request failed due to an internal error"))
		}
	}
}
