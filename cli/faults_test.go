package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"simdesk/providers/sim"
	"simdesk/seeds"
)

// faultServer answers /f/{fault}/… with that fault, on 127.0.0.1.
func faultServer(t *testing.T) *httptest.Server {
	t.Helper()
	good := seeds.MustRead("dxp_pr_prepaid_S-1001.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/f/"), "/", 2)
		lla := func(status int, file string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write(seeds.MustRead(file))
		}
		switch parts[0] {
		case "ok":
			w.Write(good)
		case "reset":
			hj, _ := w.(http.Hijacker)
			conn, buf, _ := hj.Hijack()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
			buf.Write(good[:500])
			buf.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			conn.Close()
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		case "400":
			lla(400, "dxp_error_400.json")
		case "401":
			lla(401, "dxp_error_401.json")
		case "403":
			w.WriteHeader(403)
			w.Write([]byte(`{"errors":[{"code":403,"message":"Forbidden","description":"client not allowed for this market"}]}`))
		case "404":
			lla(404, "dxp_error_404_subscriber.json")
		case "405":
			lla(405, "cvp_error_405_malformed.txt")
		case "429":
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
			w.Write([]byte(`{"errors":[{"code":429,"message":"Too Many Requests","description":"rate limit exceeded"}]}`))
		case "500":
			lla(500, "cvp_error_500.json")
		case "501":
			lla(501, "cvp_error_501.json")
		case "502":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"))
		case "503":
			lla(503, "cvp_error_503.json")
		case "malformed":
			w.Write([]byte(`[{"bucket": [{"id": 1, "name": }]}]`))
		case "truncated":
			w.Write(good[:len(good)/2])
		case "empty":
		case "oversized":
			w.Write([]byte(`[{"description":"`))
			chunk := []byte(strings.Repeat("x", 1<<20))
			for i := 0; i < 33; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "html200":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Login required</body></html>"))
		case "wrongtype":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("OK"))
		default:
			w.WriteHeader(418)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFaultMatrix(t *testing.T) {
	srv := faultServer(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	longLabel := strings.Repeat("a", 64) // not a valid DNS name: fails without any query
	cases := []struct {
		fault, base string
		exit        int
		kind        string
		msg         string
	}{
		{"refused", "http://" + closed + "/dxp-ux/v1", ExitProvider, "unavailable", "connection refused"},
		{"dns", "http://" + longLabel + ".example/dxp-ux/v1", ExitProvider, "unavailable", "cannot resolve"},
		{"reset", "", ExitProvider, "unavailable", ""},
		{"slow", "", ExitProvider, "timeout", "s (timeout 300ms)"},
		{"400", "", ExitProvider, "bad_request", "not properly formed"},
		{"401", "", ExitProvider, "unauthorized", "authentication"},
		{"403", "", ExitProvider, "forbidden", "not allowed"},
		{"404", "", ExitNotFound, "not_found", "Subscriber not found"},
		{"405", "", ExitProvider, "bad_request", "METHOD_NOT_ALLOWED"},
		{"429", "", ExitProvider, "rate_limited", "rate limit"},
		{"500", "", ExitProvider, "unavailable", "internal error"},
		{"501", "", ExitProvider, "not_implemented", "not implemented"},
		{"502", "", ExitProvider, "unavailable", "502 Bad Gateway"},
		{"503", "", ExitProvider, "unavailable", "service unavailable"},
		{"malformed", "", ExitProvider, "bad_response", ""},
		{"truncated", "", ExitProvider, "bad_response", ""},
		{"empty", "", ExitProvider, "bad_response", ""},
		// One 33 MiB string: the streaming decoder refuses a single value
		// past 16 MiB long before the 256 MiB body limit.
		{"oversized", "", ExitProvider, "bad_response", "longer than 16 MiB"},
		{"html200", "", ExitProvider, "bad_response", ""},
		{"wrongtype", "", ExitProvider, "bad_response", ""},
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "journal = %q\n", filepath.Join(t.TempDir(), "j.jsonl"))
	cfg.WriteString("[[provider]]\nname = \"good\"\nkind = \"tmf677-dxp\"\nbase_url = \"" + srv.URL + "/f/ok/dxp-ux/v1\"\nbusiness_id = \"PR\"\nclient_id = \"demo\"\nclient_secret_env = \"FAULT_SECRET\"\n")
	for _, c := range cases {
		base := c.base
		if base == "" {
			base = srv.URL + "/f/" + c.fault + "/dxp-ux/v1"
		}
		timeout := "300ms"
		if c.fault == "oversized" {
			timeout = "10s" // reading 16 MiB must hit the token limit, not the clock
		}
		fmt.Fprintf(&cfg, "[[provider]]\nname = %q\nkind = \"tmf677-dxp\"\nbase_url = %q\nbusiness_id = \"PR\"\nclient_id = \"demo\"\nclient_secret_env = \"FAULT_SECRET\"\ntimeout = %q\n", c.fault, base, timeout)
	}
	path := filepath.Join(t.TempDir(), "faults.toml")
	os.WriteFile(path, []byte(cfg.String()), 0o600)
	env := isolated(t)
	env["SIMDESK_CONFIG"] = path
	env["FAULT_SECRET"] = "fault-secret-canary"
	for _, c := range cases {
		t.Run(c.fault, func(t *testing.T) {
			code, out, errs := run(t, env, "", "lookup", "--provider", c.fault, "--format", "json", "S-1001")
			var doc lookupJSON
			if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Results) != 1 {
				t.Fatalf("output %q: %v", out, err)
			}
			e := doc.Results[0].Error
			if code != c.exit || e == nil || string(e.Kind) != c.kind || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("exit %d, error %+v", code, e)
			}
			if strings.Count(errs, "\n") != 1 || strings.Contains(out+errs, "fault-secret-canary") || strings.Contains(errs, "goroutine") {
				t.Fatalf("stderr %q", errs)
			}
		})
	}
	// A lookup across every pane: the good one answers, the others fail on
	// their own; exit 0 because one found the line.
	code, out, _ := run(t, env, "", "lookup", "--format", "json", "S-1001")
	var doc lookupJSON
	json.Unmarshal([]byte(out), &doc)
	if code != 0 || len(doc.Results) != len(cases)+1 || doc.Results[0].Error != nil || len(doc.Results[0].Lines) != 1 {
		t.Fatalf("all panes: exit %d, %d results", code, len(doc.Results))
	}
}

