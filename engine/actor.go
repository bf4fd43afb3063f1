package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/topup"
)

// Actor is who the engine acts as for one session: the operator resolved
// from the SSH key the handshake verified, never from the SSH user name.
type Actor struct {
	Operator string
	Role     topup.Role
	Addr     string // the client's address, for the access log
	// Session and Request are the server's ids of the SSH session and of
	// its headless command (empty in a console), for the access log.
	Session, Request string
	// Check is asked before every action; an error (the operator's key was
	// removed from the operators file) refuses the action with its message.
	Check func() error
}

// Access is one line of the access log: NOC screens show customer data, so
// every lookup and top-up is attributed to the operator who made it.
type Access struct {
	TS       time.Time `json:"ts"`
	Operator string    `json:"operator"`
	Role     string    `json:"role,omitempty"`
	Addr     string    `json:"addr,omitempty"`
	Action   string    `json:"action"` // command (over SSH), lookup, topup, or the topup.Action refused
	Provider string    `json:"provider,omitempty"`
	Target   string    `json:"target,omitempty"` // the identifier looked up or topped up
	Offer    string    `json:"offer,omitempty"`
	Result   string    `json:"result"`            // found, not_found, an error kind, requested, ok, rejected, unknown, refused, …
	Reason   string    `json:"reason,omitempty"`  // why it was refused, or the outcome's reason
	Command  []string  `json:"command,omitempty"` // a command run over SSH, as given (clipped)
	Session  string    `json:"session,omitempty"`
	Request  string    `json:"request,omitempty"`
}

// AccessLogger keeps the access log; it must be safe for concurrent use.
type AccessLogger interface{ Record(Access) }

// hooks is shared by an engine and every copy made with As, so a journal
// listener or access log set once reaches every session.
type hooks struct {
	mu        sync.Mutex
	onJournal []func(journal.Entry)
	onTopup   []func(provider string, status string)
	access    AccessLogger
}

// As returns the engine acting as one operator: the same providers, token
// caches, breakers, in-flight set and journal (nothing is copied but the
// identity), with the operator's name on every journal entry, the role
// checked before top-ups and reconciliation, and Check asked before every
// action.
func (e *Engine) As(a Actor) *Engine {
	c := *e
	c.actor = &a
	c.opts.Operator = a.Operator
	return &c
}

// Actor returns who this engine acts as, if it was made with As.
func (e *Engine) Actor() (Actor, bool) {
	if e.actor == nil {
		return Actor{}, false
	}
	return *e.actor, true
}

// OnJournal registers f to be called after every entry this engine (or any
// copy of it) appends, so the live journal feed need not poll for them.
func (e *Engine) OnJournal(f func(journal.Entry)) {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	e.hooks.onJournal = append(e.hooks.onJournal, f)
}

// OnTopup registers f to be called with the provider and the status (ok,
// rejected, unknown) of every top-up this engine (or a copy) sent, once
// its outcome is decided: the metrics count them by outcome, including the
// unknown ones that leave no outcome line in the journal.
func (e *Engine) OnTopup(f func(provider string, status string)) {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	e.hooks.onTopup = append(e.hooks.onTopup, f)
}

func (h *hooks) topped(provider, status string) {
	h.mu.Lock()
	fs := h.onTopup
	h.mu.Unlock()
	for _, f := range fs {
		f(provider, status)
	}
}

// SetAccessLog sets where lookups and top-ups are recorded.
func (e *Engine) SetAccessLog(l AccessLogger) {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	e.hooks.access = l
}

// allow refuses an action when the actor's key is gone or the permission
// table does not give its role the action; a refusal is in the access log.
// The standalone engine (no actor) is the zero role, which the table gives
// every action it has always had.
func (e *Engine) allow(action topup.Action) error {
	if e.actor == nil {
		return topup.Permit(e.opts.Operator, topup.RoleLocal, action)
	}
	var refused error
	if e.actor.Check != nil {
		refused = e.actor.Check()
	}
	if refused == nil {
		refused = topup.PermitOperator(e.actor.Operator, e.actor.Role, action)
	}
	if refused != nil {
		e.access(Access{Action: action.String(), Result: "refused", Reason: refused.Error()})
	}
	return refused
}

