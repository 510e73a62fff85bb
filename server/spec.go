package server

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// specYAML is the API contract, served at /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var specYAML []byte

// apiSpec is the loaded contract used to validate requests.
type apiSpec struct {
	doc *openapi3.T
}

// Spec returns the parsed and validated OpenAPI document.
func Spec() (*openapi3.T, error) {
	l := openapi3.NewLoader()
	doc, err := l.LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return doc, nil
}

func loadSpec() (*apiSpec, error) {
	doc, err := Spec()
	if err != nil {
		return nil, err
	}
	return &apiSpec{doc: doc}, nil
}

// OpenAPIPath turns an echo route path ("/api/v1/items/:id") into the
// document's form ("/api/v1/items/{id}").
func OpenAPIPath(echoPath string) string {
	parts := strings.Split(echoPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// Route returns the document's operation for an echo route, or nil.
func (s *apiSpec) route(method, echoPath string) *routers.Route {
	path := OpenAPIPath(echoPath)
	item := s.doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	op := item.GetOperation(method)
	if op == nil {
		return nil
	}
	// Authentication is the server's own (authenticate); the validator
	// must not check security, which would read whole request bodies.
	noSec := *op
	noSec.Security = &openapi3.SecurityRequirements{}
	return &routers.Route{Spec: s.doc, Path: path, PathItem: item, Method: method, Operation: &noSec}
}

// validate checks the request's parameters and JSON body against the
// operation in the contract. Failures are 400 (unparseable) or 422 (a
// value the contract does not allow), naming the parameter or field.
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		route := s.spec.route(r.Method, c.Path())
		if route == nil {
			// Not an API operation: echo's own not-found and
			// method-not-allowed handlers answer. (Every registered route
			// is in the document: TestOpenAPI_RoutesMatchTheDocument.)
			return next(c)
		}
		params := map[string]string{}
		for i, n := range c.ParamNames() {
			params[n] = c.ParamValues()[i]
		}
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: false}
		mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		// Bodies are decoded strictly by the handlers, which give precise
		// messages for malformed JSON and wrong media types; the contract
		// check here is about the shape of well-formed JSON.
		if mt == "multipart/form-data" || r.ContentLength == 0 || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			opts.ExcludeRequestBody = true
		}
		in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
		if !opts.ExcludeRequestBody {
			body, err := peekBody(c)
			if err != nil {
				return err
			}
			if !jsonWellFormed(body) {
				return next(c) // the handler reports the syntax error
			}
		}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			return contractError(err)
		}
		return next(c)
	}
}

func contractError(err error) error {
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		if strings.Contains(re.Reason, "header Content-Type has unexpected value") || strings.Contains(re.Error(), "unsupported content type") {
			return engine.Errorz(engine.CodeUnsupportedMedia, "不支持的内容类型", "unsupported content type for this operation")
		}
		field := ""
		if re.Parameter != nil {
			field = re.Parameter.Name
			if re.Parameter.In == "path" {
				return engine.Errorz(engine.CodeNotFound, "资源不存在", "not found")
			}
		}
		var se *openapi3.SchemaError
		if errors.As(re.Err, &se) {
			if p := se.JSONPointer(); len(p) > 0 {
				field = strings.Join(p, ".")
			}
			if field == "" {
				// additionalProperties: the reason names the property.
				if i := strings.Index(se.Reason, `property "`); i >= 0 {
					rest := se.Reason[i+len(`property "`):]
					if j := strings.Index(rest, `"`); j >= 0 {
						field = rest[:j]
					}
				}
			}
			return &engine.Error{Code: engine.CodeInvalid, Field: field,
				MessageZh: fmt.Sprintf("字段 %s 不符合接口约定：%s", field, se.Reason), Message: fmt.Sprintf("field %s: %s", field, se.Reason)}
		}
		return &engine.Error{Code: engine.CodeInvalid, Field: field, MessageZh: "请求参数不符合接口约定：" + re.Error(), Message: re.Error()}
	}
	return &engine.Error{Code: engine.CodeInvalid, MessageZh: "请求不符合接口约定", Message: err.Error()}
}

// peekBody reads the request body and puts it back for the handler.
func peekBody(c echo.Context) ([]byte, error) {
	r := c.Request()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		var he *echo.HTTPError
		switch {
		case errors.As(err, &mbe):
			return nil, tooLarge()
		case errors.As(err, &he):
			return nil, he
		}
		return nil, engine.Errorz(engine.CodeMalformed, "无法读取请求体", "the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

func jsonWellFormed(b []byte) bool { return json.Valid(b) }
