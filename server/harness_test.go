package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/pgtest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/server"
	"github.com/juece/juece/store"
	"github.com/juece/juece/workflows"
	"golang.org/x/crypto/bcrypt"
)

// The HTTP tests drive the real router (server.New) over a real database,
// PostgreSQL and SQLite alike, with a settable clock. Every response is
// checked against openapi.yaml.

// account is a seeded user with an API token.
type account struct {
	user  *engine.User
	token string
}

type env struct {
	t     testing.TB
	db    *store.DB
	srv   *server.Server
	cals  *procedure.Calendars
	org   int64
	other int64 // a second organisation, for isolation
	depts map[string]int64
	users map[string]*account

	mu  sync.Mutex
	now time.Time
	// shift moves the scenario's dates (and the dates in its payloads) by
	// this many days in walk and walkFrom.
	shift int
}

var dialects = []string{"postgres", "sqlite"}

func init() {
	// The minutes are HTML; the contract check compares them as text.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
}

// forEachDB runs f as a subtest against each database.
func forEachDB(t *testing.T, f func(t *testing.T, e *env)) {
	for _, d := range dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t, d))
		})
	}
}

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
	hashOnce sync.Once
	pwHash   []byte
)

// metricsToken opens /metrics in the tests.
const metricsToken = "metrics-secret-for-tests"

// Password is the password of every seeded account.
const Password = "correct-horse-battery"

