package engine

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"simdesk/journal"
	"simdesk/model"
)

// Role is what an operator may do. One engine serves every operator of a
// shift (simdesk serve), so the role travels with each call, not with the
// process.
type Role string

// Roles of the operators file. The zero Role is the standalone console's
// single operator, who may do everything the configuration allows.
const (
	RoleViewer     Role = "viewer"     // lookups, stock, journal
	RoleAgent      Role = "agent"      // + top-ups
	RoleSupervisor Role = "supervisor" // + reconciliation of pending attempts
)

// ParseRole accepts the three role names of the operators file.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleAgent, RoleSupervisor:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (roles: viewer, agent, supervisor)", s)
}

// CanTopup reports whether the role may spend money.
func (r Role) CanTopup() bool { return r == "" || r == RoleAgent || r == RoleSupervisor }

// CanReconcile reports whether the role may settle pending attempts: it
// writes outcomes into the journal, so it is a supervisor's call.
func (r Role) CanReconcile() bool { return r == "" || r == RoleSupervisor }

// Actor is who the engine acts as for one session: the operator resolved
// from the SSH key the handshake verified, never from the SSH user name.
type Actor struct {
	Operator string
	Role     Role
	Addr     string // the client's address, for the access log
	// Check is asked before every action; an error (the operator's key was
	// removed from the operators file) refuses the action with its message.
	Check func() error
}

// ErrForbidden is wrapped by ForbiddenError.
var ErrForbidden = errors.New("not allowed for this role")

// ForbiddenError names who was refused what, for the operator's screen.
type ForbiddenError struct {
	Operator string
	Role     Role
	Action   string
}

func (f *ForbiddenError) Error() string {
	return fmt.Sprintf("%s is %s and may not %s", f.Operator, f.Role.WithArticle(), f.Action)
}

// WithArticle is "a viewer", "an agent", "a supervisor", for messages.
func (r Role) WithArticle() string {
	if r == RoleAgent {
		return "an agent"
	}
	return "a " + string(r)
}

func (f *ForbiddenError) Unwrap() error { return ErrForbidden }

// Access is one line of the access log: NOC screens show customer data, so
// every lookup and top-up is attributed to the operator who made it.
type Access struct {
	TS       time.Time `json:"ts"`
	Operator string    `json:"operator"`
	Role     string    `json:"role,omitempty"`
	Addr     string    `json:"addr,omitempty"`
	Action   string    `json:"action"` // lookup | topup | reconcile
	Provider string    `json:"provider,omitempty"`
	Target   string    `json:"target,omitempty"` // the identifier looked up or topped up
	Offer    string    `json:"offer,omitempty"`
	Result   string    `json:"result"` // found, not_found, an error kind, ok, rejected, unknown, refused
}

// AccessLogger keeps the access log; it must be safe for concurrent use.
type AccessLogger interface{ Record(Access) }

// hooks is shared by an engine and every copy made with As, so a journal
// listener or access log set once reaches every session.
type hooks struct {
	mu        sync.Mutex
	onJournal []func(journal.Entry)
	access    AccessLogger
	flying    map[string]string // in-flight top-up key → operator; guarded by Engine.mu
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

// SetAccessLog sets where lookups and top-ups are recorded.
func (e *Engine) SetAccessLog(l AccessLogger) {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	e.hooks.access = l
}

// allow refuses an action when the actor's key is gone or its role does
// not permit it. The standalone engine (no actor) allows everything.
func (e *Engine) allow(action string) error {
	if e.actor == nil {
		return nil
	}
	if e.actor.Check != nil {
		if err := e.actor.Check(); err != nil {
			return err
		}
	}
	ok := true
	switch action {
	case "topup":
		ok = e.actor.Role.CanTopup()
	case "reconcile":
		ok = e.actor.Role.CanReconcile()
	}
	if !ok {
		return &ForbiddenError{Operator: e.actor.Operator, Role: e.actor.Role, Action: map[string]string{"topup": "top up", "reconcile": "reconcile pending top-ups"}[action]}
	}
	return nil
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

// topupAccess records a top-up request in the access log before anything
// is checked or sent: what was asked, by whom, from where. Its outcome is
// in the journal, under the same operator.
func (e *Engine) topupAccess(in TopupInput) {
	a := Access{Action: "topup", Provider: in.Provider, Target: in.Target.Value, Offer: in.Offer.ID, Result: "requested"}
	if in.Amount != nil {
		a.Offer = "amount " + model.FormatMoney(*in.Amount)
	}
	e.access(a)
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
	if op == "" {
		op = "someone"
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
