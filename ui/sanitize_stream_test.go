package ui

import (
	"strings"
	"testing"

	"simdesk/engine"
	"simdesk/model"
)

// TestStreamedAnswerIsSanitisedOnce: the buckets of a streamed answer are
// sanitised as they stream in, and sanitizeMsg then makes the line's own
// fields safe without scanning or copying the buckets again (they are the
// sink's, shared); a line that did not stream is sanitised whole as before.
func TestStreamedAnswerIsSanitisedOnce(t *testing.T) {
	const evil = "\x1b]0;owned\a\x1b[31mred\u202e"
	sink := newStreamSink(model.Identifier{Type: model.Subscription, Value: "S-1"})
	for range 3 {
		sink.Bucket(0, &model.Bucket{ID: "b", Name: evil, Attributes: model.Attrs{{Name: "k", Value: evil}}})
	}
	sink.Line(0, nil)
	res := engine.Result{Provider: "dxp-pr", Lines: []model.Line{{ID: "S-1", Description: evil}, {ID: "other", Description: evil,
		Buckets: []model.Bucket{{ID: "x", Name: evil}}}}}
	streamed := sink.fill(&res)
	if len(streamed) != 2 || !streamed[0] || streamed[1] {
		t.Fatalf("streamed lines %v, want only the first", streamed)
	}
	m := sanitizeMsg(lookupMsg{pane: "dxp-pr", res: res, streamed: streamed}).(lookupMsg)
	first, second := m.res.Lines[0], m.res.Lines[1]
	for _, s := range []string{first.Description, first.Buckets[0].Name, first.Buckets[2].Attributes[0].Value, second.Description, second.Buckets[0].Name} {
		if strings.ContainsAny(s, "\x1b\a\u202e") {
			t.Fatalf("unsanitised text reached the console: %q", s)
		}
	}
	if &first.Buckets[0] != &sink.byLine[0][0] {
		t.Fatal("the streamed buckets were copied (scanned and rewritten a second time)")
	}
	if res.Lines[0].Description != evil || res.Lines[1].Buckets[0].Name != evil {
		t.Fatal("sanitising wrote into the engine's result")
	}
}

// FuzzStreamedLineSanitised: whatever text a provider puts in a streamed
// line's own fields or its buckets, every string of the answer sanitizeMsg
// hands on shows on a terminal as it is (isClean).
func FuzzStreamedLineSanitised(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "\x9b31m", "a\u202eb", "\xff\xfe", "tab\there", "\x1b]8;;http://x\x07link"} {
		f.Add(s, s+"2")
	}
	f.Fuzz(func(t *testing.T, head, body string) {
		sink := newStreamSink(model.Identifier{Type: model.MSISDN, Value: "1"})
		sink.Bucket(0, &model.Bucket{ID: body, Name: body, Description: body, Attributes: model.Attrs{{Name: "n", Value: body}},
			Periods: []model.Period{{Attributes: model.Attrs{{Name: body, Value: body}}}}, Counters: []model.Counter{{Name: body, Text: body}}})
		res := engine.Result{Lines: []model.Line{{ID: head, Description: head, OfferName: head, Dialect: head}}}
		m := sanitizeMsg(lookupMsg{res: res, streamed: sink.fill(&res)}).(lookupMsg)
		for i := range m.res.Lines {
			if !m.res.Lines[i].EachText(isClean) {
				t.Fatalf("unsanitised text in %+v", m.res.Lines[i])
			}
		}
	})
}
