package httpx

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// TestRedactorKnowsEveryCredentialForm: the secret, base64 of id:secret in
// every alphabet with and without padding (raw and as x/oauth2 escapes it),
// the bearer token and the Authorization header value, and the same inside a
// base64 blob at any alignment, all come out masked.
func TestRedactorKnowsEveryCredentialForm(t *testing.T) {
	const id, secret, token = "simdesk client", "s3cr3t/+va=lue?", "eyJhbGciOi.tok-123"
	r := NewRedactor()
	r.AddBasic(id, secret)
	r.AddBearer(token)
	pair := id + ":" + secret
	escaped := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	forms := []string{
		secret,
		"Basic " + base64.StdEncoding.EncodeToString([]byte(pair)),
		base64.RawStdEncoding.EncodeToString([]byte(pair)),
		base64.URLEncoding.EncodeToString([]byte(pair)),
		base64.StdEncoding.EncodeToString([]byte(escaped)),
		base64.RawURLEncoding.EncodeToString([]byte(escaped)),
		"Bearer " + token,
		token,
	}
	for k := 0; k < 3; k++ {
		blob := strings.Repeat("x", k) + `{"header":"` + secret + `"}`
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(blob)))
		forms = append(forms, base64.RawURLEncoding.EncodeToString([]byte(blob)))
	}
	for _, f := range forms {
		got := r.Redact("provider said: " + f + " (sic)")
		if !strings.Contains(got, Mask) || strings.Contains(got, secret) || strings.Contains(got, token) ||
			strings.Contains(got, base64.RawStdEncoding.EncodeToString([]byte(pair))) {
			t.Errorf("form %q came out as %q", f, got)
		}
	}
	if got := r.Redact("nothing to hide here"); got != "nothing to hide here" {
		t.Errorf("ordinary text changed: %q", got)
	}
}

// FuzzRedact: whatever text surrounds a registered secret, token or Basic
// credential, the output never contains it, and Redact never panics.
func FuzzRedact(f *testing.F) {
	f.Add("prefix ", " suffix", "client", "s3cr3t-value", "tok-abcdef", uint8(0))
	f.Add("", "", "a", "abcd", "abcd", uint8(1))
	f.Add("[REDACTED", "]", "id", "REDACTED", "Basic", uint8(2))
	f.Fuzz(func(t *testing.T, pre, post, id, secret, token string, form uint8) {
		if len(secret) < 4 || len(token) < 4 || len(pre)+len(post) > 4096 || len(id)+len(secret)+len(token) > 512 {
			t.Skip()
		}
		r := NewRedactor()
		r.AddBasic(id, secret)
		r.AddBearer(token)
		var in string
		switch form % 4 {
		case 0:
			in = secret
		case 1:
			in = token
		case 2:
			in = base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
		case 3:
			in = base64.RawStdEncoding.EncodeToString([]byte(pre + secret + post))
		}
		out := r.Redact(pre + in + post)
		// A secret may legitimately survive only where the mask itself
		// spells it (a secret that is a substring of "[REDACTED]").
		if strings.Contains(strings.ReplaceAll(out, Mask, ""), secret) && !strings.Contains(Mask, secret) &&
			!strings.Contains(pre+post, secret) {
			t.Fatalf("secret %q survives in %q", secret, out)
		}
	})
}
