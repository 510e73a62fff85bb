package engine

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// Text is a user-facing text in Chinese (first) and English.
type Text struct {
	Zh string `json:"zh" yaml:"zh"`
	En string `json:"en" yaml:"en"`
}

// Role names a function a user holds in an organisation. The workflow
// definitions name roles in their events; every name they use must be one of
// KnownRoles.
type Role string

// The roles of DESIGN.md. Their string values are part of the contract.
const (
	RoleOrganizer      Role = "organizer"       // 决策承办单位: proposes and drafts; sees only its department's items
	RoleSecretariat    Role = "secretariat"     // 政府办公室: registers proposals, prepares meetings
	RoleLegalOffice    Role = "legal_office"    // 司法局/法制机构: runs legality review
	RoleCounsel        Role = "counsel"         // 法律顾问/公职律师: records legal opinions
	RoleExpert         Role = "expert"          // 专家: records signed opinions
	RoleRiskAssessor   Role = "risk_assessor"   // 风险评估机构: records assessment reports
	RoleMember         Role = "member"          // 常务会议组成人员: states positions
	RoleChiefExecutive Role = "chief_executive" // 行政首长: decides
	RoleExecutor       Role = "executor"        // 决策执行单位: reports on execution
	RoleEvaluator      Role = "evaluator"       // 决策后评估机构: post-evaluation
	RoleAuditor        Role = "auditor"         // 审计/监察: reads everything, changes nothing
	RoleAdmin          Role = "admin"           // 系统管理员: users and settings, no procedural actions
	RolePublic         Role = "public"          // 社会公众: no account; comments on open consultations
)

// KnownRoles lists every role, in a stable order.
var KnownRoles = []Role{
	RoleOrganizer, RoleSecretariat, RoleLegalOffice, RoleCounsel, RoleExpert,
	RoleRiskAssessor, RoleMember, RoleChiefExecutive, RoleExecutor, RoleEvaluator,
	RoleAuditor, RoleAdmin, RolePublic,
}

// RoleLabels name the roles for people (UI.md's words).
var RoleLabels = map[Role]Text{
	RoleOrganizer:      {Zh: "决策承办单位", En: "organizer"},
	RoleSecretariat:    {Zh: "政府办公室", En: "government office"},
	RoleLegalOffice:    {Zh: "司法局（合法性审查部门）", En: "legal office"},
	RoleCounsel:        {Zh: "法律顾问", En: "retained counsel"},
	RoleExpert:         {Zh: "论证专家", En: "expert"},
	RoleRiskAssessor:   {Zh: "风险评估单位", En: "risk assessor"},
	RoleMember:         {Zh: "会议组成人员", En: "meeting member"},
	RoleChiefExecutive: {Zh: "行政首长", En: "chief executive"},
	RoleExecutor:       {Zh: "决策执行单位", En: "executing unit"},
	RoleEvaluator:      {Zh: "决策后评估单位", En: "post-evaluator"},
	RoleAuditor:        {Zh: "审计监督", En: "auditor"},
	RoleAdmin:          {Zh: "系统管理员", En: "administrator"},
	RolePublic:         {Zh: "社会公众", En: "the public"},
	SystemRole:         {Zh: "系统", En: "the system"},
}

// Label returns the role's name for people, or the role itself when it is
// not known.
func (r Role) Label() Text {
	if l, ok := RoleLabels[r]; ok {
		return l
	}
	return Text{Zh: string(r), En: string(r)}
}

// IsKnownRole reports whether r is one of KnownRoles.
func IsKnownRole(r Role) bool {
	for _, k := range KnownRoles {
		if k == r {
			return true
		}
	}
	return false
}

// Actor is who fires an event: a user of an organisation with the roles the
// user holds there. Department-scoped roles (organizer, executor) act only on
// items of DepartmentID.
type Actor struct {
	// OrgID is the organisation (tenant) the actor belongs to; the engine never
	// touches items of another organisation.
	OrgID int64
	// UserID is 0 for the public and for the system itself.
	UserID int64
	// Name is shown in records; it is not an identifier.
	Name string
	// Roles held in OrgID.
	Roles []Role
	// DepartmentID is the actor's department, 0 if none.
	DepartmentID int64
}

