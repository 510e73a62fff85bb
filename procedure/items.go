package procedure

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/juece/juece/engine"
)

// Detail returns an item actor may see with the actions actor may take.
func (s *Service) Detail(ctx context.Context, actor engine.Actor, id int64) (*ItemDetail, *engine.Item, error) {
	it, err := s.Load(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.DetailOf(it, actor)
	return d, it, err
}

// DetailOf renders an item already loaded, with actor's actions.
func (s *Service) DetailOf(it *engine.Item, actor engine.Actor) (*ItemDetail, error) {
	acts, err := s.eng.ActionsFor(it, actor)
	if err != nil {
		return nil, err
	}
	return &ItemDetail{ItemView: s.ViewItem(it), Actions: s.ViewActions(it, acts)}, nil
}

// NewItem is what a caller gives to start an item.
type NewItem struct {
	Workflow string
	Title    string
	Payload  map[string]any
	Reason   string
}

// Create starts an item of the latest version of a workflow in actor's
// department. Returns invalid for an unknown workflow, and the engine's
// errors (forbidden, invalid, guard_failed).
func (s *Service) Create(ctx context.Context, actor engine.Actor, in NewItem) (*ItemDetail, *engine.Item, error) {
	if strings.TrimSpace(in.Workflow) == "" {
		return nil, nil, &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "请选择流程", Message: "workflow is required"}
	}
	if s.eng.Workflows().Latest(in.Workflow) == nil {
		return nil, nil, &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "没有该流程", Message: "no such workflow"}
	}
	res, err := s.eng.Create(ctx, actor, engine.CreateInput{WorkflowID: in.Workflow, Title: in.Title,
		DepartmentID: actor.DepartmentID, Input: engine.Input{Payload: in.Payload, Reason: in.Reason}})
	if err != nil {
		return nil, nil, err
	}
	d, err := s.DetailOf(res.Item, actor)
	return d, res.Item, err
}

// Fired is the outcome of an action: the item as it now is, the actions
// now open, and the audit event written.
type Fired struct {
	ItemDetail
	Event AuditEventView `json:"event"`
	item  *engine.Item
}

// Item returns the item as it is after the action.
func (f *Fired) Item() *engine.Item { return f.item }

