package procedure

import (
	"net/http"

	"github.com/juece/juece/engine"
)

// statusOf is the one mapping from error codes to HTTP status codes,
// shared by the JSON API and the web pages.
var statusOf = map[engine.Code]int{
	engine.CodeMalformed:          http.StatusBadRequest,
	engine.CodeInvalid:            http.StatusUnprocessableEntity,
	engine.CodeUnauthenticated:    http.StatusUnauthorized,
	engine.CodeForbidden:          http.StatusForbidden,
	engine.CodeNotFound:           http.StatusNotFound,
	engine.CodeConflict:           http.StatusConflict,
	engine.CodeGuardFailed:        http.StatusConflict,
	engine.CodePreconditionFailed: http.StatusPreconditionFailed,
	engine.CodeTooLarge:           http.StatusRequestEntityTooLarge,
	engine.CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	engine.CodeRateLimited:        http.StatusTooManyRequests,
	engine.CodeInternal:           http.StatusInternalServerError,
	engine.CodeUnavailable:        http.StatusServiceUnavailable,
}

// RetryAfterSeconds is what a 503 tells clients to wait before retrying.
const RetryAfterSeconds = 5

// RateLimitedRetrySeconds is what a 429 tells clients to wait: the limits
// refill within a minute.
const RateLimitedRetrySeconds = 60

// StatusOf is the HTTP status of an error code: every adapter answers a
// refusal with the same status. An unknown code is 500.
func StatusOf(code engine.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}