// Ref is the stable actor reference written into the audit trail:
// "user:<id>", or "public" / "system" for actors without an account.
func (a Actor) Ref() string {
	if a.UserID > 0 {
		return "user:" + itoa(a.UserID)
	}
	for _, r := range a.Roles {
		if r == RolePublic {
			return "public"
		}
	}
	return "system"
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Record is an item's procedural record: a JSON document keyed by stage
// (e.g. "consultation", "legality") that event payloads are merged into and
// that workflow rules read.
type Record map[string]any

// Item is one decision item (or normative document, or enforcement decision)
// moving through a workflow.
type Item struct {
	ID              int64
	OrgID           int64
	WorkflowID      string
	WorkflowVersion int
	Title           string
	// DepartmentID is the proposing (organizer) department, 0 if none.
	DepartmentID int64
	// Region is the calendar region of the item's organisation (e.g. "cn").
	Region string
	State  string
	// Version starts at 1 and grows by one with every event; it equals the
	// sequence number of the item's last audit event.
	Version int
	Record  Record
	// Head is the hash of the item's last audit event.
	Head []byte
	// DueOn is the earliest due date ("2006-01-02") of the item's running
	// maximum periods, "" when none runs; derived from Record (see DueOn).
	DueOn     string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AuditEvent is one link of an item's hash chain. See audit.go for the
// canonical encoding that Hash covers.
type AuditEvent struct {
	OrgID     int64
	ItemID    int64
	Seq       int
	At        time.Time
	Actor     string
	Role      string
	Event     string
	FromState string
	ToState   string
	Reason    string
	// Payload is the canonical JSON of the event's payload (see Canonical).
	Payload  json.RawMessage
	PrevHash []byte
	Hash     []byte
	// ItemDigest is the item as the event left it (see ItemDigest); nil
	// on events written before it was kept (encoding v1).
	ItemDigest []byte
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// applyAssignments adds the ids of the event's assigning fields to
// record.assignments[role], keeping each list sorted and free of repeats.
func applyAssignments(ev *EventDef, rec Record, payload map[string]any) {
	for _, f := range ev.Fields {
		key, role := "assignments", f.Assigns
		if f.AssignsDepartment != "" {
			key, role = "department_assignments", f.AssignsDepartment
		}
		if role == "" || payload[f.Name] == nil {
			continue
		}
		var ids []int64
		switch v := payload[f.Name].(type) {
		case []any:
			for _, x := range v {
				ids = append(ids, toInt64(x))
			}
		default:
			ids = append(ids, toInt64(v))
		}
		as, _ := rec[key].(map[string]any)
		if as == nil {
			as = map[string]any{}
			rec[key] = as
		}
		set := map[int64]bool{}
		for _, x := range asList(as[string(role)]) {
			set[x] = true
		}
		for _, x := range ids {
			if x > 0 {
				set[x] = true
			}
		}
		out := make([]int64, 0, len(set))
		for x := range set {
			out = append(out, x)
		}
		slices.Sort(out)
		list := make([]any, len(out))
		for i, x := range out {
			list[i] = x
		}
		as[string(role)] = list
	}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return 0
}

func asList(v any) []int64 {
	l, _ := v.([]any)
	out := make([]int64, 0, len(l))
	for _, x := range l {
		out = append(out, toInt64(x))
	}
	return out
}

// AssignedTo returns the ids of the users assigned to the item in role
// (record.assignments[role]), sorted.
func (it *Item) AssignedTo(role Role) []int64 {
	as, _ := it.Record["assignments"].(map[string]any)
	return asList(as[string(role)])
}

// Assignees returns every user id assigned to the item in any role,
// sorted and without repeats.
func (it *Item) Assignees() []int64 { return unionOf(it.Record["assignments"]) }

// AssignedDepartments returns the ids of the departments assigned to the
// item in any role (e.g. the executing unit), sorted.
func (it *Item) AssignedDepartments() []int64 { return unionOf(it.Record["department_assignments"]) }

// unionOf merges the id lists of an assignments map, sorted, no repeats.
func unionOf(v any) []int64 {
	as, _ := v.(map[string]any)
	set := map[int64]bool{}
	for _, l := range as {
		for _, x := range asList(l) {
			set[x] = true
		}
	}
	out := make([]int64, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	slices.Sort(out)
	return out
}

// DepartmentAssigned reports whether department dept is assigned to the
// item in role.
func (it *Item) DepartmentAssigned(role Role, dept int64) bool {
	as, _ := it.Record["department_assignments"].(map[string]any)
	return dept != 0 && slices.Contains(asList(as[string(role)]), dept)
}

// IsAssigned reports whether user is assigned to the item in role.
func (it *Item) IsAssigned(role Role, user int64) bool {
	return slices.Contains(it.AssignedTo(role), user)
}

// RunBy reports whether department dept runs the item as organizer: one
// of the departments designated when the procedure started (record
// department_assignments.organizer, Decree 713 Art. 11), or, before any
// designation, the proposing department. An item without a department is
// run by any organizer.
func (it *Item) RunBy(dept int64) bool {
	as, _ := it.Record["department_assignments"].(map[string]any)
	if designated := asList(as[string(RoleOrganizer)]); len(designated) > 0 {
		return dept != 0 && slices.Contains(designated, dept)
	}
	return it.DepartmentID == 0 || dept == it.DepartmentID
}
