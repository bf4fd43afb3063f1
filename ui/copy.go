package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/present"
)

// maxCopyRows bounds a copy's table rows: OSC 52 payloads pass through
// terminals and tmux, which cap them; thousands of rows are already more
// than a ticket needs. A copy that holds fewer rows than the table says
// so, in rows of the table (buckets, offers, attempts, lines), not in
// lines of text.
const maxCopyRows = 5000

// copied says what a copy holds: the table's rows it has, of how many,
// and what a row is.
type copied struct {
	rows, total int
	what        string // "buckets", "offers", "attempts", "lines"; "" for a view without a table
	// left names rows the table itself leaves out (a filter, folded
	// empty buckets), which the copy cannot hold either.
	left string
}

// holds is the copy's account of itself for the status line.
func (k copied) holds(lines int) string {
	switch {
	case k.what == "":
		return "copied the whole view (" + itoa(lines) + " lines)"
	case k.rows < k.total:
		return "copied " + present.Int(k.rows) + " of " + present.Int(k.total) + " " + k.what + k.left + " (the first " + present.Int(k.rows) +
			"; " + present.Int(k.total-k.rows) + " left out: a copy holds at most " + present.Int(maxCopyRows) + " rows)"
	}
	return "copied every " + strings.TrimSuffix(k.what, "s") + " shown: " + present.Int(k.total) + " " + k.what + k.left
}

// copyTable sets a table's list to hold every row a copy may (from the
// first) and says what the copy of it holds; left names what the table
// itself leaves out.
func copyTable(l *cursorList, what, left string) copied {
	l.height, l.offset = maxCopyRows, 0
	return copied{rows: min(l.n, maxCopyRows), total: l.n, what: what, left: left}
}

// copyView is `y`: the current view, complete (every row, not only the
// visible ones, up to maxCopyRows) and as plain text, to the clipboard
// through OSC 52, which works over SSH and, with set-clipboard on, in
// tmux. The status line says exactly what the copy holds.
func (m *Model) copyView() tea.Cmd {
	text, k := m.copyTextOf()
	n := strings.Count(text, "\n") + 1
	m.setStatus(k.holds(n)+" · OSC 52 clipboard (tmux: set -g set-clipboard on)", statusOK)
	return tea.SetClipboard(text)
}

// copyText is the text `y` copies.
func (m *Model) copyText() string {
	t, _ := m.copyTextOf()
	return t
}

// copyTextOf renders the current screen's content with the colourless
// styles and every row (up to maxCopyRows), masked like the screen, and
// says what it holds.
func (m *Model) copyTextOf() (string, copied) {
	c := m.c
	c.st = c.plain
	// Full width: every value whole (ids, offer names, amounts), not the
	// cut screen; trailing spaces are trimmed below.
	const w = 1000
	const tall = maxCopyRows + 50 // the rows and the lines around them
	body, where, k := m.top().copyBody(m, &c, w, tall)
	head := "simdesk " + strings.ToUpper(m.c.env) + " · " + where + " · " + present.FormatTime(m.c.now)
	if m.ref != "" {
		head += " · ref " + m.ref
	}
	lines := strings.Split(ansi.Strip(body), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if k.rows < k.total {
		lines = append(lines, "… "+present.Int(k.total-k.rows)+" more "+k.what+" not copied (this copy holds the first "+present.Int(k.rows)+" of "+present.Int(k.total)+")")
	}
	return head + "\n" + strings.Join(lines, "\n"), k
}

// copyID is `Y`: only the identifier under the cursor — the open line's
// id, the line picked in a list, the journal id, the offer id — so that a
// ticket gets the id whole, masked like the screen.
func (m *Model) copyID() tea.Cmd {
	id, what := m.currentID()
	if id == "" {
		m.setStatus("nothing to copy here: Y copies the identifier under the cursor", statusInfo)
		return nil
	}
	m.setStatus("copied "+what+" "+id+" (OSC 52)", statusOK)
	return tea.SetClipboard(id)
}

// currentID is the identifier under the cursor on the current screen.
func (m *Model) currentID() (id, what string) { return m.top().currentID(m) }
