package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/model"
	"simdesk/present"
)

// Action is what a dialog asks the root to do after a key. Dialogs never act
// themselves: they return a typed action and the root model, the only owner
// of engine calls and screen state, carries it out.
type Action interface{ isAction() }

type (
	// cancelAction closes the top dialog; nothing else happens.
	cancelAction struct{}
	// pickOfferAction: the operator chose an offer in the offer picker.
	pickOfferAction struct{ Offer model.Offer }
	// confirmTopupAction: the operator confirmed the top-up (Force after a
	// second confirmation of a duplicate).
	confirmTopupAction struct{ Force bool }
	// runCommandAction: a palette command's typed action with its argument.
	runCommandAction struct {
		Run commandRun
		Arg string
	}
	// searchAction: the search input was submitted.
	searchAction struct{ Raw string }
)

func (cancelAction) isAction()       {}
func (pickOfferAction) isAction()    {}
func (confirmTopupAction) isAction() {}
func (runCommandAction) isAction()   {}
func (searchAction) isAction()       {}

// Dialog is a modal component on the dialog stack. Only the top dialog gets
// keys. Each dialog declares its own keys for the status line.
type Dialog interface {
	// ID names the dialog kind for test failures and logs; the root
	// finds and tells dialogs apart by their type (findDialog, topupStep).
	ID() string
	// HandleKey handles one key and returns an action, or nil for none.
	HandleKey(msg tea.KeyPressMsg, c *common) Action
	// View renders the dialog within at most w×h cells.
	View(c *common, w, h int) string
	// Keys lists the bindings that work in this dialog.
	Keys(k KeyMap) []key.Binding
}

// inputDialog is a dialog with a text input: it receives pastes and shows
// the terminal cursor at (x, y) within its rendered box.
type inputDialog interface {
	Dialog
	HandlePaste(s string, c *common)
	CursorAt() (x, y int)
}

// topDialog marks dialogs drawn at the top of the body instead of centred.
type topDialog interface{ AtTop() bool }

// dialogStack is the modal layer: the last dialog is on top.
type dialogStack []Dialog

func (s *dialogStack) push(d Dialog) { *s = append(*s, d) }

func (s *dialogStack) pop() {
	if n := len(*s); n > 0 {
		(*s)[n-1] = nil
		*s = (*s)[:n-1]
	}
}

func (s dialogStack) top() Dialog {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// findDialog returns the topmost dialog of type T: dialogs are found by
// what they are, never by a name.
func findDialog[T Dialog](s dialogStack) (T, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if d, ok := s[i].(T); ok {
			return d, true
		}
	}
	var zero T
	return zero, false
}

// topupStep marks the dialogs of a top-up (offers, amounts, the
// confirmation): closing one ends the flow.
type topupStep interface {
	Dialog
	topupStep()
}

func (*Confirm) topupStep()      {}
func (*offerPicker) topupStep()  {}
func (*AmountPicker) topupStep() {}

var (
	_ topupStep = (*Confirm)(nil)
	_ topupStep = (*offerPicker)(nil)
	_ topupStep = (*AmountPicker)(nil)
)

// Confirmations absorb input until the keyboard is quiet, so that neither
// a key typed ahead (before the dialog appeared) nor a held key, nor a burst,
// can answer one; all on the injected clock.
const (
	// ConfirmGrace is the quiet period: a key answers a confirmation only
	// when no key came for this long before it, counting from the moment
	// the dialog (or its second confirmation, or its outcome) appeared.
	ConfirmGrace = 400 * time.Millisecond
	// ConfirmRepeatQuiet is the quiet period before the same key as the
	// previous one: longer than any terminal's auto-repeat delay (X11's
	// default is 660 ms), so a held y that arms the second confirmation of
	// a duplicate cannot also submit it when its repeats start.
	ConfirmRepeatQuiet = time.Second
	// ConfirmCeiling bounds the absorbing: from this long after the dialog
	// appeared, a key different from the previous one answers even within
	// the quiet period, so a stream of other input cannot lock the dialog.
	// A run of one key (a held key) and key-repeat events never answer.
	ConfirmCeiling = 3 * time.Second
)