// access records one action in the access log, if there is one.
func (e *Engine) access(a Access) {
	e.hooks.mu.Lock()
	l := e.hooks.access
	e.hooks.mu.Unlock()
	if l == nil {
		return
	}
	a.TS = e.opts.Now().UTC()
	a.Operator = e.opts.Operator
	if e.actor != nil {
		a.Role, a.Addr = string(e.actor.Role), e.actor.Addr
		a.Session, a.Request = e.actor.Session, e.actor.Request
	}
	l.Record(a)
}

// lookupAccess is the access-log line of one provider's lookup.
func lookupAccess(r Result, id model.Identifier) Access {
	res := "found"
	switch {
	case r.Err != nil:
		res = string(r.Err.Kind)
	case len(r.Lines) == 0:
		res = "not_found"
	}
	return Access{Action: "lookup", Provider: r.Provider, Target: id.Value, Result: res}
}

// TopupsInFlight is how many top-ups were sent (or are being journalled)
// and have no recorded outcome yet: a server waits for them at shutdown.
func (e *Engine) TopupsInFlight() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.inFlight)
}

// Topup asks the permission table, records the request in the access log
// before anything is checked or sent (what was asked, by whom, from where),
// runs the money procedure (sendTopup) and records its outcome there too:
// ok, rejected, unknown, or refused with the reason (a duplicate, one in
// flight, read-only mode). The journal holds the same outcome under the
// same operator.
func (e *Engine) Topup(ctx context.Context, in TopupInput) (TopupOutcome, error) {
	if err := e.allow(topup.ActTopup); err != nil {
		return TopupOutcome{}, err
	}
	a := Access{Action: "topup", Provider: in.Provider, Target: in.Target.Value, Offer: in.Offer.ID, Result: "requested"}
	if in.Amount != nil {
		a.Offer = "amount " + model.FormatMoney(*in.Amount)
	}
	e.access(a)
	out, err := e.sendTopup(ctx, in)
	a.Result, a.Reason = string(out.Result.Status), out.Result.Reason
	if err != nil {
		a.Result, a.Reason = "refused", err.Error()
	}
	e.access(a)
	return out, err
}

// InFlightError refuses a second top-up of a line and offer while one is
// being sent, naming who sends it.
type InFlightError struct{ Operator string }

func (f *InFlightError) Error() string {
	if f.Operator == "" {
		return ErrInFlight.Error()
	}
	return f.Operator + " is topping up this line with this offer right now; wait for the outcome"
}

// Unwrap lets errors.Is(err, ErrInFlight) find it.
func (f *InFlightError) Unwrap() error { return ErrInFlight }

// who says who made the earlier attempt and how long ago, first in the
// refusal, since on a shared server it may be a colleague's:
// "alice topped up this line with this offer 3 min ago".
func (d *DuplicateError) who() string {
	in := d.Attempt.Intent
	op := in.Operator
	switch {
	case op == "":
		op = "someone"
	case op == d.Asker:
		op = "you"
	}
	with := "this offer"
	if in.Amount != nil {
		with = "this amount"
	}
	now := d.At
	if now.IsZero() {
		now = time.Now()
	}
	ago := agoText(now.Sub(in.TS))
	switch {
	case d.Attempt.Pending():
		return op + " began a top-up of this line with " + with + " " + ago + " and its outcome is still unknown"
	case d.Attempt.Outcome != nil && d.Attempt.Status() == journal.StatusOK:
		return op + " topped up this line with " + with + " " + ago
	}
	return op + " tried a top-up of this line with " + with + " " + ago
}

// Who is who made the earlier attempt and how long ago, the refusal's first
// words, for a front end that words the rest itself (the console's
// confirmation, the team feed).
func (d *DuplicateError) Who() string { return d.who() }

// agoText is a short, rounded age: "just now", "40 s ago", "3 min ago",
// "2 h ago".
func agoText(d time.Duration) string {
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	}
	return fmt.Sprintf("%d h ago", int(d.Hours()))
}

// journaled tells the OnJournal listeners about an entry just appended;
// every append of the engine (top-up intent and outcome, reconciliation,
// resolution) calls it.
func (e *Engine) journaled(en journal.Entry) { e.hooks.appended(en) }

func (h *hooks) appended(en journal.Entry) {
	h.mu.Lock()
	fs := h.onJournal
	h.mu.Unlock()
	for _, f := range fs {
		f(en)
	}
}
