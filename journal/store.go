package journal

import (
	"context"
	"time"

	"simdesk/model"
	"simdesk/topup"
)

// Phase is the phase of a journal entry. It is a type, not a bare string,
// so that a misspelt phase does not compile.
type Phase string

// Phases of an attempt.
const (
	// PhaseIntent is written (fsync) before a top-up is sent.
	PhaseIntent Phase = "intent"
	// PhaseOutcome is written when the outcome is known.
	PhaseOutcome Phase = "outcome"
)

// Status is the outcome of an attempt as the journal records it: the one
// typed set of package topup, named here so the stores read as before.
type Status = topup.Outcome

// Outcome kinds (see topup.Outcome).
const (
	StatusOK       = topup.OK
	StatusRejected = topup.Rejected
	StatusUnknown  = topup.Unknown
	StatusNotFound = topup.NotFound
)

// Key is the duplicate guard's key (topup.Key): provider, the line in its
// normal form, and the offer or the amount.
type Key = topup.Key

// KeyOf is the key of an entry, by the one constructor (topup.NewKey). The
// journal keeps the target as it was sent; the key compares it in its
// normal form, so 0033…, +33… and 33… are one line.
func KeyOf(e Entry) Key {
	var line topup.Line
	if e.TargetID != "" {
		line = model.Identifier{Type: model.IDType(e.TargetType), Value: e.TargetID}
	}
	return topup.NewKey(e.Provider, line, e.OfferID, e.Amount)
}

// Seq is a position in a store's history, for the live feed: entries
// appended after a Seq come back from Since. The file store uses the byte
// offset just after a line; a database store uses its row number. Seq(0)
// is before the first entry.
type Seq int64

// Record is an entry with its position in the store.
type Record struct {
	Seq   Seq // position just after this entry: pass it to Since to get the next ones
	Entry Entry
}

// Reader is what may be read from a journal, in or out of a Locked
// section. No method reads the whole history: each costs what it returns
// (plus, for the file store, the lines appended since its last call).
type Reader interface {
	// Recent returns the n most recent attempts (by the position of their
	// first line), newest first, with the problems (torn or garbled lines)
	// met on the way. n <= 0 means 50.
	Recent(ctx context.Context, n int) ([]Attempt, []Problem, error)
	// Pending returns every attempt reconciliation still has work on,
	// oldest first, whatever its age: those without a definitive outcome
	// (Attempt.Pending) and those ok without a transaction id
	// (Attempt.AwaitsID), whose transaction must never go to another
	// attempt. An ok outcome with an id, a rejection or a not-found ends it.
	Pending(ctx context.Context) ([]Attempt, error)
	// Get returns one attempt by journal id; false when there is none.
	Get(ctx context.Context, journalID string) (Attempt, bool, error)
	// Same returns the attempts with this key that began at or after
	// since, plus those still pending whatever their age, newest first.
	Same(ctx context.Context, key Key, since time.Time) ([]Attempt, error)
	// Claimed maps each transaction id recorded in an outcome written at
	// or after since to the journal id of its attempt. A transaction cannot
	// be claimed before it exists, so reconciliation asks from the oldest
	// candidate's creation time (less clock skew); a store may return more.
	Claimed(ctx context.Context, since time.Time) (map[string]string, error)
}

// Tx is a Locked section: the reads see every entry appended before the
// section began, and nothing else is appended until it ends.
type Tx interface {
	Reader
	// Append writes e, as Store.Append does, inside the section.
	Append(ctx context.Context, e Entry) (Entry, error)
}

// Store is a journal: the file (JSON Lines, this package) or PostgreSQL.
// Every implementation keeps the hash chain (each entry's Prev is the
// SHA-256 of the previous entry's line bytes, exactly as the file store
// writes them), never rewrites an entry, and serialises writers across
// processes.
type Store interface {
	Reader
	// Append writes e durably (fsync or commit) before returning: it fills
	// TS (UTC) when zero and Prev, and returns the entry as written.
	Append(ctx context.Context, e Entry) (Entry, error)
	// AppendGuarded is the duplicate guard: under the writer lock it hands
	// check the attempts Same(KeyOf(e), since) returns, and writes e only
	// when check returns nil (its error is returned as is). Two processes
	// can therefore never both pass the guard for one key.
	AppendGuarded(ctx context.Context, e Entry, since time.Time, check func(same []Attempt) error) (Entry, error)
	// Locked runs fn holding the writer lock: reconciliation decides and
	// appends inside it, so two reconcilers never both append an outcome
	// for one attempt. fn's error is returned.
	Locked(ctx context.Context, fn func(tx Tx) error) error
	// Verify checks every entry and the hash chain (this one reads it all).
	Verify(ctx context.Context) (Report, error)
	// Since returns up to max entries appended after the position after
	// (oldest first) and the position to ask from next time; the live feed
	// polls it. max <= 0 means 1000.
	Since(ctx context.Context, after Seq, max int) ([]Record, Seq, error)
	// Head is the position after the last entry: a feed that starts now
	// asks Since(Head()).
	Head(ctx context.Context) (Seq, error)
	// Where names the journal for messages (a path, or a DSN without its
	// password).
	Where() string
	// Close releases the store; entries already appended are durable.
	Close() error
}
