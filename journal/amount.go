package journal

import (
	"strconv"

	"simdesk/model"
)

// AmountKey is the canonical text of a top-up's amount in its Key ("USD
// 10.00", with the currency's decimals), so that 10, 10.0 and 10.00 dollars are
// one amount for the duplicate guard; "" for an offer top-up.
func AmountKey(m *model.Money) string {
	if m == nil {
		return ""
	}
	return m.Currency + " " + strconv.FormatFloat(m.Amount, 'f', model.CurrencyDecimals(m.Currency), 64)
}
