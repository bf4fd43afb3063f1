package httpx

import (
	"encoding/base64"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Redactor replaces every registered secret (client secrets, tokens) with a
// fixed mask wherever text leaves the process: errors, logs, the screen.
type Redactor struct {
	mu    sync.Mutex // serialises Add
	state atomic.Pointer[redactState]
}

// redactState is what Redact reads: replaced whole by Add (rare, at
// start-up and on a new token), never changed in place, so Redact takes no
// lock (it runs on every string of every answer: some 400,000 for a
// 10,000-bucket line, from as many goroutines as there are lookups).
type redactState struct {
	secrets []string // longest first
	// minLen is the length of the shortest secret. grams has a bit set
	// (hashed) for the three bytes at each of the first step offsets of
	// every secret, step being minLen-2: any occurrence of a secret,
	// minLen bytes at least, covers a position that is a multiple of step
	// with three bytes of the secret from one of those offsets. So a
	// string shorter than minLen, or none of whose three bytes at 0, step,
	// 2·step, … hit a set bit, holds no secret, and is returned after a
	// pass over one position in step (9 when an 11-byte client secret is
	// the shortest form registered) instead of a search for each of the
	// (some thirty) registered forms.
	minLen, step int
	grams        [gramBits / 64]uint64
}

// gramBits is the size of the three-byte prefilter (8 KiB): with about
// thirty secrets and ten offsets of each, a sampled position hits a set bit
// once in two hundred.
const gramBits = 1 << 16

// maxStep bounds the prefilter's stride (and so the bits set per secret).
const maxStep = 16

// gram hashes the three bytes at s[i:] into the prefilter.
func gram(s string, i int) uint32 {
	x := uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16
	return (x * 2654435761) >> 16
}

// Mask is what a secret becomes.
const Mask = "[REDACTED]"

// NewRedactor returns a redactor knowing the given secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add registers secrets; very short strings are ignored (they would mask
// ordinary text and are no secret anyway). The prefilter is rebuilt once
// per call: AddBasic registers its thirty-odd forms in one call.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var known []string
	old := r.state.Load()
	if old != nil {
		known = old.secrets
	}
	added := make([]string, 0, len(known)+len(secrets))
	added = append(added, known...)
	for _, secret := range secrets {
		if len(secret) >= 4 && !slices.Contains(added, secret) {
			added = append(added, secret)
		}
	}
	if len(added) == len(known) {
		return // nothing new
	}
	st := &redactState{secrets: added}
	for _, sec := range added {
		if st.minLen == 0 || len(sec) < st.minLen {
			st.minLen = len(sec)
		}
	}
	// Longest first, so a secret containing another is masked whole.
	sort.SliceStable(st.secrets, func(i, j int) bool { return len(st.secrets[i]) > len(st.secrets[j]) })
	// The stride follows the shortest secret: the table is rebuilt (every
	// secret is at least minLen ≥ step+2 bytes, so each offset below step
	// has its three bytes).
	st.step = min(max(st.minLen-2, 1), maxStep)
	for _, sec := range st.secrets {
		for j := 0; j < st.step; j++ {
			g := gram(sec, j)
			st.grams[g/64] |= 1 << (g % 64)
		}
	}
	r.state.Store(st)
}

// minCore is the shortest base64 fragment registered for a secret seen at
// an unknown offset: shorter fragments would mask ordinary text.
const minCore = 8

// AddBasic registers every form in which HTTP Basic client credentials leave
// the process: the secret itself, base64 of "id:secret" with and without
// padding, in the standard and URL alphabets, both raw and form-escaped
// (golang.org/x/oauth2 escapes id and secret before encoding them), and the
// fragments of base64 that any text holding "id:secret" or the secret
// encodes to, whatever its alignment. A provider that echoes the
// Authorization header it received, or base64 of a blob quoting it, is
// masked as surely as one that echoes the secret.
func (r *Redactor) AddBasic(id, secret string) {
	if r == nil || secret == "" {
		return
	}
	forms := []string{secret}
	for _, pair := range []string{id + ":" + secret, url.QueryEscape(id) + ":" + url.QueryEscape(secret)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(pair)))
		}
		forms = appendBase64Cores(forms, pair)
	}
	r.Add(appendBase64Cores(forms, secret)...)
}

// AddBearer registers a bearer token and the Authorization header value
// carrying it, as handed out by a token source.
func (r *Redactor) AddBearer(token string) {
	if r == nil {
		return
	}
	if len(token) >= 4 {
		r.Add(token, "Bearer "+token)
	}
}

// addBase64Cores registers, for each of the three byte alignments at which
// s can sit inside a longer text, the run of base64 characters that depends
// on s alone: it appears in the encoding of any text containing s at that
// alignment.
func appendBase64Cores(forms []string, s string) []string {
	for k := 0; k < 3; k++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", k) + s))
		// Characters whose 6 bits mix padding bytes (front) or what
		// follows s (back) are dropped.
		front := (k*8 + 5) / 6
		back := ((k + len(s)) * 8) / 6
		if back-front < minCore {
			continue
		}
		core := enc[front:back]
		forms = append(forms, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
	}
	return forms
}

// Redact masks every known secret in s.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	st := r.state.Load()
	if st == nil || len(s) < st.minLen {
		return s // no secret registered, or shorter than every one
	}
	hit := false
	for i := 0; i+3 <= len(s); i += st.step {
		if g := gram(s, i); st.grams[g/64]&(1<<(g%64)) != 0 {
			hit = true
			break
		}
	}
	if !hit {
		return s // no secret starts anywhere in s
	}
	for _, sec := range st.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Mask)
		}
	}
	return s
}