func TestOrangeTokenFaults(t *testing.T) {
	s, env := startSim(t, sim.Options{}, "")
	// Token expired mid-session: renewed once, the call succeeds.
	s.ExpireTokens()
	if code, _, errs := run(t, env, "", "lookup", "--provider", "orange", "sim:1956392841179"); code != 0 {
		t.Fatalf("after token expiry: %d %s", code, errs)
	}
	// Token endpoint down: the provider is unavailable, exit 4, nothing sent.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	b, _ := os.ReadFile(env["SIMDESK_CONFIG"])
	cfg := strings.Replace(string(b), s.URL()+"/orange/oauth/v3/token", "http://"+closed+"/oauth/v3/token", 1)
	os.WriteFile(env["SIMDESK_CONFIG"], []byte(cfg), 0o600)
	code, out, errs := run(t, env, "", "lookup", "--provider", "orange", "--format", "json", "sim:1956392841179")
	if code != ExitProvider || !strings.Contains(out, `"unavailable"`) {
		t.Fatalf("token endpoint down: %d %s %s", code, out, errs)
	}
	before := s.Requests()
	code, out, errs = run(t, env, "", "topup", "--provider", "orange", "--offer", "x", "--yes", "--format", "json", "sim:1956392841179")
	if code != ExitProvider || s.Requests() != before {
		t.Fatalf("topup with token endpoint down: %d %s %s", code, out, errs)
	}
}
