package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juece/juece/server"
)

// Health, readiness, metrics and the security headers every response
// carries.
func TestServer_HealthReadinessMetricsAndSecurityHeaders(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, p := range []string{"/healthz", "/readyz"} {
		want(t, e.do(t, req{Method: "GET", Path: p}), http.StatusOK)
	}
	r := e.do(t, req{Method: "GET", Path: "/api/v1/me", User: "fgw"})
	for h, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
		if got := r.Header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	// Metrics are not public: without the token, 401.
	wantProblem(t, e.do(t, req{Method: "GET", Path: "/metrics"}), http.StatusUnauthorized, "unauthenticated")
	wantProblem(t, e.do(t, req{Method: "GET", Path: "/metrics", Header: map[string]string{"Authorization": "Bearer wrong"}}), http.StatusUnauthorized, "unauthenticated")
	m := e.do(t, req{Method: "GET", Path: "/metrics", Header: map[string]string{"Authorization": "Bearer " + metricsToken}})
	want(t, m, http.StatusOK)
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("an authenticated response may be cached: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	if !strings.Contains(string(m.Body), `juece_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1`) {
		t.Errorf("metrics lack the request counter:\n%.2000s", m.Body)
	}
	spec := e.do(t, req{Method: "GET", Path: "/api/v1/openapi.yaml"})
	want(t, spec, http.StatusOK)
	if !strings.HasPrefix(string(spec.Body), "openapi: 3") {
		t.Errorf("openapi.yaml starts %q", spec.Body[:20])
	}
	// Not ready when the database is gone; requests then answer 503
	// unavailable with Retry-After, never 500 (issue: hardening).
	e.db.Close()
	if r := e.do(t, req{Method: "GET", Path: "/readyz"}); r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Errorf("/readyz with the database closed: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	for _, r := range []req{{Method: "GET", Path: "/api/v1/public/demo/consultations"}, {Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]any{"organisation": "demo", "username": "fgw", "password": Password}}} {
		got := wantProblem(t, e.do(t, r), http.StatusServiceUnavailable, "unavailable")
		if !strings.Contains(got["message_zh"].(string), "数据库暂时无法连接") {
			t.Errorf("%s %s with the database closed: %v", r.Method, r.Path, got)
		}
	}
}

// Login attempts are rate-limited per client address and account (429),
// and public comments per client address.
func TestServer_RateLimitsLoginAndPublicComments(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *server.Config) { c.LoginRate, c.PublicRate = 3, 2 })
	codes := []int{}
	for range 5 {
		r := e.do(t, req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"organisation": "demo", "username": "fgw", "password": "wrong-password"}})
		codes = append(codes, r.Status)
	}
	if fmt.Sprint(codes) != "[401 401 401 429 429]" {
		t.Fatalf("login statuses %v, want three refusals then 429", codes)
	}
	id := e.createItem(t)
	e.walk(t, id, "schedule_hearing")
	codes = codes[:0]
	for range 4 {
		r := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: map[string]any{"content": "意见"}})
		codes = append(codes, r.Status)
	}
	if fmt.Sprint(codes) != "[201 201 429 429]" {
		t.Fatalf("comment statuses %v", codes)
	}
}

// Without trusted proxies, X-Forwarded-For is ignored: a client cannot
// dodge the rate limit by inventing addresses. With a trusted proxy range
// the forwarded address counts.
func TestServer_ClientAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	try := func(e *env, user, xff string) int {
		body := fmt.Sprintf(`{"organisation":"demo","username":%q,"password":"wrong-password"}`, user)
		hr := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(body))
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("X-Forwarded-For", xff)
		hr.RemoteAddr = "10.0.0.5:1234"
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, hr)
		return rec.Code
	}
	// Untrusted: both requests come from 10.0.0.5 whatever they claim, so
	// the second is over the one-per-minute address budget.
	e := newEnv(t, "sqlite", func(c *server.Config) { c.LoginRate = 1 })
	if a, b := try(e, "u1", "1.1.1.1"), try(e, "u2", "2.2.2.2"); a != 401 || b != 429 {
		t.Fatalf("untrusted X-Forwarded-For: %d %d, want 401 then 429", a, b)
	}
	// Trusted proxy: the forwarded addresses are two clients.
	p := newEnv(t, "sqlite", func(c *server.Config) { c.LoginRate, c.TrustedProxies = 1, []string{"10.0.0.0/8"} })
	if a, b := try(p, "u1", "1.1.1.1"), try(p, "u2", "2.2.2.2"); a != 401 || b != 401 {
		t.Fatalf("trusted proxy: %d %d, want 401 and 401", a, b)
	}
	if c := try(p, "u3", "1.1.1.1"); c != 429 {
		t.Fatalf("trusted proxy, same client again: %d, want 429", c)
	}
}

// Issue "hardening": sign-in resists guessing without locking people out.
// Only failures count: nineteen colleagues behind one office address sign
// in one after another; guesses at one account from fourteen addresses
// exhaust the account's limit, yet its owner still signs in from the
// address used before, and the guessing addresses are answered 429 with
// Retry-After.
func TestServer_LoginResistsGuessingWithoutLockingPeopleOut(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *server.Config) { c.LoginRate, c.TrustedProxies = 10, []string{"192.0.2.0/24"} })
	login := func(ip, user, password string) *resp {
		return e.do(t, req{Method: "POST", Path: "/api/v1/auth/login", Header: map[string]string{"X-Forwarded-For": ip},
			Body: map[string]any{"organisation": "demo", "username": user, "password": password}})
	}
	// The office: everyone behind 203.0.113.7 signs in, several times.
	for range 2 {
		for _, s := range seedUsers {
			if r := login("203.0.113.7", s.name, Password); r.Status != http.StatusOK {
				t.Fatalf("%s behind the office address: %d", s.name, r.Status)
			}
		}
	}
	// The owner of fgw has signed in from 198.51.100.5 before.
	want(t, login("198.51.100.5", "fgw", Password), http.StatusOK)
	// Guesses at fgw from fourteen addresses, three each.
	refused := 0
	for i := range 14 {
		for range 3 {
			r := login(fmt.Sprintf("100.64.0.%d", i+1), "fgw", "guess")
			if r.Status == http.StatusTooManyRequests {
				refused++
				if r.Header.Get("Retry-After") == "" {
					t.Fatal("429 without Retry-After")
				}
			}
		}
	}
	if refused == 0 {
		t.Fatal("42 guesses at one account from 14 addresses were never limited")
	}
	// The owner is not kept out from the address used before…
	want(t, login("198.51.100.5", "fgw", Password), http.StatusOK)
	// …and colleagues of other accounts are not touched.
	want(t, login("203.0.113.7", "zfb", Password), http.StatusOK)
}
