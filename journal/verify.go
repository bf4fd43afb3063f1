package journal

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Problem is a line of the journal that is not a sound entry: torn by a
// crash, garbled, breaking the hash chain or its MAC; or, at line 0, a
// finding about the whole journal.
type Problem struct {
	Line int    `json:"line"`    // 1-based line number; 0: the journal as a whole
	Msg  string `json:"message"` // one line, for the operator
}

// String is "line N: message", as `simdesk journal` prints it.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.Msg
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

// Report is the result of Verify.
type Report struct {
	OK      bool `json:"ok"`      // no problem (warnings do not count)
	Entries int  `json:"entries"` // lines that decode as entries
	// Sealed entries carry a MAC that the journal key verified; Plain ones
	// carry none (written before the key existed) and are checked by the
	// hash chain alone, which the first sealed line's MAC covers.
	Sealed   int       `json:"sealed"`
	Plain    int       `json:"plain"`
	Problems []Problem `json:"problems"`
	// Warnings are reported and never block: a torn last line (a crash
	// mid-write), no head anchor on this host, a database role that can
	// alter the journal.
	Warnings []Problem `json:"warnings"`
}

// verifier checks a journal line by line, in order, in bounded memory:
// the file store feeds it the file's lines, the PostgreSQL store its rows,
// so one set of rules serves both.
type verifier struct {
	seal    *Seal
	head    Head
	hasHead bool
	headErr error
	rep     Report

	prev     []byte // the line before (its bytes, copied)
	prevN    int
	started  bool
	torn     *Problem // an unparsable line, judged by the next line's prev
	tornHash string
	lastN    int

	sealedAt  int    // first line carrying a MAC, 0 before one
	unchecked int    // lines with a MAC no key could check
	headMAC   string // the MAC found at the anchored line
}

func newVerifier(s *Seal) *verifier {
	v := &verifier{seal: s}
	if s != nil && s.head != "" {
		v.head, v.hasHead, v.headErr = s.readHead()
	}
	return v
}

func (v *verifier) problem(n int, format string, args ...any) {
	v.rep.Problems = append(v.rep.Problems, Problem{Line: n, Msg: fmt.Sprintf(format, args...)})
}

func (v *verifier) warn(n int, format string, args ...any) {
	v.rep.Warnings = append(v.rep.Warnings, Problem{Line: n, Msg: fmt.Sprintf(format, args...)})
}

// gap records lines from..to missing (a database's seq skips them).
func (v *verifier) gap(from, to int) {
	v.problem(from, "lines %d to %d are missing from the database", from, to)
}

// add checks line n (final: the file's last line, not ended by '\n').
func (v *verifier) add(n int, b []byte, final bool) {
	v.lastN = n
	e, why := decodeLine(line{n: n, b: b, final: final})
	if why != "" {
		v.unparsable(n, b, final, why)
		v.setPrev(n, b)
		return
	}
	if v.torn != nil {
		// A torn line the next entry was chained to was there when that
		// entry was written: a crash mid-write, ended by the next append.
		if e.Prev == v.tornHash {
			v.warn(v.torn.Line, "%s; the next entry was appended after it", v.torn.Msg)
		} else {
			v.rep.Problems = append(v.rep.Problems, *v.torn)
		}
		v.torn = nil
	}
	v.rep.Entries++
	// A line whose MAC fails is reported itself; its prev is then
	// anyone's, so a mismatch says nothing of the line before.
	if v.checkMAC(n, b, e) {
		v.chain(n, e)
	}
	v.setPrev(n, b)
}

func (v *verifier) unparsable(n int, b []byte, final bool, why string) {
	torn := len(b) > 0 && !json.Valid(b)
	switch {
	case torn && final:
		v.warn(n, "%s", why) // reported, never blocks: the next append ends it
	case torn && v.torn == nil:
		v.torn, v.tornHash = &Problem{Line: n, Msg: why}, hashLine(b)
	default:
		v.problem(n, "%s", why)
	}
}

func (v *verifier) setPrev(n int, b []byte) {
	v.prev = append(v.prev[:0], b...)
	v.prevN, v.started = n, true
}

