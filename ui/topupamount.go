package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/model"
	"simdesk/present"
)

// A top-up by amount (TMF654): `t` on a line whose pane tops up by amount
// reads the line's balances of the provider's usage type, offers the preset
// amounts and a custom amount checked as it is typed, then the same
// confirmation as an offer top-up (No by default, grace, a second
// confirmation for a duplicate) with the amount, its currency and the
// balance it goes to; after the outcome, the refreshed pane shows that
// balance's difference.

// amountMsg carries the answers of the amount flow's commands: the line's
// balances that can take the top-up, then the journal's duplicate check.
type amountMsg struct {
	req     int
	targets []model.Bucket // stage 1
	err     error
	dupDone bool // stage 2
	attempt journal.Attempt
	dup     bool
}

// pickAmountAction: the operator chose an amount (and a balance) in the
// amount picker.
type pickAmountAction struct {
	Amount model.Money
	Bucket model.Bucket
}

func (pickAmountAction) isAction() {}

func amountTargetsCmd(eng *engine.Engine, provider string, target model.Identifier, req int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), stockTimeout)
		defer cancel()
		bs, err := eng.AmountTargets(ctx, provider, target)
		return amountMsg{req: req, targets: bs, err: err}
	}
}

// startAmountTopup begins an amount top-up of the open line on pane p.
func (m *Model) startAmountTopup(p *pane) tea.Cmd {
	l := p.line()
	target := model.Identifier{Type: l.Type, Value: l.ID, Account: l.Account}
	if l.MSISDN != "" {
		target = model.Identifier{Type: model.MSISDN, Value: l.MSISDN}
	}
	f := &topupFlow{pane: p.name, req: m.nextReq(), line: *l, target: target, loadingOffers: true, byAmount: true}
	m.topup = f
	m.setStatus("reading "+p.name+" balances of this line…", statusInfo)
	return amountTargetsCmd(m.eng, p.name, target, f.req)
}

// onAmount handles both answers of the amount flow.
func (m *Model) onAmount(msg amountMsg) {
	f := m.topup
	if f == nil || msg.req != f.req || !f.byAmount {
		return
	}
	if msg.dupDone {
		m.onAmountDup(msg)
		return
	}
	if !f.loadingOffers {
		return
	}
	f.loadingOffers = false
	if msg.err != nil {
		m.topup = nil
		m.setStatus("✖ balances not read, nothing sent: "+errorLine(model.AsError(msg.err)), statusError)
		return
	}
	rules := m.eng.Capabilities(f.pane).Amounts
	if len(msg.targets) == 0 {
		m.topup = nil
		m.setStatus("✖ this line has no "+nonEmpty(rules.UsageType, "monetary")+" balance on "+f.pane+": nothing sent", statusWarn)
		return
	}
	m.status = statusLine{}
	m.dialogs.push(NewAmountPicker(f.pane+" top-up · "+identLabel(&m.c, &f.line), rules, msg.targets))
}

// pickAmount closes the picker and asks the journal whether this line got
// this amount recently; the confirmation opens on the answer.
func (m *Model) pickAmount(a pickAmountAction) tea.Cmd {
	f := m.topup
	if f == nil || !f.byAmount {
		return nil
	}
	amt := a.Amount
	f.amount, f.bucket = &amt, a.Bucket
	f.offer = model.Offer{Provider: f.pane, Name: model.FormatMoney(amt) + " top-up"}
	m.dialogs.pop()
	eng, pane, target, req := m.eng, f.pane, f.target, f.req
	return func() tea.Msg {
		at, dup := eng.DuplicateAmount(pane, target, amt)
		return amountMsg{req: req, dupDone: true, attempt: at, dup: dup}
	}
}

// onAmountDup opens the confirmation of the amount top-up.
func (m *Model) onAmountDup(msg amountMsg) {
	f := m.topup
	if f.amount == nil || f.inFlight {
		return
	}
	facts := present.AmountConfirmFacts(present.AmountFacts{
		Environment: m.c.env, Provider: f.pane, ProviderKind: m.paneNamed(f.pane).kind,
		Target: f.target, Amount: *f.amount, Bucket: f.bucket, Reference: m.ref, Mask: m.c.mask,
	})
	warning := ""
	if msg.dup {
		warning = duplicateText(msg.attempt, m.c.now, m.eng.Options().Operator)
	}
	m.pushConfirm(facts, warning)
}

// AmountPicker offers the preset amounts and a custom amount, checked
// against the provider's rules as it is typed, and, when the line has
// several balances of the usage type, which one to top up (tab).
type AmountPicker struct {
	title   string
	rules   model.AmountRules
	targets []model.Bucket
	bucket  int
	cursor  int // 0..len(presets)-1 a preset; len(presets) the custom field
	in      lineInput
	msg     string
}

