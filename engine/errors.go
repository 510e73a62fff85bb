package engine

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error class. Adapters map each code to
// a transport status in exactly one place (the HTTP server maps it to a
// status code, the CLI to an exit code).
type Code string

// The error codes. Their string values are part of the external contract.
const (
	// CodeInvalid: a field is missing or wrong (the request itself parsed).
	CodeInvalid Code = "invalid"
	// CodeMalformed: the request cannot be parsed (bad JSON, bad path or
	// query parameter syntax).
	CodeMalformed Code = "malformed"
	// CodeUnsupportedMedia: the request body has a content type the
	// endpoint does not take.
	CodeUnsupportedMedia Code = "unsupported_media_type"
	// CodeUnauthenticated: no or bad credentials.
	CodeUnauthenticated Code = "unauthenticated"
	// CodeForbidden: the actor lacks the role or scope for the action.
	CodeForbidden Code = "forbidden"
	// CodeNotFound: the thing does not exist or is outside the caller's scope.
	CodeNotFound Code = "not_found"
	// CodeConflict: an illegal transition for the current state, or the item
	// changed since it was read (version conflict), or a uniqueness clash.
	CodeConflict Code = "conflict"
	// CodeGuardFailed: a rule of the workflow refused the event; the error
	// carries the rule's message and legal basis.
	CodeGuardFailed Code = "guard_failed"
	// CodePreconditionFailed: an If-Match style expectation did not hold.
	CodePreconditionFailed Code = "precondition_failed"
	// CodeTooLarge: the input exceeds a size limit.
	CodeTooLarge Code = "too_large"
	// CodeRateLimited: too many requests.
	CodeRateLimited Code = "rate_limited"
	// CodeInternal: a fault of the system, not of the caller.
	CodeInternal Code = "internal"
	// CodeUnavailable: the database (or another dependency) cannot be
	// reached now; nothing was done, and the same request may be retried.
	CodeUnavailable Code = "unavailable"
)

// Error is the one error type of Juece. Message is English, MessageZh
// Chinese; Basis names the legal provision behind a guard_failed error;
// Field names the offending input field for invalid errors.
type Error struct {
	Code      Code
	Message   string
	MessageZh string
	Basis     string
	Field     string
	// Rule is the expression of the rule that failed, for guard_failed; it
	// is for logs and is never shown to callers.
	Rule string
	// Failures lists every rule that refused (guard_failed), the first of
	// them also in Message, MessageZh and Basis.
	Failures []RuleFailure
	// Err is the underlying cause, if any; it is never shown to callers.
	Err error
}

// RuleFailure is one rule of a workflow that refused an event.
type RuleFailure struct {
	Message Text
	Basis   string
}

// Error returns the English message, prefixed by the code.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.MessageZh != "" {
		s += " (" + e.MessageZh + ")"
	}
	if e.Err != nil && e.Code == CodeInternal {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and an English message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errorz returns an *Error with both the Chinese and the English message.
func Errorz(code Code, zh, en string) *Error {
	return &Error{Code: code, Message: en, MessageZh: zh}
}

// Internal wraps err as an internal error; a nil err gives nil.
func Internal(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: CodeInternal, Message: "internal error", MessageZh: "系统内部错误", Err: err}
}

// ErrorCode returns the code of err: the Code of the first *Error in its
// chain, "" for nil, and CodeInternal for any other error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }
