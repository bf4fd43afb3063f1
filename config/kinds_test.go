package config

import (
	"strings"
	"testing"
	"time"

	_ "simdesk/providers/all" // the kinds config validates against
)

// tmf654Config is a minimal valid TMF654 provider.
const tmf654Config = `[[provider]]
name = "lla-topup"
kind = "tmf654"
base_url = "https://host/tmf-api/prepayBalanceManagement/v4"
client_id = "c"
client_secret_env = "S"
max_amount = 100
`

// TestTMF654Keys: the kind's keys come from the registry, with its defaults
// and checks, and the keys of other kinds are refused.
func TestTMF654Keys(t *testing.T) {
	env := testEnv(map[string]string{"S": "s3cret"})
	c, err := Parse("", []byte(tmf654Config), env)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers[0]
	if p.Kind != "tmf654" || p.Values["currency"] != "USD" || p.Values["usage_type"] != "monetary" || p.Values["channel"] != "simdesk" || p.Values["max_amount"] != 100.0 {
		t.Errorf("values %v", p.Values)
	}
	if a, _ := p.Values["amounts"].([]float64); len(a) != 4 || a[0] != 5 || a[3] != 50 {
		t.Errorf("default amounts %v", p.Values["amounts"])
	}
	if s := p.Settings(); s.Number("max_amount") != 100 || s.Text("currency") != "USD" || s.Timeout != 10*time.Second {
		t.Errorf("settings %+v", s)
	}
	full := tmf654Config + "currency = \"JMD\"\namounts = [100, 250.5]\nusage_type = \"monetary\"\nchannel = \"ivr\"\ntoken_url = \"https://host/oauth/token\"\n"
	c, err = Parse("", []byte(full), env)
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Providers[0].Values; v["currency"] != "JMD" || v["channel"] != "ivr" || v["token_url"] != "https://host/oauth/token" {
		t.Errorf("values %v", v)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"missing max_amount", strings.Replace(tmf654Config, "max_amount = 100\n", "", 1), "1: max_amount: missing: required for kind tmf654"},
		{"zero max_amount", strings.Replace(tmf654Config, "= 100", "= 0", 1), "7: max_amount: must be a positive amount"},
		{"string max_amount", strings.Replace(tmf654Config, "= 100", `= "100"`, 1), "7: max_amount: must be a number, not a string"},
		{"bad currency", tmf654Config + "currency = \"usd\"\n", "8: currency: \"usd\" must be an ISO 4217 code"},
		{"amounts not numbers", tmf654Config + "amounts = [5, \"x\"]\n", "8: amounts: must be an array of numbers, but holds a string"},
		{"negative preset", tmf654Config + "amounts = [5, -1]\n", "8: amounts: -1 is not a positive amount"},
		{"bad usage_type", tmf654Config + "usage_type = \"money\"\n", "8: usage_type: \"money\" must be a TMF654 usage type"},
		{"key of another kind", tmf654Config + "business_id = \"PR\"\n", "8: business_id: does not apply to kind tmf654"},
		{"tmf654 key on dxp", strings.Replace(strings.Replace(tmf654Config, "tmf654", "tmf677-dxp", 1), "max_amount = 100", "business_id = \"PR\"\nmax_amount = 100", 1), "8: max_amount: does not apply to kind tmf677-dxp"},
	} {
		_, err := Parse("cfg.toml", []byte(tc.text), env)
		if err == nil || !strings.Contains(err.Error(), "cfg.toml:"+tc.want) {
			t.Errorf("%s: got %v, want …%s", tc.name, err, tc.want)
		}
	}
}
