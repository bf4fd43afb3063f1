package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"simdesk/present"
)

// paletteCommand is one entry of the `:` command palette.
type paletteCommand struct {
	Name string // what is typed: "stock", "ref", "pane"
	Arg  string // a fixed argument (the pane name for "pane orange")
	// TakesArg: the operator types an argument after the name ("ref INC-1").
	TakesArg bool
	// ArgOptional: the command also runs without one (search opens the input).
	ArgOptional bool
	Usage       string // shown in the list: "ref <text>"
	Desc        string
	// Run is what the command does: the palette hands it to the root in
	// a runCommandAction, so no name is dispatched twice.
	Run commandRun
}

func (p paletteCommand) label() string {
	if p.Arg != "" {
		return p.Name + " " + p.Arg
	}
	return p.Name
}

// paletteCommands lists the commands, with one "pane NAME" per pane.
func paletteCommands(panes []string) []paletteCommand {
	cmds := []paletteCommand{
		{Name: "search", TakesArg: true, ArgOptional: true, Usage: "search [ID]", Desc: "look up a MSISDN, SIM, subscription or transaction", Run: (*Model).cmdSearch},
		{Name: "stock", Usage: "stock", Desc: "stock watch of every offer", Run: (*Model).cmdStock},
		{Name: "journal", Usage: "journal", Desc: "recent top-up attempts", Run: (*Model).cmdJournal},
		{Name: "reconcile", Usage: "reconcile", Desc: "ask providers what became of pending top-ups", Run: (*Model).cmdReconcile},
		{Name: "refresh", Usage: "refresh", Desc: "refresh the current view", Run: (*Model).cmdRefresh},
		{Name: "topup", Usage: "topup", Desc: "top up the open line", Run: (*Model).cmdTopup},
		{Name: "copy", Usage: "copy", Desc: "copy the current view as text", Run: (*Model).cmdCopy},
		{Name: "ref", TakesArg: true, ArgOptional: true, Usage: "ref <text>", Desc: "set the call reference (empty clears it)", Run: (*Model).cmdRef},
		{Name: "help", Usage: "help", Desc: "all keys and commands", Run: (*Model).cmdHelp},
		{Name: "messages", Usage: "messages", Desc: "the last messages, whole", Run: (*Model).cmdMessages},
		{Name: "quit", Usage: "quit", Desc: "leave simdesk", Run: (*Model).cmdQuit},
	}
	for _, p := range panes {
		cmds = append(cmds, paneCommand(p))
	}
	return cmds
}

type paletteMatch struct {
	cmd paletteCommand
	arg string
	idx []int // matched rune positions in cmd.label(), for highlighting
}

// commandPalette is the `:` command palette: fuzzy matching over the commands, with
// arguments after a space ("ref INC-4411", "pane cvp").
type commandPalette struct {
	in      lineInput
	cmds    []paletteCommand
	matches []paletteMatch
	cursor  int
	msg     string
}

var _ inputDialog = (*commandPalette)(nil)

// newCommandPalette opens the palette over these commands.
func newCommandPalette(cmds []paletteCommand) *commandPalette {
	p := &commandPalette{cmds: cmds, in: lineInput{limit: 200}}
	p.refilter()
	return p
}

// ID implements Dialog.
func (p *commandPalette) ID() string { return "palette" }

// AtTop places the palette at the top of the body.
func (p *commandPalette) AtTop() bool { return true }

// Keys implements Dialog.
func (p *commandPalette) Keys(k KeyMap) []key.Binding {
	return []key.Binding{k.Input.Submit, k.Input.Up, k.Input.Down, k.Input.Complete, k.Input.Cancel}
}

func (p *commandPalette) refilter() {
	v := strings.TrimLeft(p.in.Value(), " ")
	word, rest, spaced := strings.Cut(v, " ")
	word = strings.ToLower(word)
	p.matches = p.matches[:0]
	if spaced {
		var panes []string
		for _, c := range p.cmds {
			if c.Name != word {
				continue
			}
			switch {
			case c.Arg != "":
				panes = append(panes, c.Arg)
			case c.TakesArg:
				p.matches = append(p.matches, paletteMatch{cmd: c, arg: strings.TrimSpace(rest)})
			}
		}
		if len(panes) > 0 {
			for _, m := range fuzzyOrAll(strings.TrimSpace(rest), panes) {
				c := paneCommand(panes[m.Index])
				idx := make([]int, len(m.MatchedIndexes))
				for i, x := range m.MatchedIndexes {
					idx[i] = x + len(word) + 1
				}
				p.matches = append(p.matches, paletteMatch{cmd: c, arg: c.Arg, idx: idx})
			}
		}
	} else {
		labels := make([]string, len(p.cmds))
		for i, c := range p.cmds {
			labels[i] = c.label()
		}
		for _, m := range fuzzyOrAll(word, labels) {
			p.matches = append(p.matches, paletteMatch{cmd: p.cmds[m.Index], arg: p.cmds[m.Index].Arg, idx: m.MatchedIndexes})
		}
	}
	p.cursor = min(p.cursor, max(0, len(p.matches)-1))
}