func newEnv(t testing.TB, dialect string, configure ...func(*server.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "api.db")
	if dialect == "postgres" {
		dsn = pgtest.NewDB(t)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, depts: map[string]int64{}, users: map[string]*account{}}
	e.on("2026-01-05")
	reg, err := workflows.Registry("")
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Store: db, Workflows: reg, Calendars: cals, Directory: db, Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.cals = procedure.NewCalendars(db, eng, discardLogger())
	if err := e.cals.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Engine: eng, Backend: db, Calendars: e.cals, Procedure: procedure.New(procedure.Config{Engine: eng, Store: db}), LoginRate: 1000, PublicRate: 1000, DocumentLimit: 1 << 20, Logger: discardLogger(), MetricsToken: metricsToken}
	for _, f := range configure {
		f(&cfg)
	}
	e.srv, err = server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.seed()
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// on sets the clock to 10:00 China time on date.
func (e *env) on(date string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", engine.ChinaTime)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// The seeded users: username → department and roles.
var seedUsers = []struct {
	name, dept string
	roles      []engine.Role
}{
	{"fgw", "发改委", []engine.Role{engine.RoleOrganizer}},
	{"jtj", "交通局", []engine.Role{engine.RoleOrganizer}},
	{"zjj", "住建局", []engine.Role{engine.RoleExecutor}},
	{"zfb", "", []engine.Role{engine.RoleSecretariat}},
	{"sfj", "", []engine.Role{engine.RoleLegalOffice}},
	{"lawyer1", "", []engine.Role{engine.RoleCounsel}},
	{"lawyer2", "", []engine.Role{engine.RoleCounsel}},
	{"expert", "", []engine.Role{engine.RoleExpert}},
	{"risk", "", []engine.Role{engine.RoleRiskAssessor}},
	{"evaluator", "", []engine.Role{engine.RoleEvaluator}},
	{"quzhang", "", []engine.Role{engine.RoleChiefExecutive, engine.RoleMember}},
	{"member", "", []engine.Role{engine.RoleMember}},
	{"audit", "", []engine.Role{engine.RoleAuditor}},
	{"admin", "", []engine.Role{engine.RoleAdmin}},
}

func (e *env) seed() {
	ctx := context.Background()
	t := e.t
	hashOnce.Do(func() { pwHash, _ = bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost) })
	var err error
	if e.org, err = e.db.CreateOrganisation(ctx, "demo", "示范区人民政府", "cn"); err != nil {
		t.Fatal(err)
	}
	if e.other, err = e.db.CreateOrganisation(ctx, "other", "另一区人民政府", "cn"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"发改委", "交通局", "住建局"} {
		if e.depts[d], err = e.db.CreateDepartment(ctx, e.org, d); err != nil {
			t.Fatal(err)
		}
	}
	add := func(org int64, key, username, dept string, roles []engine.Role) {
		u := &engine.User{OrgID: org, Username: username, DisplayName: username, PasswordHash: string(pwHash), DepartmentID: e.depts[dept], Roles: roles}
		if _, err := e.db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		secret, hash := procedure.NewToken(procedure.TokenPrefix)
		if err := e.db.CreateAPIToken(ctx, &engine.APIToken{OrgID: org, UserID: u.ID, Name: "test", Prefix: secret[:10], TokenHash: hash, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		e.users[key] = &account{user: u, token: secret}
	}
	for _, s := range seedUsers {
		add(e.org, s.name, s.name, s.dept, s.roles)
	}
	// A secretariat officer of the other organisation: sees nothing here.
	add(e.other, "stranger", "zfb", "", []engine.Role{engine.RoleSecretariat, engine.RoleAuditor})
	// The retained counsel: a law firm's lawyers under a contract for 2026–2027.
	firm, err := e.db.CreateLawFirm(ctx, e.org, "明德律师事务所")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range []string{"lawyer1", "lawyer2"} {
		if _, err := e.db.CreateCounsel(ctx, engine.Counsel{OrgID: e.org, UserID: e.users[l].user.ID, LawFirmID: firm,
			LicenceNo: fmt.Sprintf("1650120181000%04d", i+1), ContractFrom: "2026-01-01", ContractTo: "2027-12-31"}); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) actor(name string) engine.Actor { return e.users[name].user.Actor() }

// cast is the scenario's cast played by the seeded users.
func (e *env) cast() scenario.Cast {
	return scenario.Cast{Organizer: e.actor("fgw"), Secretariat: e.actor("zfb"), LegalOffice: e.actor("sfj"), Counsel: e.actor("lawyer1"),
		Expert: e.actor("expert"), RiskAssessor: e.actor("risk"), ChiefExecutive: e.actor("quzhang"), Executor: e.actor("zjj"),
		Evaluator: e.actor("evaluator"), OrganizerDept: e.depts["发改委"], ExecutorDept: e.depts["住建局"],
		Members: []engine.Actor{e.actor("member")}}
}

// userOf returns the seeded username acting as a.
func (e *env) userOf(a engine.Actor) string {
	for k, u := range e.users {
		if u.user.ID == a.UserID && u.user.OrgID == a.OrgID {
			return k
		}
	}
	e.t.Fatalf("no seeded user for actor %+v", a)
	return ""
}

// resp is a recorded response.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// req describes a request; Body is JSON-encoded unless it is a string or
// []byte, which are sent as they are.
type req struct {
	Method, Path string
	User         string // seeded username with a bearer token; "" = anonymous
	Body         any
	Header       map[string]string
}

func (e *env) do(t testing.TB, r req) *resp {
	t.Helper()
	var body io.Reader
	ct := ""
	switch b := r.Body.(type) {
	case nil:
	case string:
		body, ct = strings.NewReader(b), "application/json"
	case []byte:
		body, ct = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body, ct = bytes.NewReader(j), "application/json"
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.User != "" {
		hr.Header.Set("Authorization", "Bearer "+e.users[r.User].token)
	}
	for k, v := range r.Header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	var reqBody []byte
	if hr.Body != nil {
		reqBody, _ = io.ReadAll(hr.Body)
		hr.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	out := &resp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkContract(t, hr, reqBody, out)
	return out
}

// checkContract fails the test when a response does not match
// openapi.yaml: an undocumented status, a body that breaks its schema, or
// an error that is not a problem+json. A 500 always fails (a 503, the
// database unavailable, is a documented answer of every operation).
func checkContract(t testing.TB, hr *http.Request, reqBody []byte, r *resp) {
	t.Helper()
	if r.Status >= 500 && r.Status != http.StatusServiceUnavailable {
		t.Fatalf("%s %s: status %d (never a 500)\n%s", hr.Method, hr.URL, r.Status, r.Body)
	}
	if r.Status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s %s: error %d is not application/problem+json: %q", hr.Method, hr.URL, r.Status, r.Body)
	}
	if !strings.HasPrefix(hr.URL.Path, "/api/v1/") {
		return
	}
	specOnce.Do(func() { specDoc, specErr = server.Spec() })
	if specErr != nil {
		t.Fatal(specErr)
	}
	path, params := matchPath(specDoc, hr.URL.Path)
	if path == "" {
		if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
			t.Fatalf("%s %s: no such path in openapi.yaml but status %d", hr.Method, hr.URL.Path, r.Status)
		}
		return
	}
	item := specDoc.Paths.Value(path)
	op := item.GetOperation(hr.Method)
	if op == nil {
		if r.Status != http.StatusMethodNotAllowed && r.Status != http.StatusNotFound {
			t.Fatalf("%s %s: method not in openapi.yaml but status %d", hr.Method, path, r.Status)
		}
		return
	}
	hr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: params,
		Route:   &routers.Route{Spec: specDoc, Path: path, PathItem: item, Method: hr.Method, Operation: op},
		Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Fatalf("%s %s → %d does not match openapi.yaml: %v\nbody: %.600s", hr.Method, path, r.Status, err, r.Body)
	}
}

// matchPath finds the document path template matching a concrete path.
func matchPath(doc *openapi3.T, p string) (string, map[string]string) {
	segs := strings.Split(p, "/")
	for tmpl := range doc.Paths.Map() {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, s := range ts {
			if strings.HasPrefix(s, "{") {
				params[strings.Trim(s, "{}")] = segs[i]
			} else if s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return tmpl, params
		}
	}
	return "", nil
}

// want fails unless r has status.
func want(t testing.TB, r *resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
}

// wantProblem fails unless r is a problem with status and code.
func wantProblem(t testing.TB, r *resp, status int, code string) map[string]any {
	t.Helper()
	want(t, r, status)
	m := r.json(t)
	if m["code"] != code {
		t.Fatalf("code %v, want %s\n%s", m["code"], code, r.Body)
	}
	if m["message_zh"] == "" || m["message_en"] == "" {
		t.Fatalf("problem lacks a bilingual message: %s", r.Body)
	}
	return m
}

// createItem proposes a major-decision item as fgw and returns its id.
func (e *env) createItem(t testing.TB) int64 {
	t.Helper()
	r := e.do(t, req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: map[string]any{
		"workflow": "major-decision", "title": "关于老旧小区加装电梯的实施意见", "payload": scenario.Proposal()}})
	want(t, r, http.StatusCreated)
	return int64(r.json(t)["id"].(float64))
}

// fire posts an event as user and returns the response.
func (e *env) fire(t testing.TB, user string, id int64, event string, payload map[string]any, reason string) *resp {
	t.Helper()
	body := map[string]any{}
	if payload != nil {
		body["payload"] = payload
	}
	if reason != "" {
		body["reason"] = reason
	}
	return e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/events/%s", id, event), User: user, Body: body})
}

// walk fires the scenario's steps on item id up to (not including) the
// first step named until ("" = all), each by the user it belongs to.
func (e *env) walk(t testing.TB, id int64, until string) {
	t.Helper()
	e.walkFrom(t, id, "", until)
}

// walkFrom is walk starting at the first step named from ("" = the start).
func (e *env) walkFrom(t testing.TB, id int64, from, until string) {
	t.Helper()
	started := from == ""
	for _, s := range scenario.Shift(scenario.MajorDecision(e.cast()), e.shift) {
		if s.Event == from {
			started = true
		}
		if !started {
			continue
		}
		if s.Event == until {
			return
		}
		e.step(t, id, s)
	}
	if until != "" {
		t.Fatalf("no step %q", until)
	}
}

// snapshot is what the bad-input sweep compares: row counts and every
// item's version and chain head.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	x := e.db.SQLX()
	var b strings.Builder
	for _, tbl := range []string{"items", "audit_events", "documents", "users", "departments", "law_firms", "counsel", "api_tokens"} {
		var n int
		if err := x.Get(&n, "SELECT COUNT(*) FROM "+tbl); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", tbl, n)
	}
	rows, err := x.Query("SELECT id, version, head FROM items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v int
		var h []byte
		rows.Scan(&id, &v, &h)
		fmt.Fprintf(&b, "%d@%d:%x ", id, v, h)
	}
	return b.String()
}

