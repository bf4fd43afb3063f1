// Package engine is what the console and the headless commands share: the
// configured providers, parallel lookups, stock, the top-up procedure with its
// journal, reconciliation, and per-provider health. It owns no UI and no
// flags; both front ends call it and render its results.
package engine

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"simdesk/journal"
	"simdesk/model"
	"simdesk/providers"
	"simdesk/providers/httpx"
	"simdesk/topup"
)

// Registered is a configured provider with its stock settings.
type Registered struct {
	Provider     providers.Provider
	StockLow     int
	StockRefresh time.Duration
	// TopupTarget: the console shows this provider's pane after the usage
	// panes that found the same line (config key topup_target).
	TopupTarget bool
}

// Name is the provider's configured name.
func (r Registered) Name() string { return r.Provider.Name() }

// Options are the engine-wide settings from the config file.
type Options struct {
	Operator    string
	ReadOnly    bool
	Environment string // demo | sandbox | production
	// DuplicateWindow: a top-up of a line and offer attempted this recently
	// needs a second confirmation; 0 turns the window off (the config owns
	// the default). A pending attempt needs it whatever this is.
	DuplicateWindow time.Duration
	// SettleTime: how long after an intent an attempt absent from the
	// provider's list may be concluded "not found" (lists lag).
	SettleTime      time.Duration
	MaskIdentifiers bool
	// Journal is where top-ups are recorded; nil when it could not be
	// opened (JournalErr says why): lookups work, top-ups are refused.
	Journal    journal.Store
	JournalErr error
	Now        func() time.Time
	// Redactor masks every credential the process sends (the shared
	// httpx.Redactor). Every provider result passes through it once, here
	// at the engine boundary, so no front end and no path can forget it.
	// Nil redacts nothing (tests without secrets).
	Redactor Redactor
}

// Redactor is what the engine needs of httpx.Redactor: the engine takes the
// interface so it depends on no transport package.
type Redactor interface {
	Redact(string) string
}

// redact is the text filter of the engine boundary.
func (e *Engine) redact(s string) string {
	if e.opts.Redactor == nil {
		return s
	}
	return e.opts.Redactor.Redact(s)
}

// cleanErr redacts a provider error's text at the boundary.
func (e *Engine) cleanErr(err *model.Error) *model.Error {
	err.MapText(e.redact)
	return err
}

// cleanTopup redacts a top-up or reconciliation answer at the boundary (a
// rejected reason quotes whatever the provider wrote) and returns its error
// redacted too, still matching errors.Is/As. Topup and Reconcile call it on
// the provider's answer before anything is journalled or returned.
func (e *Engine) cleanTopup(r *model.TopupResult, err error) error {
	r.MapText(e.redact)
	if err == nil {
		return nil
	}
	var ie *model.InputError
	if errors.As(err, &ie) {
		return err
	}
	return e.cleanErr(model.AsError(err))
}

// Engine is safe for concurrent use by many tea.Cmds / goroutines.
type Engine struct {
	opts  Options
	regs  []Registered
	byNam map[string]int

	mu       *sync.Mutex // guards health and the top-up in-flight set; shared by As copies
	health   map[string]*breaker
	inFlight map[topup.Key]string // top-ups in flight → the operator sending each; guarded by mu

	actor *Actor // who this copy acts as (As); nil for the standalone engine
	hooks *hooks // journal listeners and access log, shared by As copies
}

// New builds an engine over providers in config order.
func New(o Options, ps ...Registered) *Engine {
	if o.Now == nil {
		o.Now = time.Now
	}
	e := &Engine{opts: o, byNam: map[string]int{}, health: map[string]*breaker{}, inFlight: map[topup.Key]string{}, mu: &sync.Mutex{}, hooks: &hooks{}}
	for i, r := range ps {
		if r.StockRefresh <= 0 {
			r.StockRefresh = 30 * time.Second
		}
		e.regs = append(e.regs, r)
		e.byNam[r.Name()] = i
		e.health[r.Name()] = newBreaker()
	}
	return e
}