// Fire is the generic action on an item actor may see: expected, when not
// 0, must be the item's version (precondition_failed otherwise). Events
// that only a use case fires (a meeting's positions and decisions) are
// refused here with the article; every other refusal is the engine's.
func (s *Service) Fire(ctx context.Context, actor engine.Actor, id int64, event string, in engine.Input, expected int) (*Fired, error) {
	it, err := s.Load(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(it, expected); err != nil {
		return nil, err
	}
	if expected == 0 {
		expected = it.Version
	}
	in.Via = "" // the generic action is never a meeting
	tr, err := s.eng.PrepareLoaded(ctx, it, event, actor, in, expected)
	if err != nil {
		return nil, err
	}
	f, err := s.fired(&engine.Result{Item: tr.Item, Event: tr.Event}, actor)
	if err != nil {
		return nil, err
	}
	// An idempotent request's answer is rendered now and committed with
	// the transition: a crash in between never loses it.
	engine.IdempotentReplyFrom(ctx).Fill(f)
	if err := s.store.CommitTransition(ctx, tr.Item, tr.ExpectedVersion, tr.Event); err != nil {
		return nil, err
	}
	return f, nil
}

func (s *Service) fired(res *engine.Result, actor engine.Actor) (*Fired, error) {
	d, err := s.DetailOf(res.Item, actor)
	if err != nil {
		return nil, err
	}
	return &Fired{ItemDetail: *d, Event: ViewAuditEvent(res.Event), item: res.Item}, nil
}

// CheckVersion returns precondition_failed unless expected is 0 or the
// item's version.
func CheckVersion(it *engine.Item, expected int) error {
	if expected != 0 && expected != it.Version {
		return &engine.Error{Code: engine.CodePreconditionFailed,
			MessageZh: "事项已被修改（当前版本" + strconv.Itoa(it.Version) + "，请求基于版本" + strconv.Itoa(expected) + "），请刷新后重试",
			Message:   "the item changed (version " + strconv.Itoa(it.Version) + ", expected " + strconv.Itoa(expected) + "); reload and retry"}
	}
	return nil
}

// ItemFilter selects items for a list.
type ItemFilter struct {
	Workflow, Stage, Text string
	States                []string
	DepartmentID          int64
	Overdue               bool
	Cursor                int64
	Limit                 int
}

// ItemPage is one page of a list, newest first.
type ItemPage struct {
	Items      []ItemView `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// List lists the items actor may see, newest first, with filters and a
// keyset cursor (Limit 1–200, default 50).
func (s *Service) List(ctx context.Context, actor engine.Actor, f ItemFilter) (*ItemPage, error) {
	q := engine.ItemQuery{OrgID: actor.OrgID, Scope: Scope(actor), WorkflowID: f.Workflow, Text: strings.TrimSpace(f.Text),
		States: f.States, DepartmentID: f.DepartmentID, Before: f.Cursor}
	if utf8.RuneCountInString(q.Text) > 200 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "q", MessageZh: "搜索文字过长", Message: "search text too long"}
	}
	if q.WorkflowID != "" && s.eng.Workflows().Latest(q.WorkflowID) == nil {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "没有该流程", Message: "no such workflow"}
	}
	if f.Stage != "" {
		states := s.StatesOfStage(q.WorkflowID, f.Stage)
		if len(states) == 0 {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "stage", MessageZh: "没有该阶段", Message: "no such stage"}
		}
		if len(q.States) > 0 {
			var both []string
			for _, x := range q.States {
				if slices.Contains(states, x) {
					both = append(both, x)
				}
			}
			if len(both) == 0 {
				return &ItemPage{Items: []ItemView{}}, nil
			}
			states = both
		}
		q.States = states
	}
	if f.Limit < 0 || f.Limit > 200 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "limit", MessageZh: "每页条数应在1到200之间", Message: "limit must be between 1 and 200"}
	}
	q.Limit = f.Limit
	if q.Limit == 0 {
		q.Limit = 50
	}
	if f.Overdue {
		q.DueBefore = s.eng.Today().String()
	}
	items, err := s.store.ListItems(ctx, q)
	if err != nil {
		return nil, err
	}
	page := &ItemPage{Items: make([]ItemView, len(items))}
	for i, it := range items {
		page.Items[i] = s.ViewItem(it)
	}
	if len(items) == q.Limit {
		next := strconv.FormatInt(items[len(items)-1].ID, 10)
		page.NextCursor = &next
	}
	return page, nil
}

// StatesOfStage returns the states (of one workflow, or of all) whose
// stage is stage.
func (s *Service) StatesOfStage(workflow, stage string) []string {
	var out []string
	for _, d := range s.eng.Workflows().All() {
		if workflow != "" && d.ID != workflow {
			continue
		}
		for _, st := range d.States {
			if st.Stage == stage && !slices.Contains(out, st.Name) {
				out = append(out, st.Name)
			}
		}
	}
	return out
}

// AuditTrail is an item's audit trail and whether its chain verifies.
type AuditTrail struct {
	ItemID       int64            `json:"item_id"`
	Events       []AuditEventView `json:"events"`
	Verification Verification     `json:"verification"`
}

// Verification is the outcome of recomputing a chain.
type Verification struct {
	OK     bool        `json:"ok"`
	Events int         `json:"events"`
	Break  *BreakPoint `json:"break"`
}

// BreakPoint names the first event of a chain that does not verify.
type BreakPoint struct {
	Seq     int    `json:"seq"`
	Problem string `json:"problem"`
}

// Audit returns the audit trail of an item actor may see, verified.
func (s *Service) Audit(ctx context.Context, actor engine.Actor, id int64) (*AuditTrail, error) {
	it, err := s.Load(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.store.AuditEvents(ctx, actor.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	res, err := engine.Verify(ctx, s.store, actor.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	t := &AuditTrail{ItemID: it.ID, Events: make([]AuditEventView, len(evs)), Verification: Verification{OK: res.Break == nil, Events: res.Events}}
	for i, ev := range evs {
		t.Events[i] = ViewAuditEvent(ev)
	}
	if b := res.Break; b != nil {
		t.Verification.Break = &BreakPoint{Seq: b.Seq, Problem: b.Problem}
	}
	return t, nil
}
