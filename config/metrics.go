package config

import (
	"net"
	"strconv"
	"strings"
)

// metricsListen reads [serve] metrics_listen: a host:port to serve the
// metrics on ("127.0.0.1:9464"), or absent for none. A port of 0 is refused:
// a monitoring system must know where to scrape.
func metricsListen(t *table) string {
	v, ok := t.str("metrics_listen")
	if !ok {
		return ""
	}
	host, port, err := net.SplitHostPort(strings.TrimSpace(v))
	n, perr := strconv.Atoi(port)
	switch {
	case err != nil:
		t.bad("metrics_listen", "must be an address such as \"127.0.0.1:9464\", not %q", clipValue(v))
	case perr != nil || n < 1 || n > 65535:
		t.bad("metrics_listen", "must end with a port from 1 to 65535, not %q", clipValue(v))
	case strings.ContainsAny(host, " \t/"):
		t.bad("metrics_listen", "must be an address such as \"127.0.0.1:9464\", not %q", clipValue(v))
	default:
		return strings.TrimSpace(v)
	}
	return ""
}
