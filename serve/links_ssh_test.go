package serve

import (
	"encoding/base64"
	"testing"
	"time"

	"simdesk/config"
)

// TestLinksOverSSH: a link of the config reaches an SSH console: o then
// its key writes the OSC 52 copy and the OSC 8 hyperlink to the client's
// terminal (nothing runs on the server).
func TestLinksOverSSH(t *testing.T) {
	ts := startServer(t, time.Hour, func(o *Options, _ *fakeProv) {
		o.Links = []config.Link{{Key: "c", Name: "CRM", URL: "https://crm.example.com/n/{msisdn}?src={provider}"}}
	})
	cn := openConsole(t, ts.mustDial(ts.keys.alice), nil)
	cn.waitFirst(30 * time.Second)
	cn.typeText("/0611111111\r")
	if !cn.waitFor("BUCKET", 10*time.Second) { // the line's bucket table: the line is open
		t.Fatalf("no line:\n%q", cn.text())
	}
	cn.typeText("o")
	if !cn.waitFor("CRM", 10*time.Second) {
		t.Fatalf("no links menu:\n%q", cn.text())
	}
	cn.typeText("c")
	url := "https://crm.example.com/n/0611111111?src=fk"
	if !cn.waitFor("\x1b]52;c;"+base64.StdEncoding.EncodeToString([]byte(url)), 10*time.Second) {
		t.Fatalf("no OSC 52 copy of %s:\n%q", url, cn.text())
	}
	if !cn.waitFor("\x1b]8;;"+url, 10*time.Second) {
		t.Fatalf("no OSC 8 hyperlink to %s:\n%q", url, cn.text())
	}
}
