package providers

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"simdesk/providers/httpx"
)

// KeyType is how a kind's config value is written in the TOML file.
type KeyType int

// The value types a kind's key may take.
const (
	KeyString   KeyType = iota // a non-empty single-line string
	KeyURL                     // an absolute http(s) URL, without query or credentials
	KeyInt                     // a whole number
	KeyNumber                  // a number, whole or decimal
	KeyNumbers                 // an array of numbers
	KeyDuration                // a Go duration string ("10s")
)

// Key is one config key a kind accepts beyond the common ones (name, kind,
// base_url, client_id, the client secret, timeout). Config validation reads
// it: unknown keys, keys of another kind, missing required keys, values of
// the wrong type and Check failures are all reported with file and line.
type Key struct {
	Name     string
	Type     KeyType
	Required bool
	// Default is used when the key is absent: string, int64, float64,
	// []float64 or time.Duration, matching Type.
	Default any
	// Check refuses a well-typed but wrong value; its message is shown after
	// the key (it must not echo a secret).
	Check func(v any) error
	// Doc is one line for the documentation and config.example.toml.
	Doc string
}

// Settings is one provider's validated config, as a kind's constructor
// receives it: the common fields typed, every key of the kind in Values
// (defaults applied) with the Go type of its KeyType.
type Settings struct {
	Name, Kind, BaseURL, ClientID string
	ClientSecret                  string
	Timeout                       time.Duration
	Values                        map[string]any
}

// String names the provider without any value, so that printing Settings
// (with %v or %+v) can never show the client secret.
func (s Settings) String() string { return s.Name + " (" + s.Kind + ")" }

// GoString is String, for %#v.
func (s Settings) GoString() string { return s.String() }

// Text returns a string key ("" when unset).
func (s Settings) Text(key string) string { v, _ := s.Values[key].(string); return v }

// Int returns a whole-number key (0 when unset).
func (s Settings) Int(key string) int { v, _ := s.Values[key].(int64); return int(v) }

// Number returns a number key (0 when unset).
func (s Settings) Number(key string) float64 { v, _ := s.Values[key].(float64); return v }

// Numbers returns an array-of-numbers key.
func (s Settings) Numbers(key string) []float64 { v, _ := s.Values[key].([]float64); return v }

// Duration returns a duration key (0 when unset).
func (s Settings) Duration(key string) time.Duration { v, _ := s.Values[key].(time.Duration); return v }

// Deps are what every provider shares: its HTTP client (timeout, redactor,
// logging and user agent already set) and the redactor that masks every
// secret of the process.
type Deps struct {
	HTTP     *httpx.Client
	Redactor *httpx.Redactor
}

// Demo is one provider of the built-in demo: its name, the path of its API
// below the simulator's base URL, and its kind's keys (a value that is a
// URL path starting with "/" is made absolute against the simulator).
type Demo struct {
	Name   string
	Path   string
	Values map[string]any
}

// SimSpec is how the simulator serves a kind: where, and the demo's
// providers of that kind. The handler behind Path lives in providers/sim
// (the simulator routes Path to it), because every kind's handler shares
// the simulator's state, clock, credentials and fault injection.
type SimSpec struct {
	// Path is where the simulator serves the kind's API (below its base URL).
	Path string
	// Demo lists the demo's providers of this kind, in pane order.
	Demo []Demo
}

// Kind is one provider kind: everything simdesk needs to validate its
// config, build its clients and demonstrate it. Adding a kind is a package
// plus one Kind registered in providers/all.
type Kind struct {
	Name string // the value of kind = "…"
	Doc  string // one line: what API this kind speaks
	// Keys are the kind's own config keys, beyond the common ones.
	Keys []Key
	// New builds one provider from its settings.
	New func(s Settings, d Deps) (Provider, error)
	// Sim is how the simulator serves the kind; nil when it does not.
	Sim *SimSpec
}

// Key returns the kind's key of that name.
func (k Kind) Key(name string) (Key, bool) {
	for _, key := range k.Keys {
		if key.Name == name {
			return key, true
		}
	}
	return Key{}, false
}

// Defaults returns values with every absent key of the kind at its default,
// for settings built in code (the demo) rather than read from a file.
func (k Kind) Defaults(values map[string]any) map[string]any {
	out := make(map[string]any, len(k.Keys))
	for key, v := range values {
		out[key] = v
	}
	for _, key := range k.Keys {
		if _, ok := out[key.Name]; !ok && key.Default != nil {
			out[key.Name] = key.Default
		}
	}
	return out
}

// registry holds the kinds, registered once at program start (from
// providers/all's init) and read-only afterwards, like database/sql drivers.
var registry struct {
	sync.RWMutex
	kinds []Kind
	// allKeys is AllKeys, kept up to date by Register: config reads it
	// for every provider of every file.
	allKeys []string
}

// Register adds a kind. It panics on an empty or duplicate name or a kind
// without a constructor: a programming error, caught by every test run.
func Register(k Kind) {
	registry.Lock()
	defer registry.Unlock()
	if strings.TrimSpace(k.Name) == "" || k.New == nil {
		panic("providers: a kind needs a name and a constructor")
	}
	for _, have := range registry.kinds {
		if have.Name == k.Name {
			panic("providers: kind " + k.Name + " registered twice")
		}
	}
	registry.kinds = append(registry.kinds, k)
	registry.allKeys = allKeys(registry.kinds)
}

// Kinds lists every registered kind, in registration order (the order of
// the documentation and of the demo's panes).
func Kinds() []Kind {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.kinds)
}

// KindNames lists the registered kinds' names, in registration order.
func KindNames() []string {
	ks := Kinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Name
	}
	return out
}

// LookupKind returns the registered kind of that name.
func LookupKind(name string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// AllKeys lists every kind's own keys, each once, sorted: the keys config
// knows about beyond the common ones.
func AllKeys() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.allKeys)
}

func allKeys(kinds []Kind) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range kinds {
		for _, key := range k.Keys {
			if !seen[key.Name] {
				seen[key.Name] = true
				out = append(out, key.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Build builds one provider with its kind's constructor.
func Build(s Settings, d Deps) (Provider, error) {
	k, ok := LookupKind(s.Kind)
	if !ok {
		return nil, fmt.Errorf("unknown kind %q (known: %s)", s.Kind, strings.Join(KindNames(), ", "))
	}
	s.Values = k.Defaults(s.Values)
	return k.New(s, d)
}

// DemoProvider is one provider of the demo, resolved against a simulator's
// base URL: its kind, its API's URL and its kind's keys (URL paths made
// absolute).
type DemoProvider struct {
	Name, Kind, BaseURL string
	Values              map[string]any
}

// DemoProviders lists the demo's providers of every registered kind for a
// simulator at base, in registration order.
func DemoProviders(base string) []DemoProvider {
	base = strings.TrimRight(base, "/")
	var out []DemoProvider
	for _, k := range Kinds() {
		if k.Sim == nil {
			continue
		}
		for _, d := range k.Sim.Demo {
			vals := map[string]any{}
			for key, v := range d.Values {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "/") {
					if kk, ok := k.Key(key); ok && kk.Type == KeyURL {
						v = base + s
					}
				}
				vals[key] = v
			}
			out = append(out, DemoProvider{Name: d.Name, Kind: k.Name, BaseURL: base + d.Path, Values: k.Defaults(vals)})
		}
	}
	return out
}