// step performs one scripted step over the API: its documents are
// uploaded (a draft through the upload, which records it), the event is
// fired, or, for a meeting step, the meeting is held through the meeting
// routes.
func (e *env) step(t testing.TB, id int64, s scenario.Step) {
	t.Helper()
	e.on(s.On)
	user := e.userOf(s.Actor)
	if s.Meeting != nil {
		e.meet(t, id, s.Meeting)
		return
	}
	for _, d := range s.Docs {
		payload := ""
		if d.Kind == "draft" {
			p := map[string]any{}
			for k, v := range s.Payload {
				if k != "draft_sha256" {
					p[k] = v
				}
			}
			b, _ := json.Marshal(p)
			payload = string(b)
		}
		want(t, e.upload(t, user, id, d.Kind, d.Kind+".txt", "text/plain", []byte(d.Content), payload), http.StatusCreated)
		if d.Kind == "draft" {
			return // the upload recorded the draft
		}
	}
	r := e.fire(t, user, id, s.Event, s.Payload, s.Reason)
	if r.Status != http.StatusOK {
		t.Fatalf("step %s on %s by %s: %d %s", s.Event, s.On, user, r.Status, r.Body)
	}
}

// meet holds meeting m on item id through the meeting routes: convene,
// agenda, attendance, positions in order, the decision, closing.
func (e *env) meet(t testing.TB, id int64, m *scenario.Meeting) {
	t.Helper()
	sec := e.userOf(m.Secretariat)
	members := []int64{m.ChiefExecutive.UserID}
	for _, a := range m.Members {
		members = append(members, a.UserID)
	}
	r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: sec, Body: map[string]any{"kind": m.Kind, "number": fmt.Sprintf("%s（议题%d）", m.Number, id),
		"held_on": m.HeldOn, "member_user_ids": members, "chief_executive_user_id": m.ChiefExecutive.UserID}})
	want(t, r, http.StatusCreated)
	base := fmt.Sprintf("/api/v1/meetings/%d", int64(r.json(t)["id"].(float64)))
	want(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: sec, Body: map[string]any{"item_id": id}}), http.StatusCreated)
	var present []int64
	for _, mid := range members {
		absent := false
		for _, a := range m.Absent {
			absent = absent || a.UserID == mid
		}
		if !absent {
			present = append(present, mid)
		}
	}
	want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: sec, Body: map[string]any{"present_user_ids": present}}), http.StatusOK)
	for _, p := range m.Positions {
		want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("%s/agenda/%d/positions", base, id), User: sec,
			Body: map[string]any{"member_user_id": p.Member.UserID, "position": p.Position, "remarks": p.Remarks}}), http.StatusOK)
	}
	want(t, e.do(t, req{Method: "PUT", Path: fmt.Sprintf("%s/agenda/%d/decision", base, id), User: e.userOf(m.ChiefExecutive),
		Body: map[string]any{"decision": m.Decision, "departure_reason": m.DepartureReason}}), http.StatusOK)
	want(t, e.do(t, req{Method: "POST", Path: base + "/close", User: sec}), http.StatusOK)
}
