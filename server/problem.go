package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// codeOfStatus maps statuses that echo itself produces (unknown route,
// wrong method, body limit…) back to codes.
var codeOfStatus = map[int]engine.Code{
	http.StatusBadRequest:            engine.CodeMalformed,
	http.StatusUnauthorized:          engine.CodeUnauthenticated,
	http.StatusForbidden:             engine.CodeForbidden,
	http.StatusNotFound:              engine.CodeNotFound,
	http.StatusMethodNotAllowed:      engine.CodeNotFound,
	http.StatusConflict:              engine.CodeConflict,
	http.StatusPreconditionFailed:    engine.CodePreconditionFailed,
	http.StatusRequestEntityTooLarge: engine.CodeTooLarge,
	http.StatusUnsupportedMediaType:  engine.CodeUnsupportedMedia,
	http.StatusUnprocessableEntity:   engine.CodeInvalid,
	http.StatusTooManyRequests:       engine.CodeRateLimited,
}

// Problem is an RFC 9457 problem detail with Juece's extensions: a stable
// code, the message in Chinese and English, and for guard_failed the legal
// basis and rule that refused the request.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
	Basis     string `json:"basis,omitempty"`
	// Failures lists every rule that refused (guard_failed), with its
	// legal basis; never the rule's expression.
	Failures  []procedure.FailureView `json:"failures,omitempty"`
	Field     string                  `json:"field,omitempty"`
	Instance  string                  `json:"instance,omitempty"`
	RequestID string                  `json:"request_id,omitempty"`
	// Problems lists, for a refused file, every problem with its line.
	Problems []problemLine `json:"problems,omitempty"`
}

// problemOf converts any error into a problem. Internal errors are logged
// with their cause and shown without it.
func problemOf(err error) (*engine.Error, int) {
	var ee *engine.Error
	if errors.As(err, &ee) {
		return ee, procedure.StatusOf(ee.Code)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := codeOfStatus[he.Code]
		if !ok {
			if he.Code >= 500 {
				code = engine.CodeInternal
			} else {
				code = engine.CodeMalformed
			}
		}
		return &engine.Error{Code: code, Message: http.StatusText(he.Code), MessageZh: zhStatus(he.Code), Err: he.Internal}, he.Code
	}
	return &engine.Error{Code: engine.CodeInternal, Message: "internal error", MessageZh: "系统内部错误", Err: err}, http.StatusInternalServerError
}

func zhStatus(code int) string {
	switch code {
	case http.StatusNotFound:
		return "资源不存在"
	case http.StatusMethodNotAllowed:
		return "不支持该请求方法"
	case http.StatusRequestEntityTooLarge:
		return "请求内容过大"
	case http.StatusUnsupportedMediaType:
		return "不支持的内容类型"
	case http.StatusUnauthorized:
		return "请先登录"
	case http.StatusForbidden:
		return "无权进行此操作"
	case http.StatusTooManyRequests:
		return "请求过于频繁，请稍后再试"
	case http.StatusBadRequest:
		return "请求格式错误"
	}
	return "请求失败"
}

// errorHandler renders every error as application/problem+json.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		ee, status := problemOf(err)
		if ee.Code == engine.CodeRateLimited {
			c.Response().Header().Set("Retry-After", strconv.Itoa(procedure.RateLimitedRetrySeconds))
		}
		if ee.Code == engine.CodeUnavailable {
			log.WarnContext(c.Request().Context(), "database unavailable", slog.String("path", c.Path()), slog.Any("error", err))
			c.Response().Header().Set("Retry-After", strconv.Itoa(procedure.RetryAfterSeconds))
		} else if status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", slog.String("path", c.Path()),
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)), slog.Any("error", err))
			ee = &engine.Error{Code: engine.CodeInternal, Message: "internal error; the request was not applied", MessageZh: "系统内部错误，请求未被执行"}
		}
		p := Problem{
			Type: "https://juece.gov.cn/problems/" + string(ee.Code), Title: http.StatusText(status), Status: status,
			Detail: ee.MessageZh, Code: string(ee.Code), MessageZh: ee.MessageZh, MessageEn: ee.Message,
			Basis: ee.Basis, Field: ee.Field, Instance: c.Request().URL.Path,
			RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Problems: problemLines(err),
		}
		if b := procedure.ViewBlock(ee); b != nil {
			p.Failures = b.Failures
		}
		if p.Detail == "" {
			p.Detail = ee.Message
		}
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="juece"`)
		}
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json; charset=utf-8")
		c.Response().WriteHeader(status)
		enc := jsonEncoder(c.Response())
		_ = enc.Encode(p)
	}
}
