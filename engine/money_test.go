package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/topup"
)

// amountFake tops up by amount in one currency, recording what it was sent.
type amountFake struct {
	fake
	rules model.AmountRules
	sent  []model.Money
}

func (a *amountFake) AmountRules() model.AmountRules { return a.rules }
func (a *amountFake) AmountTargets(context.Context, model.Identifier) ([]model.Bucket, error) {
	return []model.Bucket{{ID: "B1", Usage: "monetary"}}, nil
}
func (a *amountFake) TopupAmount(_ context.Context, req model.TopupRequest) (model.TopupResult, error) {
	a.mu.Lock()
	a.sent = append(a.sent, *req.Amount)
	a.mu.Unlock()
	return model.TopupResult{Status: topup.OK, TransactionID: "t-" + req.JournalID, Sent: true}, nil
}

// TestExactAmountsFromParsingToJournalToJSON: amounts floats get wrong
// (0.1 + 0.2, 19.99 × 3), a 15-digit minor amount, JPY without decimals
// and BHD with three go from the operator's text to the provider, the
// journal line and back exactly, and the duplicate guard keys them by
// their exact text.
func TestExactAmountsFromParsingToJournalToJSON(t *testing.T) {
	for _, tc := range []struct {
		cur, text, max string
		json, key      string
	}{
		{"USD", "0.3", "100", `"amount":{"amount":0.3,"currency":"USD"}`, "USD 0.30"},      // 0.1 + 0.2
		{"USD", "59.97", "100", `"amount":{"amount":59.97,"currency":"USD"}`, "USD 59.97"}, // 19.99 × 3
		{"BHD", "123456789012.345", "999999999999", `"amount":{"amount":123456789012.345,"currency":"BHD"}`, "BHD 123456789012.345"},
		{"JPY", "500", "10000", `"amount":{"amount":500,"currency":"JPY"}`, "JPY 500"},
		{"BHD", "1.125", "50", `"amount":{"amount":1.125,"currency":"BHD"}`, "BHD 1.125"},
	} {
		t.Run(tc.cur+" "+tc.text, func(t *testing.T) {
			p := &amountFake{fake: fake{name: "bal", accepts: model.MSISDN},
				rules: model.AmountRules{Currency: tc.cur, Max: topup.MustParse(tc.max, tc.cur)}}
			path := filepath.Join(t.TempDir(), "j.jsonl")
			j, err := journal.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			e := New(Options{Operator: "alice", Journal: j, DuplicateWindow: 10 * time.Minute}, Registered{Provider: p})
			m, err := p.rules.ParseAmount(tc.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if tc.text == "0.3" { // what the operator's sum of 0.1 and 0.2 is, exactly
				sum, _ := topup.MustParse("0.1", "USD").Add(topup.MustParse("0.2", "USD"))
				if sum != m {
					t.Fatalf("0.1 + 0.2 = %v, not %v", sum, m)
				}
			}
			if tc.text == "59.97" {
				if three, _ := topup.MustParse("19.99", "USD").Times(3); three != m {
					t.Fatalf("19.99 × 3 = %v, not %v", three, m)
				}
			}
			out, err := e.Topup(context.Background(), TopupInput{Provider: "bal", Amount: &m, Target: msisdn("9077613")})
			if err != nil || out.Result.Status != topup.OK || len(p.sent) != 1 || p.sent[0] != m {
				t.Fatalf("%+v %v, sent %v", out, err, p.sent)
			}
			raw, _ := os.ReadFile(path)
			if strings.Count(string(raw), tc.json) != 2 { // intent and outcome
				t.Errorf("journal lines lack %s:\n%s", tc.json, raw)
			}
			a, ok, err := j.Get(context.Background(), out.JournalID)
			if err != nil || !ok || *a.Intent.Amount != m || *a.Outcome.Amount != m || journal.KeyOf(a.Intent).Amount != tc.key {
				t.Errorf("read back %+v %v %v", a, ok, err)
			}
			if b, _ := json.Marshal(a.Intent.Amount); !strings.Contains(tc.json, string(b)) {
				t.Errorf("JSON %s", b)
			}
			if _, dup := e.DuplicateAmount("bal", msisdn("+9077613"), m); !dup {
				t.Error("the same amount again is no duplicate")
			}
		})
	}
}

// TestPrecheckAndLockAgreeOnEverySpelling: the console's duplicate
// pre-check and the guarded append build one key from the typed line, so
// the dialog's warning and the lock's refusal agree: a SIM id keeps its
// zeros (the pre-check once read 0012345678 as the MSISDN 12345678), and
// the MSISDN spellings are one line.
func TestPrecheckAndLockAgreeOnEverySpelling(t *testing.T) {
	simOffer := offer
	simOffer.ID, simOffer.TargetType = "off-sim", model.SIM
	p := &fake{name: "orange", offers: []model.Offer{offer, simOffer}, onTopup: func(req model.TopupRequest) (model.TopupResult, error) {
		return model.TopupResult{Status: topup.OK, TransactionID: "t-" + req.JournalID, Sent: true}, nil
	}}
	e, j := newEngine(t, false, p)
	sim := model.Identifier{Type: model.SIM, Value: "0012345678"}
	// An attempt on the MSISDN 12345678 with the SIM offer's id: not the SIM.
	other := pendingIntent("msisdn-one", "12345678", time.Now().Add(-time.Minute))
	other.OfferID = simOffer.ID
	mustAppend(t, j, other)
	_, pre := e.Duplicate("orange", sim, simOffer.ID)
	_, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: simOffer, Target: sim})
	if pre || err != nil {
		t.Fatalf("a MSISDN attempt held against the SIM: pre-check %v, lock %v", pre, err)
	}
	// Now the SIM has an attempt: both refuse it again.
	_, pre = e.Duplicate("orange", sim, simOffer.ID)
	_, err = e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: simOffer, Target: sim})
	if !pre || !errors.Is(err, ErrDuplicate) {
		t.Fatalf("the SIM's own attempt: pre-check %v, lock %v", pre, err)
	}
	for _, spelling := range []string{"0033612345678", "+33612345678", "33612345678", "+33 6 12 34 56 78"} {
		line, err := model.ParseIdentifier(spelling, model.MSISDN, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: line}); err != nil && !errors.Is(err, ErrDuplicate) {
			t.Fatal(err)
		}
		_, pre := e.Duplicate("orange", line, offer.ID)
		_, lock := e.Topup(context.Background(), TopupInput{Provider: "orange", Offer: offer, Target: line})
		if !pre || !errors.Is(lock, ErrDuplicate) {
			t.Errorf("%q: pre-check %v, lock %v", spelling, pre, lock)
		}
	}
	if n := p.calls.Load(); n != 2 {
		t.Errorf("%d top-ups sent, want 2 (the SIM once, the MSISDN once)", n)
	}
}

