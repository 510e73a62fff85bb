package server

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/memstore"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/workflows"
)

// The drift tests: openapi.yaml must load and validate, describe exactly
// the routes of routes.go, and document the errors every operation can
// give.

func TestOpenAPI_DocumentLoadsAndValidates(t *testing.T) {
	doc, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi: %q, want 3.0.3", doc.OpenAPI)
	}
}

// nilBackend satisfies Backend without implementing it: registering the
// routes never calls the backend, and this test sends no request.
type nilBackend struct{ Backend }

// routeServer builds a server with every route registered.
func routeServer(t *testing.T) *Server {
	t.Helper()
	reg, err := workflows.Registry("")
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Store: memstore.New(map[int64]string{1: "cn"}), Workflows: reg, Calendars: cals})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Engine: eng, Backend: nilBackend{}, Calendars: procedure.NewCalendars(nil, eng, nil), Procedure: procedure.New(procedure.Config{Engine: eng}), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// operationalRoutes are served outside the API and are not in the document.
var operationalRoutes = []string{"/healthz", "/readyz", "/metrics"}

var httpMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect}

// documentOperations returns "METHOD /path" for every operation of doc.
func documentOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[strings.ToUpper(method)+" "+path] = op
		}
	}
	return out
}

func TestOpenAPI_RoutesMatchTheDocument(t *testing.T) {
	doc, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	s := routeServer(t)

	served := map[string]bool{}
	for _, r := range s.Routes() {
		// echo's own entries (route-not-found handlers of groups, "*"
		// wildcards) are not API routes.
		if !slices.Contains(httpMethods, r.Method) || strings.Contains(r.Path, "*") || slices.Contains(operationalRoutes, r.Path) {
			continue
		}
		served[r.Method+" "+OpenAPIPath(r.Path)] = true
	}
	if len(served) == 0 {
		t.Fatal("the server registered no API routes")
	}
	documented := documentOperations(doc)

	var undocumented, unserved []string
	for k := range served {
		if documented[k] == nil {
			undocumented = append(undocumented, k)
		}
	}
	for k := range documented {
		if !served[k] {
			unserved = append(unserved, k)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unserved)
	for _, k := range undocumented {
		t.Errorf("route %s is registered in routes.go but missing from openapi.yaml", k)
	}
	for _, k := range unserved {
		t.Errorf("operation %s is in openapi.yaml but no route in routes.go serves it", k)
	}
}

// publicOperation reports whether op needs no authentication.
func publicOperation(op *openapi3.Operation) bool {
	return op.Security != nil && len(*op.Security) == 0
}

func TestOpenAPI_EveryOperationDocumentsItsErrors(t *testing.T) {
	doc, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	ops := documentOperations(doc)
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		op := ops[k]
		_, path, _ := strings.Cut(k, " ")
		if op.Responses == nil {
			t.Errorf("%s: no responses", k)
			continue
		}
		has := func(status string) bool { return op.Responses.Value(status) != nil }
		success := false
		for code := range op.Responses.Map() {
			if strings.HasPrefix(code, "2") {
				success = true
			}
		}
		if !success {
			t.Errorf("%s: no success response", k)
		}
		if !publicOperation(op) && path != "/api/v1/auth/login" && !has("401") {
			t.Errorf("%s: needs authentication but does not list 401", k)
		}
		if strings.Contains(path, "{") && !has("404") {
			t.Errorf("%s: has a path id but does not list 404", k)
		}
		if op.RequestBody != nil && op.RequestBody.Value.Content.Get("application/json") != nil {
			for _, status := range []string{"400", "422"} {
				if !has(status) {
					t.Errorf("%s: takes a JSON body but does not list %s", k, status)
				}
			}
		}
		for code, r := range op.Responses.Map() {
			if code[0] != '4' && code[0] != '5' {
				continue
			}
			if r.Value == nil || r.Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s: error %s is not application/problem+json", k, code)
			}
		}
	}
}
