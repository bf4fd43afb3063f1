package metrics

import (
	"context"
	"time"

	"simdesk/journal"
)

// timedStore is a journal.Store whose appends are timed. Every other method
// is the wrapped store's (embedded), so a method added to journal.Store
// later passes through unchanged.
type timedStore struct {
	journal.Store
	m *Metrics
}

// WrapStore returns s with its appends timed into
// simdesk_journal_append_duration_seconds; nil stays nil.
func (m *Metrics) WrapStore(s journal.Store) journal.Store {
	if s == nil {
		return nil
	}
	return &timedStore{Store: s, m: m}
}

func (t *timedStore) observe(kind string, start time.Time, err error) {
	t.m.appendDur.WithLabelValues(kind).Observe(t.m.now().Sub(start).Seconds())
	if err != nil {
		t.m.appendErr.WithLabelValues(kind).Inc()
	}
}

func (t *timedStore) Append(ctx context.Context, e journal.Entry) (journal.Entry, error) {
	start := t.m.now()
	w, err := t.Store.Append(ctx, e)
	t.observe("append", start, err)
	return w, err
}

// AppendGuarded times the guarded append; an entry the guard refused (its
// check's error) was not a failed write and is neither timed nor counted.
func (t *timedStore) AppendGuarded(ctx context.Context, e journal.Entry, since time.Time, check func([]journal.Attempt) error) (journal.Entry, error) {
	refused := false
	guard := check
	if check != nil {
		guard = func(same []journal.Attempt) error {
			err := check(same)
			refused = err != nil
			return err
		}
	}
	start := t.m.now()
	w, err := t.Store.AppendGuarded(ctx, e, since, guard)
	if !refused {
		t.observe("guarded", start, err)
	}
	return w, err
}

// Locked times the appends made inside the section (reconciliation).
func (t *timedStore) Locked(ctx context.Context, fn func(tx journal.Tx) error) error {
	return t.Store.Locked(ctx, func(tx journal.Tx) error { return fn(timedTx{Tx: tx, t: t}) })
}

type timedTx struct {
	journal.Tx
	t *timedStore
}

func (x timedTx) Append(ctx context.Context, e journal.Entry) (journal.Entry, error) {
	start := x.t.m.now()
	w, err := x.Tx.Append(ctx, e)
	x.t.observe("append", start, err)
	return w, err
}

// Unwrap returns the store being timed, for code that needs its concrete
// type (the PostgreSQL journal's LISTEN/NOTIFY feed).
func (t *timedStore) Unwrap() journal.Store { return t.Store }
