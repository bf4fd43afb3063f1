package all

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"simdesk/config"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/providers/sim"
)

func startSim(t *testing.T) *sim.Server {
	t.Helper()
	s := sim.New(sim.Options{})
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestRegistry: every kind is registered once, with a constructor, and the
// registry is the one list config and the demo read.
func TestRegistry(t *testing.T) {
	names := providers.KindNames()
	if strings.Join(names, ",") != "orange-travel,tmf677-dxp,tmf677-cvp,tmf654" {
		t.Fatalf("kinds %v", names)
	}
	for _, k := range providers.Kinds() {
		if k.New == nil || k.Sim == nil || len(k.Sim.Demo) == 0 || k.Doc == "" {
			t.Errorf("%s: incomplete registration", k.Name)
		}
		for _, key := range k.Keys {
			if key.Required && key.Default != nil {
				t.Errorf("%s.%s: required with a default", k.Name, key.Name)
			}
		}
	}
	if _, ok := providers.LookupKind("tmf654"); !ok {
		t.Error("tmf654 not found")
	}
	if _, err := providers.Build(providers.Settings{Name: "x", Kind: "nope"}, providers.Deps{}); err == nil || !strings.Contains(err.Error(), "tmf654") {
		t.Errorf("unknown kind: %v", err)
	}
}

// TestDemoBuildsEveryKind: each demo provider validates as config and builds
// with its kind's constructor, and answers a lookup of a sample line.
func TestDemoBuildsEveryKind(t *testing.T) {
	s := startSim(t)
	demo := providers.DemoProviders(s.URL())
	kinds := map[string]bool{}
	for _, d := range demo {
		kinds[d.Kind] = true
		p := config.Provider{Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, Values: d.Values, ClientID: sim.ClientID, ClientSecret: config.Secret(sim.ClientSecret)}.WithDefaults()
		prov, err := providers.Build(p.Settings(), providers.Deps{HTTP: httpx.New(d.Name, 0, nil)})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if prov.Name() != d.Name || prov.Kind() != d.Kind {
			t.Errorf("%s: built %s/%s", d.Name, prov.Name(), prov.Kind())
		}
	}
	if len(kinds) != len(providers.Kinds()) {
		t.Errorf("demo covers kinds %v", kinds)
	}
}

// TestConfigTOMLPointsAtTheSimulator: the config `simdesk sim` prints names
// every demo provider with its kind's keys, parses as a simdesk config, and
// every sample line belongs to a demo provider.
func TestConfigTOMLPointsAtTheSimulator(t *testing.T) {
	s := startSim(t)
	text := s.ConfigTOML()
	var cfg struct {
		Operator string
		Readonly bool
		Provider []map[string]any
	}
	md, err := toml.Decode(text, &cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if und := md.Undecoded(); len(und) != 0 {
		t.Errorf("keys outside operator/readonly/provider: %v", und)
	}
	if cfg.Operator == "" || cfg.Readonly {
		t.Errorf("operator %q readonly %v", cfg.Operator, cfg.Readonly)
	}
	demo := sim.DemoProviders(s.URL())
	if len(cfg.Provider) != len(demo) || len(demo) != 5 {
		t.Fatalf("%d providers, want %d (5)", len(cfg.Provider), len(demo))
	}
	for i, p := range demo {
		c := cfg.Provider[i]
		for k, v := range map[string]string{"name": p.Name, "kind": p.Kind, "base_url": p.BaseURL, "client_id": sim.ClientID, "client_secret_env": "SIMDESK_SIM_SECRET"} {
			if c[k] != v {
				t.Errorf("provider %d: %s = %v, want %q", i, k, c[k], v)
			}
		}
		if p.BusinessID != "" && c["business_id"] != p.BusinessID {
			t.Errorf("%s business_id %v", p.Name, c["business_id"])
		}
		if _, has := c["client_secret"]; has {
			t.Errorf("%s: literal secret in the config", p.Name)
		}
	}
	if !strings.Contains(text, "export SIMDESK_SIM_SECRET=demo-secret") || !strings.Contains(text, `# business_id       = "CL"`) || !strings.Contains(text, `max_amount        = 100`) {
		t.Errorf("config:\n%s", text)
	}
	parsed, err := config.Parse("", []byte(text), func(k string) string {
		if k == "SIMDESK_SIM_SECRET" {
			return sim.ClientSecret
		}
		return ""
	})
	if err != nil {
		t.Fatalf("the printed config does not validate:\n%v", err)
	}
	if tp, ok := parsed.Provider("lla-topup"); !ok || tp.Kind != "tmf654" || tp.Values["max_amount"] != 100.0 {
		t.Errorf("lla-topup: %+v", tp)
	}
	names := map[string]bool{}
	for _, p := range demo {
		names[p.Name] = true
	}
	for _, l := range s.SampleLines() {
		if !names[l.Provider] {
			t.Errorf("sample %s names provider %q outside the demo set", l.ID, l.Provider)
		}
	}
}

// TestSettingsNeverPrintTheSecret: however Settings are printed, the client
// secret is not in the text.
func TestSettingsNeverPrintTheSecret(t *testing.T) {
	s := providers.Settings{Name: "p", Kind: "tmf654", ClientSecret: "very-secret-value"}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(f, s); strings.Contains(out, "very-secret-value") {
			t.Errorf("%s: %s", f, out)
		}
	}
}

// legacyReconciler is the contract that went: a provider deciding an
// attempt's outcome itself, from a "claimed" set it was never given.
type legacyReconciler interface {
	Reconcile(ctx context.Context, req model.TopupRequest, claimed map[string]bool) (model.TopupResult, error)
}

// TestEveryTopupKindReconcilesThroughOneContract: every demo provider that
// tops up (by offer or by amount) lists candidates through
// providers.Reconciler, answers the simulator with none for an attempt that
// never reached it (the engine alone concludes not_found), and none keeps
// a decide-it-yourself Reconcile.
func TestEveryTopupKindReconcilesThroughOneContract(t *testing.T) {
	s := startSim(t)
	toppers := map[string]bool{}
	for _, d := range providers.DemoProviders(s.URL()) {
		p := config.Provider{Name: d.Name, Kind: d.Kind, BaseURL: d.BaseURL, Values: d.Values, ClientID: sim.ClientID, ClientSecret: config.Secret(sim.ClientSecret)}.WithDefaults()
		prov, err := providers.Build(p.Settings(), providers.Deps{HTTP: httpx.New(d.Name, 0, nil)})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if _, ok := prov.(legacyReconciler); ok {
			t.Errorf("%s (%s) still decides outcomes itself", d.Name, d.Kind)
		}
		if !providers.CapabilitiesOf(prov).TopsUp() {
			continue
		}
		rc, ok := providers.AsReconciler(prov)
		if !ok {
			t.Errorf("%s (%s) tops up but cannot reconcile", d.Name, d.Kind)
			continue
		}
		toppers[d.Kind] = true
		now := time.Now()
		req := model.TopupRequest{JournalID: "20261205T000000.000000Z-000000000000", Offer: model.Offer{ID: "no-such-offer"},
			Target: model.Identifier{Type: model.MSISDN, Value: "9077613"}, Operator: "alice", Since: now}
		got, complete, err := rc.Candidates(context.Background(), req, now.Add(-2*time.Minute), now.Add(2*time.Minute))
		if err != nil || !complete || len(got) != 0 {
			t.Errorf("%s (%s): candidates %+v, complete %v, %v", d.Name, d.Kind, got, complete, err)
		}
		if ref := rc.Reference(req); ref == "" || !rc.OwnsReference(ref) {
			t.Errorf("%s (%s): reference %q of our own not recognised", d.Name, d.Kind, ref)
		}
	}
	if !toppers["orange-travel"] || !toppers["tmf654"] {
		t.Errorf("topping-up kinds checked: %v", toppers)
	}
}
