package metrics_test

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"simdesk/metrics"
)

// TestMetricsListenerHoldsBoundedConnections: the metrics listener holds at
// most metrics.MaxConns connections at once; more wait in the kernel's
// backlog, holding none of the process's descriptors. Before, every
// connection was accepted: anyone who could reach the port could hold
// thousands (each for up to ReadHeaderTimeout, or IdleTimeout after one
// request) and use up the descriptors the SSH server needs to let
// operators in. A scrape still answers once a place is free.
func TestMetricsListenerHoldsBoundedConnections(t *testing.T) {
	m := metrics.New(metrics.Options{})
	ln, err := metrics.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := m.Server(nil)
	var held, most atomic.Int32
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			n := held.Add(1)
			for o := most.Load(); n > o && !most.CompareAndSwap(o, n); o = most.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			held.Add(-1)
		}
	}
	go srv.Serve(ln)
	defer srv.Close()
	const silent = metrics.MaxConns + 40
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range silent {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i := 0; i < 100 && most.Load() < silent; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := most.Load(); got > metrics.MaxConns {
		t.Fatalf("%d silent connections: the listener held %d at once, want at most %d", silent, got, metrics.MaxConns)
	}
	// The silent ones go; a scrape is answered.
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz after the flood: %v %v", resp, err)
	}
	resp.Body.Close()
}
