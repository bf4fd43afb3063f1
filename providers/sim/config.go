package sim

import (
	"fmt"
	"strings"
)

// DemoProvider is one provider of the demo set: what a config entry needs to
// point simdesk at this simulator. The demo builds its providers from these
// directly, without writing a file.
type DemoProvider struct {
	Name, Kind, BaseURL, TokenURL, BusinessID, Lob, ChannelID, TargetSystem string
	StockLow                                                                int
}

// DemoProviders is the provider set of the demo, one pane each, for a
// simulator at baseURL: Orange, dxp PR, cvp PR and cvp JM (the CWC/BTC pool).
func DemoProviders(baseURL string) []DemoProvider {
	b := strings.TrimRight(baseURL, "/")
	return []DemoProvider{
		{Name: "orange", Kind: "orange-travel", BaseURL: b + OrangeBasePath, TokenURL: b + OrangeTokenPath, StockLow: 10},
		{Name: "dxp-pr", Kind: "tmf677-dxp", BaseURL: b + DXPBasePath, BusinessID: "PR", ChannelID: "APP", TargetSystem: "Matrixx"},
		{Name: "cvp-pr", Kind: "tmf677-cvp", BaseURL: b + CVPBasePath, BusinessID: "PR", Lob: "PREPAID", ChannelID: "ivrB2C", TargetSystem: "matrixx"},
		{Name: "cvp-jm", Kind: "tmf677-cvp", BaseURL: b + CVPBasePath, BusinessID: "JM", Lob: "PREPAID", ChannelID: "ivrB2C", TargetSystem: "matrixx"},
	}
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

// SampleLines lists the seeds' lines and a few generated ones of every
// dialect, in a stable order for a given seed.
func (s *Server) SampleLines() []SampleLine {
	out := make([]SampleLine, 0, len(s.lla.samples)+len(s.orange.samples))
	out = append(out, s.orange.samples...)
	return append(out, s.lla.samples...)
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
	cl := DemoProvider{Name: "cvp-cl", Kind: "tmf677-cvp", BaseURL: base + CVPBasePath, BusinessID: "CL", Lob: "PREPAID", ChannelID: "ivrB2C", TargetSystem: "matrixx"}
	b.WriteString("\n# The cvp gateway does not serve Chile: every lookup answers 501 (Not Implemented).\n")
	writeProvider(&b, cl, "# ")
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
	kv("token_url", p.TokenURL)
	kv("business_id", p.BusinessID)
	kv("lob", p.Lob)
	kv("channel_id", p.ChannelID)
	kv("target_system", p.TargetSystem)
	kv("client_id", ClientID)
	kv("client_secret_env", "SIMDESK_SIM_SECRET")
	kv("timeout", "10s")
	if p.StockLow > 0 {
		kv("stock_refresh", "10s")
		fmt.Fprintf(b, "%s%-17s = %d\n", prefix, "stock_low", p.StockLow)
	}
}
