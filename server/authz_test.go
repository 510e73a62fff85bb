package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/workflows"
)

// visibility is who may see an item, given what it has been assigned so
// far: the organisation-wide roles, the proposing department's organizer,
// and assigned counsel, experts, assessors, evaluators and executing unit.
func visibleTo(e *env, user string, assigned []string) bool {
	switch user {
	case "zfb", "sfj", "audit", "quzhang", "member", "fgw":
		return true
	case "jtj", "admin", "stranger":
		return false
	}
	return slices.Contains(assigned, user)
}

// The authorisation matrix for events: for items stopped at several points
// of the procedure, every seeded user (each role, two departments, a
// second organisation) tries every event of the workflow. The exact
// outcome is asserted: 404 when the user may not see the item (no
// existence leaks), 403 when none of the user's roles may fire the event,
// 409 when the event does not leave the item's state, and otherwise 422
// for the deliberately undeclared field the probe carries — proof that the
// request got past authorisation without changing anything.
func TestAPI_AuthorizationMatrix_EveryRoleEveryEvent(t *testing.T) {
	reg, err := workflows.Registry("")
	if err != nil {
		t.Fatal(err)
	}
	def := reg.Latest("major-decision")
	stops := []struct {
		until    string   // walk the scenario up to this step
		assigned []string // users assigned by then
	}{
		{"start_decision", nil},
		{"close_comment_period", nil},
		{"record_expert_opinion", []string{"expert"}},
		{"record_counsel_opinion", []string{"expert", "risk", "lawyer1"}},
		{scenario.MeetingStep, []string{"expert", "risk", "lawyer1"}},
		{"record_evaluation", []string{"expert", "risk", "lawyer1", "zjj", "evaluator"}},
	}
	forEachDB(t, func(t *testing.T, e *env) {
		users := make([]string, 0, len(e.users))
		for u := range e.users {
			users = append(users, u)
		}
		sort.Strings(users)
		for _, stop := range stops {
			e.on("2026-01-05")
			id := e.createItem(t)
			e.walk(t, id, stop.until)
			item, err := e.db.GetItem(t.Context(), e.org, id)
			if err != nil {
				t.Fatal(err)
			}
			before := e.snapshot(t)
			for _, u := range users {
				actor := e.users[u].user.Actor()
				for _, ev := range def.Events {
					want := http.StatusUnprocessableEntity
					switch {
					case !visibleTo(e, u, stop.assigned):
						want = http.StatusNotFound
					case !slices.ContainsFunc(ev.Roles, actor.Has):
						want = http.StatusForbidden
					case !slices.Contains(ev.From, item.State), ev.Via != "":
						want = http.StatusConflict // not in this state, or only through the meeting
					}
					r := e.fire(t, u, id, ev.Name, map[string]any{"__probe": true}, "")
					if r.Status != want {
						t.Errorf("item in %s: %s (%v) fires %s: %d, want %d\n%s", item.State, u, actor.Roles, ev.Name, r.Status, want, r.Body)
					}
				}
				// Reading follows the same visibility.
				read := http.StatusOK
				if !visibleTo(e, u, stop.assigned) {
					read = http.StatusNotFound
				}
				for _, p := range []string{"", "/audit", "/documents"} {
					if r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d%s", id, p), User: u}); r.Status != read {
						t.Errorf("item in %s: %s reads %s: %d, want %d", item.State, u, p, r.Status, read)
					}
				}
			}
			if after := e.snapshot(t); after != before {
				t.Fatalf("the probes changed the database:\n%s\n%s", before, after)
			}
		}
	})
}

