// Package httpx is the HTTP plumbing every provider shares: deadlines, cancel
// through context, retries with backoff for idempotent calls only, a response
// size limit, correlation ids, error-envelope decoding and secret redaction.
package httpx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"simdesk/model"
)

// DefaultMaxBody bounds any response body; larger answers are bad_response.
const DefaultMaxBody = 32 << 20

// Client is a provider's HTTP client. It is safe for concurrent use.
type Client struct {
	HTTP      *http.Client
	Timeout   time.Duration // per attempt; 0 means 10s
	Retries   int           // extra attempts for GETs (not POSTs); default 2
	MaxBody   int64         // 0 means DefaultMaxBody
	MaxWait   time.Duration // cap on a Retry-After wait; 0 means 5s
	Redactor  *Redactor
	Provider  string // for messages
	UserAgent string

	// Sleep waits between retries; tests may replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	// Log, when set, receives one line per attempt (method, URL, status,
	// duration, correlation id), already redacted: the debug log.
	Log func(line string)

	calls atomic.Int64
}

// Calls is the number of HTTP attempts made (for tests and status lines).
func (c *Client) Calls() int64 { return c.calls.Load() }

// sharedTransport keeps connections alive across providers on one host.
var sharedTransport = &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:          64,
	MaxIdleConnsPerHost:   16,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   5 * time.Second,
	ExpectContinueTimeout: time.Second,
	ForceAttemptHTTP2:     true,
}

// New returns a client with sane defaults for one provider.
func New(provider string, timeout time.Duration, red *Redactor) *Client {
	if red == nil {
		red = NewRedactor()
	}
	return &Client{
		HTTP:     &http.Client{Transport: observing{next: sharedTransport, provider: provider}, CheckRedirect: noRedirect},
		Timeout:  timeout,
		Retries:  2,
		Redactor: red,
		Provider: provider,
	}
}

func noRedirect(req *http.Request, via []*http.Request) error {
	// Never forward credentials to wherever a redirect points.
	return http.ErrUseLastResponse
}

// Request describes one call.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Idempotent calls (GET, HEAD) are retried; others never are.
}

// Handler reads a successful (2xx) body. The reader fails with a bad_response
// error when the body exceeds the size limit.
type Handler func(status int, h http.Header, body io.Reader) error

// Do sends the request and hands a 2xx body to handle. Any other status, a
// transport failure or a handler error comes back as a *model.Error carrying
// the correlation id.
func (c *Client) Do(ctx context.Context, r Request, handle Handler) error {
	if r.Header == nil {
		r.Header = http.Header{}
	}
	corr := r.Header.Get("X-Correlation-ID")
	if corr == "" {
		corr = NewID()
		r.Header.Set("X-Correlation-ID", corr)
	}
	idempotent := r.Method == "" || r.Method == http.MethodGet || r.Method == http.MethodHead
	attempts := 1
	if idempotent {
		attempts += c.Retries
	}
	ctx, cancel := c.Budget(ctx)
	defer cancel()
	var last *model.Error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			wait := backoff(i, last)
			if asked, ok := retryAfterOf(last); ok && (wait > c.maxWait() || !fits(ctx, wait)) {
				// The provider asks for more patience than an operator has:
				// say how much, so the operator can decide when to retry.
				last.Message += fmt.Sprintf(" (the provider asks to retry after %s; simdesk waits at most %s)", roundWait(asked), roundWait(min(c.maxWait(), remaining(ctx))))
				break
			}
			if wait > c.maxWait() || !fits(ctx, wait) {
				break // no time left for another attempt within the timeout
			}
			if err := c.sleep(ctx, wait); err != nil {
				break
			}
		}
		err, retry := c.once(ctx, r, corr, handle)
		if err == nil {
			return nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return last
}

// budgetKey marks a context whose deadline is an operator's whole wait.
type budgetKey struct{}

