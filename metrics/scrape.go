package metrics

import (
	"compress/gzip"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// What promhttp.HandlerFor was given: at most maxInFlight scrapes at once
// (more are answered 503 at once), each bounded by scrapeLimit.
const (
	maxInFlight = 4
	scrapeLimit = 10 * time.Second
)

var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// metricsHandler serves the exposition as promhttp did: gzip when the
// client asks for it (Prometheus does; curl does not), name[] to pick
// families. A metric that cannot be read is left out, not the scrape.
func (m *Metrics) metricsHandler() http.Handler {
	sem := make(chan struct{}, maxInFlight)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
		default:
			http.Error(w, fmt.Sprintf("Limit of concurrent requests reached (%d), try again later.", maxInFlight), http.StatusServiceUnavailable)
			return
		}
		var only map[string]bool
		if names := r.URL.Query()["name[]"]; len(names) > 0 {
			only = make(map[string]bool, len(names))
			for _, n := range names {
				only[n] = true
			}
		}
		body := m.exposition(only)
		w.Header().Set("Content-Type", contentType)
		w.Header().Add("Vary", "Accept-Encoding")
		if !wantsGzip(r.Header.Get("Accept-Encoding")) {
			w.Write(body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(w)
		gz.Write(body)
		gz.Close()
		gzipPool.Put(gz)
	})
	return http.TimeoutHandler(h, scrapeLimit, fmt.Sprintf("Exceeded configured timeout of %v.\n", scrapeLimit))
}

// wantsGzip negotiates Accept-Encoding between identity and gzip as
// promhttp does: the offer with the highest q wins, identity on a tie, and
// a gzip;q=0 is no gzip.
func wantsGzip(accept string) bool {
	bestQ, gz := -1.0, false
	for _, offer := range []string{"identity", "gzip"} {
		for _, spec := range strings.Split(accept, ",") {
			value, params, _ := strings.Cut(spec, ";")
			value = strings.ToLower(strings.TrimSpace(value))
			if value != "*" && value != offer {
				continue
			}
			if q := qValue(params); q > bestQ {
				bestQ, gz = q, offer == "gzip"
			}
		}
	}
	return gz && bestQ > 0
}

// qValue reads a q= parameter (1 without one; a malformed one counts 0).
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || q < 0 || q > 1 {
				return 0
			}
			return q
		}
	}
	return 1
}