var _ inputDialog = (*AmountPicker)(nil)

// NewAmountPicker opens the picker for the line's balances targets.
func NewAmountPicker(title string, rules model.AmountRules, targets []model.Bucket) *AmountPicker {
	p := &AmountPicker{title: title, rules: rules, targets: targets, in: lineInput{limit: 16}}
	if len(rules.Presets) == 0 {
		p.cursor = 0 // only the custom field
	}
	return p
}

// ID implements Dialog.
func (p *AmountPicker) ID() string { return "amounts" }

// Keys implements Dialog.
func (p *AmountPicker) Keys(k KeyMap) []key.Binding {
	keys := []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")), k.Input.Up, k.Input.Down}
	if len(p.targets) > 1 {
		keys = append(keys, key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "other balance")))
	}
	return append(keys, k.Input.Cancel)
}

func (p *AmountPicker) onCustom() bool { return p.cursor >= len(p.rules.Presets) }

// Bucket is the balance the top-up goes to.
func (p *AmountPicker) Bucket() model.Bucket { return p.targets[p.bucket] }

// check validates the custom amount as typed; "" when it is fine or empty.
func (p *AmountPicker) check() string {
	if strings.TrimSpace(p.in.Value()) == "" {
		return ""
	}
	if _, err := p.rules.ParseAmount(p.in.Value(), ""); err != nil {
		return "✖ " + err.Error()
	}
	return ""
}

// HandleKey implements Dialog.
func (p *AmountPicker) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	k := c.keys.Input
	switch {
	case key.Matches(msg, k.Cancel):
		return cancelAction{}
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = min(len(p.rules.Presets), p.cursor+1)
	case msg.String() == "tab" && len(p.targets) > 1:
		p.bucket = (p.bucket + 1) % len(p.targets)
	case key.Matches(msg, k.Submit):
		if msg.IsRepeat {
			return nil // a held enter never chooses money
		}
		var amt model.Money
		var err error
		if p.onCustom() {
			amt, err = p.rules.ParseAmount(p.in.Value(), "")
		} else {
			amt, err = p.rules.Check(p.rules.Presets[p.cursor])
		}
		if err != nil {
			p.msg = "✖ " + err.Error()
			return nil
		}
		return pickAmountAction{Amount: amt, Bucket: p.Bucket()}
	default:
		s := msg.String()
		if len(s) == 1 && (s[0] >= '0' && s[0] <= '9' || s[0] == '.') && !p.onCustom() {
			p.cursor = len(p.rules.Presets) // typing an amount goes to the custom field
		}
		if p.onCustom() && p.in.HandleKey(msg) {
			p.msg = p.check()
		}
		return nil
	}
	p.msg = ""
	if p.onCustom() {
		p.msg = p.check()
	}
	return nil
}

// HandlePaste implements inputDialog: a pasted amount goes to the field.
func (p *AmountPicker) HandlePaste(s string, c *common) {
	p.cursor = len(p.rules.Presets)
	p.in.Insert(strings.TrimSpace(s))
	p.msg = p.check()
}

// CursorAt implements inputDialog: in the custom amount field.
func (p *AmountPicker) CursorAt() (int, int) {
	x := p.in.cursorX()
	return 2 + len("  Other amount ") + x, 5 + len(p.rules.Presets)
}

// View implements Dialog.
func (p *AmountPicker) View(c *common, w, h int) string {
	st := c.st
	inner := max(30, min(72, w)-4)
	b := p.Bucket()
	out := []string{st.Title.Render(present.Clip(p.title, inner)), ""}
	bal := "Balance " + present.BucketLabel(b) + " · now " + present.FormatQuantity(b.Remaining)
	if len(p.targets) > 1 {
		bal += "  (" + itoa(p.bucket+1) + "/" + itoa(len(p.targets)) + ", tab: other)"
	}
	out = append(out, st.Muted.Render(present.Clip(bal, inner)), "")
	for i, v := range p.rules.Presets {
		row := "  " + v.String()
		if i == p.cursor {
			row = st.Selected.Render("▸ " + v.String())
		}
		out = append(out, row)
	}
	txt, _ := p.in.View(12)
	label := "  Other amount "
	if p.onCustom() {
		label = st.Selected.Render("▸ Other amount") + " "
	}
	out = append(out, label+txt+" "+p.rules.Currency, "")
	switch {
	case p.msg != "":
		for _, l := range wrap(p.msg, inner) { // wrapped: its end says what to type
			out = append(out, st.Danger.Render(l))
		}
	default:
		out = append(out, st.Muted.Render(present.Clip("up to "+p.rules.Max.String()+" · enter choose · esc cancel", inner)))
	}
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(limitLines(out, h-2), "\n"))
}
