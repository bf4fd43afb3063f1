package present

import (
	"strings"
	"testing"

	"simdesk/model"
)

// TestUnusableAmountsShowInvalid: an amount the provider sent as NaN, ±Inf
// or out of range reads "invalid: provider sent …", never 0, a dash or a
// negative figure (1e17 used to print as USD -92 233 720…).
func TestUnusableAmountsShowInvalid(t *testing.T) {
	for _, got := range []string{
		FormatMoney(1e17, "USD"),
		FormatMoney(-1e17, "USD"),
		FormatPrice(model.Money{Currency: "USD", Invalid: "provider sent NaN"}),
		FormatQuantity(model.Quantity{Unit: "MB", Invalid: "provider sent Infinity"}),
		FormatAmount(1e300, "USD"),
		FormatAmount(1e19, model.UnitSMS),
	} {
		if !strings.HasPrefix(got, "invalid: provider sent ") || strings.Contains(got, "-9") {
			t.Errorf("got %q, want it said invalid", got)
		}
	}
	if got := FormatMoney(1234.5, "USD"); got != "USD 1 234.50" {
		t.Errorf("ordinary money: %q", got)
	}
}
