package tmf677

import (
	"testing"

	"simdesk/model"
)

func TestNeedsAccountFollowsMarketAndLob(t *testing.T) {
	msisdn := model.Identifier{Type: model.MSISDN, Value: "18764933562"}
	for _, tt := range []struct {
		kind, market, lob string
		id                model.Identifier
		want              bool
	}{
		{KindCVP, "JM", "POSTPAID", msisdn, true},
		{KindCVP, "jm", " postpaid ", msisdn, true},
		{KindCVP, "JM", "PREPAID", msisdn, false},
		{KindCVP, "PR", "POSTPAID", msisdn, false},
		{KindDXP, "JM", "POSTPAID", msisdn, false},
		{KindCVP, "JM", "POSTPAID", model.Identifier{Type: model.MSISDN, Value: "18764933562", Account: "150015680000"}, false},
	} {
		c := &Client{o: Options{Kind: tt.kind, BusinessID: tt.market, Lob: tt.lob}}
		if got := c.NeedsAccount(tt.id); got != tt.want {
			t.Errorf("%s %s %s %+v: %v, want %v", tt.kind, tt.market, tt.lob, tt.id, got, tt.want)
		}
	}
}
