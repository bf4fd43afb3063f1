package providers

import (
	"context"
	"time"
)

// Progress is how far a long provider step has got: Orange reads its
// transaction list page by page to resolve a MSISDN, which can take
// seconds, and an operator on a call must see that it moves.
type Progress struct {
	Step    string        // what is being done, e.g. "transactions read"
	Done    int           // how many so far
	Total   int           // the bound (0 when unknown)
	Pages   int           // pages read so far
	Elapsed time.Duration // since the step started
}

// ProgressFunc receives progress reports. It is called from the provider's
// goroutine and must not block.
type ProgressFunc func(Progress)

type progressKey struct{}

// WithProgress returns a context whose provider calls report their
// progress to f. A context carries it (rather than an interface method) so
// that providers can report additively and callers that do not listen pay
// nothing.
func WithProgress(ctx context.Context, f ProgressFunc) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

// ReportProgress passes p to the context's ProgressFunc, if any.
func ReportProgress(ctx context.Context, p Progress) {
	if f, ok := ctx.Value(progressKey{}).(ProgressFunc); ok && f != nil {
		f(p)
	}
}