// chain checks e.Prev against the line before.
func (v *verifier) chain(n int, e Entry) {
	want := ""
	if v.started {
		want = hashLine(v.prev)
	}
	switch {
	case e.Prev == want:
	case !v.started:
		v.problem(n, "first line records a previous line: lines before it were removed")
	case e.Prev == "":
		v.problem(n, "entry records no previous line: it was inserted, or lines before it were replaced")
	default:
		v.problem(v.prevN, "hash chain broken: line %d does not match the hash line %d recorded for it (line %d was altered, or lines were removed or inserted here)",
			v.prevN, n, v.prevN)
	}
}

// checkMAC checks a sealed line's MAC (once a line carries one, every line
// after it must); false when the line is reported for it.
func (v *verifier) checkMAC(n int, b []byte, e Entry) bool {
	if v.hasHead && int64(n) == v.head.Line {
		v.headMAC = e.MAC
	}
	if e.MAC == "" {
		if v.sealedAt > 0 {
			v.problem(n, "line %d carries no MAC although line %d before it does: it was inserted, or rewritten without the key", n, v.sealedAt)
			return false
		}
		v.rep.Plain++
		return true
	}
	if v.sealedAt == 0 {
		v.sealedAt = n
	}
	switch {
	case v.seal == nil || v.seal.key == nil:
		v.unchecked++
	case !v.seal.check(b):
		v.problem(n, "line %d was altered: its MAC is not the journal key's (edited, inserted, or written without the key)", n)
		return false
	default:
		v.rep.Sealed++
	}
	return true
}

// finish checks the head anchor and returns the report.
func (v *verifier) finish() Report {
	if v.torn != nil {
		v.rep.Problems = append(v.rep.Problems, *v.torn)
	}
	switch {
	case v.unchecked == 0:
	case v.seal == nil:
		v.warn(0, "%d lines carry a MAC that was not checked (no journal key given)", v.unchecked)
	default:
		v.problem(v.sealedAt, "the MACs of %d lines (from line %d) cannot be checked: %v", v.unchecked, v.sealedAt, v.seal.keyErr)
	}
	if v.seal != nil {
		if v.seal.head != "" {
			v.checkHead()
		}
		if v.rep.Plain > 0 && v.sealedAt > 0 {
			v.warn(0, "%d lines before line %d were written before the journal key existed: the hash chain alone checks them (the MAC of line %d covers it)",
				v.rep.Plain, v.sealedAt, v.sealedAt)
		}
	}
	sort.SliceStable(v.rep.Problems, func(i, j int) bool { return v.rep.Problems[i].Line < v.rep.Problems[j].Line })
	sort.SliceStable(v.rep.Warnings, func(i, j int) bool { return v.rep.Warnings[i].Line < v.rep.Warnings[j].Line })
	if v.rep.Problems == nil {
		v.rep.Problems = []Problem{}
	}
	if v.rep.Warnings == nil {
		v.rep.Warnings = []Problem{}
	}
	v.rep.OK = len(v.rep.Problems) == 0
	return v.rep
}

// checkHead compares the journal's end with the head anchored outside it.
func (v *verifier) checkHead() {
	h, path := v.head, v.seal.head
	switch {
	case v.headErr != nil:
		v.problem(0, "head anchor: %v", v.headErr)
	case !v.hasHead && v.sealedAt > 0:
		v.warn(0, "no head anchor at %s (this host never appended with the key, or the anchor was removed): a removed tail cannot be ruled out", path)
	case !v.hasHead:
	case int64(v.lastN) < h.Line:
		v.problem(v.lastN+1, "lines %d to %d are missing: the journal ends at line %d, the head anchor %s records line %d (a removed tail)",
			v.lastN+1, h.Line, v.lastN, path, h.Line)
	case v.headMAC != h.MAC:
		v.problem(int(h.Line), "line %d is not the line written there: its MAC differs from the head anchor %s", h.Line, path)
	}
}

// verifyData checks a whole file journal's bytes.
func verifyData(data []byte, s *Seal) Report {
	v := newVerifier(s)
	for _, l := range splitLines(data) {
		v.add(l.n, l.b, l.final)
	}
	return v.finish()
}

// verify checks the hash chain of data, without a key.
func verify(data []byte) Report { return verifyData(data, nil) }
