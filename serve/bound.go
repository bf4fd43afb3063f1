package serve

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
)

// The largest PTY a session gets, whatever the client asks: wider and taller
// than any real screen. The console's renderer keeps two cell buffers of the
// window's size (about 125 bytes a cell each), so without this bound one
// pty-req of 100000×100000 cells asked the server for terabytes.
const (
	MaxCols = 500
	MaxRows = 200
)

// clampWindow bounds a window to MaxCols×MaxRows and to at least one cell.
func clampWindow(w ssh.Window) ssh.Window {
	w.Width = min(max(w.Width, 1), MaxCols)
	w.Height = min(max(w.Height, 1), MaxRows)
	return w
}

// boundedSession is the session every handler sees: its PTY size is the
// clamped one, on the pty-req and on every window change, so nothing
// downstream (the renderer's buffers, the console's layout) is ever sized
// by the client's raw numbers.
type boundedSession struct {
	ssh.Session
	pty ssh.Pty
	win chan ssh.Window // clamped window changes, the newest wins
	ok  bool
	// gone is closed when the client closed the session's channel (the
	// library then closes its window channel): a console must end then,
	// not when the whole connection does, or a client that keeps its
	// connection (ssh's ControlMaster) would leave it running, holding its
	// place in max_sessions, until the idle timeout.
	gone chan struct{}
}

// windows is what the pty-req leaves in the session's context.
type windows struct {
	out  chan ssh.Window
	gone chan struct{}
}

func (b *boundedSession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	if !b.ok {
		return ssh.Pty{}, b.win, false
	}
	return b.pty, b.win, true
}

// winKey holds a session's clamped window changes in its context.
type winKey struct{}

// ptyHandler is the library's PTY emulation plus the start of the window
// drain, at the pty-req itself: the library's window channel holds one
// value and its request loop blocks on it, so a client that sent two
// window changes before its shell or exec request (nothing reads the
// channel before a handler runs) wedged its whole connection for ever,
// goroutines and buffers included, whatever became of the client.
func ptyHandler() ssh.PtyHandler {
	var lib ssh.Server
	_ = ssh.EmulatePty()(&lib)
	emulate := lib.PtyHandler
	return func(ctx ssh.Context, sess ssh.Session, pty ssh.Pty) (func() error, error) {
		closer, err := emulate(ctx, sess, pty)
		if err != nil {
			return closer, err
		}
		if _, raw, ok := sess.Pty(); ok && raw != nil {
			w := &windows{out: make(chan ssh.Window, 1), gone: make(chan struct{})}
			ctx.SetValue(winKey{}, w)
			go func() {
				forwardWindows(raw, w.out)
				close(w.gone)
			}()
		}
		return closer, nil
	}
}

// bound wraps the session before any other middleware runs, with the
// clamped PTY size and window changes.
func (s *Server) bound(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		p, _, ok := sess.Pty()
		b := &boundedSession{Session: sess, ok: ok}
		if w, _ := sess.Context().Value(winKey{}).(*windows); w != nil {
			b.win, b.gone = w.out, w.gone
		} else {
			b.win, b.gone = make(chan ssh.Window, 1), make(chan struct{})
		}
		if ok {
			p.Window = clampWindow(p.Window)
			b.pty = p
		}
		next(b)
	}
}

// forwardWindows copies window changes from raw to out, clamped, until raw
// is closed (when the session's channel closes: the library closes it); a change the console has
// not taken yet is replaced by the newer one.
func forwardWindows(raw <-chan ssh.Window, out chan ssh.Window) {
	for w := range raw {
		w = clampWindow(w)
		select {
		case out <- w:
			continue
		default:
		}
		select {
		case <-out:
		default:
		}
		select {
		case out <- w:
		default:
		}
	}
}

// console runs the session's tea.Program (in place of wish's bubbletea
// middleware, so that the window changes it forwards are the clamped ones
// and a console that fails ends with one line instead of silently).
func (s *Server) console(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		_, win, ok := sess.Pty()
		if !ok {
			next(sess)
			return
		}
		p := s.program(sess)
		var gone chan struct{}
		if b, ok := sess.(*boundedSession); ok {
			gone = b.gone
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-done:
					return
				case <-sess.Context().Done():
					p.Quit()
					return
				case <-gone:
					p.Quit()
					return
				case w := <-win:
					p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
				}
			}
		}()
		_, err := p.Run()
		p.Kill()
		if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			s.logf.Printf("console of %s from %s failed: %v", s.session(sess).op.Name, sess.RemoteAddr(), err)
			s.endWith(sess, fmt.Sprintf("the console stopped (%s); the server logged why: reconnect", consoleErr(err)))
		}
	}
}

// consoleErr names a console failure without its Go details.
func consoleErr(err error) string {
	if errors.Is(err, tea.ErrProgramPanic) {
		return "internal error"
	}
	return "terminal error"
}

// endWith records why the server ended a session (printed once it closes).
func (s *Server) endWith(sess ssh.Session, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss := s.sessions[sess]; ss != nil && ss.end == "" {
		ss.end = text
	}
}