// The authorisation matrix for routes other than events: which roles may
// call each, with their exact statuses.
func TestAPI_AuthorizationMatrix_EveryRoleEveryRoute(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.createItem(t) // one major-decision item of fgw's department, for the scoped lists below
		admins := []engine.Role{engine.RoleAdmin}
		readers := []engine.Role{engine.RoleAdmin, engine.RoleAuditor}
		creators := []engine.Role{engine.RoleOrganizer} // normative-document create: [organizer]
		type route struct {
			method, path string
			body         func(u string) any
			allowed      []engine.Role // nil = every signed-in user
			ok           int
			// stranger is the status for the other organisation's
			// secretariat when it differs (it cannot name this
			// organisation's users); 0 = as computed.
			stranger int
		}
		uniq := func(prefix string) func(string) any {
			return func(u string) any { return map[string]any{"name": prefix + u} }
		}
		routes := []route{
			{"GET", "/api/v1/me", nil, nil, 200, 0},
			{"GET", "/api/v1/organisation", nil, nil, 200, 0},
			{"GET", "/api/v1/workflows", nil, nil, 200, 0},
			{"GET", "/api/v1/workflows/major-decision", nil, nil, 200, 0},
			{"GET", "/api/v1/items", nil, nil, 200, 0},
			{"GET", "/api/v1/departments", nil, nil, 200, 0},
			{"GET", "/api/v1/law-firms", nil, nil, 200, 0},
			{"GET", "/api/v1/counsel", nil, nil, 200, 0},
			{"GET", "/api/v1/tokens", nil, nil, 200, 0},
			{"GET", "/api/v1/me/tasks", nil, nil, 200, 0},
			{"GET", "/api/v1/meetings", nil, []engine.Role{engine.RoleSecretariat, engine.RoleChiefExecutive, engine.RoleMember, engine.RoleLegalOffice, engine.RoleAuditor}, 200, 0},
			{"POST", "/api/v1/meetings", func(u string) any {
				return map[string]any{"kind": "executive", "number": "会议-" + u, "held_on": "2026-03-03",
					"member_user_ids": []int64{e.users["quzhang"].user.ID, e.users["member"].user.ID}, "chief_executive_user_id": e.users["quzhang"].user.ID}
			}, []engine.Role{engine.RoleSecretariat}, 201, http.StatusUnprocessableEntity},
			{"POST", "/api/v1/tokens", uniq("令牌-"), nil, 201, 0},
			{"GET", "/api/v1/users", nil, readers, 200, 0},
			{"POST", "/api/v1/departments", uniq("新部门-"), admins, 201, 0},
			{"POST", "/api/v1/law-firms", uniq("律所-"), admins, 201, 0},
			{"POST", "/api/v1/users", func(u string) any {
				return map[string]any{"username": "new-" + u, "password": "a-long-password", "roles": []string{"member"}}
			}, admins, 201, 0},
			{"PATCH", fmt.Sprintf("/api/v1/users/%d", e.users["member"].user.ID), func(string) any {
				return map[string]any{"display_name": "改名"}
			}, admins, 200, 0},
			{"POST", "/api/v1/items", func(u string) any {
				return map[string]any{"workflow": "normative-document", "title": "文件-" + u,
					"payload": map[string]any{"issuer": "区人民政府", "affects_rights": true}}
			}, creators, 201, 0},
		}
		for _, rt := range routes {
			for u := range e.users {
				want := rt.ok
				if rt.allowed != nil && !slices.ContainsFunc(rt.allowed, e.actor(u).Has) {
					want = http.StatusForbidden
				} else if u == "stranger" && rt.stranger != 0 {
					want = rt.stranger
				}
				var body any
				if rt.body != nil {
					body = rt.body(u)
				}
				r := e.do(t, req{Method: rt.method, Path: rt.path, User: u, Body: body})
				if r.Status != want {
					t.Errorf("%s %s %s: %d, want %d\n%s", u, rt.method, rt.path, r.Status, want, r.Body)
				}
			}
		}
		// Anonymous callers get 401 everywhere but the public routes.
		for _, rt := range routes {
			if r := e.do(t, req{Method: rt.method, Path: rt.path}); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: %d, want 401", rt.method, rt.path, r.Status)
			}
		}
		// Lists are scoped: jtj (another department) and counsel not yet
		// assigned see no item; fgw and the auditor see it; the other
		// organisation sees nothing.
		for u, n := range map[string]int{"fgw": 1, "audit": 1, "zfb": 1, "jtj": 0, "lawyer1": 0, "expert": 0, "zjj": 0, "admin": 0, "stranger": 0} {
			r := e.do(t, req{Method: "GET", Path: "/api/v1/items?workflow=major-decision", User: u})
			want(t, r, http.StatusOK)
			got := r.json(t)["items"].([]any)
			if len(got) != n {
				t.Errorf("%s lists %d major-decision items, want %d", u, len(got), n)
			}
		}
	})
}
