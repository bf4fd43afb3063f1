package httpx

import (
	"strings"
	"testing"

	"simdesk/seeds"
)

// FuzzDecodeError: any error body, with any status and content type, gives a
// typed error with a one-line message and never panics.
func FuzzDecodeError(f *testing.F) {
	for _, n := range seeds.Names() {
		if strings.Contains(n, "error") {
			f.Add(404, "application/json", seeds.MustRead(n))
		}
	}
	f.Add(502, "text/html", []byte("<html><title>502 Bad Gateway</title></html>"))
	f.Add(400, "application/json", []byte(`{"code":"400","message":"bucket empty for offer x"}`))
	f.Add(401, "", []byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
	f.Add(500, "", []byte(`[{"message": 1}]`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		e := DecodeError(status, ct, body)
		if e == nil || e.Kind == "" || e.Message == "" {
			t.Fatalf("untyped or empty error: %+v", e)
		}
		if strings.ContainsAny(e.Message, "\n\r") {
			t.Fatalf("message is not one line: %q", e.Message)
		}
	})
}
