package journal

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// openAttempt is an attempt reconciliation still has work on.
type openAttempt struct {
	off     int64 // offset of its intent line: file order
	intent  Entry
	outcome *Entry
}

func (o *openAttempt) attempt() Attempt {
	a := Attempt{Intent: o.intent}
	if o.outcome != nil {
		out := *o.outcome
		a.Outcome = &out
	}
	return a
}

// closes reports an outcome after which reconciliation has nothing left to
// do for the attempt: definitive, and when ok, with its transaction id.
func closes(out *Entry) bool {
	return out != nil && out.Status.Closes(out.TransactionID)
}

// index is what a Journal knows of the file without reading it again.
type index struct {
	off   int64 // the indexed part of the file ends here, just after a '\n'
	lines int   // complete lines in the indexed part
	open  map[string]*openAttempt
}

// apply adds one entry at offset off to the index.
func (x *index) apply(e Entry, off int64) {
	if x.open == nil {
		x.open = map[string]*openAttempt{}
	}
	a := x.open[e.JournalID]
	switch e.Phase {
	case PhaseIntent:
		if a == nil {
			x.open[e.JournalID] = &openAttempt{off: off, intent: e}
		}
	case PhaseOutcome:
		if a == nil {
			// Its attempt was closed already (or its intent is torn): an
			// outcome alone gives reconciliation nothing to ask.
			return
		}
		if a.outcome != nil && a.outcome.Status.Definitive() && !e.Status.Definitive() {
			return // "unknown" never overrides a definitive outcome
		}
		out := e
		a.outcome = &out
		if closes(a.outcome) {
			delete(x.open, e.JournalID)
		}
	}
}

// checkpointEvery is how many bytes may be indexed past the last checkpoint
// before a new one is written: the next process starts from it.
const checkpointEvery = 256 << 10

// checkpoint is the index as saved next to the journal (PATH.idx). It is a
// cache: a checkpoint that does not match the journal is ignored.
type checkpoint struct {
	V     int      `json:"v"`
	Off   int64    `json:"off"`
	Lines int      `json:"lines"`
	Last  string   `json:"last"` // SHA-256 of the line that ends at Off
	Open  []ckOpen `json:"open"`
}

type ckOpen struct {
	Off     int64  `json:"off"`
	Intent  Entry  `json:"intent"`
	Outcome *Entry `json:"outcome,omitempty"`
}

func (j *File) checkpointPath() string { return j.path + ".idx" }

// lineEndingAt returns the line that ends (with its '\n') at off.
func (j *File) lineEndingAt(off int64) ([]byte, error) {
	if off <= 0 {
		return nil, nil
	}
	var found []byte
	err := j.scanBack(off, 1, func(_ int64, _ int, b []byte, _ bool) bool {
		found = append([]byte(nil), b...)
		return false
	})
	return found, err
}

func lineHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// loadCheckpoint sets the index from PATH.idx when it matches the journal
// (its offset is within the file and the line ending there has the
// recorded hash); otherwise the index starts empty.
func (j *File) loadCheckpoint(size int64) {
	j.idx = index{open: map[string]*openAttempt{}}
	j.ckOff = 0
	b, err := os.ReadFile(j.checkpointPath())
	if err != nil {
		return
	}
	b, ok := j.checkpointBody(b)
	if !ok {
		return
	}
	var c checkpoint
	if json.Unmarshal(b, &c) != nil || c.V != 1 || c.Off <= 0 || c.Off > size {
		return
	}
	var nl [1]byte
	if _, err := j.f.ReadAt(nl[:], c.Off-1); err != nil || nl[0] != '\n' {
		return
	}
	last, err := j.lineEndingAt(c.Off)
	if err != nil || lineHash(last) != c.Last {
		return
	}
	x := index{off: c.Off, lines: c.Lines, open: map[string]*openAttempt{}}
	for _, o := range c.Open {
		if o.Intent.JournalID == "" {
			return
		}
		x.open[o.Intent.JournalID] = &openAttempt{off: o.Off, intent: o.Intent, outcome: o.Outcome}
	}
	j.idx, j.ckOff = x, c.Off
}

