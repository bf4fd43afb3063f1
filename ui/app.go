// Package ui is the interactive console: a Bubble Tea v2 model over the
// engine, with one pane per configured provider, search, the line and bucket
// views, the stock watch, the top-up dialog, the journal, the command palette
// and help. See README.md in this directory for the rules it follows.
package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"simdesk/config"
	"simdesk/engine"
	"simdesk/live"
	"simdesk/model"
	"simdesk/topup"
)

// Options configure the console. Engine is required.
type Options struct {
	Engine      *engine.Engine
	Demo        bool             // the built-in simulator: the header says DEMO
	HistoryPath string           // search history file; "" keeps it in memory only
	NoColor     bool             // NO_COLOR: no colour codes at all
	Now         func() time.Time // the clock; nil means time.Now
	// Live is the shared hub of stock and journal (simdesk serve, and the
	// standalone console's own): with it the console polls nothing itself.
	Live *live.Hub
	// Operator and Role are who the console serves (simdesk serve); the
	// zero Role is the standalone console's operator, who may do all.
	Operator string
	Role     topup.Role
	// Links are the team's tools ([[links]]), offered with o (links.go).
	Links []config.Link
	// Dropped, when set, hears that the console let go of a large answer
	// (its bucket count): the process's memory policy may give the memory
	// back to the system (see cli's releaser). It must not block. Update
	// never frees memory itself: under serve that would stop the world
	// for every session.
	Dropped func(buckets int)
}

// Model is the root of the console. It owns all state; components are
// plain structs it updates and renders. Only Update changes state, and
// every engine call runs in a tea.Cmd that returns a message.
type Model struct {
	opts Options
	eng  *engine.Engine
	c    common

	// pendingAnnounced is how many attempts with an unknown outcome the
	// status line last announced.
	pendingAnnounced int

	panes   []*pane
	active  int
	screens []screen // the screens on show, the panes at the bottom (screen.go)

	dialogs dialogStack
	status  statusLine
	msgLog  []loggedStatus // the last status messages, whole (`m`)
	ref     string         // the call reference, set with ":ref TEXT"

	hist    *history
	histW   *historyWriter
	histSeq int

	reqSeq       int                // request ids for every async answer
	autoReq      int                // the search whose pane coming forward is not decided yet (forward.go)
	forwardLate  bool               // forwardWait has passed for autoReq
	searchReq    int                // the search whose summary the status line will show
	searchCancel context.CancelFunc // cancels the lookups of the last search
	lastRaw      string             // what the operator typed for the last search
	lastQuery    model.Identifier   // what it was searched as
	hint         string             // a search to offer when the last one found nothing ("sim:…"); enter runs it
	filterBefore string             // the open line's filter when the search box opened (esc puts it back)

	spinner  spinner.Model
	spinning bool
	health   map[string]engine.Health

	stock   *stockWatch
	journal *journalView
	topup   *topupFlow
	sub     *live.Sub // the console's mailbox at the hub, nil without one

	// under is the body under a dialog as the compositor draws it alone,
	// kept while the body does not change (see overlay).
	under composedBody

	// after is tea.Tick; tests replace it so that timers fire at once.
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

var _ tea.Model = (*Model)(nil)

// New builds the console over an engine. It reads the history file once
// (before the program starts); a missing file is an empty history.
func New(o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	eo := o.Engine.Options()
	env := eo.Environment
	if o.Demo || env == "" {
		env = "demo"
	}
	m := &Model{opts: o, eng: o.Engine, health: map[string]engine.Health{}, after: tea.Tick, screens: []screen{panesScreen{}}}
	m.c = common{width: 80, height: 24, keys: defaultKeyMap(), clock: o.Now, mask: eo.MaskIdentifiers, env: env, plain: newStyles(nil), dropped: o.Dropped}
	m.setTheme(true)
	m.c.tick()
	for _, r := range o.Engine.Registered() {
		m.panes = append(m.panes, newPane(r))
	}
	m.stock = newStockWatch(o.Engine)
	if o.Live != nil {
		m.stock.live = o.Live
		m.sub = o.Live.Subscribe()
	}
	m.journal = &journalView{open: -1}
	h, err := loadHistory(o.HistoryPath)
	m.hist = h
	if err != nil {
		m.setStatus("search history not read: "+err.Error(), statusWarn)
	}
	if o.HistoryPath != "" {
		m.histW = &historyWriter{path: o.HistoryPath}
	}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.c.spin = m.spinner.View()
	m.refreshHealth()
	m.resize(m.c.width, m.c.height)
	return m
}

// Init asks for the background colour (for the light/dark palette), starts
// the clock that ages timestamps, and the stock polling.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.clockCmd(), m.startLive())
}

