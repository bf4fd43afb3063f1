// Package all is the registry's one table: every provider kind simdesk
// speaks, with its config keys, its constructor and how the simulator and
// the demo serve it. Importing it (the cli does) registers them all; adding
// a kind is its package plus one entry here.
package all

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/orange"
	"simdesk/providers/sim"
	"simdesk/providers/tmf654"
	"simdesk/providers/tmf677"
	"simdesk/topup"
)

func init() {
	for _, k := range Table() {
		providers.Register(k)
	}
}

// validBusinessID: 1 to 16 ASCII letters and digits (it goes into the
// request's path).
func validBusinessID(s string) bool {
	if len(s) == 0 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !model.IsAlnum(s[i]) {
			return false
		}
	}
	return true
}

// validCVPMarket: a market code of 2 capital letters.
func validCVPMarket(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// clip keeps a value short enough to quote in a config message.
func clip(s string) string { return model.OneLine(s, 40) }

func businessID(v any) error {
	if s, _ := v.(string); !validBusinessID(s) {
		return fmt.Errorf("%q must be letters and digits only", clip(s))
	}
	return nil
}

func cvpMarket(v any) error {
	if s, _ := v.(string); !validCVPMarket(s) {
		return fmt.Errorf("%q must be a market code of 2 capital letters (JM, PA, PR, CL, CR …)", clip(s))
	}
	return nil
}

func atLeastSecond(v any) error {
	if d, _ := v.(time.Duration); d < time.Second {
		return errors.New("must be at least 1s (it polls the provider)")
	}
	return nil
}

func stockLow(v any) error {
	if n, _ := v.(int64); n < 0 || n > 1<<31-1 {
		return fmt.Errorf("must be zero or more, not %d", n)
	}
	return nil
}

func maxScan(v any) error {
	if n, _ := v.(int64); n < 1 || n > 1_000_000 {
		return fmt.Errorf("must be between 1 and 1000000, not %d", n)
	}
	return nil
}

func currency(v any) error {
	if s, _ := v.(string); !topup.ValidCurrency(s) {
		return fmt.Errorf("%q must be an ISO 4217 code in capitals (USD, JMD …)", clip(s))
	}
	return nil
}

func positiveAmount(v any) error {
	if f, _ := v.(float64); !(f > 0) || f > 1e9 {
		return errors.New("must be a positive amount")
	}
	return nil
}

func presetAmounts(v any) error {
	fs, _ := v.([]float64)
	if len(fs) > 9 {
		return errors.New("at most 9 preset amounts (one key each in the console)")
	}
	for _, f := range fs {
		if !(f > 0) || f > 1e9 {
			return fmt.Errorf("%v is not a positive amount", f)
		}
	}
	return nil
}

func usageType(v any) error {
	switch s, _ := v.(string); s {
	case "monetary", "voice", "data", "sms", "other":
		return nil
	default:
		return fmt.Errorf("%q must be a TMF654 usage type: monetary, voice, data, sms or other", clip(s))
	}
}

// tmf677Keys are the keys of both LLA TMF677 kinds; the cvp gateway adds lob
// and allows only 2-letter markets.
func tmf677Keys(channel, target string, cvp bool) []providers.Key {
	bid := providers.Key{Name: "business_id", Type: providers.KeyString, Required: true, Check: businessID, Doc: "the market in the path (PR, JM …)"}
	if cvp {
		bid.Check = cvpMarket
	}
	keys := []providers.Key{
		bid,
		{Name: "channel_id", Type: providers.KeyString, Default: channel, Doc: "channelId header"},
		{Name: "target_system", Type: providers.KeyString, Default: target, Doc: "targetSystem header"},
	}
	if cvp {
		keys = append(keys, providers.Key{Name: "lob", Type: providers.KeyString, Required: true, Doc: "line of business header (PREPAID, POSTPAID …)"})
	}
	return keys
}

func newTMF677(s providers.Settings, d providers.Deps) (providers.Provider, error) {
	return tmf677.New(tmf677.Options{
		Name: s.Name, Kind: s.Kind, BaseURL: s.BaseURL,
		BusinessID: s.Text("business_id"), ChannelID: s.Text("channel_id"), TargetSystem: s.Text("target_system"), Lob: s.Text("lob"),
		ClientID: s.ClientID, ClientSecret: s.ClientSecret, HTTP: d.HTTP,
	})
}

// Table is every kind, in the order of the documentation and the demo.
func Table() []providers.Kind {
	return []providers.Kind{
		{
			Name: orange.Kind,
			Doc:  "Orange Travel B2B: travel SIMs, eSIMs and top-ups by offer, with a stock of each",
			Keys: []providers.Key{
				{Name: "token_url", Type: providers.KeyURL, Required: true, Doc: "OAuth 2.0 client-credentials token endpoint"},
				{Name: "stock_refresh", Type: providers.KeyDuration, Default: 30 * time.Second, Check: atLeastSecond, Doc: "stock watch period"},
				{Name: "stock_low", Type: providers.KeyInt, Default: int64(10), Check: stockLow, Doc: "stock at or below which an offer shows low"},
				{Name: "max_scan", Type: providers.KeyInt, Default: int64(2000), Check: maxScan, Doc: "transactions scanned to resolve a MSISDN"},
			},
			New: func(s providers.Settings, d providers.Deps) (providers.Provider, error) {
				return orange.New(orange.Options{
					Name: s.Name, BaseURL: s.BaseURL, TokenURL: s.Text("token_url"),
					ClientID: s.ClientID, ClientSecret: s.ClientSecret, HTTP: d.HTTP, MaxScan: s.Int("max_scan"),
				})
			},
			Sim: &providers.SimSpec{Path: sim.OrangeBasePath, Demo: []providers.Demo{
				{Name: "orange", Path: sim.OrangeBasePath, Values: map[string]any{"token_url": sim.OrangeTokenPath, "stock_low": int64(10)}},
			}},
		},
		{
			Name: tmf677.KindDXP,
			Doc:  "LLA dxp-ux TMF677 usage consumption (Matrixx)",
			Keys: tmf677Keys("APP", "Matrixx", false),
			New:  newTMF677,
			Sim: &providers.SimSpec{Path: sim.DXPBasePath, Demo: []providers.Demo{
				{Name: "dxp-pr", Path: sim.DXPBasePath, Values: map[string]any{"business_id": "PR"}},
			}},
		},
		{
			Name: tmf677.KindCVP,
			Doc:  "LLA cisco-cvp-ux TMF677 usage consumption (PR, CWC, BTC dialects)",
			Keys: tmf677Keys("ivrB2C", "matrixx", true),
			New:  newTMF677,
			Sim: &providers.SimSpec{Path: sim.CVPBasePath, Demo: []providers.Demo{
				{Name: "cvp-pr", Path: sim.CVPBasePath, Values: map[string]any{"business_id": "PR", "lob": "PREPAID"}},
				{Name: "cvp-jm", Path: sim.CVPBasePath, Values: map[string]any{"business_id": "JM", "lob": "PREPAID"}},
			}},
		},
		{
			Name: tmf654.Kind,
			Doc:  "TM Forum Prepay Balance Management (TMF654 v4): balances by MSISDN and top-ups by amount",
			Keys: []providers.Key{
				{Name: "token_url", Type: providers.KeyURL, Doc: "OAuth 2.0 client credentials instead of client_id/client_secret headers"},
				{Name: "currency", Type: providers.KeyString, Default: "USD", Check: currency, Doc: "the only currency of a top-up"},
				{Name: "amounts", Type: providers.KeyNumbers, Default: []float64{5, 10, 20, 50}, Check: presetAmounts, Doc: "preset amounts offered in the console (those above max_amount are left out)"},
				{Name: "max_amount", Type: providers.KeyNumber, Required: true, Check: positiveAmount, Doc: "a larger top-up is refused before anything is sent"},
				{Name: "usage_type", Type: providers.KeyString, Default: "monetary", Check: usageType, Doc: "the bucket usageType topped up"},
				{Name: "channel", Type: providers.KeyString, Default: "simdesk", Doc: "channel.name sent with every top-up"},
			},
			New: func(s providers.Settings, d providers.Deps) (providers.Provider, error) {
				amounts := s.Numbers("amounts")
				var presets []float64
				for _, a := range amounts {
					if a <= s.Number("max_amount") {
						presets = append(presets, a)
					}
				}
				return tmf654.New(tmf654.Options{
					Name: s.Name, Kind: s.Kind, BaseURL: s.BaseURL, TokenURL: s.Text("token_url"),
					ClientID: s.ClientID, ClientSecret: s.ClientSecret,
					Currency: strings.ToUpper(s.Text("currency")), Amounts: presets, MaxAmount: s.Number("max_amount"),
					UsageType: s.Text("usage_type"), Channel: s.Text("channel"), HTTP: d.HTTP,
				})
			},
			Sim: &providers.SimSpec{Path: sim.TMF654BasePath, Demo: []providers.Demo{
				{Name: "lla-topup", Path: sim.TMF654BasePath, Values: map[string]any{"max_amount": 100.0}},
			}},
		},
	}
}
