package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
)

var testLinks = []config.Link{
	{Key: "c", Name: "CRM", URL: "https://crm.example.com/sims/{sim}?q={sim}&via={provider}"},
	{Key: "p", Name: "Provider portal", URL: "https://portal.example.com/tx/{transaction}"},
	{Key: "t", Name: "Ticket", URL: "https://tickets.example.com/new?journal={journal_id}"},
	{Key: "m", Name: "Number", URL: "https://numbers.example.com/{msisdn}"},
}

func withLinks(ls []config.Link) harnessOpt {
	return func(_ *engine.Options, o *Options) { o.Links = ls }
}

// clipboardOf runs cmd and returns what it copies (OSC 52).
func clipboardOf(t *testing.T, cmd tea.Cmd) string {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	msg := cmd()
	if fmt.Sprintf("%T", msg) != "tea.setClipboardMsg" {
		t.Fatalf("command gave %T, not a clipboard copy", msg)
	}
	return fmt.Sprint(msg)
}

// TestLinksFromLineGolden: o on an open line lists the links its values
// fill (the ticket needs a journal id, the number link a MSISDN: neither
// is offered); a link's key shows the escaped URL as an OSC 8 hyperlink
// and copies it through OSC 52.
func TestLinksFromLineGolden(t *testing.T) {
	h := newHarness(t, noColor(), withLinks(testLinks))
	h.search("sim:1956392841179")
	h.press("o")
	h.mustSee("Links · sim 1956392841179", "c CRM", "p Provider portal")
	if k := h.m.dialogs.top().Keys(h.m.c.keys)[0]; k.Help().Key != "c/p" || !k.Enabled() {
		t.Errorf("the menu's key hint is %+v", k.Help())
	}
	h.mustNotSee("Ticket", "Number")
	url := clipboardOf(t, h.press("c"))
	if want := "https://crm.example.com/sims/1956392841179?q=1956392841179&via=orange"; url != want {
		t.Fatalf("copied %q, want %q", url, want)
	}
	view := h.m.View().Content
	// The compositor ends OSC 8 with BEL; both terminators are standard.
	if !strings.Contains(view, "\x1b]8;;"+url+"\a"+url+"\x1b]8;;\a") {
		t.Errorf("no OSC 8 hyperlink to %s in the frame", url)
	}
	// The golden file holds the menu alone (not the screen under it, which
	// other work changes): its hyperlink and the copied URL.
	menu := h.m.dialogs.top().View(&h.m.c, 78, 20)
	golden.RequireEqual(t, []byte("clipboard: "+url+"\n"+menu+"\n"))
	h.press("esc")
	if h.m.dialogs.top() != nil {
		t.Fatal("esc left the links open")
	}
	h.clk.Advance(time.Minute) // the status message gives way to the keys
	h.m.Update(clockMsg(h.clk.Now()))
	h.mustSee("o links")
}

// TestLinkValuesEscaped: a value with spaces, slashes and query
// characters is path-escaped in the path and query-escaped in the query.
func TestLinkValuesEscaped(t *testing.T) {
	vals := map[string]string{"sim": "89 01/2?x&y#", "provider": "orange"}
	got := offerLinks(testLinks[:1], vals, false)
	if len(got) != 1 || got[0].url != "https://crm.example.com/sims/89%2001%2F2%3Fx&y%23?q=89+01%2F2%3Fx%26y%23&via=orange" {
		t.Fatalf("offered %+v", got)
	}
}

// TestLinksMaskedAndFromDetail: with identifiers masked the screen shows
// the masked URL and the clipboard gets the real one; the bucket detail
// offers the line's links.
func TestLinksMaskedAndFromDetail(t *testing.T) {
	h := newHarness(t, noColor(), masked(), withLinks(testLinks))
	h.search("sim:1956392841179")
	h.press("enter") // the first bucket's detail
	if p := h.m.activePane(); p == nil || p.view == nil || p.view.detail == nil {
		t.Fatal("no bucket detail")
	}
	h.press("o")
	url := clipboardOf(t, h.press("c"))
	if !strings.Contains(url, "1956392841179") {
		t.Fatalf("copied %q: the clipboard must get the real identifier", url)
	}
	h.mustNotSee("1956392841179")
	h.mustSee("https://crm.example.com/sims/")
}

// TestLinksFromJournal: a journal entry offers the links of its journal
// id, provider and target; o with no links configured is not taken.
func TestLinksFromJournal(t *testing.T) {
	h := newHarness(t, noColor(), withLinks(testLinks))
	_, err := h.eng.Options().Journal.Append(context.Background(), journal.Entry{
		TS: t0, JournalID: "J-42", Phase: journal.PhaseIntent, Operator: "alice", Provider: "orange",
		OfferID: "off-fr", OfferName: "Orange France 10 EUR", TargetType: string(model.MSISDN), TargetID: "+33612345678"})
	if err != nil {
		t.Fatal(err)
	}
	h.settle(h.m.runCommand("journal", ""))
	h.press("o")
	h.mustSee("Links · journal entry J-42", "t Ticket", "m Number")
	h.mustNotSee("CRM")
	if url := clipboardOf(t, h.press("m")); url != "https://numbers.example.com/+33612345678" {
		t.Fatalf("copied %q", url)
	}
	if url := clipboardOf(t, h.press("t")); url != "https://tickets.example.com/new?journal=J-42" {
		t.Fatalf("copied %q", url)
	}

	plain := newHarness(t, noColor())
	plain.search("sim:1956392841179")
	plain.press("o")
	if plain.m.dialogs.top() != nil {
		t.Fatal("o opened something without links configured")
	}
	plain.clk.Advance(time.Minute)
	plain.m.Update(clockMsg(plain.clk.Now()))
	plain.mustSee("? help")
	plain.mustNotSee("o links")
}