// checkpointBody is the checkpoint's JSON. With a key, only a checkpoint
// the key sealed (its MAC on a second line) is believed: whoever can write
// the journal's directory could otherwise drop an open attempt from it,
// which the lines' MACs would never show. Without a usable key a sealed
// checkpoint is not believed either; the index is then rebuilt from the
// lines, which costs time only.
func (j *File) checkpointBody(b []byte) ([]byte, bool) {
	body, mac, sealed := bytes.Cut(b, []byte("\n"))
	switch {
	case j.seal == nil:
		return body, true
	case j.seal.key == nil || !sealed:
		return nil, false
	}
	return body, hmac.Equal([]byte(j.seal.sum(body)), mac)
}

// saveCheckpoint writes the index next to the journal (atomically, by a
// rename). A directory that cannot be written only costs speed.
func (j *File) saveCheckpoint() {
	if j.idx.off == 0 {
		return
	}
	last, err := j.lineEndingAt(j.idx.off)
	if err != nil {
		return
	}
	c := checkpoint{V: 1, Off: j.idx.off, Lines: j.idx.lines, Last: lineHash(last)}
	for _, o := range j.idx.open {
		c.Open = append(c.Open, ckOpen{Off: o.off, Intent: o.intent, Outcome: o.outcome})
	}
	sort.Slice(c.Open, func(a, b int) bool { return c.Open[a].Off < c.Open[b].Off })
	b, err := json.Marshal(c)
	if err != nil {
		return
	}
	if j.seal != nil && j.seal.key != nil {
		// Sealed like a line: the open attempts it lists are what
		// --pending, reconciliation and the duplicate guard believe.
		b = append(append(b, '\n'), j.seal.sum(b)...)
	}
	tmp := j.checkpointPath() + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		os.Remove(tmp)
		return
	}
	if err := os.Rename(tmp, j.checkpointPath()); err != nil {
		os.Remove(tmp)
		return
	}
	j.ckOff = j.idx.off
}

// extend brings the index up to the end of the file: it reads only what
// was appended since the last call (by anyone). The caller holds the lock.
func (j *File) extend() error {
	fi, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	size := fi.Size()
	if j.idx.open == nil || size < j.idx.off {
		// First use, or the file was replaced by a shorter one.
		j.loadCheckpoint(size)
	}
	if size == j.idx.off {
		return nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(j.f, j.idx.off, size-j.idx.off), 256<<10)
	off := j.idx.off
	for {
		b, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it whole.
			long := append([]byte(nil), b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = r.ReadSlice('\n')
				long = append(long, b...)
			}
			b = long
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break // a last line without '\n' is not indexed until it is ended
			}
			return fmt.Errorf("journal: read %s: %w", j.path, err)
		}
		lineOff := off
		off += int64(len(b))
		j.idx.lines++
		if e, why := decodeLine(line{n: j.idx.lines, b: b[:len(b)-1]}); why == "" {
			j.idx.apply(e, lineOff)
		}
	}
	j.idx.off = off
	if j.idx.off-j.ckOff >= checkpointEvery {
		j.saveCheckpoint()
	}
	return nil
}

// scanBack calls fn for each line that ends at or before end, last first,
// with its offset, its 1-based number (lastNo is the number of the line
// ending at end) and whether it is the file's unterminated last line. It
// stops when fn returns false or after the first line of the file. fn must
// copy b to keep it.
func (j *File) scanBack(end int64, lastNo int, fn func(off int64, n int, b []byte, final bool) bool) error {
	if end <= 0 {
		return nil
	}
	var one [1]byte
	if _, err := j.f.ReadAt(one[:], end-1); err != nil {
		return fmt.Errorf("journal: read %s: %w", j.path, err)
	}
	final := one[0] != '\n'
	pos := end // pending holds the bytes [pos, end of the current line)
	if !final {
		pos--
	}
	var pending []byte
	n := lastNo
	const chunk = 64 << 10
	for {
		if i := bytes.LastIndexByte(pending, '\n'); i >= 0 {
			if !fn(pos+int64(i)+1, n, pending[i+1:], final) {
				return nil
			}
			final = false
			n--
			pending = pending[:i]
			continue
		}
		if pos == 0 {
			fn(0, n, pending, final)
			return nil
		}
		k := min(int64(chunk), pos)
		buf := make([]byte, k, k+int64(len(pending)))
		if _, err := j.f.ReadAt(buf, pos-k); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("journal: read %s: %w", j.path, err)
		}
		pos -= k
		pending = append(buf, pending...)
	}
}

