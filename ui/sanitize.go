package ui

import (
	"errors"

	"simdesk/engine"
	"simdesk/journal"
	"simdesk/live"
	"simdesk/model"
)

// sanitizeMsg makes every engine result safe for the terminal as it arrives
// in Update: provider text (names, descriptions, reasons, error messages)
// and journal entries can carry ESC sequences, C1 and bidi controls, and
// model.Sanitize turns them into visible escapes. Our own styling is then
// the only escape sequence the View writes. It is the one place the
// console does this, so no screen can forget it; results are copied
// first, because some (the live stock and journal) are shared between
// sessions.
func sanitizeMsg(msg any) any {
	switch m := msg.(type) {
	case lookupMsg:
		m.res.Lines = sanitizeLines(m.res.Lines, m.streamed)
		m.res.Err = sanitizeModelErr(m.res.Err)
		return m
	case stockMsg:
		m.offers = sanitizeOffers(m.offers)
		m.err = sanitizeErr(m.err)
		return m
	case offersMsg:
		m.offers = sanitizeOffers(m.offers)
		m.err = sanitizeErr(m.err)
		return m
	case dupCheckedMsg:
		m.attempt = sanitizeAttempt(m.attempt)
		return m
	case amountMsg:
		l := model.Line{Buckets: append([]model.Bucket(nil), m.targets...)}
		l.MapText(model.Sanitize)
		m.targets, m.err = l.Buckets, sanitizeErr(m.err)
		m.attempt = sanitizeAttempt(m.attempt)
		return m
	case topupMsg:
		m.out.Result.MapText(model.Sanitize)
		m.out.Err = sanitizeModelErr(m.out.Err)
		m.out.JournalErr = sanitizeErr(m.out.JournalErr)
		m.err = sanitizeErr(m.err)
		return m
	case attemptsMsg:
		m.attempts = sanitizeAttempts(m.attempts)
		m.err = sanitizeErr(m.err)
		return m
	case reconcileMsg:
		m.appended = mapped(m.appended, sanitizeEntry)
		m.errs = mapped(m.errs, func(e engine.ReconcileError) engine.ReconcileError {
			return engine.ReconcileError{JournalID: e.JournalID, Err: sanitizeErr(e.Err)}
		})
		m.err = sanitizeErr(m.err)
		return m
	case liveMsg:
		m.u = sanitizeLive(m.u)
		return m
	case partialMsg:
		// Sanitised bucket by bucket as the lookup collected them
		// (streamSink.Bucket): the buckets are shared with the lookup's
		// goroutine, which is still appending, so they are never
		// rewritten here.
		return m
	}
	return msg
}

func sanitizeLive(u live.Update) live.Update {
	u.Stock = mapped(u.Stock, func(s live.Stock) live.Stock {
		s.Offers, s.Err = sanitizeOffers(s.Offers), sanitizeErr(s.Err)
		return s
	})
	if u.Journal != nil {
		j := *u.Journal
		j.Attempts, j.Err = sanitizeAttempts(j.Attempts), sanitizeErr(j.Err)
		u.Journal = &j
	}
	u.News = sanitizeAttempts(u.News)
	u.Notice = model.Sanitize(u.Notice)
	return u
}

// sanitizeLines makes lines safe for the terminal. The buckets of a line
// marked in streamed were sanitised one by one as they streamed in
// (streamSink.Bucket), so only the line's own fields are looked at: a
// 10,000-bucket answer is scanned once, not twice (issue 18).
func sanitizeLines(ls []model.Line, streamed []bool) []model.Line {
	if ls == nil {
		return nil
	}
	out := make([]model.Line, len(ls))
	for i, l := range ls {
		if i < len(streamed) && streamed[i] {
			out[i] = sanitizeHeader(l)
			continue
		}
		if l.EachText(isClean) {
			// Nothing to escape (the common case): the line is shared
			// as it is, never written, so no copy is needed. Copying and
			// rewriting a 10,000-bucket line was a tenth of Enter → table.
			out[i] = l
			continue
		}
		// Deep enough a copy that MapText never writes into the
		// provider's slices.
		l.Buckets = append([]model.Bucket(nil), l.Buckets...)
		for j := range l.Buckets {
			b := &l.Buckets[j]
			b.Periods = append([]model.Period(nil), b.Periods...)
			b.Counters = append([]model.Counter(nil), b.Counters...)
		}
		l.MapText(model.Sanitize)
		out[i] = l
	}
	return out
}

