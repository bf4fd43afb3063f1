package serve

import (
	"errors"
	"fmt"
	"time"

	"charm.land/ssh"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/topup"
)

// Exit statuses the server itself answers with; the same numbers as cli's
// ExitUsage and ExitForbidden (a cli test pins them).
const (
	ExitOK        = 0 // the command ran and succeeded
	ExitUsage     = 2 // the command line does not parse: nothing was done
	ExitForbidden = 8 // not permitted over SSH or for the role: nothing was done
)

// Usage is the one line a session without a PTY and without a command gets.
const Usage = "usage: ssh -t HOST (console) | ssh HOST lookup|stock|topup|journal [flags] (headless, as with simdesk)"

// Command is a command line as simdesk's own parser reads it, the one the
// command will then run with: what runs over SSH is decided on this, never
// on how the line is spelt.
type Command struct {
	Name  string   // lookup, stock, topup, journal, …; "" for the console's own flags
	Flags []Flag   // every flag given, in order; a repeated flag each time
	Args  []string // the positional arguments, those after "--" included
	Help  bool     // -h or --help: only the command's usage is asked for
}

// Flag is one flag as given, by its defined name whatever its spelling
// (--x, -x, --x=v, -x=v).
type Flag struct{ Name, Value string }

// Parser reads a command line exactly as the command will (cli provides
// it); an error is a line that does not parse, which the command would
// refuse as bad usage.
type Parser func(args []string) (Command, error)

// remoteCommand is what one command may do over SSH: the action it is and
// the flags it may take, each with the action it asks for.
type remoteCommand struct {
	action topup.Action
	flags  map[string]topup.Action
}

// remoteCommands is the command policy over SSH, an allow-list: a command
// or a flag missing from it is refused, so a flag added to a command later
// stays off the server until it is listed here. Left out on purpose:
// --config and --demo (the server's configuration), journal --export and
// --import (files of the server), serve, sim, version, help and the
// console's flags.
var remoteCommands = map[string]remoteCommand{
	"lookup": {topup.ActLookup, map[string]topup.Action{
		"provider": topup.ActLookup, "type": topup.ActLookup, "account": topup.ActLookup, "format": topup.ActLookup}},
	"stock": {topup.ActStock, map[string]topup.Action{"provider": topup.ActStock, "format": topup.ActStock}},
	"topup": {topup.ActTopup, map[string]topup.Action{
		"provider": topup.ActTopup, "offer": topup.ActTopup, "amount": topup.ActTopup, "currency": topup.ActTopup,
		"bucket": topup.ActTopup, "type": topup.ActTopup, "ref": topup.ActTopup, "force": topup.ActTopup,
		"yes": topup.ActTopup, "format": topup.ActTopup}},
	"journal": {topup.ActJournalRead, map[string]topup.Action{
		"pending": topup.ActJournalRead, "n": topup.ActJournalRead, "format": topup.ActJournalRead,
		"verify": topup.ActJournalVerify, "reconcile": topup.ActReconcile, "resolve": topup.ActResolve}},
}

// serverFiles are the flags that name the server's configuration or files,
// with why an operator is refused them.
var serverFiles = map[string]string{
	"config": "the server's configuration stays on the server",
	"demo":   "the server's configuration stays on the server",
	"export": "the server's files stay on the server",
	"import": "the server's files stay on the server",
}

// RemoteFlag reports whether cmd may take flag over SSH (cli's usage over
// SSH lists only those).
func RemoteFlag(cmd, flag string) bool {
	_, ok := remoteCommands[cmd].flags[flag]
	return ok
}

// PolicyError refuses a command or flag that never runs over SSH,
// whatever the role.
type PolicyError struct{ Msg string }

func (p *PolicyError) Error() string { return p.Msg }

