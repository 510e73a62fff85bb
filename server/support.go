package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// strictBinder decodes JSON bodies strictly: the content type must be
// JSON, unknown fields and trailing data are errors, and every failure is
// a 4xx problem naming what is wrong (never echo's BindingError, which the
// default handler turns into a 500).
type strictBinder struct{}

// Bind implements echo.Binder for request bodies only; path and query
// parameters are parsed by the handlers.
func (strictBinder) Bind(i any, c echo.Context) error { return decodeJSON(c, i) }

func decodeJSON(c echo.Context, v any) error {
	r := c.Request()
	ct := r.Header.Get(echo.HeaderContentType)
	if ct == "" && r.ContentLength == 0 {
		return engine.Errorz(engine.CodeMalformed, "请求体不能为空", "a JSON request body is required")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return engine.Errorz(engine.CodeUnsupportedMedia, "请求体应为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return engine.Errorz(engine.CodeUnsupportedMedia, "请求体应为 UTF-8 编码的 JSON", "the JSON body must be UTF-8 (charset="+cs+" is not accepted)")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return engine.Errorz(engine.CodeMalformed, "无法读取请求体", "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return engine.Errorz(engine.CodeMalformed, "请求体不能为空", "a JSON request body is required")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return engine.Errorz(engine.CodeMalformed, "请求体只能包含一个 JSON 值", "the body must hold exactly one JSON value")
	}
	return nil
}

// checkJSONText refuses a JSON body that is not UTF-8 (Go's decoder would
// quietly turn the bad bytes into U+FFFD) or whose strings hold NUL or
// other control characters (engine.CheckText), naming the field, before
// anything reaches a use case or a database.
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		return engine.Errorz(engine.CodeMalformed, "请求体不是有效的 UTF-8 文本", "the body is not valid UTF-8")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil // the typed decode reports the syntax error
	}
	return engine.CheckStrings("", v)
}

// cleanInput refuses path and query parameters that are not clean text
// (invalid UTF-8, NUL, control characters), naming the parameter, before
// the handler runs.
func cleanInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) {
				if err := engine.CheckText(name, c.ParamValues()[i]); err != nil {
					return malformedParam(err)
				}
			}
		}
		q, err := url.ParseQuery(c.Request().URL.RawQuery)
		if err != nil {
			return engine.Errorz(engine.CodeMalformed, "查询参数格式错误", "the query string is malformed")
		}
		for name, vs := range q {
			if err := engine.CheckText("query", name); err != nil {
				return malformedParam(err)
			}
			for _, v := range vs {
				if err := engine.CheckText(name, v); err != nil {
					return malformedParam(err)
				}
			}
		}
		return next(c)
	}
}

func malformedParam(err error) error {
	e := *err.(*engine.Error)
	e.Code = engine.CodeMalformed
	return &e
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &engine.Error{Code: engine.CodeMalformed, MessageZh: fmt.Sprintf("JSON 格式错误（第 %d 字节）", se.Offset),
			Message: fmt.Sprintf("malformed JSON at byte %d", se.Offset)}
	case errors.As(err, &te):
		return &engine.Error{Code: engine.CodeInvalid, Field: te.Field,
			MessageZh: fmt.Sprintf("字段 %s 的类型应为 %s", te.Field, te.Type), Message: fmt.Sprintf("field %s must be of type %s", te.Field, te.Type)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &engine.Error{Code: engine.CodeInvalid, Field: f, MessageZh: "未知字段：" + f, Message: "unknown field: " + f}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return engine.Errorz(engine.CodeMalformed, "JSON 不完整", "the JSON is incomplete")
	}
	return engine.Errorz(engine.CodeMalformed, "JSON 格式错误", "malformed JSON")
}

// pathID parses a positive integer path parameter; anything else is a
// 404, as for an id that does not exist.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := parseID(c.Param(name))
	if err != nil || id <= 0 {
		return 0, engine.Errorz(engine.CodeNotFound, "资源不存在", "not found")
	}
	return id, nil
}

func rateLimited() error { return procedure.RateLimited() }

// metrics are the server's Prometheus metrics on its own registry.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "juece_http_requests_total",
			Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "juece_http_request_duration_seconds",
			Help: "HTTP request latency by method and route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			_, status = problemOf(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// parseID parses an id strictly: decimal digits only, no sign, no space,
// at most 18 digits.
func parseID(s string) (int64, error) {
	if s == "" || len(s) > 18 {
		return 0, strconv.ErrSyntax
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}
