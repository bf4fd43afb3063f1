package sim

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
)

// tokenLifetime is the expires_in of every token, in seconds.
const tokenLifetime = 3600

// handleToken is the OAuth 2.0 client-credentials endpoint. Credentials are
// read from HTTP Basic, or from the form as some clients send them.
func (s *Server) handleToken(rep *reply, r *http.Request) {
	if r.Method != http.MethodPost {
		rep.header.Set("Allow", http.MethodPost)
		rep.json(http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "use POST"})
		return
	}
	if r.Body != nil {
		r.Body = io.NopCloser(io.LimitReader(r.Body, 64<<10))
	}
	_ = r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !s.validCredentials(id, secret) {
		rep.header.Set("WWW-Authenticate", `Basic realm="orange-travel"`)
		rep.json(http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "client authentication failed"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		rep.json(http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"})
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	now := s.now()
	s.mu.Lock()
	if len(s.tokens) > 1000 {
		for t, exp := range s.tokens {
			if !now.Before(exp) {
				delete(s.tokens, t)
			}
		}
	}
	s.tokens[tok] = now.Add(tokenLifetime * time.Second)
	s.mu.Unlock()
	rep.header.Set("Cache-Control", "no-store")
	rep.json(http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": tokenLifetime})
}

// ExpireTokens invalidates every token issued so far, as if they had all
// reached their expiry, so tests can prove a client renews on a 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

func (s *Server) bearerOK(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return false
	}
	tok := strings.TrimSpace(h[7:])
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && now.Before(exp)
}