// Options returns the engine-wide settings.
func (e *Engine) Options() Options { return e.opts }

// Registered lists the providers in config order (the console's panes).
func (e *Engine) Registered() []Registered { return e.regs }

// Find returns the provider registered under name.
func (e *Engine) Find(name string) (Registered, bool) {
	i, ok := e.byNam[name]
	if !ok {
		return Registered{}, false
	}
	return e.regs[i], true
}

// Names lists provider names in config order.
func (e *Engine) Names() []string {
	out := make([]string, len(e.regs))
	for i, r := range e.regs {
		out[i] = r.Name()
	}
	return out
}

// Accepting lists the providers that can look up this identifier type.
func (e *Engine) Accepting(t model.IDType) []string {
	var out []string
	for _, r := range e.regs {
		if r.Provider.Accepts(t) {
			out = append(out, r.Name())
		}
	}
	return out
}

// ErrUnknownProvider is wrapped by every error for a provider name not in
// the config (UnknownProvider): errors.Is(err, ErrUnknownProvider) finds it,
// and errors.As still finds the *model.InputError (exit 2, nothing sent).
var ErrUnknownProvider = errors.New("unknown provider")

// UnknownProvider builds a one-line input error naming the known providers.
func (e *Engine) UnknownProvider(name string) error {
	return unknownProviderError{&model.InputError{Msg: "unknown provider " + quote(name) + " (configured: " + strings.Join(e.Names(), ", ") + ")"}}
}

// unknownProviderError is an input error that is also ErrUnknownProvider.
type unknownProviderError struct{ *model.InputError }

func (u unknownProviderError) Unwrap() []error { return []error{u.InputError, ErrUnknownProvider} }

func quote(s string) string {
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return `"` + s + `"`
}

// Result is one provider's answer to one lookup.
type Result struct {
	Provider string
	Kind     string
	Lines    []model.Line
	Err      *model.Error
	Elapsed  time.Duration
	At       time.Time
}

// LookupOne asks one provider; the result carries its lines or typed error.
func (e *Engine) LookupOne(ctx context.Context, provider string, id model.Identifier) Result {
	return e.lookupOne(ctx, provider, id, nil)
}

// LookupOneStream is LookupOne with the answer streamed into sink while it
// is read, when the provider streams (providers.Streamer): the result's
// lines then have no buckets, the sink had them, each redacted here first.
// A provider that does not stream answers whole, buckets in its lines, and
// the sink gets nothing.
func (e *Engine) LookupOneStream(ctx context.Context, provider string, id model.Identifier, sink providers.Sink) Result {
	return e.lookupOne(ctx, provider, id, sink)
}

func (e *Engine) lookupOne(ctx context.Context, provider string, id model.Identifier, sink providers.Sink) Result {
	r, ok := e.Find(provider)
	if !ok {
		return Result{Provider: provider, Err: &model.Error{Kind: model.ErrBadRequest, Message: "unknown provider"}}
	}
	res := Result{Provider: provider, Kind: r.Provider.Kind()}
	if !r.Provider.Accepts(id.Type) {
		res.Err = &model.Error{Kind: model.ErrBadRequest, Message: "does not look up " + id.Type.Label() + " identifiers", Provider: provider}
		return res
	}
	if aerr := e.allow(topup.ActLookup); aerr != nil {
		res.Err, res.At = &model.Error{Kind: model.ErrBadRequest, Message: aerr.Error(), Provider: provider}, e.opts.Now()
		return res
	}
	defer func() { e.access(lookupAccess(res, id)) }()
	if ferr := e.admit(provider); ferr != nil {
		res.Err, res.At = ferr, e.opts.Now()
		return res
	}
	start := e.opts.Now()
	ctx = httpx.WithOperation(ctx, "lookup")
	var lines []model.Line
	var err error
	if st, ok := providers.AsStreamer(r.Provider); ok && sink != nil {
		// A streamed answer enters the model bucket by bucket: each one
		// is redacted here, before the caller's sink sees it.
		lines, err = st.LookupStream(ctx, id, &redactingSink{next: sink, redact: e.redact})
	} else {
		lines, err = r.Provider.Lookup(ctx, id)
	}
	res.Elapsed = e.opts.Now().Sub(start)
	res.At = e.opts.Now()
	if err != nil {
		res.Err = e.cleanErr(model.AsError(err))
		if res.Err.Provider == "" {
			res.Err.Provider = provider
		}
	} else {
		for i := range lines {
			lines[i].MapText(e.redact)
		}
		res.Lines = lines
	}
	e.record(provider, res.Err, res.Elapsed)
	return res
}

