// Package journal is the append-only journal of top-up attempts (JSON Lines).
// An intent is on disk (fsync) before a top-up is sent and its outcome is
// appended when known, so that an attempt is never lost if the network or
// the console dies half-way, and an attempt whose outcome is unknown is
// found again at the next start and reconciled. Each line records the
// SHA-256 of the line before it and, with a Seal, an HMAC under a key the
// store never holds, and the head is anchored outside the store, so an
// edited, removed, inserted or cut line is detected by Verify (verify.go,
// seal.go). Several processes may append to one journal at once: appends
// take an exclusive file lock.
package journal

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"simdesk/model"
)

// Entry is one line of the journal. It has no field that could hold a
// secret: the journal is safe to share with auditors.
type Entry struct {
	TS        time.Time `json:"ts"`
	JournalID string    `json:"journal_id"` // the same on an attempt's intent and outcome
	Phase     Phase     `json:"phase"`      // PhaseIntent or PhaseOutcome

	Operator string `json:"operator"`
	Provider string `json:"provider"`
	OfferID  string `json:"offer_id"`
	// Amount is set instead of OfferID for a top-up by amount (TMF654).
	Amount     *model.Money `json:"amount,omitempty"`
	TargetType string       `json:"target_type"`
	TargetID   string       `json:"target_id"`

	// Outcome fields.
	Status        Status `json:"status,omitempty"` // StatusOK, StatusRejected, StatusUnknown, StatusNotFound
	TransactionID string `json:"transaction_id,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Reconciled    bool   `json:"reconciled,omitempty"` // found afterwards by asking the provider
	// ResolvedBy is the operator who settled an ambiguous or pending
	// attempt by hand (`journal --resolve`).
	ResolvedBy string `json:"resolved_by,omitempty"`

	// Forced: the operator overrode the duplicate guard.
	Forced      bool         `json:"forced,omitempty"`
	Reference   string       `json:"reference,omitempty"` // ticket / call reference
	OfferName   string       `json:"offer_name,omitempty"`
	Price       *model.Money `json:"price,omitempty"`
	StockLeft   *int         `json:"stock_left,omitempty"`
	Environment string       `json:"environment,omitempty"`

	// Prev is the hex SHA-256 of the previous line's bytes (without its
	// newline); "" for the first line.
	Prev string `json:"prev"`
	// MAC is the HMAC-SHA256 of the line without this field, under the
	// journal key (see Seal); "" on lines written before the key existed.
	// It must stay the last field: the line's bytes without it are what it
	// covers. It proves the line, it reveals nothing of the key.
	MAC string `json:"mac,omitempty"`
}

// Journal is an open journal file, the file implementation of Store. Its
// methods are safe for concurrent use, and other processes may append to
// the same file at the same time: every method takes the file's lock
// (shared to read, exclusive to write) and first brings its index up to
// date with what others appended.
//
// The index holds the attempts reconciliation still has work on (see
// Store.Pending) and where the indexed part of the file ends. It is built
// once (or loaded from the checkpoint file next to the journal, PATH.idx)
// and then extended by the lines appended since, so no call parses the
// whole history: the duplicate check, Recent, Get and Claimed read the
// file backwards from its end only as far as they need.
type File struct {
	mu   sync.Mutex // serialises this handle's users; the flock serialises processes
	path string
	f    *os.File
	idx  index
	// ckOff is the offset of the last checkpoint written or loaded.
	ckOff int64
	seal  *Seal // nil: lines are chained, not MAC'd
}

var _ Store = (*File)(nil)

// Open opens (creating it, 0600, in a 0700 directory) the journal at path.
func Open(path string) (*File, error) {
	if path == "" {
		return nil, errors.New("journal: no path")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("journal: %s is not a regular file", path)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		// A new file's directory entry must survive a crash too.
		syncDir(dir)
	}
	return &File{path: path, f: f}, nil
}

// OpenReadOnly opens an existing journal for reading only: Verify, Recent,
// Pending and the feed work, every append fails. `journal --verify` uses it,
// so a journal that cannot be written can still be checked.
func OpenReadOnly(path string) (*File, error) {
	if path == "" {
		return nil, errors.New("journal: no path")
	}
	// O_NONBLOCK: a FIFO is opened at once and refused below, where a
	// plain open would wait for a writer forever.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("journal: %s is not a regular file", path)
	}
	return &File{path: path, f: f}, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// SetSeal makes every later append carry a MAC under s and anchor the head
// in s, and Verify check both. Call it before the journal is used.
func (j *File) SetSeal(s *Seal) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seal = s
}

// Path is the journal's file name, for messages.
func (j *File) Path() string { return j.path }

// Where is the journal's file name (Store).
func (j *File) Where() string { return j.path }

// Close closes the file. Entries already appended are on disk.
func (j *File) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

var errClosed = errors.New("journal: closed")

// with runs fn holding this handle's mutex and the file lock, after the
// index has caught up with the file.
func (j *File) with(ctx context.Context, exclusive bool, fn func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errClosed
	}
	if err := lockFile(ctx, j.f, exclusive); err != nil {
		return fmt.Errorf("journal: lock: %w", err)
	}
	defer unlockFile(j.f)
	if err := j.extend(); err != nil {
		return err
	}
	return fn()
}

// Append writes e as one line and fsyncs it before returning, so a caller
// that sends a top-up after Append returns has its intent on disk. It fills
// TS (UTC, under the lock, so the file is in time order) when zero and
// Prev, and returns the entry as written.
func (j *File) Append(ctx context.Context, e Entry) (Entry, error) {
	var out Entry
	err := j.with(ctx, true, func() (err error) {
		out, err = j.appendLocked(e)
		return err
	})
	return out, err
}

// AppendGuarded is the duplicate guard (Store): check sees the attempts of
// the same key since since, or still pending, under the exclusive lock. It
// makes "no duplicate top-up" hold even between two consoles started by two
// operators on the same journal: the second one's check sees the first
// one's intent.
func (j *File) AppendGuarded(ctx context.Context, e Entry, since time.Time, check func(same []Attempt) error) (Entry, error) {
	if err := validEntry(e); err != nil {
		return Entry{}, err
	}
	var out Entry
	err := j.with(ctx, true, func() error {
		if check != nil {
			same, err := j.sameLocked(KeyOf(e), since)
			if err != nil {
				return err
			}
			if err := check(same); err != nil {
				return err
			}
		}
		var err error
		out, err = j.appendLocked(e)
		return err
	})
	return out, err
}

// Locked runs fn under the exclusive lock (Store).
func (j *File) Locked(ctx context.Context, fn func(tx Tx) error) error {
	return j.with(ctx, true, func() error { return fn(fileTx{j}) })
}

// fileTx is the Tx of a Locked section: the lock is already held.
type fileTx struct{ j *File }

func (t fileTx) Append(ctx context.Context, e Entry) (Entry, error) { return t.j.appendLocked(e) }
func (t fileTx) Recent(ctx context.Context, n int) ([]Attempt, []Problem, error) {
	return t.j.recentLocked(n)
}
func (t fileTx) Pending(ctx context.Context) ([]Attempt, error) { return t.j.pendingLocked(), nil }
func (t fileTx) Get(ctx context.Context, id string) (Attempt, bool, error) {
	return t.j.getLocked(id)
}
func (t fileTx) Same(ctx context.Context, key Key, since time.Time) ([]Attempt, error) {
	return t.j.sameLocked(key, since)
}
func (t fileTx) Claimed(ctx context.Context, since time.Time) (map[string]string, error) {
	return t.j.claimedLocked(since)
}

// Recent returns the n most recent attempts, newest first (Store).
func (j *File) Recent(ctx context.Context, n int) (list []Attempt, probs []Problem, err error) {
	err = j.with(ctx, false, func() error {
		list, probs, err = j.recentLocked(n)
		return err
	})
	return list, probs, err
}

// Pending returns the attempts reconciliation still has work on (Store).
func (j *File) Pending(ctx context.Context) (list []Attempt, err error) {
	err = j.with(ctx, false, func() error {
		list = j.pendingLocked()
		return nil
	})
	return list, err
}

// Get returns one attempt by journal id (Store).
func (j *File) Get(ctx context.Context, journalID string) (a Attempt, ok bool, err error) {
	err = j.with(ctx, false, func() error {
		a, ok, err = j.getLocked(journalID)
		return err
	})
	return a, ok, err
}

// Same returns the attempts of key since since, and those pending (Store).
func (j *File) Same(ctx context.Context, key Key, since time.Time) (list []Attempt, err error) {
	err = j.with(ctx, false, func() error {
		list, err = j.sameLocked(key, since)
		return err
	})
	return list, err
}

// Claimed maps transaction ids claimed since since to their attempts (Store).
func (j *File) Claimed(ctx context.Context, since time.Time) (m map[string]string, err error) {
	err = j.with(ctx, false, func() error {
		m, err = j.claimedLocked(since)
		return err
	})
	return m, err
}

func validEntry(e Entry) error {
	if e.JournalID == "" {
		return errors.New("journal: entry without journal_id")
	}
	if e.Phase != PhaseIntent && e.Phase != PhaseOutcome {
		return fmt.Errorf("journal: entry phase %q is neither intent nor outcome", e.Phase)
	}
	return nil
}

// appendLocked writes one entry; the caller holds the exclusive lock.
func (j *File) appendLocked(e Entry) (Entry, error) {
	if err := validEntry(e); err != nil {
		return Entry{}, err
	}
	if e.TS.IsZero() {
		e.TS = time.Now()
	}
	e.TS = e.TS.UTC()
	last, endsNL, size, err := j.lastLine()
	if err != nil {
		return Entry{}, err
	}
	if size > 0 {
		sum := sha256.Sum256(last)
		e.Prev = hex.EncodeToString(sum[:])
	} else {
		e.Prev = ""
	}
	var buf bytes.Buffer
	if size > 0 && !endsNL {
		// A torn last line (crash mid-write): end it, so this entry starts
		// its own line. The torn line stays, reported by Entries and Verify.
		buf.WriteByte('\n')
	}
	b, mac, err := encodeLine(e, j.seal)
	if err != nil {
		return Entry{}, fmt.Errorf("journal: %w", err)
	}
	e.MAC = mac
	buf.Write(b)
	buf.WriteByte('\n')
	// One write call: with O_APPEND the line lands whole at the end.
	if _, err := j.f.Write(buf.Bytes()); err != nil {
		return Entry{}, fmt.Errorf("journal: write %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return Entry{}, fmt.Errorf("journal: fsync %s: %w", j.path, err)
	}
	if err := j.extend(); err != nil {
		return Entry{}, err
	}
	if j.seal != nil {
		if err := j.seal.writeHead(j.path, int64(j.idx.lines), mac); err != nil {
			return Entry{}, err
		}
	}
	return e, nil
}

// lastLine returns the bytes of the file's last line (without its newline),
// whether the file ends with '\n', and the file size. It reads backwards
// from the end, so appending stays cheap however long the journal grows.
func (j *File) lastLine() (last []byte, endsNL bool, size int64, err error) {
	fi, err := j.f.Stat()
	if err != nil {
		return nil, false, 0, fmt.Errorf("journal: %w", err)
	}
	size = fi.Size()
	if size == 0 {
		return nil, false, 0, nil
	}
	var one [1]byte
	if _, err := j.f.ReadAt(one[:], size-1); err != nil {
		return nil, false, 0, fmt.Errorf("journal: read %s: %w", j.path, err)
	}
	endsNL = one[0] == '\n'
	end := size
	if endsNL {
		end--
	}
	// Find the start of the last line.
	start := int64(0)
	const chunk = 4096
	buf := make([]byte, chunk)
	for pos := end; pos > 0; {
		n := int64(chunk)
		if pos < n {
			n = pos
		}
		if _, err := j.f.ReadAt(buf[:n], pos-n); err != nil && err != io.EOF {
			return nil, false, 0, fmt.Errorf("journal: read %s: %w", j.path, err)
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			start = pos - n + int64(i) + 1
			break
		}
		pos -= n
	}
	last = make([]byte, end-start)
	if _, err := j.f.ReadAt(last, start); err != nil && err != io.EOF {
		return nil, false, 0, fmt.Errorf("journal: read %s: %w", j.path, err)
	}
	return last, endsNL, size, nil
}

// readAll reads the whole file; the caller holds the lock.
func (j *File) readAll() ([]byte, error) {
	fi, err := j.f.Stat()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	data := make([]byte, fi.Size())
	n, err := j.f.ReadAt(data, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("journal: read %s: %w", j.path, err)
	}
	return data[:n], nil
}

// read takes a shared lock, so that it never sees half of a line that
// another process is appending.
func (j *File) read(ctx context.Context) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil, errClosed
	}
	if err := lockFile(ctx, j.f, false); err != nil {
		return nil, fmt.Errorf("journal: lock: %w", err)
	}
	defer unlockFile(j.f)
	return j.readAll()
}

// Entries returns every entry in file order. Lines that are not entries
// (torn by a crash, garbled, edited) come back as Problems with their line
// numbers: they are never silently dropped. It reads the whole file: for
// export and tests, never on a top-up's path.
func (j *File) Entries() ([]Entry, []Problem, error) {
	data, err := j.read(context.Background())
	if err != nil {
		return nil, nil, err
	}
	entries, problems := decode(data)
	return entries, problems, nil
}

// Verify checks every line, the hash chain (each entry's Prev must be the
// hash of the line before it), and with a seal every MAC and the anchored
// head (see verifier): a changed line is reported at its own number, a
// removed or inserted one where the chain breaks, a removed tail from the
// anchor.
func (j *File) Verify(ctx context.Context) (Report, error) {
	j.mu.Lock()
	s := j.seal
	j.mu.Unlock()
	// The head is read before the lines: an append between the two then
	// only makes the file longer than the anchor, never shorter.
	v := newVerifier(s)
	data, err := j.read(ctx)
	if err != nil {
		return Report{}, err
	}
	for _, l := range splitLines(data) {
		v.add(l.n, l.b, l.final)
	}
	return v.finish(), nil
}

// line is one line of the file with its number.
type line struct {
	n     int
	b     []byte
	final bool // last line of the file, not ended by '\n'
}

func splitLines(data []byte) []line {
	var out []line
	for n := 1; len(data) > 0; n++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, line{n: n, b: data, final: true})
			break
		}
		out = append(out, line{n: n, b: data[:i]})
		data = data[i+1:]
	}
	return out
}

// decodeLine returns the entry on one line, or why it is not one.
func decodeLine(l line) (Entry, string) {
	if len(bytes.TrimSpace(l.b)) == 0 {
		return Entry{}, "empty line"
	}
	var e Entry
	if err := json.Unmarshal(l.b, &e); err != nil {
		if l.final {
			return Entry{}, "incomplete last line (torn write, e.g. a crash while appending)"
		}
		return Entry{}, "not a journal entry (torn or garbled line)"
	}
	if e.JournalID == "" || (e.Phase != PhaseIntent && e.Phase != PhaseOutcome) {
		return Entry{}, "not a journal entry (no journal_id, or a phase other than intent/outcome)"
	}
	// A final line that is complete JSON without its newline (a write cut
	// just before it) is a sound entry: the next Append ends the line.
	return e, ""
}

func decode(data []byte) ([]Entry, []Problem) {
	var entries []Entry
	var problems []Problem
	for _, l := range splitLines(data) {
		e, why := decodeLine(l)
		if why != "" {
			problems = append(problems, Problem{Line: l.n, Msg: why})
			continue
		}
		entries = append(entries, e)
	}
	return entries, problems
}

// NewID returns a new journal id: a UTC timestamp (so ids sort by time and
// say when the attempt began) and 48 random bits (so two consoles never
// collide).
func NewID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported systems; fall back to the clock.
		now := time.Now().UnixNano()
		for i := range b {
			b[i] = byte(now >> (8 * i))
		}
	}
	return time.Now().UTC().Format("20060102T150405.000000Z") + "-" + hex.EncodeToString(b[:])
}
