// Package enginetest is a harness for tests that drive workflows through the
// engine: an engine over a given store with a settable clock, and actors
// for every role of one demo organisation. Production code never imports it.
package enginetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/memstore"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/workflows"
)

// Org is the organisation id the harness actors belong to; OtherOrg is a
// second organisation for isolation tests.
const (
	Org      int64 = 1
	OtherOrg int64 = 2
)

// Departments of the harness organisation.
const (
	DeptDevelopment int64 = 10 // 发展改革委: the organizer department
	DeptTransport   int64 = 11 // 交通运输局
	DeptHousing     int64 = 12 // 住房城乡建设局
)

// Harness is an engine with a settable clock over a store.
type Harness struct {
	T      testing.TB
	Engine *engine.Engine
	Store  engine.Store
	mu     sync.Mutex
	now    time.Time
}

// New returns a harness over an in-memory store (organisation 1 in region
// "cn", organisation 2 in "cn-xj") with the shipped workflows, the clock at
// 10:00 China time on date.
func New(t testing.TB, date string) *Harness {
	return NewWithStore(t, memstore.New(map[int64]string{Org: "cn", OtherOrg: "cn-xj"}), date)
}

// NewWithStore is New over a given store; the store must know Org.
func NewWithStore(t testing.TB, s engine.Store, date string) *Harness {
	t.Helper()
	reg, err := workflows.Registry("")
	if err != nil {
		t.Fatalf("workflows: %v", err)
	}
	cals, err := calendars.Default()
	if err != nil {
		t.Fatalf("calendars: %v", err)
	}
	h := &Harness{T: t, Store: s}
	h.On(date)
	h.Engine, err = engine.New(engine.Config{Store: s, Workflows: reg, Calendars: cals, Now: h.Now})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Now is the harness clock.
func (h *Harness) Now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// On sets the clock to 10:00 China time on date ("2006-01-02").
func (h *Harness) On(date string) {
	h.T.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", engine.ChinaTime)
	if err != nil {
		h.T.Fatalf("bad date %q: %v", date, err)
	}
	h.mu.Lock()
	h.now = d
	h.mu.Unlock()
}

// The harness actors.
var (
	Organizer      = engine.Actor{OrgID: Org, UserID: 101, Name: "发改委 张承办", Roles: []engine.Role{engine.RoleOrganizer}, DepartmentID: DeptDevelopment}
	OtherDeptOrg   = engine.Actor{OrgID: Org, UserID: 102, Name: "交通局 李承办", Roles: []engine.Role{engine.RoleOrganizer}, DepartmentID: DeptTransport}
	Secretariat    = engine.Actor{OrgID: Org, UserID: 103, Name: "政府办 王秘书", Roles: []engine.Role{engine.RoleSecretariat}}
	LegalOffice    = engine.Actor{OrgID: Org, UserID: 104, Name: "司法局 赵审查", Roles: []engine.Role{engine.RoleLegalOffice}}
	Counsel        = engine.Actor{OrgID: Org, UserID: 105, Name: "明德律师事务所 钱律师", Roles: []engine.Role{engine.RoleCounsel}}
	Counsel2       = engine.Actor{OrgID: Org, UserID: 106, Name: "明德律师事务所 孙律师", Roles: []engine.Role{engine.RoleCounsel}}
	Expert         = engine.Actor{OrgID: Org, UserID: 107, Name: "周教授", Roles: []engine.Role{engine.RoleExpert}}
	RiskAssessor   = engine.Actor{OrgID: Org, UserID: 108, Name: "社会稳定风险评估中心", Roles: []engine.Role{engine.RoleRiskAssessor}}
	ChiefExecutive = engine.Actor{OrgID: Org, UserID: 109, Name: "区长 吴", Roles: []engine.Role{engine.RoleChiefExecutive, engine.RoleMember}}
	Executor       = engine.Actor{OrgID: Org, UserID: 110, Name: "住建局 郑执行", Roles: []engine.Role{engine.RoleExecutor}, DepartmentID: DeptHousing}
	Evaluator      = engine.Actor{OrgID: Org, UserID: 111, Name: "第三方评估机构", Roles: []engine.Role{engine.RoleEvaluator}}
	Auditor        = engine.Actor{OrgID: Org, UserID: 112, Name: "审计局 冯审计", Roles: []engine.Role{engine.RoleAuditor}}
	Stranger       = engine.Actor{OrgID: OtherOrg, UserID: 201, Name: "外单位", Roles: []engine.Role{engine.RoleSecretariat, engine.RoleOrganizer}, DepartmentID: DeptDevelopment}
)

// SHA returns the SHA-256 hex of s, a stand-in for a document's digest.
var SHA = scenario.SHA

// Create creates an item of workflow wf and fails the test on error.
func (h *Harness) Create(wf string, a engine.Actor, title string, payload map[string]any) *engine.Item {
	h.T.Helper()
	res, err := h.Engine.Create(context.Background(), a, engine.CreateInput{WorkflowID: wf, Title: title, Input: engine.Input{Payload: payload}})
	if err != nil {
		h.T.Fatalf("create %s: %v", wf, err)
	}
	return res.Item
}

// Try fires an event and returns the result and error.
func (h *Harness) Try(id int64, event string, a engine.Actor, payload map[string]any, reason string) (*engine.Result, error) {
	return h.Engine.Fire(context.Background(), id, event, a, engine.Input{Payload: payload, Reason: reason}, 0)
}

// Fire fires an event and fails the test on error.
func (h *Harness) Fire(id int64, event string, a engine.Actor, payload map[string]any, reason string) *engine.Item {
	h.T.Helper()
	res, err := h.Try(id, event, a, payload, reason)
	if err != nil {
		h.T.Fatalf("%s: %v", event, err)
	}
	return res.Item
}

// Item reads an item as the harness organisation sees it.
func (h *Harness) Item(id int64) *engine.Item {
	h.T.Helper()
	it, err := h.Store.GetItem(context.Background(), Org, id)
	if err != nil {
		h.T.Fatal(err)
	}
	return it
}

// Verify checks every chain and fails the test on a break.
func (h *Harness) Verify() engine.VerifyResult {
	h.T.Helper()
	res, err := engine.Verify(context.Background(), h.Store, 0, 0)
	if err != nil {
		h.T.Fatal(err)
	}
	if res.Break != nil {
		h.T.Fatalf("audit chain broken: %v", res.Break)
	}
	return res
}

// WantCode fails the test unless err carries code.
func WantCode(t testing.TB, err error, code engine.Code) *engine.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s error, got success", code)
	}
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("want %s error, got %s: %v", code, got, err)
	}
	var e *engine.Error
	errors.As(err, &e)
	return e
}

// PeriodDue returns the due date recorded for period name on item id.
func PeriodDue(h *Harness, id int64, name string) string {
	h.T.Helper()
	ps, _ := h.Item(id).Record["periods"].(map[string]any)
	p, _ := ps[name].(map[string]any)
	s, _ := p["due"].(string)
	return s
}
