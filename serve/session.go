package serve

import (
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// endMsg ends a console with a message (shutdown).
type endMsg struct{ text string }

// idleMsg checks whether the operator is still there.
type idleMsg struct{}

// sessionModel wraps the console of one SSH session with what only the
// server knows: the operators file (a reload that removed the key ends the
// session at once, Server.revoke; a key press checks it again) and the idle
// timeout.
type sessionModel struct {
	inner tea.Model
	check func() error      // the key is still in the operators file
	ended func(text string) // records why the server ended the session
	idle  time.Duration
	last  time.Time
}

func (m *sessionModel) Init() tea.Cmd { return tea.Batch(m.inner.Init(), m.idleTick()) }

func (m *sessionModel) idleTick() tea.Cmd {
	every := min(m.idle/4, time.Minute)
	return tea.Tick(max(every, 10*time.Millisecond), func(time.Time) tea.Msg { return idleMsg{} })
}

func (m *sessionModel) end(text string) (tea.Model, tea.Cmd) {
	m.ended(text)
	return m, tea.Quit
}

func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		if err := m.check(); err != nil {
			return m.end(err.Error() + "; session ended")
		}
		m.last = time.Now()
	case idleMsg:
		if time.Since(m.last) >= m.idle {
			return m.end(fmt.Sprintf("no key pressed for %s: session closed", m.idle))
		}
		return m, m.idleTick()
	case endMsg:
		return m.end(msg.text)
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

func (m *sessionModel) View() tea.View { return m.inner.View() }

// limiter is a token bucket per client address: a burst of rate new
// sessions, refilled at rate per period.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	period  time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate int, period time.Duration) *limiter {
	return &limiter{rate: float64(rate), period: period, buckets: map[string]*bucket{}}
}

// maxBuckets bounds the limiter's memory under a scan from many addresses.
const maxBuckets = 10000

func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			for k, v := range l.buckets {
				if now.Sub(v.at) > l.period {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: l.rate, at: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.rate, b.tokens+l.rate*float64(now.Sub(b.at))/float64(l.period))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
