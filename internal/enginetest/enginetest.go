// Package enginetest is a harness for tests that drive workflows through the
// engine: an engine over a given store with a settable clock, and actors
// for every role of one demo organisation. Production code never imports it.
package enginetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/memstore"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
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
	// Meetings are the meetings rules may look up (meeting(id)) when the
	// store keeps none; tests add to it.
	Meetings map[int64]*engine.MeetingFacts
	// Users overrides the facts of the harness actors (user(id)) when the
	// store keeps no users; tests add to it.
	Users map[int64]*engine.UserFacts
	mu    sync.Mutex
	now   time.Time
}

// directory answers user(), item_facts() and meeting() for a store that
// keeps no users or meetings: the harness actors (counsel retained by a
// firm from 2026-01-01 to 2027-12-31), the store's items, h.Meetings.
type directory struct{ h *Harness }

// UserFacts implements engine.Directory.
func (d *directory) UserFacts(ctx context.Context, org, id int64) (*engine.UserFacts, error) {
	if f, ok := d.h.Users[id]; ok {
		return f, nil
	}
	for _, a := range Actors {
		if a.UserID == id && a.OrgID == org {
			f := &engine.UserFacts{ID: id, Active: true, Roles: a.Roles, DepartmentID: a.DepartmentID}
			if a.Has(engine.RoleCounsel) {
				f.Counsel = &engine.CounselFacts{LawFirmID: 1, LawFirm: "明德律师事务所", ContractFrom: "2026-01-01", ContractTo: "2027-12-31"}
				f.Affiliation = "明德律师事务所"
			}
			return f, nil
		}
	}
	return nil, nil
}