// tailEnd is where backward reads start: the file's size, and the number
// of the last line there (an unterminated last line counts).
func (j *File) tailEnd() (int64, int, error) {
	fi, err := j.f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("journal: %w", err)
	}
	size := fi.Size()
	n := j.idx.lines
	if size > j.idx.off {
		n++
	}
	return size, n, nil
}

// backEntry is one decoded line met while reading backwards.
type backEntry struct {
	off int64
	e   Entry
}

// skewMargin is how far out of time order the file may be: entries are
// stamped under the lock now, but older writers stamped them before it,
// and clocks step. Backward reads go this much further than asked.
const skewMargin = 10 * time.Minute

// readBackUntil decodes lines from the end until one is stamped before
// limit (less the margin) or stop says so; problems are the lines that are
// not entries.
func (j *File) readBackUntil(limit time.Time, stop func(be backEntry) bool) (probs []Problem, reachedStart bool, err error) {
	end, lastNo, err := j.tailEnd()
	if err != nil {
		return nil, false, err
	}
	reachedStart = true
	floor := limit.Add(-skewMargin)
	err = j.scanBack(end, lastNo, func(off int64, n int, b []byte, final bool) bool {
		e, why := decodeLine(line{n: n, b: b, final: final})
		if why != "" {
			probs = append(probs, Problem{Line: n, Msg: why})
			return true
		}
		if !limit.IsZero() && e.TS.Before(floor) {
			reachedStart = false
			return false
		}
		if stop != nil && stop(backEntry{off, e}) {
			reachedStart = false
			return false
		}
		return true
	})
	return probs, reachedStart, err
}

// group turns entries met backwards into attempts, keyed by journal id,
// with the offset of each attempt's first line.
type group struct {
	first  int64
	intent *Entry
	outs   []Entry // newest first
}

func (g *group) attempt() Attempt {
	var a Attempt
	if g.intent != nil {
		a.Intent = *g.intent
	} else {
		a.Intent = g.outs[len(g.outs)-1]
	}
	outs := make([]Entry, len(g.outs))
	for i, o := range g.outs {
		outs[len(outs)-1-i] = o
	}
	if o, ok := Outcomes(outs)[a.Intent.JournalID]; ok {
		a.Outcome = &o
	}
	return a
}

// addBack adds an entry met backwards to its group; true when it is the
// first intent met for that attempt.
func addBack(m map[string]*group, be backEntry) bool {
	g := m[be.e.JournalID]
	if g == nil {
		g = &group{}
		m[be.e.JournalID] = g
	}
	g.first = be.off
	if be.e.Phase == PhaseIntent {
		newIntent := g.intent == nil
		e := be.e
		g.intent = &e
		return newIntent
	}
	g.outs = append(g.outs, be.e)
	return false
}

// recentLocked reads backwards until n intents were met.
func (j *File) recentLocked(n int) ([]Attempt, []Problem, error) {
	if n <= 0 {
		n = 50
	}
	m := map[string]*group{}
	intents := 0
	probs, reachedStart, err := j.readBackUntil(time.Time{}, func(be backEntry) bool {
		if addBack(m, be) {
			intents++
		}
		return intents >= n
	})
	if err != nil {
		return nil, nil, err
	}
	type item struct {
		first int64
		a     Attempt
	}
	var items []item
	for _, g := range m {
		if g.intent == nil && !reachedStart {
			continue // its intent is further back: an older attempt
		}
		items = append(items, item{g.first, g.attempt()})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].first > items[b].first })
	if len(items) > n {
		items = items[:n]
	}
	out := make([]Attempt, len(items))
	for i, it := range items {
		out[i] = it.a
	}
	sort.Slice(probs, func(a, b int) bool { return probs[a].Line < probs[b].Line })
	return out, probs, nil
}

// pendingLocked lists the open attempts in file order.
func (j *File) pendingLocked() []Attempt {
	list := make([]*openAttempt, 0, len(j.idx.open))
	for _, o := range j.idx.open {
		if o.intent.Phase == PhaseIntent {
			list = append(list, o)
		}
	}
	sort.Slice(list, func(a, b int) bool { return list[a].off < list[b].off })
	out := make([]Attempt, len(list))
	for i, o := range list {
		out[i] = o.attempt()
	}
	return out
}