// redactingSink is the engine boundary for a streamed lookup: it redacts
// every bucket and line before handing it on. The bucket is copied first,
// since it belongs to the provider during the call, into one scratch
// bucket reused for every call (the Sink contract lets the receiver keep
// a bucket's slices, never the bucket itself): a fresh copy per bucket
// escaped to the heap, 11–18% of a 60,000-bucket decode.
type redactingSink struct {
	next    providers.Sink
	redact  func(string) string
	scratch model.Bucket
}

func (s *redactingSink) Bucket(line int, b *model.Bucket) {
	s.scratch = *b
	s.scratch.MapText(s.redact)
	s.next.Bucket(line, &s.scratch)
}

// Expect forwards a bucket estimate (providers.Expecter): it carries no
// provider text.
func (s *redactingSink) Expect(line, buckets int) { providers.Expect(s.next, line, buckets) }

func (s *redactingSink) Line(line int, l *model.Line) {
	l.MapText(s.redact)
	s.next.Line(line, l)
}

// LookupStream is Lookup of one named provider, its answer streamed into
// sink (see LookupOneStream); the same refusals before anything is sent.
func (e *Engine) LookupStream(ctx context.Context, id model.Identifier, provider string, sink providers.Sink) (Result, error) {
	if _, err := e.lookupNames(id, provider); err != nil {
		return Result{}, err
	}
	return e.LookupOneStream(ctx, provider, id, sink), nil
}

// Lookup asks every provider that accepts the identifier's type (or only the
// named one), in parallel, and returns the results in config order. The error
// is for refusals before anything was sent (unknown provider, none accepts).
func (e *Engine) Lookup(ctx context.Context, id model.Identifier, only string) ([]Result, error) {
	names, err := e.lookupNames(id, only)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = e.LookupOne(ctx, n, id)
		}()
	}
	wg.Wait()
	return out, nil
}

// lookupNames is who a lookup asks: the named provider, or every one that
// accepts the identifier's type; an error when nobody may be asked.
func (e *Engine) lookupNames(id model.Identifier, only string) ([]string, error) {
	if only == "" {
		names := e.Accepting(id.Type)
		if len(names) == 0 {
			return nil, &model.InputError{Msg: "no configured provider looks up " + id.Type.Label() + " identifiers"}
		}
		return names, nil
	}
	r, ok := e.Find(only)
	if !ok {
		return nil, e.UnknownProvider(only)
	}
	if !r.Provider.Accepts(id.Type) {
		return nil, &model.InputError{Msg: "provider " + only + " (" + r.Provider.Kind() + ") does not look up " + id.Type.Label() + " identifiers"}
	}
	return []string{only}, nil
}