// ConfirmRow is one labelled fact in a confirmation.
type ConfirmRow struct{ Label, Value string }

type confirmPhase int

const (
	confirmAsking confirmPhase = iota
	confirmSubmitting
	confirmDone
)

// Confirm is the top-up confirmation. "No" has the focus, y confirms, n/esc
// cancel, enter presses the focused button; keys within ConfirmGrace of it
// appearing are ignored. A duplicate needs a second, separate confirmation.
// After confirming it shows the attempt in flight and then its outcome, and
// ignores further confirmations, so a burst of y submits once.
type Confirm struct {
	Title   string
	Rows    []ConfirmRow
	Warning string // e.g. the recent duplicate attempt
	// NeedSecond asks for a second confirmation (a duplicate); the top-up is
	// then submitted with Force.
	NeedSecond bool
	Danger     bool // production: a heavier border

	armed    bool
	opened   time.Time
	lastAt   time.Time // the previous key event the dialog saw
	lastKey  string
	focusYes bool
	phase    confirmPhase
	outcome  []string
	kind     present.OutcomeKind
}

var _ Dialog = (*Confirm)(nil)

// NewConfirm opens a confirmation at now.
func NewConfirm(title string, rows []ConfirmRow, now time.Time) *Confirm {
	return &Confirm{Title: title, Rows: rows, opened: now}
}

// ID implements Dialog.
func (d *Confirm) ID() string { return "confirm" }

// Keys implements Dialog.
func (d *Confirm) Keys(k KeyMap) []key.Binding {
	switch d.phase {
	case confirmAsking:
		return []key.Binding{k.Dialog.Yes, k.Dialog.No, k.Dialog.Switch, k.Dialog.Enter}
	case confirmDone:
		return []key.Binding{k.Nav.Back}
	}
	return nil
}

// Submitting reports whether the confirmed top-up is in flight.
func (d *Confirm) Submitting() bool { return d.phase == confirmSubmitting }

// SetOutcome shows the top-up's outcome; kind is ok, warn or danger.
func (d *Confirm) SetOutcome(lines []string, kind present.OutcomeKind, now time.Time) {
	d.phase, d.outcome, d.kind, d.opened = confirmDone, lines, kind, now
}

// AddOutcome appends lines to a shown outcome (the balance difference that
// arrives after the refresh).
func (d *Confirm) AddOutcome(lines ...string) { d.outcome = append(d.outcome, lines...) }

// HandleKey implements Dialog.
func (d *Confirm) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	if d.absorb(msg, c.now) {
		return nil
	}
	k := c.keys.Dialog
	switch d.phase {
	case confirmSubmitting:
		return nil
	case confirmDone:
		if key.Matches(msg, c.keys.Nav.Back, k.Enter, k.No) {
			return cancelAction{}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Yes):
		return d.confirm(c.now)
	case key.Matches(msg, k.No):
		return cancelAction{}
	case key.Matches(msg, k.Switch):
		d.focusYes = !d.focusYes
	case key.Matches(msg, k.Enter):
		if d.focusYes {
			return d.confirm(c.now)
		}
		return cancelAction{}
	}
	return nil
}

// absorb reports whether a key must be ignored: a key-repeat event, any key
// until the keyboard has been quiet for ConfirmGrace since the dialog
// appeared or since the previous key (ConfirmRepeatQuiet when it is the same
// key again), and, past ConfirmCeiling, only a repeated key within that
// quiet period. Every key, ignored or not, restarts the quiet period.
func (d *Confirm) absorb(msg tea.KeyPressMsg, now time.Time) bool {
	k := msg.String()
	since := d.opened
	if d.lastAt.After(since) {
		since = d.lastAt
	}
	same := k == d.lastKey && !d.lastAt.IsZero()
	d.lastAt, d.lastKey = now, k
	if msg.IsRepeat {
		return true
	}
	quiet := ConfirmGrace
	if same {
		quiet = ConfirmRepeatQuiet
	}
	if now.Sub(since) >= quiet {
		return false
	}
	return same || now.Sub(d.opened) < ConfirmCeiling
}