// Permit decides whether c may run over SSH as operator with role: the
// command and every flag must be on the allow-list, then the permission
// table must give the role every action they ask for. Asking for a
// command's usage (-h) needs no action. It returns a *PolicyError or a
// *topup.ForbiddenError; both mean nothing was done.
func Permit(operator string, role topup.Role, c Command) error {
	rc, ok := remoteCommands[c.Name]
	if !ok {
		what := fmt.Sprintf("%q", clip(c.Name))
		if c.Name == "" {
			what = "the console's flags"
		}
		return &PolicyError{Msg: fmt.Sprintf("%s is not available over SSH (%s)", what, Usage)}
	}
	needs := []topup.Action{rc.action}
	for _, f := range c.Flags {
		a, ok := rc.flags[f.Name]
		if !ok {
			why := serverFiles[f.Name]
			if why == "" {
				why = "only the flags of `ssh HOST " + c.Name + " -h` run there"
			}
			return &PolicyError{Msg: fmt.Sprintf("--%s is not available over SSH: %s", clip(f.Name), why)}
		}
		needs = append(needs, a)
	}
	if c.Help {
		return nil
	}
	for _, a := range needs {
		if err := topup.PermitOperator(operator, role, a); err != nil {
			return err
		}
	}
	return nil
}

// commands runs a session's command headless; a session with neither a
// command nor a PTY gets one line of usage. The command line is read by
// the command's own parser, and refused before anything else runs when
// the policy or the operator's role does not allow it. Every command is
// in the access log, refused ones with the reason.
func (s *Server) commands(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		ss := s.session(sess)
		args := sess.Command()
		if len(args) == 0 {
			if _, _, pty := sess.Pty(); !pty {
				s.refuse(sess, ExitUsage, Usage)
				return
			}
			if err := topup.PermitOperator(ss.op.Name, ss.op.Role, topup.ActConsole); err != nil {
				s.refuseCommand(sess, ss, args, ExitForbidden, err)
				return
			}
			next(sess)
			return
		}
		if code, err := s.vet(ss, args); err != nil {
			s.refuseCommand(sess, ss, args, code, err)
			return
		}
		s.commandAccess(ss, args, "accepted", "")
		s.mu.Lock()
		s.headless++
		s.mu.Unlock()
		code := s.o.Headless(s.hard, ss.eng, args, Stdio{Stdin: sess, Stdout: sess, Stderr: sess.Stderr(), Environ: sess.Environ()})
		s.mu.Lock()
		s.headless--
		s.mu.Unlock()
		s.commandAccess(ss, args, fmt.Sprintf("exit %d", code), "")
		s.release(sess)
		_ = sess.Exit(code)
	}
}

// vet parses args and asks Permit; it fails closed, without a parser or a
// runner no command runs.
func (s *Server) vet(ss *session, args []string) (int, error) {
	if s.o.Headless == nil || s.o.Parse == nil {
		return ExitUsage, errors.New("headless commands are not available on this server")
	}
	c, err := s.o.Parse(args)
	if err != nil {
		return ExitUsage, err
	}
	if err := Permit(ss.op.Name, ss.op.Role, c); err != nil {
		return ExitForbidden, err
	}
	return ExitOK, nil
}

func (s *Server) refuseCommand(sess ssh.Session, ss *session, args []string, code int, err error) {
	// The message may quote what the client sent: one line, and no control
	// character reaches the client's terminal or the log.
	msg := model.Sanitize(model.OneLine(err.Error(), 400))
	s.commandAccess(ss, args, "refused", msg)
	s.refuse(sess, code, msg)
}

// commandAccess records a command in the access log, clipped: at most 32
// arguments of at most 200 bytes each.
func (s *Server) commandAccess(ss *session, args []string, result, reason string) {
	cmd := make([]string, 0, min(len(args), 32))
	for i, a := range args {
		if i == 32 {
			cmd = append(cmd, fmt.Sprintf("… %d more", len(args)-i))
			break
		}
		if len(a) > 200 {
			a = a[:200] + "…"
		}
		cmd = append(cmd, a)
	}
	if len(args) == 0 {
		cmd = nil
	}
	s.access.Record(engine.Access{TS: time.Now().UTC(), Operator: ss.op.Name, Role: string(ss.op.Role), Addr: ss.addr,
		Session: ss.id, Request: ss.request, Action: "command", Command: cmd, Result: result, Reason: reason})
}
