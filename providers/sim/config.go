package sim

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"simdesk/model"
	"simdesk/providers"
)

// DemoProvider is one provider of the demo set: what a config entry needs to
// point simdesk at this simulator. The demo builds its providers from these
// directly, without writing a file. Values holds every key of its kind; the
// named fields repeat the ones several kinds share.
type DemoProvider struct {
	Name, Kind, BaseURL, TokenURL, BusinessID, Lob, ChannelID, TargetSystem string
	StockLow                                                                int
	Values                                                                  map[string]any
}

// DemoProviders is the provider set of the demo, one pane each, for a
// simulator at baseURL. It is read from the providers registry (each kind
// declares where the simulator serves it and its demo providers), so it is
// empty in a program that registered no kinds (import simdesk/providers/all).
func DemoProviders(baseURL string) []DemoProvider {
	var out []DemoProvider
	for _, d := range providers.DemoProviders(baseURL) {
		str := func(k string) string { v, _ := d.Values[k].(string); return v }
		low, _ := d.Values["stock_low"].(int64)
		out = append(out, DemoProvider{
			Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, TokenURL: str("token_url"), BusinessID: str("business_id"),
			Lob: str("lob"), ChannelID: str("channel_id"), TargetSystem: str("target_system"), StockLow: int(low), Values: d.Values,
		})
	}
	return out
}

// SampleLine is an identifier worth trying against the simulator, for the
// README, the help screen and `simdesk sim`.
type SampleLine struct {
	Provider string // name in DemoProviders
	Type     string // msisdn, sim, subscription or transaction
	ID       string
	Account  string // billing account (relatedParty.id) the line needs, or ""
	Shows    string // what the line demonstrates
}

// TypeAs is the line as an operator types it: ID@ACCOUNT, with the type's
// prefix (sim:…) when a bare ID would be detected as another type (a
// 13-digit Welcome Travelers SIM id reads as a MSISDN).
func (l SampleLine) TypeAs() string {
	id := l.ID
	if l.Account != "" {
		id += "@" + l.Account
	}
	if string(model.DetectType(l.ID)) != l.Type {
		prefix := map[string]string{"msisdn": "msisdn:", "sim": "sim:", "subscription": "sub:", "transaction": "trx:"}[l.Type]
		id = prefix + id
	}
	return id
}

// SampleLines lists the seeds' lines and a few generated ones of every
// dialect, in a stable order for a given seed.
func (s *Server) SampleLines() []SampleLine {
	out := make([]SampleLine, 0, len(s.lla.samples)+len(s.orange.samples)+len(s.tmf.samples))
	out = append(out, s.orange.samples...)
	out = append(out, s.lla.samples...)
	return append(out, s.tmf.samples...)
}

// ConfigTOML is a complete simdesk config file pointing at this simulator,
// which `simdesk sim` prints; the secret is read from SIMDESK_SIM_SECRET so
// the file itself holds none.
func (s *Server) ConfigTOML() string {
	base := s.URL()
	if base == "" {
		base = "http://127.0.0.1:8765"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# simdesk config for the simulator at %s (DEMO data, not a real provider).\n", base)
	b.WriteString("# Before use:  export SIMDESK_SIM_SECRET=" + ClientSecret + "\n")
	b.WriteString("operator = \"demo\"\nreadonly = false\n")
	for _, p := range DemoProviders(base) {
		writeProvider(&b, p, "")
	}
	for _, p := range DemoProviders(base) {
		if p.BusinessID == "JM" && p.BaseURL == base+CVPBasePath {
			cl := p
			cl.Name, cl.BusinessID = "cvp-cl", "CL"
			cl.Values = maps.Clone(p.Values)
			cl.Values["business_id"] = "CL"
			b.WriteString("\n# The cvp gateway does not serve Chile: every lookup answers 501 (Not Implemented).\n")
			writeProvider(&b, cl, "# ")
			break
		}
	}
	return b.String()
}

func writeProvider(b *strings.Builder, p DemoProvider, prefix string) {
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(b, "%s%-17s = %q\n", prefix, k, v)
		}
	}
	fmt.Fprintf(b, "\n%s[[provider]]\n", prefix)
	kv("name", p.Name)
	kv("kind", p.Kind)
	kv("base_url", p.BaseURL)
	keys := make([]string, 0, len(p.Values))
	for k := range p.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := p.Values[k].(type) {
		case string:
			kv(k, v)
		case int64:
			fmt.Fprintf(b, "%s%-17s = %d\n", prefix, k, v)
		case float64:
			fmt.Fprintf(b, "%s%-17s = %s\n", prefix, k, strconv.FormatFloat(v, 'f', -1, 64))
		case []float64:
			parts := make([]string, len(v))
			for i, f := range v {
				parts[i] = strconv.FormatFloat(f, 'f', -1, 64)
			}
			fmt.Fprintf(b, "%s%-17s = [%s]\n", prefix, k, strings.Join(parts, ", "))
		case time.Duration:
			kv(k, v.String())
		}
	}
	kv("client_id", ClientID)
	kv("client_secret_env", "SIMDESK_SIM_SECRET")
	kv("timeout", "10s")
}
