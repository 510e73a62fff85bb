package server_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/server"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The scripted end-to-end test: one major-decision item from proposal to
// archive over HTTP, each step by the user it belongs to; the audit trail
// then verifies.
func TestAPI_EndToEnd_MajorDecisionFromProposalToArchive(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "")
		r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), User: "audit"})
		want(t, r, http.StatusOK)
		it := r.json(t)
		if st := it["state"].(map[string]any)["name"]; st != "archived" {
			t.Fatalf("state %v, want archived", st)
		}
		steps := 0 // events: one per step, a meeting's agenda, positions and decision
		for _, s := range scenario.MajorDecision(e.cast()) {
			steps++
			if s.Meeting != nil {
				steps += 1 + len(s.Meeting.Positions)
			}
		}
		if v := int(it["version"].(float64)); v != steps+1 {
			t.Fatalf("version %d, want %d", v, steps+1)
		}
		if r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, steps+1) {
			t.Fatalf("ETag %q", r.Header.Get("ETag"))
		}
		a := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", id), User: "audit"})
		want(t, a, http.StatusOK)
		ver := a.json(t)["verification"].(map[string]any)
		if ver["ok"] != true || int(ver["events"].(float64)) != steps+1 {
			t.Fatalf("verification %v", ver)
		}
	})
}

// Sessions: login sets an HttpOnly SameSite cookie; unsafe requests with
// the cookie need the CSRF token; logout ends the session; wrong passwords
// are refused and logged.
func TestAPI_LoginSessionCSRFAndLogout(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		bad := e.do(t, req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"organisation": "demo", "username": "fgw", "password": "wrong-password!"}})
		wantProblem(t, bad, http.StatusUnauthorized, "unauthenticated")
		r := e.do(t, req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"organisation": "demo", "username": "fgw", "password": Password}})
		want(t, r, http.StatusOK)
		ck := r.Header.Get("Set-Cookie")
		if !strings.Contains(ck, "juece_session=") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Fatalf("cookie %q", ck)
		}
		cookie := strings.SplitN(ck, ";", 2)[0]
		csrf := r.json(t)["csrf_token"].(string)
		me := e.do(t, req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Cookie": cookie}})
		want(t, me, http.StatusOK)
		body := map[string]any{"workflow": "major-decision", "title": "会话创建的事项", "payload": scenario.Proposal()}
		noCSRF := e.do(t, req{Method: "POST", Path: "/api/v1/items", Body: body, Header: map[string]string{"Cookie": cookie}})
		wantProblem(t, noCSRF, http.StatusForbidden, "forbidden")
		ok := e.do(t, req{Method: "POST", Path: "/api/v1/items", Body: body, Header: map[string]string{"Cookie": cookie, "X-CSRF-Token": csrf}})
		want(t, ok, http.StatusCreated)
		out := e.do(t, req{Method: "POST", Path: "/api/v1/auth/logout", Header: map[string]string{"Cookie": cookie, "X-CSRF-Token": csrf}})
		want(t, out, http.StatusNoContent)
		after := e.do(t, req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Cookie": cookie}})
		wantProblem(t, after, http.StatusUnauthorized, "unauthenticated")
		n, err := e.db.CountSecurityEvents(t.Context(), "login_failed", "fgw", e.clock().Add(-1e12))
		if err != nil || n != 1 {
			t.Fatalf("failed logins logged: %d %v", n, err)
		}
	})
}

// Idempotency-Key: the same POST 20 times at once creates one item, and
// the same event POST 20 times at once fires once; every caller gets the
// first response.
func TestAPI_IdempotencyKeyTwentyConcurrentRetriesActOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		body := map[string]any{"workflow": "major-decision", "title": "幂等创建", "payload": scenario.Proposal()}
		statuses := run20(t, func() *resp {
			return e.do(t, req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: body, Header: map[string]string{"Idempotency-Key": "create-1"}})
		})
		ids := map[string]bool{}
		for _, r := range statuses {
			want(t, r, http.StatusCreated)
			ids[fmt.Sprint(r.json(t)["id"])] = true
		}
		if len(ids) != 1 {
			t.Fatalf("%d different items created: %v", len(ids), ids)
		}
		var items int
		e.db.SQLX().Get(&items, `SELECT COUNT(*) FROM items WHERE title = '幂等创建'`)
		if items != 1 {
			t.Fatalf("%d items stored", items)
		}
		var id string
		for k := range ids {
			id = k
		}
		step := scenario.MajorDecision(e.cast())[0]
		fires := run20(t, func() *resp {
			return e.do(t, req{Method: "POST", Path: "/api/v1/items/" + id + "/events/" + step.Event, User: "zfb",
				Body: map[string]any{"payload": step.Payload}, Header: map[string]string{"Idempotency-Key": "fire-1"}})
		})
		for _, r := range fires {
			want(t, r, http.StatusOK)
			if v := r.json(t)["version"]; v != float64(2) {
				t.Fatalf("version %v in a replayed response, want 2", v)
			}
		}
		var events int
		e.db.SQLX().Get(&events, e.db.SQLX().Rebind(`SELECT COUNT(*) FROM audit_events WHERE item_id = ?`), id)
		if events != 2 {
			t.Fatalf("%d audit events, want 2 (create + one fire)", events)
		}
		// The same key with another body is refused.
		other := e.do(t, req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: map[string]any{"workflow": "major-decision", "title": "另一个", "payload": scenario.Proposal()},
			Header: map[string]string{"Idempotency-Key": "create-1"}})
		wantProblem(t, other, http.StatusUnprocessableEntity, "invalid")
	})
}

