package topup

import (
	"errors"
	"slices"
	"testing"
)

// TestEveryAction lists every action: a new one fails here until it is
// named, described and given (or refused) its place in the table below.
func TestEveryAction(t *testing.T) {
	want := []string{"console", "lookup", "stock", "journal", "journal-verify", "topup", "reconcile", "resolve", "journal-export", "journal-import"}
	var got []string
	verbs := map[string]bool{}
	for _, a := range Actions() {
		got = append(got, a.String())
		if verbs[a.Verb()] || a.Verb() == "" {
			t.Errorf("%s: verb %q not its own", a, a.Verb())
		}
		verbs[a.Verb()] = true
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions %q, want %q", got, want)
	}
}

// TestEachRolesForbiddenActions: what each role may not do, spelt out,
// against the table; the zero role (the standalone process) keeps every
// action it had before roles existed.
func TestEachRolesForbiddenActions(t *testing.T) {
	forbidden := map[Role][]Action{
		RoleViewer:     {ActTopup, ActReconcile, ActResolve, ActJournalExport, ActJournalImport},
		RoleAgent:      {ActReconcile, ActResolve, ActJournalExport, ActJournalImport},
		RoleSupervisor: {ActJournalExport, ActJournalImport},
		RoleLocal:      nil,
		Role("root"):   Actions(), // no row: nothing
		Role("Viewer"): Actions(), // roles are exact
	}
	for role, want := range forbidden {
		var got []Action
		for _, a := range Actions() {
			if !role.Can(a) {
				got = append(got, a)
				err := Permit("op", role, a)
				var fe *ForbiddenError
				if !errors.Is(err, ErrForbidden) || !errors.As(err, &fe) || fe.Action != a || fe.Role != role {
					t.Errorf("%q %s: Permit = %v", role, a, err)
				}
			} else if err := Permit("op", role, a); err != nil {
				t.Errorf("%q %s: Can but Permit = %v", role, a, err)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q may not %v, want %v", role, got, want)
		}
	}
}

// TestAnActionWithoutAnEntryIsRefused: the zero action and one past the
// end have no entry, so every role, the zero one included, is refused.
func TestAnActionWithoutAnEntryIsRefused(t *testing.T) {
	for _, a := range []Action{actionNone, actionEnd, Action(200)} {
		for _, r := range []Role{RoleLocal, RoleViewer, RoleAgent, RoleSupervisor} {
			if r.Can(a) || Permit("op", r, a) == nil {
				t.Errorf("%q may %s", r, a)
			}
		}
	}
	if got := Action(200).String(); got != "action(200)" {
		t.Errorf("String %q", got)
	}
}

func TestForbiddenErrorAndRoles(t *testing.T) {
	for err, want := range map[error]string{
		Permit("vic", RoleViewer, ActTopup):             "vic is a viewer and may not top up",
		Permit("al", RoleAgent, ActReconcile):           "al is an agent and may not reconcile pending top-ups",
		Permit("sam", RoleSupervisor, ActJournalExport): "sam is a supervisor and may not export the journal to a file",
		Permit("", Role("x"), ActLookup):                "this operator is a x and may not look lines up",
	} {
		if err == nil || err.Error() != want {
			t.Errorf("%v, want %q", err, want)
		}
	}
	for _, s := range []string{"viewer", "agent", "supervisor"} {
		if r, err := ParseRole(s); err != nil || string(r) != s {
			t.Errorf("ParseRole(%q) = %q, %v", s, r, err)
		}
	}
	for _, s := range []string{"", "Viewer", "root", "supervisor "} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) accepted", s)
		}
	}
}
