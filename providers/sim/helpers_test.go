package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixedNow is the clock of every test that needs repeatable dates.
var fixedNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// start runs a simulator on 127.0.0.1 for the test's duration.
func start(t *testing.T, o Options) *Server {
	t.Helper()
	s := New(o)
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// answer is one HTTP exchange's outcome.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, a.body)
	}
	return m
}

var testClient = &http.Client{Timeout: 60 * time.Second}

func do(t *testing.T, method, u string, h map[string]string, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = []string{v} // exact names, as the LLA gateways expect
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

func dxpHeaders() map[string]string {
	return map[string]string{"client_id": ClientID, "client_secret": ClientSecret, "X-Correlation-ID": "corr-1", "channelId": "APP", "targetSystem": "Matrixx"}
}

func cvpHeaders() map[string]string {
	return map[string]string{"Client-id": ClientID, "Client-secret": ClientSecret, "X-Correlation-ID": "corr-2", "lob": "PREPAID", "channelId": "ivrB2C", "targetSystem": "matrixx"}
}

func llaURL(s *Server, base, bid, id, typ, account string) string {
	q := url.Values{"product.publicIdentifier": {id}, "product.publicIdentifierType": {typ}}
	if account != "" {
		q.Set("relatedParty.id", account)
	}
	return s.URL() + base + "/" + bid + "/usageConsumptionReport?" + q.Encode()
}

// token obtains a bearer token the way a client-credentials client does.
func token(t *testing.T, s *Server) string {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+OrangeTokenPath, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(ClientID, ClientSecret)
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&tok) != nil || tok.AccessToken == "" {
		t.Fatalf("no token: HTTP %d", resp.StatusCode)
	}
	return tok.AccessToken
}

// orange calls the Travel B2B API with a bearer token.
func orange(t *testing.T, s *Server, tok, method, path, body string) answer {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + tok}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return do(t, method, s.URL()+OrangeBasePath+path, h, body)
}

func mustStatus(t *testing.T, a answer, want int) {
	t.Helper()
	if a.status != want {
		t.Fatalf("HTTP %d, want %d: %s", a.status, want, clip(string(a.body), 500))
	}
}

func bodyEq(t *testing.T, a answer, want []byte) {
	t.Helper()
	if !bytes.Equal(a.body, want) {
		t.Fatalf("body differs from the expected bytes:\n got %s\nwant %s", clip(string(a.body), 300), clip(string(want), 300))
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func sortStrings(s []string) { sort.Strings(s) }

// testToken registers a valid bearer token without a round trip (for tests
// whose server is deliberately slow).
func (s *Server) testToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens["test-token"] = s.now().Add(time.Hour)
	return "test-token"
}
