package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// TestLookupJSONStreamRedactsSecrets: buckets written while the answer is
// read bypass the engine's boundary, so the stream applies the same
// redactor: a provider that echoes the client secret in a bucket's name, an
// attribute and a line field shows it masked.
func TestLookupJSONStreamRedactsSecrets(t *testing.T) {
	const secret = "s3cr3t-echoed-canary"
	body := `[{"effectiveDate":"2023-01-01T00:00:00Z","description":"line ` + secret + `","bucket":[` +
		`{"id":"1","name":"bucket ` + secret + `","characteristic":[{"name":"Echo","value":"` + secret + `"}]},` +
		`{"id":"2","name":"plain"}]}]`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	env := isolated(t)
	path := filepath.Join(t.TempDir(), "echo.toml")
	cfg := fmt.Sprintf("journal = %q\n[[provider]]\nname = \"echo\"\nkind = \"tmf677-dxp\"\nbase_url = %q\nbusiness_id = \"PR\"\nclient_id = \"demo\"\nclient_secret_env = \"ECHO_SECRET\"\n",
		filepath.Join(t.TempDir(), "j.jsonl"), srv.URL+"/dxp-ux/v1")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env["SIMDESK_CONFIG"] = path
	env["ECHO_SECRET"] = secret
	code, out, errs := run(t, env, "", "lookup", "--format", "json", "--provider", "echo", "S-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out+errs, secret) {
		t.Fatalf("the secret leaked:\n%s", out)
	}
	var doc lookupJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Results[0].Lines[0].Buckets) != 2 {
		t.Fatalf("%v: %s", err, out)
	}
	if b := doc.Results[0].Lines[0].Buckets[0]; !strings.HasPrefix(b.Name, "bucket ") || b.Attributes.Value("Echo") == "" || !strings.HasPrefix(doc.Results[0].Lines[0].Description, "line ") {
		t.Fatalf("masked fields lost: %+v", b)
	}
}