// TestUnknownProviderIsErrUnknownProvider: every refusal of a provider
// name not in the config is ErrUnknownProvider and still an input error
// (exit 2, nothing sent).
func TestUnknownProviderIsErrUnknownProvider(t *testing.T) {
	e, _ := newEngine(t, false, &fake{name: "orange"})
	m := topup.MustParse("5", "USD")
	for name, err := range map[string]error{
		"topup": func() error {
			_, err := e.Topup(context.Background(), TopupInput{Provider: "nope", Offer: offer, Target: msisdn("33612345678")})
			return err
		}(),
		"amount": func() error {
			_, err := e.Topup(context.Background(), TopupInput{Provider: "nope", Amount: &m, Target: msisdn("33612345678")})
			return err
		}(),
		"offers": func() error { _, err := e.Offers(context.Background(), "nope"); return err }(),
		"lookup": func() error { _, err := e.Lookup(context.Background(), msisdn("33612345678"), "nope"); return err }(),
	} {
		var ie *model.InputError
		if !errors.Is(err, ErrUnknownProvider) || !errors.As(err, &ie) || !errors.Is(err, model.ErrInvalidInput) || !strings.Contains(err.Error(), `unknown provider "nope"`) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestReconcileByAmountAndTime: a provider that carries no reference of
// ours is matched by line, amount and time: only the transaction of the
// attempt's exact amount is its (10.00 and 10 are one amount, 10.01 is not).
func TestReconcileByAmountAndTime(t *testing.T) {
	line := "33612345678"
	ten := topup.MustParse("10", "USD")
	p := &lister{fake: fake{name: "orange"}, complete: true}
	clk := &clock{t: t0.Add(20 * time.Minute)}
	e := reconcileEngine(t, p, clk, nil)
	in := pendingIntent("amt", line, t0)
	in.OfferID, in.Amount = "", &ten
	mustAppend(t, e.Options().Journal, in)
	other := sale("t-other", line, t0.Add(time.Minute))
	other.OfferID, other.Price = "", topup.MustParse("10.01", "USD")
	mine := sale("t-mine", line, t0.Add(2*time.Minute))
	mine.OfferID, mine.Price = "", topup.MustParse("10.00", "USD")
	p.listed = []model.Sale{other, mine}
	app, errs, err := e.Reconcile(context.Background())
	if err != nil || len(errs) != 0 || len(app) != 1 || app[0].TransactionID != "t-mine" || app[0].Status != topup.OK {
		t.Fatalf("appended %+v, errs %v, %v", app, errs, err)
	}
}
