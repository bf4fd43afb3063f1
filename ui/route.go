package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// onKey routes a key: ctrl+c always quits; otherwise the top dialog has it,
// then the current screen, then the global keys.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if key.Matches(msg, k.Global.ForceQuit) {
		return m.quit()
	}
	if cmd, ok := m.linkDialogKey(msg); ok {
		return cmd
	}
	if d := m.dialogs.top(); d != nil {
		cmd := m.act(d.HandleKey(msg, &m.c))
		m.previewFilter()
		return cmd
	}
	if used, cmd := m.top().handleKey(m, msg); used {
		return cmd
	}
	return m.globalKey(msg)
}

// searchFrom runs the search a list's filter asked for, if any.
func (m *Model) searchFrom(f *listFilter) tea.Cmd {
	if raw := f.takeSearch(); raw != "" {
		return m.search(raw)
	}
	return nil
}

func (m *Model) globalKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if cmd, ok := m.openLinks(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Global.Quit):
		if m.topup != nil && m.topup.inFlight {
			m.setStatus("a top-up is in flight: wait for its outcome (ctrl+c quits anyway; the journal keeps the attempt)", statusWarn)
			return nil
		}
		return m.quit()
	case key.Matches(msg, k.Nav.Back):
		return m.back()
	case m.hint != "" && m.onPanes() && key.Matches(msg, k.Nav.Open):
		return m.search(m.hint)
	case key.Matches(msg, k.Global.Search):
		m.openSearch()
	case key.Matches(msg, k.Global.Palette):
		m.dialogs.push(newCommandPalette(m.commands()))
	case key.Matches(msg, k.Global.Help):
		return m.cmdHelp("")
	case key.Matches(msg, k.Global.Messages):
		return m.cmdMessages("")
	case key.Matches(msg, k.Global.Stock):
		if isScreen[stockScreen](m) {
			m.toPanes()
			return nil
		}
		return m.openStock()
	case key.Matches(msg, k.Global.Copy):
		return m.copyView()
	case key.Matches(msg, k.Line.CopyID):
		return m.copyID()
	case key.Matches(msg, k.Global.Refresh):
		return m.refresh()
	case key.Matches(msg, k.Line.Topup):
		return m.startTopup()
	case key.Matches(msg, k.Panes.Next):
		m.selectPane(m.active + 1)
	case key.Matches(msg, k.Panes.Prev):
		m.selectPane(m.active - 1)
	case key.Matches(msg, k.Panes.Jump):
		if n := int(msg.Key().Code - '1'); n >= 0 && n < len(m.panes) {
			m.selectPane(n)
		}
	}
	return nil
}

// selectPane shows pane i (wrapping around) on the panes screen.
func (m *Model) selectPane(i int) {
	if len(m.panes) == 0 {
		return
	}
	m.active = (i%len(m.panes) + len(m.panes)) % len(m.panes)
	m.toPanes()
	m.autoReq = 0 // the operator chose: no more automatic switching
}

// back is esc with nothing else to close: it cancels a search in flight,
// else leaves the stock or journal screen.
func (m *Model) back() tea.Cmd {
	if m.cancelSearch() {
		m.setStatus("search cancelled", statusInfo)
		return nil
	}
	m.toPanes()
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.cancelSearch()
	if m.searchCancel != nil {
		m.searchCancel()
	}
	return tea.Quit
}

// act carries out what a dialog asked for.
func (m *Model) act(a Action) tea.Cmd {
	switch a := a.(type) {
	case nil:
		return nil
	case filterAction:
		m.dialogs.pop()
		m.endFilterPreview(true)
	case cancelAction:
		top := m.dialogs.top()
		if _, ok := top.(*searchBox); ok {
			m.endFilterPreview(false)
		}
		m.dialogs.pop()
		if step, ok := top.(topupStep); ok {
			m.endTopup(step)
		}
	case searchAction:
		m.dialogs.pop()
		return m.search(a.Raw)
	case runCommandAction:
		m.dialogs.pop()
		return a.Run(m, a.Arg)
	case pickOfferAction:
		return m.pickOffer(a.Offer)
	case pickAmountAction:
		return m.pickAmount(a)
	case confirmTopupAction:
		return m.submitTopup(a.Force)
	}
	return nil
}

// commands is the palette's command table for the configured panes.
func (m *Model) commands() []paletteCommand {
	names := make([]string, len(m.panes))
	for i, p := range m.panes {
		names[i] = p.name
	}
	return paletteCommands(names)
}

// runCommand runs the palette command of that name (tests, and the
// palette's own entries carry their Run).
func (m *Model) runCommand(name, arg string) tea.Cmd {
	for _, c := range m.commands() {
		if c.Name == name && (c.Arg == "" || c.Arg == arg) {
			return c.Run(m, arg)
		}
	}
	m.setStatus("no such command: "+name, statusWarn)
	return nil
}

// refresh reloads what the current screen shows.
func (m *Model) refresh() tea.Cmd { return m.top().refresh(m) }
