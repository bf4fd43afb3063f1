package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/providers/httpx"
	"simdesk/providers/tmf677"
	"simdesk/seeds"
)

// TestFaultsStayInTheirPane puts one healthy dxp provider beside providers
// that each meet one fault, all real tmf677 clients over loopback HTTP: the
// healthy pane shows the line, every other pane its own clear message.
func TestFaultsStayInTheirPane(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
		switch fault {
		case "ok":
			w.Write(seeds.MustRead("dxp_pr_prepaid_S-1001.json"))
		case "e401":
			w.WriteHeader(401)
			w.Write(seeds.MustRead("dxp_error_401.json"))
		case "e404":
			w.WriteHeader(404)
			w.Write(seeds.MustRead("dxp_error_404_subscriber.json"))
		case "e501":
			w.WriteHeader(501)
			w.Write(seeds.MustRead("cvp_error_501.json"))
		case "e502":
			w.WriteHeader(502)
			w.Write([]byte("<html><head><title>502 Bad Gateway</title></head></html>"))
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		case "broken":
			w.Write([]byte(`[{"bucket": [`))
		case "echo": // a gateway that echoes the credentials it refused
			w.WriteHeader(401)
			w.Write([]byte(`{"errors":[{"code":401,"message":"bad client_secret ` + r.Header.Get("client_secret") + `"}]}`))
		}
	}))
	defer srv.Close()
	want := map[string]string{
		"ok":     "Included Data - Prepaid",
		"e401":   "credentials refused",
		"e404":   "not found: Subscriber not found",
		"e501":   "not offered for this market",
		"e502":   "502 Bad Gateway",
		"slow":   "timed out",
		"broken": "unreadable answer from provider",
		"echo":   "bad client_secret [REDACTED]",
	}
	order := []string{"ok", "e401", "e404", "e501", "e502", "slow", "broken", "echo"}
	clk := &testClock{t: t0}
	j, err := journal.Open(t.TempDir() + "/j.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var regs []engine.Registered
	for _, name := range order {
		hc := httpx.New(name, 200*time.Millisecond, nil)
		hc.Retries = 0
		c, err := tmf677.New(tmf677.Options{Name: name, Kind: tmf677.KindDXP, BaseURL: srv.URL + "/" + name + "/dxp-ux/v1",
			BusinessID: "PR", ChannelID: "APP", TargetSystem: "Matrixx", ClientID: "demo", ClientSecret: "CANARY-ui-secret", HTTP: hc})
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, engine.Registered{Provider: c, StockRefresh: time.Hour})
	}
	eng := engine.New(engine.Options{Operator: "alice", Environment: "demo", Journal: j, Now: clk.Now}, regs...)
	m := New(Options{Engine: eng, Demo: true, Now: clk.Now})
	m.after = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return fn(clk.Now()) }
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	h := &harness{t: t, m: m, clk: clk, eng: eng}
	h.search("S-1001")
	for _, name := range order[1:] {
		if name != "e404" && eng.Health(name).State != "degraded" {
			t.Errorf("%s: health %q after a failure", name, eng.Health(name).State)
		}
	}
	h.mustSee("e502 !")
	for i, name := range order {
		h.press(string(rune('1' + i)))
		h.mustSee(want[name])
		if strings.Contains(h.screen(), "goroutine") || strings.Contains(h.screen(), "panic") {
			t.Fatalf("%s: a stack trace on screen", name)
		}
		h.press("y") // the copy of the view goes through the same text
		if strings.Contains(h.screen(), "CANARY-ui-secret") {
			t.Fatalf("%s: the secret is on screen", name)
		}
	}
}
