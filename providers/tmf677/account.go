package tmf677

import (
	"strings"

	"simdesk/model"
	"simdesk/providers"
)

// cwcMarkets are the cvp markets served by Cable & Wireless (Liberate,
// Cerillion), whose postpaid lines are found only with their billing
// account (relatedParty.id).
var cwcMarkets = map[string]bool{
	"JM": true, "TT": true, "BB": true, "KY": true, "PA": true, "AG": true, "DM": true, "GD": true,
	"LC": true, "VC": true, "KN": true, "VG": true, "AI": true, "MS": true, "TC": true,
}

var _ providers.AccountRequirer = (*Client)(nil)

// NeedsAccount reports whether this provider's configuration (a cvp
// gateway, a CWC market, lob POSTPAID) makes the billing account mandatory
// for an identifier given without one.
func (c *Client) NeedsAccount(id model.Identifier) bool {
	return c.o.Kind == KindCVP && strings.EqualFold(strings.TrimSpace(c.o.Lob), "POSTPAID") &&
		cwcMarkets[strings.ToUpper(strings.TrimSpace(c.o.BusinessID))] && id.Account == "" &&
		(id.Type == model.MSISDN || id.Type == model.Subscription)
}