// budget is when the operator's wait began and how long it may last.
type budget struct {
	start time.Time
	limit time.Duration
}

// Budget bounds everything done with the returned context (every attempt,
// every backoff, and for Orange the token fetch before them) by the
// configured timeout counted from now: the timeout is what the operator
// waits, retries included, not a per-attempt figure that three attempts
// and their backoffs turn into four times as long. A context that already
// carries a budget keeps it, so nested calls share one wait.
func (c *Client) Budget(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Value(budgetKey{}).(*budget); ok {
		return context.WithCancel(ctx)
	}
	b := &budget{start: time.Now(), limit: c.timeout()}
	return context.WithTimeout(context.WithValue(ctx, budgetKey{}, b), b.limit)
}

// Waited is how long the operator has waited in the budget ctx carries, and
// the configured limit; ok is false without a budget.
func Waited(ctx context.Context) (waited, limit time.Duration, ok bool) {
	b, ok := ctx.Value(budgetKey{}).(*budget)
	if !ok {
		return 0, 0, false
	}
	return time.Since(b.start), b.limit, true
}

// TimeoutMessage says how long the operator actually waited for an answer,
// and the configured timeout, e.g. "no answer after 1.0 s (timeout 1s)".
func TimeoutMessage(ctx context.Context, what string, fallback time.Duration) string {
	waited, limit, ok := Waited(ctx)
	if !ok {
		return fmt.Sprintf("%sno answer within %s", what, fallback)
	}
	return fmt.Sprintf("%sno answer after %.1f s (timeout %s)", what, waited.Seconds(), limit)
}

func retryAfterOf(last *model.Error) (time.Duration, bool) {
	var ra retryAfter
	if last != nil && errors.As(last.Err, &ra) {
		return ra.d, true
	}
	return 0, false
}

// fits reports whether waiting d still leaves time for an attempt.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d+50*time.Millisecond
}

func remaining(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return max(0, time.Until(dl))
	}
	return time.Hour
}

func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(10 * time.Millisecond)
}

func (c *Client) maxWait() time.Duration {
	if c.MaxWait <= 0 {
		return 5 * time.Second
	}
	return c.MaxWait
}

// retryAfter is the wait a 429/503 asked for, carried from once to backoff.
type retryAfter struct{ d time.Duration }

func (r retryAfter) Error() string { return "retry after " + r.d.String() }

func backoff(attempt int, last *model.Error) time.Duration {
	var ra retryAfter
	if last != nil && errors.As(last.Err, &ra) {
		return ra.d
	}
	return time.Duration(attempt*attempt) * 150 * time.Millisecond
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 10 * time.Second
	}
	return c.Timeout
}

func (c *Client) maxBody() int64 {
	if c.MaxBody <= 0 {
		return DefaultMaxBody
	}
	return c.MaxBody
}

func (c *Client) fail(kind model.ErrorKind, status int, corr, msg string, cause error) *model.Error {
	msg = c.Redactor.Redact(msg)
	if cause != nil {
		cause = redactedError{c.Redactor.Redact(cause.Error()), cause}
	}
	return &model.Error{Kind: kind, Status: status, Message: msg, CorrelationID: corr, Provider: c.Provider, Err: cause}
}

// redactedError keeps errors.As working on the cause while its text is safe.
type redactedError struct {
	msg   string
	cause error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.cause }