// ItemFacts implements engine.Directory.
func (d *directory) ItemFacts(ctx context.Context, org, id int64) (*engine.ItemFacts, error) {
	it, err := d.h.Store.GetItem(ctx, org, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return engine.FactsOf(it), nil
}

// MeetingFacts implements engine.Directory.
func (d *directory) MeetingFacts(ctx context.Context, org, id int64) (*engine.MeetingFacts, error) {
	return d.h.Meetings[id], nil
}

// New returns a harness over an in-memory store (organisation 1 in region
// "cn", organisation 2 in "cn-xj") with the shipped workflows, the clock at
// 10:00 China time on date.
func New(t testing.TB, date string) *Harness {
	h := NewWithStore(t, memstore.New(map[int64]string{Org: "cn", OtherOrg: "cn-xj"}), date)
	h.Users = map[int64]*engine.UserFacts{}
	return h
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
	h := &Harness{T: t, Store: s, Meetings: map[int64]*engine.MeetingFacts{}}
	h.On(date)
	dir, ok := s.(engine.Directory)
	if !ok {
		dir = &directory{h: h}
	}
	h.Engine, err = engine.New(engine.Config{Store: s, Workflows: reg, Calendars: cals, Directory: dir, Now: h.Now})
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

// Actors are the harness actors, for directory lookups.
var Actors = []engine.Actor{Organizer, OtherDeptOrg, Secretariat, LegalOffice, Counsel, Counsel2, Expert, RiskAssessor,
	ChiefExecutive, Executor, Evaluator, Auditor, Stranger}

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

// Try1 fires an event through the meeting (Input.Via = meeting) and
// returns the result and error.
func (h *Harness) Try1(id int64, event string, a engine.Actor, payload map[string]any) (*engine.Result, error) {
	return h.Engine.Fire(context.Background(), id, event, a, engine.Input{Payload: payload, Via: engine.ViaMeeting}, 0)
}

// Fire1 is Try1 failing the test on error.
func (h *Harness) Fire1(id int64, event string, a engine.Actor, payload map[string]any) *engine.Item {
	h.T.Helper()
	res, err := h.Try1(id, event, a, payload)
	if err != nil {
		h.T.Fatalf("%s (meeting): %v", event, err)
	}
	return res.Item
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

// documentStore is what both the in-memory and the SQL stores offer for
// attaching files.
type documentStore interface {
	CreateDocument(ctx context.Context, d *engine.Document) error
}

// Upload attaches doc to item id (as uploaded by the organizer) and fails
// the test on error.
func (h *Harness) Upload(id int64, doc scenario.Doc) {
	h.T.Helper()
	ds, ok := h.Store.(documentStore)
	if !ok {
		h.T.Fatalf("the store cannot keep documents")
	}
	org := Org
	if _, err := h.Store.GetItem(context.Background(), Org, id); err != nil {
		org = OtherOrg
	}
	d := &engine.Document{OrgID: org, ItemID: id, Kind: doc.Kind, Filename: doc.Kind + ".pdf", ContentType: "application/pdf",
		Content: []byte(doc.Content), UploadedBy: Organizer.Ref(), CreatedAt: h.Now()}
	if err := ds.CreateDocument(context.Background(), d); err != nil {
		h.T.Fatalf("upload %s: %v", doc.Kind, err)
	}
}

// Step performs one scripted step on item id at the step's date: its
// documents are uploaded, then the event is fired (or, for a meeting
// step, the meeting is held). It fails the test on error.
func (h *Harness) Step(id int64, s scenario.Step) *engine.Item {
	h.T.Helper()
	h.On(s.On)
	for _, d := range s.Docs {
		h.Upload(id, d)
	}
	if s.Meeting != nil {
		return h.Meet(id, s.Meeting)
	}
	return h.Fire(id, s.Event, s.Actor, s.Payload, s.Reason)
}

// MeetingID is the meeting the harness's meetings are recorded under.
const MeetingID = 1

// Meet holds meeting m on item id through the engine, as the meeting use
// case does: the item is put on the agenda, each member present states a
// position, and the chief executive's decision is fired with the majority
// and the dissent computed from the positions (procedure.Majority,
// procedure.Dissenters). It fails the test on error.
func (h *Harness) Meet(id int64, m *scenario.Meeting) *engine.Item {
	h.T.Helper()
	ctx := context.Background()
	all := append([]engine.Actor{m.ChiefExecutive}, m.Members...)
	var members, present []any
	for _, a := range all {
		members = append(members, a.UserID)
		absent := false
		for _, x := range m.Absent {
			absent = absent || x.UserID == a.UserID
		}
		if !absent {
			present = append(present, a.UserID)
		}
	}
	via := func(event string, actor engine.Actor, payload map[string]any, docs ...*engine.Document) *engine.Item {
		h.T.Helper()
		res, err := h.Engine.Fire(ctx, id, event, actor, engine.Input{Payload: payload, Via: engine.ViaMeeting, Documents: docs}, 0)
		if err != nil {
			h.T.Fatalf("meeting: %s: %v", event, err)
		}
		return res.Item
	}
	via("place_on_agenda", m.Secretariat, map[string]any{"meeting_id": MeetingID, "meeting_type": m.Kind, "meeting_no": m.Number,
		"meeting_on": m.HeldOn, "member_user_ids": members, "chief_executive_user_id": m.ChiefExecutive.UserID, "package_sha256": SHA("会议材料")})
	var ps []procedure.PositionOf
	for i, p := range m.Positions {
		via("record_position", m.Secretariat, map[string]any{"member_user_id": p.Member.UserID, "position": p.Position, "remarks": p.Remarks,
			"present_user_ids": present})
		ps = append(ps, procedure.PositionOf{MemberUserID: p.Member.UserID, Position: p.Position, Remarks: p.Remarks, Order: i})
	}
	majority := procedure.Majority(ps, m.ChiefExecutive.UserID)
	dissent := []any{}
	for _, d := range procedure.Dissenters(ps, m.ChiefExecutive.UserID, m.Decision) {
		dissent = append(dissent, fmt.Sprintf("用户%d：%s", d.MemberUserID, d.Position))
	}
	minutes := scenario.Doc{Kind: "minutes", Content: "会议纪要 " + m.Number}
	h.Upload(id, minutes)
	payload := map[string]any{"meeting_id": MeetingID, "meeting_type": m.Kind, "meeting_no": m.Number, "meeting_on": m.HeldOn,
		"majority_view": majority, "dissent": dissent, "minutes_sha256": SHA(minutes.Content), "recorded_by": m.Secretariat.Ref()}
	if m.DepartureReason != "" {
		payload["departure_reason"] = m.DepartureReason
	}
	return via(DecisionEvents[m.Decision], m.ChiefExecutive, payload)
}

// DecisionEvents are major-decision's events for the meeting's decisions.
var DecisionEvents = map[string]string{"agree": "decide_agree", "disagree": "decide_reject", "revise": "decide_revise",
	"postpone": "decide_postpone", "rediscuss": "decide_rediscuss"}

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
