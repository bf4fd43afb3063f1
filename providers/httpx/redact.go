package httpx

import (
	"sort"
	"strings"
	"sync"
)

// Redactor replaces every registered secret (client secrets, tokens) with a
// fixed mask wherever text leaves the process: errors, logs, the screen.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// Mask is what a secret becomes.
const Mask = "[REDACTED]"

// NewRedactor returns a redactor knowing the given secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers a secret; very short strings are ignored (they would mask
// ordinary text and are no secret anyway).
func (r *Redactor) Add(secret string) {
	if r == nil || len(secret) < 4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.secrets {
		if s == secret {
			return
		}
	}
	r.secrets = append(r.secrets, secret)
	// Longest first, so a secret containing another is masked whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Redact masks every known secret in s.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Mask)
		}
	}
	return s
}
