package topup_test

import (
	"testing"

	"simdesk/model"
	"simdesk/topup"
)

// TestKeyFromTheTypedLine: one constructor gives one key for every
// spelling of a line, and keeps a SIM id's zeros (the console's pre-check
// once built its key from the text alone: 0012345678 became 12345678).
func TestKeyFromTheTypedLine(t *testing.T) {
	msisdn := func(v string) model.Identifier { return model.Identifier{Type: model.MSISDN, Value: v} }
	sim := func(v string) model.Identifier { return model.Identifier{Type: model.SIM, Value: v} }
	one := topup.NewKey("orange", msisdn("33612345678"), "off-1", nil)
	for _, v := range []string{"0033612345678", "+33612345678", " 33612345678 ", "+33 6 12 34 56 78"} {
		if k := topup.NewKey("orange", msisdn(v), " off-1 ", nil); k != one {
			t.Errorf("%q: %+v, want %+v", v, k, one)
		}
	}
	if k := topup.NewKey("orange", sim("0012345678"), "off-1", nil); k.Line != "0012345678" {
		t.Errorf("SIM id changed: %+v", k)
	}
	if topup.NewKey("orange", sim("0012345678"), "off-1", nil) == topup.NewKey("orange", msisdn("12345678"), "off-1", nil) {
		t.Error("a SIM and a MSISDN are one key")
	}
	ten, tenAgain := topup.MustParse("10", "USD"), topup.MustParse("10.00", "USD")
	if a, b := topup.NewKey("p", msisdn("9077613"), "", &ten), topup.NewKey("p", msisdn("9077613"), "", &tenAgain); a != b || a.Amount != "USD 10.00" {
		t.Errorf("10 and 10.00 dollars: %+v %+v", a, b)
	}
	five := topup.MustParse("5", "USD")
	if topup.NewKey("p", msisdn("9077613"), "", &ten) == topup.NewKey("p", msisdn("9077613"), "", &five) {
		t.Error("two amounts are one key")
	}
	if k := topup.NewKey("p", nil, "esim-1", nil); k.Line != "" || k.OfferID != "esim-1" {
		t.Errorf("eSIM sale: %+v", k)
	}
}