// clockMsg ticks once a second so that ages ("12 s ago") stay true.
type clockMsg time.Time

func (m *Model) clockCmd() tea.Cmd {
	return m.after(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func (m *Model) setTheme(dark bool) {
	switch {
	case m.opts.NoColor:
		m.c.st = newStyles(noColorPalette())
	case dark:
		m.c.st = newStyles(darkPalette())
	default:
		m.c.st = newStyles(lightPalette())
	}
}

func (m *Model) refreshHealth() {
	for _, p := range m.panes {
		m.health[p.name] = m.eng.Health(p.name)
	}
}

// Update is the only place state changes. It dispatches each message to a
// small handler of the feature it belongs to.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.c.tick()
	msg = sanitizeMsg(msg)
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		m.setTheme(msg.IsDark())
	case tea.KeyPressMsg:
		cmd = m.onKey(msg)
	case tea.PasteMsg:
		m.onPaste(msg.Content)
	case spinner.TickMsg:
		cmd = m.onSpin(msg)
	case clockMsg:
		m.refreshHealth()
		cmd = m.clockCmd()
	case lookupMsg:
		m.onLookup(msg)
	case forwardMsg:
		m.onForward(msg)
	case progressMsg:
		cmd = m.onProgress(msg)
	case partialMsg:
		cmd = m.onPartial(msg)
	case stockMsg:
		cmd = m.onStock(msg)
	case stockTickMsg:
		cmd = m.onStockTick(msg)
	case offersMsg:
		m.onOffers(msg)
	case dupCheckedMsg:
		m.onDupChecked(msg)
	case amountMsg:
		m.onAmount(msg)
	case topupMsg:
		cmd = m.onTopup(msg)
	case attemptsMsg:
		m.onAttempts(msg)
	case liveMsg:
		cmd = m.onLive(msg)
	case reconcileMsg:
		cmd = m.onReconcile(msg)
	case historySavedMsg:
		if msg.err != nil {
			m.setStatus("search history not saved: "+msg.err.Error(), statusWarn)
		}
	}
	m.c.hint = m.hint
	return m, tea.Batch(cmd, m.ensureSpinner())
}

// busy reports whether anything the operator waits for is in flight.
func (m *Model) busy() bool {
	for _, p := range m.panes {
		if p.status == paneLoading {
			return true
		}
	}
	return m.topup != nil && (m.topup.inFlight || m.topup.loadingOffers) || m.journal.loading || m.journal.reconciling || m.stock.loading()
}

func (m *Model) ensureSpinner() tea.Cmd {
	if m.spinning || !m.busy() {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

func (m *Model) onSpin(msg spinner.TickMsg) tea.Cmd {
	if !m.busy() {
		m.spinning = false
		return nil
	}
	var cmd tea.Cmd
	m.spinner, cmd = m.spinner.Update(msg)
	m.c.spin = m.spinner.View()
	return cmd
}

// resize recomputes every component's size for the body area.
func (m *Model) resize(w, h int) {
	m.c.width, m.c.height = w, h
	bw, bh := m.bodySize()
	for _, p := range m.panes {
		p.setSize(&m.c, bw, bh)
	}
	m.stock.setSize(bw, bh)
	m.journal.setSize(bw, bh)
}

// frame reports whether the production frame is drawn around the screen.
func (m *Model) frame() bool { return m.c.env == "production" }

// innerSize is the screen minus the production frame.
func (m *Model) innerSize() (int, int) {
	if m.frame() {
		return m.c.width - 2, m.c.height - 2
	}
	return m.c.width, m.c.height
}

// bodySize is the area under the header, tab bar and rule, above the status line.
func (m *Model) bodySize() (int, int) {
	w, h := m.innerSize()
	return max(1, w), max(1, h-4)
}

func (m *Model) activePane() *pane {
	if m.active < 0 || m.active >= len(m.panes) {
		return nil
	}
	return m.panes[m.active]
}

func (m *Model) nextReq() int {
	m.reqSeq++
	return m.reqSeq
}

// onPaste types pasted text into the input on top; with no dialog open, a
// paste starts a search with it (an operator pastes a number from a ticket).
func (m *Model) onPaste(s string) {
	if m.dialogs.top() == nil && m.onPanes() {
		m.openSearch()
	}
	if d, ok := m.dialogs.top().(inputDialog); ok {
		d.HandlePaste(s, &m.c)
	}
	m.previewFilter()
}
