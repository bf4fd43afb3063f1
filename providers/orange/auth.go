package orange

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"simdesk/model"
	"simdesk/providers/httpx"
)

// defaultTokenLife is assumed when the token endpoint gives no expiry: short
// enough that a token revoked without a 401 is not used for long.
const defaultTokenLife = 10 * time.Minute

// tokens fetches OAuth 2.0 client-credentials tokens and caches one, renewing
// it before it expires and on demand after a 401. One fetch runs at a time;
// concurrent callers wait for it (or for their context) and share the result.
type tokens struct {
	cfg      clientcredentials.Config
	hc       *http.Client // with a timeout: the token fetch must never hang
	red      *httpx.Redactor
	provider string
	now      func() time.Time

	lock    chan struct{} // a mutex callers can stop waiting for
	tok     string
	renewAt time.Time
}

func newTokens(o Options, hc *http.Client, red *httpx.Redactor, now func() time.Time) *tokens {
	return &tokens{
		cfg: clientcredentials.Config{
			ClientID:     o.ClientID,
			ClientSecret: o.ClientSecret,
			TokenURL:     o.TokenURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
		},
		hc:       hc,
		red:      red,
		provider: o.Name,
		now:      now,
		lock:     make(chan struct{}, 1),
	}
}

// token returns a valid access token, fetching one when none is cached or
// the cached one is due for renewal.
func (t *tokens) token(ctx context.Context) (string, error) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return "", t.fail(model.ErrTimeout, 0, httpx.TimeoutMessage(ctx, "waiting for a token: ", t.hc.Timeout))
		}
		return "", t.fail(model.ErrTimeout, 0, "cancelled while waiting for a token")
	}
	defer func() { <-t.lock }()
	if t.tok != "" && t.now().Before(t.renewAt) {
		return t.tok, nil
	}
	fetched := t.now()
	tok, err := t.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, t.hc))
	if err != nil {
		return "", t.tokenError(ctx, err)
	}
	if strings.TrimSpace(tok.AccessToken) == "" {
		return "", t.fail(model.ErrUnavailable, 0, "token endpoint answered without an access token")
	}
	t.red.AddBearer(tok.AccessToken)
	life := defaultTokenLife
	switch {
	case tok.ExpiresIn > 0:
		life = time.Duration(tok.ExpiresIn) * time.Second
	case !tok.Expiry.IsZero():
		life = time.Until(tok.Expiry)
	}
	// Renew a little before expiry: a minute early for hour-long tokens,
	// proportionally earlier for short ones.
	margin := min(time.Minute, life/5)
	t.tok, t.renewAt = tok.AccessToken, fetched.Add(life-margin)
	return t.tok, nil
}

// invalidate drops the cached token if it is still the one that was refused,
// so that concurrent callers hitting the same 401 renew it only once.
func (t *tokens) invalidate(refused string) {
	t.lock <- struct{}{}
	defer func() { <-t.lock }()
	if t.tok == refused {
		t.tok = ""
	}
}

// tokenError classifies a token-endpoint failure without ever quoting the
// secret: the message is built here, redacted, and the cause kept only as
// redacted text.
func (t *tokens) tokenError(ctx context.Context, err error) *model.Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		code := strings.TrimSpace(re.ErrorCode)
		detail := code
		if d := strings.TrimSpace(re.ErrorDescription); d != "" {
			if detail != "" {
				detail += ": "
			}
			detail += d
		}
		kind := model.ErrUnavailable
		switch {
		case status == http.StatusUnauthorized,
			code == "invalid_client", code == "unauthorized_client",
			status == http.StatusBadRequest && code == "invalid_grant":
			kind = model.ErrUnauthorized
		case status == http.StatusForbidden:
			kind = model.ErrForbidden
		case status == http.StatusTooManyRequests:
			kind = model.ErrRateLimited
		case status == http.StatusGatewayTimeout || status == http.StatusRequestTimeout:
			kind = model.ErrTimeout
		}
		msg := fmt.Sprintf("token endpoint answered HTTP %d", status)
		if kind == model.ErrUnauthorized {
			msg = "token endpoint refused the client credentials"
		}
		if detail != "" {
			msg += " (" + model.OneLine(detail, 160) + ")"
		}
		return t.fail(kind, status, msg)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return t.fail(model.ErrTimeout, 0, "token request cancelled")
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return t.fail(model.ErrTimeout, 0, httpx.TimeoutMessage(ctx, "token endpoint: ", t.hc.Timeout))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return t.fail(model.ErrTimeout, 0, httpx.TimeoutMessage(ctx, "token endpoint: ", t.hc.Timeout))
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return t.fail(model.ErrUnavailable, 0, "token endpoint unreachable: connection refused")
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return t.fail(model.ErrUnavailable, 0, "token endpoint unreachable: cannot resolve host "+dns.Name)
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err // drop the URL wrapper: noise
	}
	return t.fail(model.ErrUnavailable, 0, "token endpoint: "+model.OneLine(err.Error(), 160))
}

func (t *tokens) fail(kind model.ErrorKind, status int, msg string) *model.Error {
	msg = t.redact(msg)
	return &model.Error{Kind: kind, Status: status, Message: msg, Provider: t.provider, Err: errors.New(msg)}
}

// redact masks the client secret and every token issued, even if the caller
// forgot to register them.
func (t *tokens) redact(s string) string {
	s = t.red.Redact(s)
	if sec := t.cfg.ClientSecret; sec != "" && strings.Contains(s, sec) {
		s = strings.ReplaceAll(s, sec, httpx.Mask)
	}
	return s
}