func (d *Confirm) confirm(now time.Time) Action {
	if d.NeedSecond && !d.armed {
		// The second confirmation must be a separate, deliberate key: the
		// grace period starts again and the focus returns to "No".
		d.armed, d.opened, d.focusYes = true, now, false
		return nil
	}
	d.phase = confirmSubmitting
	return confirmTopupAction{Force: d.NeedSecond}
}

// View implements Dialog. When space is short the facts are cut, never the
// buttons or the outcome.
func (d *Confirm) View(c *common, w, h int) string {
	st := c.st
	boxW := min(64, w)
	inner := boxW - 4
	lw := 13
	top := []string{st.Title.Render(d.Title)}
	for _, r := range d.Rows {
		top = append(top, present.Fit(st.Muted.Render(r.Label), lw)+present.Clip(r.Value, inner-lw))
	}
	if d.Warning != "" {
		for _, l := range wrap(d.Warning, inner) {
			top = append(top, st.Warn.Render(l))
		}
	}
	bottom := []string{""}
	switch d.phase {
	case confirmAsking:
		yes := "Yes, top up"
		if d.armed {
			yes = "Yes, top up AGAIN"
			bottom = append(bottom, st.Danger.Render(present.Clip("! Second confirmation: press y again to submit anyway.", inner)))
		}
		no := button(st, "No", !d.focusYes)
		bottom = append(bottom, lipgloss.PlaceHorizontal(inner, lipgloss.Center, no+"    "+button(st, yes, d.focusYes)))
		bottom = append(bottom, st.Muted.Render(lipgloss.PlaceHorizontal(inner, lipgloss.Center, "y confirm · n / esc cancel")))
	case confirmSubmitting:
		bottom = append(bottom, st.Warn.Render(present.Clip(c.spin+" submitting… the journal has the intent; do not retry", inner)))
	case confirmDone:
		ks := st.OK
		switch d.kind {
		case present.OutcomeWarn:
			ks = st.Warn
		case present.OutcomeDanger:
			ks = st.Danger
		}
		for i, l := range d.outcome {
			for _, wl := range wrap(l, inner) {
				if i == 0 {
					wl = ks.Render(wl)
				}
				bottom = append(bottom, wl)
			}
		}
		bottom = append(bottom, st.Muted.Render("esc / enter close"))
	}
	room := max(1, h-2)
	if len(top)+len(bottom) > room {
		keep := max(1, room-len(bottom))
		top = top[:min(len(top), keep)]
	}
	out := limitLines(append(top, bottom...), room)
	box := st.Dialog
	if d.Danger {
		box = st.DangerDialog
	}
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return box.Render(strings.Join(out, "\n"))
}

// button renders a dialog button; the focused one is bracketed (a text
// marker that survives NO_COLOR) and highlighted.
func button(st *Styles, label string, focused bool) string {
	if focused {
		return st.ButtonFocused.Render("[ " + label + " ]")
	}
	return st.Button.Render("  " + label + "  ")
}

// limitLines keeps at most n lines (n < 1 keeps one).
func limitLines(ls []string, n int) []string {
	if n < 1 {
		n = 1
	}
	if len(ls) > n {
		return ls[:n]
	}
	return ls
}

// wrap breaks plain text into lines of at most w cells on spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case lipgloss.Width(line)+1+lipgloss.Width(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
			for lipgloss.Width(line) > w {
				// A word longer than the line is broken, never cut off.
				out = append(out, ansi.Cut(line, 0, w))
				line = ansi.Cut(line, w, lipgloss.Width(line))
			}
		}
		out = append(out, line)
	}
	return out
}
