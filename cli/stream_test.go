package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"simdesk/providers/sim"
)

// TestLookupJSONStreamsOneProvider: a single-provider JSON lookup streams:
// each line's buckets come first, the result's error and elapsed_ms after
// the lines; the document is one valid JSON object with the same keys and
// the same values as the classic layout a multi-provider lookup writes.
func TestLookupJSONStreamsOneProvider(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	for _, c := range []struct{ provider, id string }{{"dxp-pr", "S-1001"}, {"cvp-pr", "9077613"}, {"cvp-jm", "4933562@150015680000"}} {
		code, streamed, errs := run(t, env, "", "lookup", "--format", "json", "--provider", c.provider, c.id)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.id, code, errs)
		}
		code, classic, errs := run(t, env, "", "lookup", "--format", "json", c.id)
		if code != 0 {
			t.Fatalf("%s all providers: exit %d: %s", c.id, code, errs)
		}
		if !json.Valid([]byte(streamed)) || !strings.HasSuffix(streamed, "}\n") {
			t.Fatalf("%s: not one JSON document:\n%s", c.id, streamed)
		}
		var s, all lookupJSON
		if err := json.Unmarshal([]byte(streamed), &s); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(classic), &all); err != nil {
			t.Fatal(err)
		}
		var want *resultJSON
		for i := range all.Results {
			if all.Results[i].Provider == c.provider {
				want = &all.Results[i]
			}
		}
		if want == nil || len(s.Results) != 1 {
			t.Fatalf("%s: results %d", c.id, len(s.Results))
		}
		got := s.Results[0]
		got.ElapsedMS, want.ElapsedMS = 0, 0
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if !bytes.Equal(gj, wj) || s.Query != all.Query || got.Kind == "" {
			t.Fatalf("%s: streamed result differs:\n%s\nwant\n%s", c.id, gj, wj)
		}
		// The streamed order: buckets before the line's id, elapsed_ms last.
		if b, i := strings.Index(streamed, `"buckets": [`), strings.Index(streamed, `"id": "`+strings.Split(c.id, "@")[0]+`",`); b < 0 || i < 0 || b > strings.LastIndex(streamed, `"dialect"`) {
			t.Errorf("%s: buckets not first in the line", c.id)
		}
		if strings.Index(streamed, `"elapsed_ms"`) < strings.LastIndex(streamed, `"buckets"`) || strings.Index(streamed, `"error": null`) < strings.Index(streamed, `"lines"`) {
			t.Errorf("%s: error and elapsed_ms must follow the lines", c.id)
		}
	}
}

// TestLookupJSONStreamErrorBeforeOutput: a provider error before any bucket
// keeps the classic layout (nothing was streamed), with its exit status.
func TestLookupJSONStreamErrorBeforeOutput(t *testing.T) {
	_, env := startSim(t, sim.Options{}, "")
	code, out, _ := run(t, env, "", "lookup", "--format", "json", "--provider", "dxp-pr", "S-999999")
	if code != ExitNotFound {
		t.Fatalf("exit %d", code)
	}
	var doc lookupJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Results) != 1 || doc.Results[0].Error == nil || doc.Results[0].Lines == nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.Index(out, `"error"`) > strings.Index(out, `"lines"`) {
		t.Errorf("classic order expected when nothing streamed:\n%s", out)
	}
}
