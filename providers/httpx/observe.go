package httpx

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"simdesk/model"
)

// Call is one HTTP attempt to a provider as the metrics see it: no URL, no
// body, no identifier, only what a bounded label set can carry.
type Call struct {
	Provider  string
	Operation string          // from WithOperation; "other" when the caller named none
	Status    int             // 0 when no answer came back
	Kind      model.ErrorKind // "" for a 2xx answer
	Elapsed   time.Duration   // until the answer's headers (or the failure)
}

// observer is told of every attempt of every client. It is process-wide
// because providers build their clients deep inside their constructors;
// simdesk serve sets it once, before the first call, for its metrics.
var observer atomic.Pointer[func(Call)]

// SetObserver makes f receive every provider HTTP attempt (nil: none) and
// returns a function that restores the previous observer, for tests.
func SetObserver(f func(Call)) (restore func()) {
	var p *func(Call)
	if f != nil {
		p = &f
	}
	old := observer.Swap(p)
	return func() { observer.Store(old) }
}

type opKey struct{}

// WithOperation names the operation (lookup, offers, topup, …) the calls
// made with ctx serve, for the metrics' operation label.
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

func operationOf(ctx context.Context) string {
	if op, ok := ctx.Value(opKey{}).(string); ok && op != "" {
		return op
	}
	return "other"
}

// observing is the transport of every Client: it reports each round trip
// (token requests included, since the token client shares it) to the
// observer, when one is set, and otherwise costs one atomic load.
type observing struct {
	next     http.RoundTripper
	provider string
}

func (o observing) RoundTrip(req *http.Request) (*http.Response, error) {
	f := observer.Load()
	if f == nil {
		return o.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(req)
	c := Call{Provider: o.provider, Operation: operationOf(req.Context()), Elapsed: time.Since(start)}
	switch {
	case err != nil:
		c.Kind = model.ErrUnavailable
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			c.Kind = model.ErrTimeout
		}
	default:
		c.Status = resp.StatusCode
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			c.Kind = model.KindForStatus(resp.StatusCode)
		}
	}
	(*f)(c)
	return resp, err
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
