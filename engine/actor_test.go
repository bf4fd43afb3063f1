package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/topup"
)

type accessRecorder struct {
	mu   sync.Mutex
	recs []Access
}

func (a *accessRecorder) Record(x Access) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recs = append(a.recs, x)
}

func TestAsSharesEverythingButTheIdentity(t *testing.T) {
	offer := model.Offer{ID: "OF", Name: "Data", ProductType: "topup", TargetType: model.MSISDN, Stock: 9}
	release := make(chan struct{})
	sent := make(chan struct{}, 2)
	p := &fake{name: "orange", offers: []model.Offer{offer}, onTopup: func(req model.TopupRequest) (model.TopupResult, error) {
		sent <- struct{}{}
		<-release
		return model.TopupResult{Status: topup.OK, TransactionID: "t1", Sent: true}, nil
	}}
	base, _ := newEngine(t, false, p)
	var heard []journal.Entry
	var mu sync.Mutex
	base.OnJournal(func(e journal.Entry) { mu.Lock(); heard = append(heard, e); mu.Unlock() })
	acc := &accessRecorder{}
	base.SetAccessLog(acc)
	alice := base.As(Actor{Operator: "alice", Role: topup.RoleAgent, Addr: "10.0.0.1:1"})
	bob := base.As(Actor{Operator: "bob", Role: topup.RoleAgent, Addr: "10.0.0.2:2"})
	in := TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")}
	done := make(chan error, 1)
	go func() { _, err := alice.Topup(context.Background(), in); done <- err }()
	<-sent
	// One in-flight set for every copy: bob is told alice is sending it.
	_, err := bob.Topup(context.Background(), in)
	var fe *InFlightError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInFlight) || err.Error() != "alice is topping up this line with this offer right now; wait for the outcome" {
		t.Fatalf("bob during alice's top-up: %v", err)
	}
	if base.TopupsInFlight() != 1 {
		t.Errorf("in flight: %d", base.TopupsInFlight())
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// One journal: the guard names alice and when.
	_, err = bob.Topup(context.Background(), in)
	var de *DuplicateError
	if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "alice topped up this line with this offer just now: ") {
		t.Fatalf("bob after alice: %v", err)
	}
	de.At = de.Attempt.Intent.TS.Add(3*time.Minute + 10*time.Second)
	if !strings.HasPrefix(de.Error(), "alice topped up this line with this offer 3 min ago") {
		t.Errorf("3 minutes later: %s", de.Error())
	}
	mu.Lock()
	if len(heard) != 2 || heard[0].Operator != "alice" || heard[1].Phase != journal.PhaseOutcome {
		t.Errorf("journal listeners heard %+v", heard)
	}
	mu.Unlock()
	acc.mu.Lock()
	// Each request, then each one's outcome: alice's ok, bob's two
	// refusals with their reason.
	var got []string
	for _, r := range acc.recs {
		got = append(got, r.Operator+" "+r.Action+" "+r.Result)
	}
	want := []string{"alice topup requested", "bob topup requested", "bob topup refused", "alice topup ok", "bob topup requested", "bob topup refused"}
	if !slices.Equal(got, want) || acc.recs[0].Addr != "10.0.0.1:1" || !strings.Contains(acc.recs[2].Reason, "alice is topping up this line") ||
		!strings.HasPrefix(acc.recs[5].Reason, "alice topped up this line") {
		t.Errorf("access log %q, want %q\n%+v", got, want, acc.recs)
	}
	acc.mu.Unlock()
	// Her own attempt again reads "you": the name is for a colleague's.
	if _, err := alice.Topup(context.Background(), in); !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "you topped up this line with this offer just now: ") {
		t.Errorf("alice after alice: %v", err)
	}
}

func TestRolesAndRevokedKeys(t *testing.T) {
	offer := model.Offer{ID: "OF", Name: "Data", ProductType: "topup", TargetType: model.MSISDN, Stock: 9}
	p := &fake{name: "orange", offers: []model.Offer{offer}, onTopup: func(model.TopupRequest) (model.TopupResult, error) {
		t.Fatal("sent")
		return model.TopupResult{}, nil
	}}
	base, _ := newEngine(t, false, p)
	in := TopupInput{Provider: "orange", Offer: offer, Target: msisdn("33612345678")}
	vic := base.As(Actor{Operator: "vic", Role: topup.RoleViewer})
	if _, err := vic.Topup(context.Background(), in); !errors.Is(err, topup.ErrForbidden) || err.Error() != "vic is a viewer and may not top up" {
		t.Errorf("viewer top-up: %v", err)
	}
	agent := base.As(Actor{Operator: "al", Role: topup.RoleAgent})
	if _, _, err := agent.Reconcile(context.Background()); !errors.Is(err, topup.ErrForbidden) {
		t.Errorf("agent reconcile: %v", err)
	}
	if _, err := agent.Resolve(context.Background(), "x", ""); !errors.Is(err, topup.ErrForbidden) {
		t.Errorf("agent resolve: %v", err)
	}
	revoked := errors.New("access revoked")
	gone := base.As(Actor{Operator: "bo", Role: topup.RoleSupervisor, Check: func() error { return revoked }})
	if _, err := gone.Offers(context.Background(), "orange"); !errors.Is(err, revoked) {
		t.Errorf("revoked stock: %v", err)
	}
	if r := gone.LookupOne(context.Background(), "orange", msisdn("1")); r.Err == nil || !strings.Contains(r.Err.Message, "access revoked") {
		t.Errorf("revoked lookup: %+v", r.Err)
	}
	if p.calls.Load() != 0 {
		t.Errorf("provider called %d times", p.calls.Load())
	}
	if _, err := topup.ParseRole("boss"); err == nil {
		t.Error("unknown role accepted")
	}
	// The standalone engine (no actor) may do everything it did before
	// roles; an action without an entry in the table nobody may do.
	for _, a := range topup.Actions() {
		if err := base.allow(a); err != nil {
			t.Errorf("standalone %s: %v", a, err)
		}
	}
	// An actor is an operator of a server: without a role it may do
	// nothing, never what the standalone process may.
	noRole := base.As(Actor{Operator: "nobody"})
	for _, a := range topup.Actions() {
		if err := noRole.allow(a); !errors.Is(err, topup.ErrForbidden) {
			t.Errorf("actor without a role, %s: %v", a, err)
		}
	}
	for _, eng := range []*Engine{base, base.As(Actor{Operator: "sam", Role: topup.RoleSupervisor})} {
		if err := eng.allow(topup.Action(0)); !errors.Is(err, topup.ErrForbidden) {
			t.Errorf("action without an entry: %v", err)
		}
		if err := eng.allow(topup.Action(250)); !errors.Is(err, topup.ErrForbidden) {
			t.Errorf("action past the table: %v", err)
		}
	}
}