// fuzzyOrAll is fuzzy.Find, or every entry in order for an empty pattern.
func fuzzyOrAll(pattern string, data []string) fuzzy.Matches {
	if pattern == "" {
		out := make(fuzzy.Matches, len(data))
		for i, d := range data {
			out[i] = fuzzy.Match{Str: d, Index: i}
		}
		return out
	}
	return fuzzy.Find(pattern, data)
}

// HandlePaste implements inputDialog.
func (p *commandPalette) HandlePaste(s string, c *common) {
	p.in.Insert(s)
	p.refilter()
}

// CursorAt implements inputDialog: after the border, padding and ": ".
func (p *commandPalette) CursorAt() (int, int) {
	x := p.in.cursorX()
	return 2 + 2 + x, 1
}

// HandleKey implements Dialog.
func (p *commandPalette) HandleKey(msg tea.KeyPressMsg, c *common) Action {
	k := c.keys.Input
	switch {
	case key.Matches(msg, k.Cancel):
		return cancelAction{}
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = min(max(0, len(p.matches)-1), p.cursor+1)
	case key.Matches(msg, k.Complete):
		if len(p.matches) > 0 {
			m := p.matches[p.cursor]
			p.in.SetValue(completion(m))
			p.refilter()
		}
	case key.Matches(msg, k.Submit):
		if len(p.matches) == 0 {
			p.msg = "no such command: " + strings.TrimSpace(p.in.Value())
			return nil
		}
		m := p.matches[p.cursor]
		if m.cmd.TakesArg && !m.cmd.ArgOptional && m.arg == "" {
			p.in.SetValue(completion(m))
			p.refilter()
			return nil
		}
		return runCommandAction{Run: m.cmd.Run, Arg: m.arg}
	default:
		if p.in.HandleKey(msg) {
			p.msg = ""
			p.refilter()
		}
	}
	return nil
}

func completion(m paletteMatch) string {
	if m.cmd.Arg != "" {
		return m.cmd.Name + " " + m.cmd.Arg
	}
	if m.cmd.TakesArg {
		return m.cmd.Name + " " + m.arg
	}
	return m.cmd.Name
}

// View implements Dialog.
func (p *commandPalette) View(c *common, w, h int) string {
	st := c.st
	boxW := min(72, w)
	inner := boxW - 4
	txt, _ := p.in.View(inner - 2)
	out := []string{st.Key.Render(":") + " " + txt}
	rows := max(1, min(10, h-4))
	from := max(0, p.cursor-rows+1)
	for i := from; i < len(p.matches) && i < from+rows; i++ {
		m := p.matches[i]
		label := m.cmd.label()
		if m.cmd.TakesArg && m.arg != "" {
			label = m.cmd.Name + " " + m.arg
		} else if m.cmd.TakesArg {
			label = m.cmd.Usage
		}
		shown := label
		if !st.Plain && len(m.idx) > 0 && m.cmd.label() == label {
			shown = highlight(st, label, m.idx)
		}
		marker := "  "
		if i == p.cursor {
			marker = "▸ "
		}
		row := marker + present.Fit(shown, 22) + " " + st.Muted.Render(m.cmd.Desc)
		if i == p.cursor {
			row = st.Selected.Render(present.Fit(ansi.Strip(row), inner))
		}
		out = append(out, present.Fit(row, inner))
	}
	if len(p.matches) == 0 {
		out = append(out, st.Warn.Render(present.Fit("no matching command", inner)))
	}
	if p.msg != "" {
		out = append(out, st.Warn.Render(present.Fit(p.msg, inner)))
	}
	for i := range out {
		out[i] = present.Fit(out[i], inner)
	}
	return st.Dialog.Render(strings.Join(out, "\n"))
}

// highlight styles the matched runes of s.
func highlight(st *Styles, s string, idx []int) string {
	set := make(map[int]bool, len(idx))
	for _, i := range idx {
		set[i] = true
	}
	var b strings.Builder
	for i, r := range []rune(s) {
		if set[i] {
			b.WriteString(st.Match.Render(string(r)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
