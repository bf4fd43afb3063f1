package sim

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

var tmfCreds = map[string]string{"client_id": ClientID, "client_secret": ClientSecret}

func tmfURL(s *Server, rest string) string { return s.URL() + TMF654BasePath + rest }

// mustTMFError checks the TMF Error resource: code and reason (required by
// the spec), message and status, all strings.
func mustTMFError(t *testing.T, a answer, status int, reason string) {
	t.Helper()
	mustStatus(t, a, status)
	m := a.json(t)
	for _, k := range []string{"code", "reason", "message", "status"} {
		if v, ok := m[k].(string); !ok || v == "" {
			t.Errorf("HTTP %d: %s missing or not a string in %s", status, k, a.body)
		}
	}
	if m["reason"] != reason || m["code"] != m["status"] {
		t.Errorf("HTTP %d: %s", status, a.body)
	}
}

func topupBody(bucket, account, msisdn, desc string, amount float64) string {
	b, _ := json.Marshal(map[string]any{
		"amount": map[string]any{"amount": amount, "units": "USD"}, "usageType": "monetary",
		"bucket": map[string]string{"id": bucket}, "partyAccount": map[string]string{"id": account},
		"logicalResource": []map[string]string{{"id": msisdn}}, "channel": map[string]string{"id": "simdesk", "name": "simdesk"},
		"requestor": map[string]string{"id": "alice", "@referredType": "Individual"}, "description": desc,
	})
	return string(b)
}

// TestTMF654ErrorShapes: every error the TMF654 endpoint answers is a TMF
// Error resource, for 400, 401, 403, 404, 405, 409 and 500.
func TestTMF654ErrorShapes(t *testing.T) {
	s := start(t, Options{})
	mustTMFError(t, do(t, "GET", tmfURL(s, "/bucket"), tmfCreds, ""), 400, "Bad Request")
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, "{not json"), 400, "Bad Request")
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-9077613", "9077613", "d", -1)), 400, "Invalid amount")
	mustTMFError(t, do(t, "GET", tmfURL(s, "/bucket?logicalResource.id=9077613"), map[string]string{"client_id": ClientID, "client_secret": "nope"}, ""), 401, "Unauthorized")
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-7875550125-1", "PA-7875550125", "7875550125", "d", 5)), 403, "Forbidden")
	mustTMFError(t, do(t, "GET", tmfURL(s, "/bucket/B-none"), tmfCreds, ""), 404, "Not Found")
	mustTMFError(t, do(t, "GET", tmfURL(s, "/adjustBalance"), tmfCreds, ""), 404, "Not Found")
	a := do(t, "DELETE", tmfURL(s, "/topupBalance"), tmfCreds, "")
	mustTMFError(t, a, 405, "Method Not Allowed")
	if a.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow %q", a.header.Get("Allow"))
	}
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-2466217773-1", "PA-2466217773", "2466217773", "d", 5)), 409, "Bucket not active")
	mustStatus(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-9077613", "9077613", "dup", 5)), 201)
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-9077613", "9077613", "dup", 5)), 409, "Duplicate")
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-7875550123-1", "PA-7875550123", "7875550123", "d500", 5)), 500, "Internal Server Error")
	mustTMFError(t, do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-other", "9077613", "acct", 5)), 400, "Invalid partyAccount")
}

// TestTMF654Fixtures: buckets and top-ups carry the TMF654 v4 fields the
// spec defines, with the spec's enumerations, and lists page with
// offset/limit.
func TestTMF654Fixtures(t *testing.T) {
	spec := loadTMF654Spec(t)
	s := start(t, Options{})
	a := do(t, "GET", tmfURL(s, "/bucket?logicalResource.id=18767911940"), tmfCreds, "")
	mustStatus(t, a, 200)
	var buckets []map[string]any
	if err := json.Unmarshal(a.body, &buckets); err != nil || len(buckets) != 3 {
		t.Fatalf("%v %s", err, a.body)
	}
	for _, b := range buckets {
		checkAgainstSpec(t, spec, "Bucket", b)
	}
	if a.header.Get("X-Total-Count") != "3" {
		t.Errorf("X-Total-Count %q", a.header.Get("X-Total-Count"))
	}
	a = do(t, "GET", tmfURL(s, "/bucket?logicalResource.id=18767911940&offset=1&limit=1"), tmfCreds, "")
	if err := json.Unmarshal(a.body, &buckets); err != nil || len(buckets) != 1 || buckets[0]["id"] != "B-18767911940-2" {
		t.Errorf("page: %s", a.body)
	}
	a = do(t, "POST", tmfURL(s, "/topupBalance"), tmfCreds, topupBody("B-9077613-1", "PA-9077613", "9077613", "j-1", 10))
	mustStatus(t, a, 201)
	tb := a.json(t)
	checkAgainstSpec(t, spec, "TopupBalance", tb)
	if tb["status"] != "completed" || tb["description"] != "j-1" || !strings.HasSuffix(a.header.Get("Location"), "/topupBalance/"+tb["id"].(string)) {
		t.Errorf("topup %s", a.body)
	}
	a = do(t, "GET", tmfURL(s, "/topupBalance/"+tb["id"].(string)), tmfCreds, "")
	mustStatus(t, a, 200)
	a = do(t, "GET", tmfURL(s, "/bucket/B-9077613-1"), tmfCreds, "")
	if m := a.json(t); m["remainingValue"].(map[string]any)["amount"] != 22.5 {
		t.Errorf("balance after top-up: %s", a.body)
	}
}

type swaggerSpec struct {
	Definitions map[string]struct {
		Properties map[string]struct {
			Ref  string   `json:"$ref"`
			Type string   `json:"type"`
			Enum []string `json:"enum"`
		} `json:"properties"`
		Enum []string `json:"enum"`
	} `json:"definitions"`
}

func loadTMF654Spec(t *testing.T) swaggerSpec {
	t.Helper()
	b, err := os.ReadFile("../../../shared/specs/TMF654-PrepayBalance-v4.0.0.swagger.json")
	if err != nil {
		t.Skipf("TMF654 spec not available: %v", err)
	}
	var s swaggerSpec
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkAgainstSpec: every field is a property of the definition, with the
// JSON type the spec gives and, for enumerations, one of its values.
func checkAgainstSpec(t *testing.T, spec swaggerSpec, def string, v map[string]any) {
	t.Helper()
	d, ok := spec.Definitions[def]
	if !ok {
		t.Fatalf("no definition %s", def)
	}
	for k, val := range v {
		p, ok := d.Properties[k]
		if !ok {
			t.Errorf("%s.%s is not in the TMF654 spec", def, k)
			continue
		}
		switch {
		case p.Ref != "":
			name := p.Ref[strings.LastIndexByte(p.Ref, '/')+1:]
			if enum := spec.Definitions[name].Enum; len(enum) > 0 {
				s, _ := val.(string)
				found := false
				for _, e := range enum {
					found = found || e == s
				}
				if !found {
					t.Errorf("%s.%s = %v, not one of %v", def, k, val, enum)
				}
			} else if m, ok := val.(map[string]any); ok {
				checkAgainstSpec(t, spec, name, m)
			}
		case p.Type == "string":
			if _, ok := val.(string); !ok {
				t.Errorf("%s.%s is not a string", def, k)
			}
		case p.Type == "boolean":
			if _, ok := val.(bool); !ok {
				t.Errorf("%s.%s is not a boolean", def, k)
			}
		case p.Type == "array":
			if _, ok := val.([]any); !ok {
				t.Errorf("%s.%s is not an array", def, k)
			}
		}
	}
}