func run20(t *testing.T, f func() *resp) []*resp {
	var wg sync.WaitGroup
	out := make([]*resp, 20)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f()
		}()
	}
	wg.Wait()
	return out
}

// Issue "hardening": a token created with an Idempotency-Key is shown
// once; the idempotency store keeps the token's record without its
// secret (a retry gets the token without it), and a completed key is
// forgotten after store.IdempotencyRetention.
func TestAPI_IdempotencyNeverKeepsASecretAndExpires(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		create := func() *resp {
			return e.do(t, req{Method: "POST", Path: "/api/v1/tokens", User: "fgw", Body: map[string]any{"name": "OA 系统"},
				Header: map[string]string{"Idempotency-Key": "token-1"}})
		}
		first := create()
		want(t, first, http.StatusCreated)
		secret := first.json(t)["token"].(string)
		var stored int
		if err := e.db.SQLX().Get(&stored, e.db.SQLX().Rebind(`SELECT COUNT(*) FROM idempotency_keys WHERE body LIKE ?`), "%"+secret[3:20]+"%"); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Fatal("the idempotency store keeps the token's secret")
		}
		again := create()
		want(t, again, http.StatusCreated)
		if again.Header.Get("Idempotent-Replayed") != "true" || again.json(t)["token"] != "" || again.json(t)["id"] != first.json(t)["id"] {
			t.Fatalf("replay: %s", again.Body)
		}
		// A day later the key is free again: a new token is made.
		e.on("2026-01-07")
		third := create()
		want(t, third, http.StatusCreated)
		if third.Header.Get("Idempotent-Replayed") == "true" || third.json(t)["id"] == first.json(t)["id"] {
			t.Fatalf("a key older than the retention still replays: %s", third.Body)
		}
	})
}

// Issue "hardening": idempotency that survives a crash. The answer to an
// event sent with an Idempotency-Key is committed with the event itself:
// when the process dies after the commit and before answering, the retry
// returns that answer (the same bytes the handler produced), and the
// event is not applied twice. On both databases.
func TestAPI_IdempotentRetryAfterACrashReturnsTheAnswerAndActsOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "record_department_consultation")
		path := fmt.Sprintf("/api/v1/items/%d/events/record_department_consultation", id)
		body := map[string]any{"payload": map[string]any{"departments": []any{"住建局"}, "agreed": true}}
		key := map[string]string{"Idempotency-Key": "consult-1"}
		die := true
		server.SetDieAfterHandler(e.srv, func() bool { d := die; die = false; return d })
		lost := e.do(t, req{Method: "POST", Path: path, User: "fgw", Body: body, Header: key})
		events := func() int {
			return len(e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", id), User: "audit"}).json(t)["events"].([]any))
		}
		before := events()
		// The retry after the "restart": the stored answer, replayed.
		retry := e.do(t, req{Method: "POST", Path: path, User: "fgw", Body: body, Header: key})
		want(t, retry, http.StatusOK)
		if retry.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(retry.Body, lost.Body) || retry.Header.Get("ETag") != lost.Header.Get("ETag") {
			t.Fatalf("the retry after a crash: replayed %q, same body %v\nfirst %s\nretry %s", retry.Header.Get("Idempotent-Replayed"),
				bytes.Equal(retry.Body, lost.Body), lost.Body, retry.Body)
		}
		if after := events(); after != before {
			t.Fatalf("the retry acted again: %d events, then %d", before, after)
		}
	})
}
