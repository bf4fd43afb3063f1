package model

import (
	"errors"
	"fmt"
)

// ErrorKind is the contract's classification of a provider failure.
type ErrorKind string

// The error kinds of the contract.
const (
	ErrNotFound       ErrorKind = "not_found"
	ErrUnauthorized   ErrorKind = "unauthorized"
	ErrForbidden      ErrorKind = "forbidden"
	ErrBadRequest     ErrorKind = "bad_request"
	ErrRateLimited    ErrorKind = "rate_limited"
	ErrUnavailable    ErrorKind = "unavailable"
	ErrTimeout        ErrorKind = "timeout"
	ErrNotImplemented ErrorKind = "not_implemented"
	ErrBadResponse    ErrorKind = "bad_response"
)

// Error is a typed provider error. Message is safe to show: it never holds a
// secret. Err, when set, is the underlying cause (already redacted).
type Error struct {
	Kind          ErrorKind `json:"kind"`
	Status        int       `json:"status"`
	Message       string    `json:"message"`
	CorrelationID string    `json:"correlation_id"`
	Provider      string    `json:"-"`
	Err           error     `json:"-"`
}

func (e *Error) Error() string {
	s := string(e.Kind)
	if e.Status != 0 {
		s = fmt.Sprintf("%s (HTTP %d)", e.Kind, e.Status)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Provider != "" {
		s = e.Provider + ": " + s
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of a typed error, or "" for nil; untyped errors
// count as unavailable.
func KindOf(err error) ErrorKind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ErrUnavailable
}

// AsError returns err as *Error, wrapping untyped errors as unavailable.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: ErrUnavailable, Message: err.Error(), Err: err}
}

// KindForStatus maps an HTTP status to an error kind.
func KindForStatus(status int) ErrorKind {
	switch {
	case status == 400 || status == 405 || status == 409 || status == 422:
		return ErrBadRequest
	case status == 401:
		return ErrUnauthorized
	case status == 403:
		return ErrForbidden
	case status == 404 || status == 410:
		return ErrNotFound
	case status == 408 || status == 504:
		return ErrTimeout
	case status == 429:
		return ErrRateLimited
	case status == 501:
		return ErrNotImplemented
	case status >= 500:
		return ErrUnavailable
	case status >= 400:
		return ErrBadRequest
	}
	return ErrBadResponse
}

// Describe is a short operator-facing explanation of an error kind.
func (k ErrorKind) Describe() string {
	switch k {
	case ErrNotFound:
		return "not found"
	case ErrUnauthorized:
		return "credentials refused"
	case ErrForbidden:
		return "access forbidden"
	case ErrBadRequest:
		return "request refused as invalid"
	case ErrRateLimited:
		return "rate limited, try again shortly"
	case ErrUnavailable:
		return "provider unavailable"
	case ErrTimeout:
		return "timed out"
	case ErrNotImplemented:
		return "not offered for this market"
	case ErrBadResponse:
		return "unreadable answer from provider"
	}
	return string(k)
}
