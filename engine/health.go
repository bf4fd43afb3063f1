package engine

import (
	"fmt"
	"time"

	"simdesk/model"
)

// Health is what the header shows for one provider.
type Health struct {
	State       string // ok | degraded (failed lately) | failing (circuit open) | unknown
	LastLatency time.Duration
	LastOK      time.Time
	LastErr     *model.Error
	Failures    int       // consecutive failures
	RetryAt     time.Time // when failing: the next probe is allowed from then
}

// breaker is a per-provider circuit breaker: after failureThreshold
// consecutive failures the provider is "failing" and calls fail fast until a
// probe is due; probes back off exponentially up to maxProbeWait.
type breaker struct {
	h       Health
	wait    time.Duration
	probing bool
}

const (
	failureThreshold = 5
	firstProbeWait   = 2 * time.Second
	maxProbeWait     = time.Minute
)

func newBreaker() *breaker { return &breaker{h: Health{State: "unknown"}} }

// countsAsFailure: only the provider being unwell counts, not our input.
func countsAsFailure(err *model.Error) bool {
	if err == nil {
		return false
	}
	switch err.Kind {
	case model.ErrUnavailable, model.ErrTimeout:
		return err.Message != "cancelled"
	}
	return false
}

// answeredWell: a definite answer, found or not found (or our own input
// refused), says the provider works.
func answeredWell(err *model.Error) bool {
	return err == nil || err.Kind == model.ErrNotFound || err.Kind == model.ErrBadRequest
}

// Health reports the provider's current state.
func (e *Engine) Health(provider string) Health {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, ok := e.health[provider]
	if !ok {
		return Health{State: "unknown"}
	}
	return b.h
}

// admit says whether a call may go out now; when the circuit is open it
// returns the error to answer with instead.
func (e *Engine) admit(provider string) *model.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, ok := e.health[provider]
	if !ok || b.h.State != "failing" {
		return nil
	}
	now := e.opts.Now()
	if now.Before(b.h.RetryAt) || b.probing {
		return &model.Error{Kind: model.ErrUnavailable, Provider: provider,
			Message: fmt.Sprintf("failing after %d errors in a row; next probe in %s", b.h.Failures, b.h.RetryAt.Sub(now).Round(time.Second))}
	}
	b.probing = true
	return nil
}

func (e *Engine) record(provider string, err *model.Error, elapsed time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, ok := e.health[provider]
	if !ok {
		return
	}
	b.probing = false
	now := e.opts.Now()
	if !countsAsFailure(err) {
		if err != nil && err.Message == "cancelled" {
			return
		}
		b.h.Failures, b.wait = 0, 0
		b.h.LastLatency, b.h.LastErr = elapsed, err
		b.h.State = "ok"
		if answeredWell(err) {
			b.h.LastOK = now
		} else {
			// Refused credentials, 501, an unreadable body: the provider is
			// up but not serving us; no reason to hold calls back.
			b.h.State = "degraded"
		}
		return
	}
	b.h.Failures++
	b.h.LastErr = err
	b.h.LastLatency = elapsed
	if b.h.State != "failing" {
		b.h.State = "degraded"
	}
	if b.h.Failures >= failureThreshold {
		if b.wait == 0 {
			b.wait = firstProbeWait
		} else if b.wait < maxProbeWait {
			b.wait *= 2
			if b.wait > maxProbeWait {
				b.wait = maxProbeWait
			}
		}
		b.h.State = "failing"
		b.h.RetryAt = now.Add(b.wait)
	}
}