// Offers lists one provider's offers with Low set from its stock_low.
func (e *Engine) Offers(ctx context.Context, provider string) ([]model.Offer, error) {
	r, ok := e.Find(provider)
	if !ok {
		return nil, e.UnknownProvider(provider)
	}
	s, ok := providers.AsStocker(r.Provider)
	if !ok {
		return nil, &model.InputError{Msg: "provider " + provider + " (" + r.Provider.Kind() + ") has no offers or stock"}
	}
	if aerr := e.allow(topup.ActStock); aerr != nil {
		return nil, aerr
	}
	if ferr := e.admit(provider); ferr != nil {
		return nil, ferr
	}
	start := e.opts.Now()
	offers, err := s.Offers(httpx.WithOperation(ctx, "offers"))
	if err != nil {
		var ie *model.InputError
		if !errors.As(err, &ie) {
			err = e.cleanErr(model.AsError(err))
		}
	}
	e.record(provider, model.AsError(err), e.opts.Now().Sub(start))
	if err != nil {
		return nil, err
	}
	for i := range offers {
		offers[i].MapText(e.redact)
		offers[i].Provider = provider
		offers[i].Low = offers[i].Stock <= r.StockLow && offers[i].StockInvalid == "" && !offers[i].Unlimited
	}
	return offers, nil
}

// Stockers lists the providers that have offers and stock.
func (e *Engine) Stockers() []string {
	var out []string
	for _, r := range e.regs {
		if _, ok := providers.AsStocker(r.Provider); ok {
			out = append(out, r.Name())
		}
	}
	return out
}

// StockError is one provider's failure in a stock listing.
type StockError struct {
	Provider string       `json:"provider"`
	Kind     string       `json:"kind"`
	Message  string       `json:"message"`
	Err      *model.Error `json:"-"`
}

// Stock lists the offers of every stock provider (or only one), in parallel.
func (e *Engine) Stock(ctx context.Context, only string) ([]model.Offer, []StockError, error) {
	names := e.Stockers()
	if only != "" {
		if _, ok := e.Find(only); !ok {
			return nil, nil, e.UnknownProvider(only)
		}
		names = []string{only}
	}
	type res struct {
		offers []model.Offer
		err    error
	}
	rs := make([]res, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := e.Offers(ctx, n)
			rs[i] = res{o, err}
		}()
	}
	wg.Wait()
	var offers []model.Offer
	var errs []StockError
	for i, r := range rs {
		if r.err != nil {
			var ie *model.InputError
			if errors.As(r.err, &ie) {
				return nil, nil, r.err
			}
			me := model.AsError(r.err)
			errs = append(errs, StockError{Provider: names[i], Kind: string(me.Kind), Message: me.Message, Err: me})
			continue
		}
		offers = append(offers, r.offers...)
	}
	return offers, errs, nil
}

// OffersForLine keeps the offers that can be applied to a line: top-ups of
// the line's supplier addressed by an identifier the line has.
func (e *Engine) OffersForLine(offers []model.Offer, line model.Line) []model.Offer {
	var out []model.Offer
	for _, o := range offers {
		if !strings.EqualFold(o.ProductType, "topup") {
			continue
		}
		if line.Supplier != "" && o.Supplier != "" && !strings.EqualFold(line.Supplier, o.Supplier) {
			continue
		}
		if _, ok := TargetFor(o, line); !ok {
			continue
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Empty() != out[j].Empty() {
			return !out[i].Empty()
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// TargetFor returns the identifier a top-up of offer o must address for this
// line: the MSISDN for msisdn offers, the SIM id for sim offers.
func TargetFor(o model.Offer, line model.Line) (model.Identifier, bool) {
	switch o.TargetType {
	case model.MSISDN:
		v := line.MSISDN
		if v == "" && line.Type == model.MSISDN {
			v = line.ID
		}
		if v == "" {
			return model.Identifier{}, false
		}
		return model.Identifier{Type: model.MSISDN, Value: v}, true
	case model.SIM:
		v := line.SimID
		if v == "" && line.Type == model.SIM {
			v = line.ID
		}
		if v == "" {
			return model.Identifier{}, false
		}
		return model.Identifier{Type: model.SIM, Value: v}, true
	}
	return model.Identifier{}, false
}
