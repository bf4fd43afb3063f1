package topup

import (
	"errors"
	"fmt"
	"slices"
)

// Role is what an operator may do. One engine serves every operator of a
// shift (simdesk serve), so the role travels with each call, not with the
// process.
type Role string

// Roles. The three named ones come from the operators file; the zero Role
// is the standalone process's single operator (the console or a headless
// command run on one's own machine), who keeps what it always had: every
// action the configuration allows, the journal's export and import
// included.
const (
	RoleLocal      Role = ""
	RoleViewer     Role = "viewer"     // lookups, stock, journal
	RoleAgent      Role = "agent"      // + top-ups
	RoleSupervisor Role = "supervisor" // + reconciling and resolving pending attempts
)

// ParseRole accepts the three role names of the operators file (never the
// zero Role: a key always names its role).
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleAgent, RoleSupervisor:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (roles: viewer, agent, supervisor)", s)
}

// WithArticle is "a viewer", "an agent", "a supervisor", for messages.
func (r Role) WithArticle() string {
	switch r {
	case RoleAgent:
		return "an agent"
	case RoleLocal:
		return "the local operator"
	}
	return "a " + string(r)
}

// Action is one thing an operator can ask of simdesk, whichever way they
// ask it (a console key, a headless command, a flag over SSH). The zero
// Action is no action and is never permitted.
type Action uint8

// Every action. A new one is refused to every role until the table below
// gives it an entry.
const (
	actionNone       Action = iota
	ActConsole              // open the interactive console
	ActLookup               // look a line up at the providers
	ActStock                // list offers and their stock (the stock watch)
	ActJournalRead          // list the journal, its pending attempts, the team's feed
	ActJournalVerify        // check the journal's hash chain
	ActTopup                // top a line up, by offer or by amount: money moves
	ActReconcile            // ask providers what became of pending attempts and journal it
	ActResolve              // settle a pending attempt by hand
	ActJournalExport        // write the journal to a new file (a file of the host)
	ActJournalImport        // read a file of the host into the journal
	actionEnd
)

var actionNames = [actionEnd]struct{ name, verb string }{
	actionNone:       {"none", "do nothing"},
	ActConsole:       {"console", "open the console"},
	ActLookup:        {"lookup", "look lines up"},
	ActStock:         {"stock", "list the stock"},
	ActJournalRead:   {"journal", "read the journal"},
	ActJournalVerify: {"journal-verify", "verify the journal"},
	ActTopup:         {"topup", "top up"},
	ActReconcile:     {"reconcile", "reconcile pending top-ups"},
	ActResolve:       {"resolve", "resolve pending top-ups"},
	ActJournalExport: {"journal-export", "export the journal to a file"},
	ActJournalImport: {"journal-import", "import a journal file"},
}

// Actions lists every action, in the order of the table.
func Actions() []Action {
	out := make([]Action, 0, actionEnd-1)
	for a := actionNone + 1; a < actionEnd; a++ {
		out = append(out, a)
	}
	return out
}

// String is the action's name, as in the access log.
func (a Action) String() string {
	if a < actionEnd {
		return actionNames[a].name
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// Verb completes "vic is a viewer and may not …".
func (a Action) Verb() string {
	if a < actionEnd {
		return actionNames[a].verb
	}
	return "do " + a.String()
}

// permissions is the one table of who may do what. Deny by default: a role
// without a row, or an action missing from a role's row, is refused. The
// journal's export and import read and write files of the machine simdesk
// runs on, so only its own user (the zero role) has them, never an
// operator of the server.
var permissions = map[Role][]Action{
	RoleViewer:     {ActConsole, ActLookup, ActStock, ActJournalRead, ActJournalVerify},
	RoleAgent:      {ActConsole, ActLookup, ActStock, ActJournalRead, ActJournalVerify, ActTopup},
	RoleSupervisor: {ActConsole, ActLookup, ActStock, ActJournalRead, ActJournalVerify, ActTopup, ActReconcile, ActResolve},
	RoleLocal: {ActConsole, ActLookup, ActStock, ActJournalRead, ActJournalVerify, ActTopup, ActReconcile, ActResolve,
		ActJournalExport, ActJournalImport},
}

// Can reports whether the table gives role the action.
func (r Role) Can(a Action) bool {
	return a != actionNone && slices.Contains(permissions[r], a)
}

// Allowed is the role's row of the table (nil for a role without one).
func (r Role) Allowed() []Action { return slices.Clone(permissions[r]) }

// Permit is nil when the table gives role the action, else a
// ForbiddenError naming operator, role and action.
func Permit(operator string, role Role, a Action) error {
	if role.Can(a) {
		return nil
	}
	return &ForbiddenError{Operator: operator, Role: role, Action: a}
}

// PermitOperator is Permit for an operator who logged in (a server's
// session, an engine acting as someone): the zero Role is the standalone
// process's own user and never theirs, so an operator whose role was left
// unset may do nothing rather than everything.
func PermitOperator(operator string, role Role, a Action) error {
	if role == RoleLocal {
		return &ForbiddenError{Operator: operator, Role: role, Action: a, NoRole: true}
	}
	return Permit(operator, role, a)
}

// ErrForbidden is wrapped by ForbiddenError.
var ErrForbidden = errors.New("not allowed for this role")

// ForbiddenError names who was refused what, for the operator's screen.
type ForbiddenError struct {
	Operator string
	Role     Role
	Action   Action
	NoRole   bool // an operator who logged in without a role
}

func (f *ForbiddenError) Error() string {
	who := f.Operator
	if who == "" {
		who = "this operator"
	}
	if f.NoRole {
		return fmt.Sprintf("%s has no role and may not %s", who, f.Action.Verb())
	}
	return fmt.Sprintf("%s is %s and may not %s", who, f.Role.WithArticle(), f.Action.Verb())
}

func (f *ForbiddenError) Unwrap() error { return ErrForbidden }
