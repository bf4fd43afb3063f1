package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"simdesk/model"
)

// commandRun is a palette command's action: it runs on the root model with
// the argument typed after the command's name.
type commandRun func(m *Model, arg string) tea.Cmd

// paneCommand is "pane NAME": show that provider's pane.
func paneCommand(name string) paletteCommand {
	return paletteCommand{Name: "pane", Arg: name, Usage: "pane " + name, Desc: "show the " + name + " pane", Run: (*Model).cmdPane}
}

func (m *Model) cmdSearch(arg string) tea.Cmd {
	if arg == "" {
		m.openSearch()
		return nil
	}
	return m.search(arg)
}

func (m *Model) cmdStock(string) tea.Cmd   { return m.openStock() }
func (m *Model) cmdJournal(string) tea.Cmd { return m.openJournal() }
func (m *Model) cmdRefresh(string) tea.Cmd { return m.refresh() }
func (m *Model) cmdTopup(string) tea.Cmd   { return m.startTopup() }
func (m *Model) cmdCopy(string) tea.Cmd    { return m.copyView() }
func (m *Model) cmdQuit(string) tea.Cmd    { return m.quit() }

func (m *Model) cmdReconcile(string) tea.Cmd {
	m.show(journalScreen{})
	return m.reconcile()
}

func (m *Model) cmdHelp(string) tea.Cmd {
	m.dialogs.push(newHelpDialog(m.commands(), m.where(), m.hints()))
	return nil
}

func (m *Model) cmdMessages(string) tea.Cmd {
	m.dialogs.push(newMessagesDialog(m.msgLog))
	return nil
}

// cmdRef sets the call reference written with every top-up ("" clears it).
func (m *Model) cmdRef(arg string) tea.Cmd {
	if err := model.CheckReference(strings.TrimSpace(arg)); err != nil {
		m.setStatus(err.Error(), statusError)
		return nil
	}
	m.ref = strings.TrimSpace(arg)
	if m.ref == "" {
		m.setStatus("call reference cleared", statusInfo)
	} else {
		m.setStatus("call reference set: "+m.ref+" (written to the journal with every top-up)", statusInfo)
	}
	return nil
}

// cmdPane shows the named pane.
func (m *Model) cmdPane(arg string) tea.Cmd {
	for i, p := range m.panes {
		if p.name == arg {
			m.selectPane(i)
			return nil
		}
	}
	m.setStatus("no pane named "+arg, statusWarn)
	return nil
}