// idTime is when an attempt began, read from its journal id (NewID); zero
// for an id of another form.
func idTime(id string) time.Time {
	const layout = "20060102T150405.000000Z"
	if len(id) < len(layout) {
		return time.Time{}
	}
	t, err := time.Parse(layout, id[:len(layout)])
	if err != nil {
		return time.Time{}
	}
	return t
}

// getLocked finds one attempt: from the index when it is open, else by
// reading back to its intent (no further than its id's time allows).
func (j *File) getLocked(id string) (Attempt, bool, error) {
	if o, ok := j.idx.open[id]; ok && o.intent.Phase == PhaseIntent {
		return o.attempt(), true, nil
	}
	m := map[string]*group{}
	_, _, err := j.readBackUntil(idTime(id), func(be backEntry) bool {
		if be.e.JournalID != id {
			return false
		}
		addBack(m, be)
		return be.e.Phase == PhaseIntent
	})
	g := m[id]
	if err != nil || g == nil {
		return Attempt{}, false, err
	}
	return g.attempt(), true, nil
}

// sameLocked is Store.Same: the window read backwards, plus open attempts.
func (j *File) sameLocked(key Key, since time.Time) ([]Attempt, error) {
	m := map[string]*group{}
	_, _, err := j.readBackUntil(since, func(be backEntry) bool {
		if KeyOf(be.e) == key {
			addBack(m, be)
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	type item struct {
		first int64
		a     Attempt
	}
	var items []item
	seen := map[string]bool{}
	for id, g := range m {
		if g.intent == nil || g.intent.TS.Before(since) {
			continue
		}
		seen[id] = true
		items = append(items, item{g.first, g.attempt()})
	}
	for id, o := range j.idx.open {
		if seen[id] || o.intent.Phase != PhaseIntent || KeyOf(o.intent) != key {
			continue
		}
		if a := o.attempt(); a.Pending() {
			items = append(items, item{o.off, a})
		}
	}
	sort.Slice(items, func(a, b int) bool { return items[a].first > items[b].first })
	out := make([]Attempt, len(items))
	for i, it := range items {
		out[i] = it.a
	}
	return out, nil
}

// claimedLocked reads outcomes back to since.
func (j *File) claimedLocked(since time.Time) (map[string]string, error) {
	out := map[string]string{}
	_, _, err := j.readBackUntil(since, func(be backEntry) bool {
		if be.e.Phase == PhaseOutcome && be.e.TransactionID != "" {
			if _, ok := out[be.e.TransactionID]; !ok {
				out[be.e.TransactionID] = be.e.JournalID
			}
		}
		return false
	})
	return out, err
}

// Since returns up to max entries after position after, oldest first, and
// the position to ask from next (Store). A position inside a line (not
// just after a '\n') is refused: positions come from Head or Since.
func (j *File) Since(ctx context.Context, after Seq, max int) (recs []Record, next Seq, err error) {
	if max <= 0 {
		max = 1000
	}
	next = after
	err = j.with(ctx, false, func() error {
		end := j.idx.off
		if int64(after) > end || after < 0 {
			return fmt.Errorf("journal: position %d is past the end of %s (%d bytes): was the file replaced?", after, j.path, end)
		}
		if after > 0 {
			var nl [1]byte
			if _, err := j.f.ReadAt(nl[:], int64(after)-1); err != nil {
				return fmt.Errorf("journal: read %s: %w", j.path, err)
			}
			if nl[0] != '\n' {
				return fmt.Errorf("journal: position %d is not at the start of a line of %s", after, j.path)
			}
		}
		r := bufio.NewReaderSize(io.NewSectionReader(j.f, int64(after), end-int64(after)), 64<<10)
		off := int64(after)
		for len(recs) < max {
			b, err := r.ReadBytes('\n')
			if len(b) == 0 || err != nil {
				break
			}
			off += int64(len(b))
			if e, why := decodeLine(line{b: b[:len(b)-1]}); why == "" {
				recs = append(recs, Record{Seq: Seq(off), Entry: e})
			}
			next = Seq(off)
		}
		return nil
	})
	return recs, next, err
}

// Head is the position just after the last complete line (Store).
func (j *File) Head(ctx context.Context) (Seq, error) {
	var h Seq
	err := j.with(ctx, false, func() error {
		h = Seq(j.idx.off)
		return nil
	})
	return h, err
}

// jsonLine is an entry as the file holds it, without its newline.
func jsonLine(e Entry) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