func (c *Client) once(ctx context.Context, r Request, corr string, handle Handler) (*model.Error, bool) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, method, err := c.newRequest(ctx, r)
	if err != nil {
		return c.fail(model.ErrBadRequest, 0, corr, "cannot build request: "+err.Error(), nil), false
	}
	c.calls.Add(1)
	start := time.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		e := c.transportError(ctx, corr, err)
		c.log(method, r.URL, 0, start, corr, string(e.Kind)+": "+e.Message)
		return e, true
	}
	c.log(method, r.URL, resp.StatusCode, start, corr, "")
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		resp.Body.Close()
	}()
	if rc := resp.Header.Get("X-Correlation-ID"); rc != "" && len(rc) <= 128 {
		corr = rc
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		lr := &limitReader{r: resp.Body, n: c.maxBody()}
		if err := handle(resp.StatusCode, resp.Header, lr); err != nil {
			if lr.over {
				return c.fail(model.ErrBadResponse, resp.StatusCode, corr, fmt.Sprintf("response larger than %d MiB", c.maxBody()>>20), nil), false
			}
			if ctx.Err() != nil {
				return c.transportError(ctx, corr, err), false
			}
			var me *model.Error
			if errors.As(err, &me) {
				if me.CorrelationID == "" {
					me.CorrelationID = corr
				}
				if me.Provider == "" {
					me.Provider = c.Provider
				}
				me.Message = c.Redactor.Redact(me.Message)
				return me, false
			}
			if isNetError(err) {
				return c.fail(model.ErrUnavailable, resp.StatusCode, corr, "connection lost while reading the answer", err), idempotentRetry(r)
			}
			return c.fail(model.ErrBadResponse, resp.StatusCode, corr, err.Error(), err), false
		}
		return nil, false
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := DecodeError(resp.StatusCode, resp.Header.Get("Content-Type"), snippet)
	e.CorrelationID, e.Provider = corr, c.Provider
	e.Message = c.Redactor.Redact(e.Message)
	retry := resp.StatusCode == 429 || resp.StatusCode == 502 || resp.StatusCode == 503 || resp.StatusCode == 504 || resp.StatusCode == 500
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After")); ok && (resp.StatusCode == 429 || resp.StatusCode == 503) {
		e.Err = retryAfter{d}
	}
	return e, retry
}

// newRequest is r as an HTTP request with the headers every call sends
// (JSON unless r says otherwise, our User-Agent), and its method.
func (c *Client) newRequest(ctx context.Context, r Request) (*http.Request, string, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		return nil, method, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if r.Body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	return req, method, nil
}

func idempotentRetry(r Request) bool { return r.Method == "" || r.Method == http.MethodGet }

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset")
}

func (c *Client) transportError(ctx context.Context, corr string, err error) *model.Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: it may carry identifiers, and it is noise
	}
	switch {
	case errors.Is(err, context.Canceled):
		return c.fail(model.ErrTimeout, 0, corr, "cancelled", err)
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return c.fail(model.ErrTimeout, 0, corr, TimeoutMessage(ctx, "", c.timeout()), err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return c.fail(model.ErrTimeout, 0, corr, TimeoutMessage(ctx, "", c.timeout()), err)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return c.fail(model.ErrUnavailable, 0, corr, "cannot resolve host "+dns.Name, err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return c.fail(model.ErrUnavailable, 0, corr, "connection refused", err)
	}
	return c.fail(model.ErrUnavailable, 0, corr, "connection failed: "+model.OneLine(err.Error(), 200), err)
}

func parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := time.Until(t)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

// ErrTooLarge is returned by a body reader past the size limit.
var ErrTooLarge = errors.New("response body too large")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// Probe one byte: exactly at the limit is fine.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.over = true
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// NewID returns a random UUID v4 for X-Correlation-ID.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// NotSent reports whether a failed call provably never reached the server
// (the connection could not be made): for a POST that means no side effect.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// CloseIdle closes idle keep-alive connections of the shared transport (at
// exit, and in tests that count goroutines).
func CloseIdle() { sharedTransport.CloseIdleConnections() }

func (c *Client) log(method, url string, status int, start time.Time, corr, msg string) {
	if c.Log == nil {
		return
	}
	line := fmt.Sprintf("%s %s %s %s %d %s corr=%s %s", time.Now().UTC().Format(time.RFC3339Nano), c.Provider, method, url, status,
		time.Since(start).Round(time.Microsecond), corr, msg)
	c.Log(c.Redactor.Redact(strings.TrimSpace(line)))
}