// sanitizeHeader sanitises a line's own fields and shares its buckets as
// they are.
func sanitizeHeader(l model.Line) model.Line {
	h := l
	h.Buckets = nil
	if !h.EachText(isClean) {
		h.MapText(model.Sanitize)
	}
	h.Buckets = l.Buckets
	return h
}

// isClean reports whether s shows on a terminal as it is (Sanitize returns
// such a string itself, without allocating).
func isClean(s string) bool { return model.Sanitize(s) == s }

// mapped is a new slice of f applied to each element (nil stays nil):
// results can be shared between sessions, so they are never written in
// place.
func mapped[T any](xs []T, f func(T) T) []T {
	if xs == nil {
		return nil
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func sanitizeOffers(os []model.Offer) []model.Offer {
	return mapped(os, func(o model.Offer) model.Offer { o.MapText(model.Sanitize); return o })
}

func sanitizeAttempts(as []journal.Attempt) []journal.Attempt { return mapped(as, sanitizeAttempt) }

func sanitizeAttempt(a journal.Attempt) journal.Attempt {
	a.Intent = sanitizeEntry(a.Intent)
	if a.Outcome != nil {
		o := sanitizeEntry(*a.Outcome)
		a.Outcome = &o
	}
	return a
}

// sanitizeEntry covers the journal's text fields: entries already in a
// journal were written before any sanitising existed, or by another tool.
func sanitizeEntry(e journal.Entry) journal.Entry {
	s := model.Sanitize
	e.JournalID, e.Operator, e.Provider, e.OfferID = s(e.JournalID), s(e.Operator), s(e.Provider), s(e.OfferID)
	e.TargetType, e.TargetID, e.TransactionID, e.Reason = s(e.TargetType), s(e.TargetID), s(e.TransactionID), s(e.Reason)
	e.Reference, e.OfferName, e.Environment = s(e.Reference), s(e.OfferName), s(e.Environment)
	if e.Price != nil {
		p := *e.Price
		p.Currency = s(p.Currency)
		e.Price = &p
	}
	return e
}

func sanitizeModelErr(e *model.Error) *model.Error {
	if e == nil || safeErr(e) {
		return e
	}
	c := *e
	c.Provider = model.Sanitize(c.Provider)
	c.MapText(model.Sanitize)
	return &c
}

// safeErr reports an error whose texts need no escaping: it is then kept as
// it is (the same pointer), copied only when something must change.
func safeErr(e *model.Error) bool {
	s := model.Sanitize
	ok := s(e.Message) == e.Message && s(e.Provider) == e.Provider && s(e.CorrelationID) == e.CorrelationID
	if e.Err != nil {
		ok = ok && s(e.Err.Error()) == e.Err.Error()
	}
	return ok
}

// sanitizeErr keeps the error's identity for errors.Is/As while its text is
// safe to show.
func sanitizeErr(err error) error {
	if err == nil {
		return nil
	}
	var me *model.Error
	if errors.As(err, &me) && me == err {
		return sanitizeModelErr(me)
	}
	if t := err.Error(); model.Sanitize(t) != t {
		return sanitizedError{model.Sanitize(t), err}
	}
	return err
}

type sanitizedError struct {
	msg   string
	cause error
}

func (e sanitizedError) Error() string { return e.msg }
func (e sanitizedError) Unwrap() error { return e.cause }
