package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// orgWideRoles see every item of their organisation; other roles see the
// items of their department or those they are assigned to.
var orgWideRoles = []engine.Role{engine.RoleSecretariat, engine.RoleLegalOffice, engine.RoleAuditor,
	engine.RoleChiefExecutive, engine.RoleMember}

// scope returns the part of the organisation's items p may see; nil means
// all of them.
func scope(p *principal) *engine.ItemScope {
	for _, r := range orgWideRoles {
		if p.Actor.Has(r) {
			return nil
		}
	}
	sc := &engine.ItemScope{}
	if p.Actor.Has(engine.RoleOrganizer) {
		sc.DepartmentID = p.Actor.DepartmentID
	}
	if p.Actor.Has(engine.RoleExecutor) {
		sc.AssignedDepartmentID = p.Actor.DepartmentID
	}
	for _, r := range []engine.Role{engine.RoleCounsel, engine.RoleExpert, engine.RoleRiskAssessor, engine.RoleEvaluator} {
		if p.Actor.Has(r) {
			sc.AssignedUser = p.Actor.UserID
		}
	}
	return sc
}

// canSee applies scope to one item.
func canSee(p *principal, it *engine.Item) bool {
	if it.OrgID != p.Actor.OrgID {
		return false
	}
	sc := scope(p)
	if sc == nil {
		return true
	}
	return (sc.DepartmentID != 0 && it.DepartmentID == sc.DepartmentID) ||
		(sc.AssignedUser != 0 && slices.Contains(it.Assignees(), sc.AssignedUser)) ||
		(sc.AssignedDepartmentID != 0 && slices.Contains(it.AssignedDepartments(), sc.AssignedDepartmentID))
}

func itemNotFound() error {
	return engine.Errorz(engine.CodeNotFound, "事项不存在", "no such item")
}

// loadItem reads an item the caller may see; anything else is not_found,
// so that the existence of other departments' items does not leak.
func (s *Server) loadItem(c echo.Context) (*principal, *engine.Item, error) {
	p := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, itemNotFound()
	}
	it, err := s.eng.Store().GetItem(c.Request().Context(), p.Actor.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	if !canSee(p, it) {
		return nil, nil, itemNotFound()
	}
	return p, it, nil
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch parses If-Match: a quoted (or bare, or weak) item version. It
// returns 0 when the header is absent.
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	v, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || v < 1 {
		return 0, engine.Errorz(engine.CodeMalformed, "If-Match 应为事项版本号，如 \"3\"", `If-Match must be an item version such as "3"`)
	}
	return v, nil
}

// checkIfMatch returns the version named by If-Match (0 when absent) and
// precondition_failed when it is not the item's current version.
func checkIfMatch(c echo.Context, it *engine.Item) (int, error) {
	want, err := ifMatch(c)
	if err != nil {
		return 0, err
	}
	if want != 0 && want != it.Version {
		return 0, &engine.Error{Code: engine.CodePreconditionFailed,
			MessageZh: fmt.Sprintf("事项已被修改（当前版本 %d，请求基于版本 %d），请刷新后重试", it.Version, want),
			Message:   fmt.Sprintf("the item changed (version %d, If-Match %d); reload and retry", it.Version, want)}
	}
	return want, nil
}

func (s *Server) detail(c echo.Context, p *principal, it *engine.Item, status int) error {
	acts, err := s.eng.ActionsFor(it, p.Actor)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(it.Version))
	return c.JSON(status, itemDetail{itemView: s.viewItem(it), Actions: viewActions(acts)})
}

func (s *Server) getItem(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	return s.detail(c, p, it, http.StatusOK)
}

type createItemRequest struct {
	Workflow string         `json:"workflow"`
	Title    string         `json:"title"`
	Payload  map[string]any `json:"payload"`
	Reason   string         `json:"reason"`
}

func (s *Server) createItem(c echo.Context) error {
	p := principalOf(c)
	var req createItemRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Workflow) == "" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "请指定流程", Message: "workflow is required"}
	}
	if s.eng.Workflows().Latest(req.Workflow) == nil {
		return &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "没有该流程：" + req.Workflow, Message: "no such workflow: " + req.Workflow}
	}
	res, err := s.eng.Create(c.Request().Context(), p.Actor, engine.CreateInput{WorkflowID: req.Workflow, Title: req.Title,
		DepartmentID: p.Actor.DepartmentID, Input: engine.Input{Payload: req.Payload, Reason: req.Reason}})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/items/%d", res.Item.ID))
	return s.detail(c, p, res.Item, http.StatusCreated)
}

type fireRequest struct {
	Payload map[string]any `json:"payload"`
	Reason  string         `json:"reason"`
}

type fireResponse struct {
	itemDetail
	Event auditEventView `json:"event"`
}

// fireEvent is the generic action: POST /api/v1/items/{id}/events/{event}.
func (s *Server) fireEvent(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	want, err := checkIfMatch(c, it)
	if err != nil {
		return err
	}
	var req fireRequest
	if c.Request().ContentLength != 0 || c.Request().Header.Get(echo.HeaderContentType) != "" {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	expected := want
	if expected == 0 {
		expected = it.Version
	}
	res, err := s.eng.FireLoaded(c.Request().Context(), it, c.Param("event"), p.Actor, engine.Input{Payload: req.Payload, Reason: req.Reason}, expected)
	if err != nil {
		return err
	}
	acts, err := s.eng.ActionsFor(res.Item, p.Actor)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(res.Item.Version))
	return c.JSON(http.StatusOK, fireResponse{itemDetail: itemDetail{itemView: s.viewItem(res.Item), Actions: viewActions(acts)},
		Event: viewAuditEvent(res.Event)})
}

type itemPage struct {
	Items      []itemView `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// listItems lists the items the caller may see, newest first, with
// filters and a keyset cursor.
func (s *Server) listItems(c echo.Context) error {
	p := principalOf(c)
	q := engine.ItemQuery{OrgID: p.Actor.OrgID, Scope: scope(p), WorkflowID: c.QueryParam("workflow"), Text: strings.TrimSpace(c.QueryParam("q"))}
	if utf8.RuneCountInString(q.Text) > 200 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "q", MessageZh: "搜索文字过长", Message: "search text too long"}
	}
	if q.WorkflowID != "" && s.eng.Workflows().Latest(q.WorkflowID) == nil {
		return &engine.Error{Code: engine.CodeInvalid, Field: "workflow", MessageZh: "没有该流程", Message: "no such workflow"}
	}
	if st := c.QueryParam("state"); st != "" {
		q.States = strings.Split(st, ",")
	}
	if stage := c.QueryParam("stage"); stage != "" {
		states := s.statesOfStage(q.WorkflowID, stage)
		if len(states) == 0 {
			return &engine.Error{Code: engine.CodeInvalid, Field: "stage", MessageZh: "没有该阶段", Message: "no such stage"}
		}
		if len(q.States) > 0 {
			var both []string
			for _, x := range q.States {
				if slices.Contains(states, x) {
					both = append(both, x)
				}
			}
			if len(both) == 0 {
				return c.JSON(http.StatusOK, itemPage{Items: []itemView{}})
			}
			states = both
		}
		q.States = states
	}
	var err error
	if q.DepartmentID, err = queryInt(c, "department_id"); err != nil {
		return err
	}
	if q.Before, err = queryInt(c, "cursor"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	if limit > 200 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "limit", MessageZh: "limit 应在 1 到 200 之间", Message: "limit must be between 1 and 200"}
	}
	q.Limit = int(limit)
	if q.Limit == 0 {
		q.Limit = 50
	}
	switch c.QueryParam("overdue") {
	case "", "false":
	case "true":
		q.DueBefore = s.eng.Today().String()
	default:
		return &engine.Error{Code: engine.CodeInvalid, Field: "overdue", MessageZh: "overdue 应为 true 或 false", Message: "overdue must be true or false"}
	}
	items, err := s.db.ListItems(c.Request().Context(), q)
	if err != nil {
		return err
	}
	page := itemPage{Items: make([]itemView, len(items))}
	for i, it := range items {
		page.Items[i] = s.viewItem(it)
	}
	if len(items) == q.Limit {
		next := strconv.FormatInt(items[len(items)-1].ID, 10)
		page.NextCursor = &next
	}
	return c.JSON(http.StatusOK, page)
}

func queryInt(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &engine.Error{Code: engine.CodeInvalid, Field: name, MessageZh: name + " 应为非负整数", Message: name + " must be a non-negative integer"}
	}
	return n, nil
}

// statesOfStage returns the states (of one workflow, or of all) whose stage
// is stage.
func (s *Server) statesOfStage(workflow, stage string) []string {
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

type verificationView struct {
	OK     bool `json:"ok"`
	Events int  `json:"events"`
	Break  *struct {
		Seq     int    `json:"seq"`
		Problem string `json:"problem"`
	} `json:"break"`
}

type auditView struct {
	ItemID       int64            `json:"item_id"`
	Events       []auditEventView `json:"events"`
	Verification verificationView `json:"verification"`
}

// getAudit returns the item's audit trail and the result of recomputing
// its hash chain.
func (s *Server) getAudit(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	evs, err := s.db.AuditEvents(ctx, p.Actor.OrgID, it.ID)
	if err != nil {
		return err
	}
	res, err := engine.Verify(ctx, s.eng.Store(), p.Actor.OrgID, it.ID)
	if err != nil {
		return err
	}
	v := auditView{ItemID: it.ID, Events: make([]auditEventView, len(evs))}
	for i, ev := range evs {
		v.Events[i] = viewAuditEvent(ev)
	}
	v.Verification = verificationView{OK: res.Break == nil, Events: res.Events}
	if b := res.Break; b != nil {
		v.Verification.Break = &struct {
			Seq     int    `json:"seq"`
			Problem string `json:"problem"`
		}{b.Seq, b.Problem}
	}
	return c.JSON(http.StatusOK, v)
}

type workflowSummary struct {
	ID      string      `json:"id"`
	Version int         `json:"version"`
	Title   engine.Text `json:"title"`
	Basis   string      `json:"basis"`
}

func (s *Server) listWorkflows(c echo.Context) error {
	out := []workflowSummary{}
	for _, d := range s.eng.Workflows().All() {
		out = append(out, workflowSummary{ID: d.ID, Version: d.Version, Title: d.Title, Basis: d.Basis})
	}
	return c.JSON(http.StatusOK, map[string]any{"workflows": out})
}

type ruleView struct {
	Check   string      `json:"check"`
	Message engine.Text `json:"message"`
	Basis   string      `json:"basis"`
}

type eventView struct {
	Name           string        `json:"name"`
	Label          engine.Text   `json:"label"`
	From           []string      `json:"from"`
	To             string        `json:"to"`
	Stay           bool          `json:"stay"`
	Roles          []engine.Role `json:"roles"`
	Fields         []fieldView   `json:"fields"`
	Rules          []ruleView    `json:"rules"`
	ReasonRequired bool          `json:"reason_required"`
	Waives         string        `json:"waives,omitempty"`
}

type periodView struct {
	Name   string      `json:"name"`
	Label  engine.Text `json:"label"`
	Unit   string      `json:"unit"`
	Kind   string      `json:"kind"`
	Length int         `json:"length"`
	Basis  string      `json:"basis"`
}

type workflowView struct {
	workflowSummary
	Initial string       `json:"initial"`
	States  []stateView  `json:"states"`
	Events  []eventView  `json:"events"`
	Periods []periodView `json:"periods"`
	Mermaid string       `json:"mermaid"`
}

// getWorkflow returns a workflow definition (latest, or ?version=N) with
// its state diagram as Mermaid text.
func (s *Server) getWorkflow(c echo.Context) error {
	d := s.eng.Workflows().Latest(c.Param("id"))
	if v := c.QueryParam("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &engine.Error{Code: engine.CodeInvalid, Field: "version", MessageZh: "version 应为整数", Message: "version must be an integer"}
		}
		d = s.eng.Workflows().Get(c.Param("id"), n)
	}
	if d == nil {
		return engine.Errorz(engine.CodeNotFound, "流程不存在", "no such workflow")
	}
	mermaid, err := engine.Graph(d, "mermaid")
	if err != nil {
		return err
	}
	v := workflowView{workflowSummary: workflowSummary{ID: d.ID, Version: d.Version, Title: d.Title, Basis: d.Basis},
		Initial: d.Initial, Mermaid: mermaid, States: []stateView{}, Events: []eventView{}, Periods: []periodView{}}
	for _, st := range d.States {
		v.States = append(v.States, stateView{Name: st.Name, Label: st.Label, Stage: st.Stage, Terminal: st.Terminal})
	}
	for _, ev := range d.Events {
		e := eventView{Name: ev.Name, Label: ev.Label, From: ev.From, To: ev.To, Stay: ev.Stay, Roles: ev.Roles,
			Fields: viewFields(ev.Fields), Rules: []ruleView{}, ReasonRequired: ev.ReasonRequired, Waives: ev.Waives}
		for _, r := range ev.Rules {
			e.Rules = append(e.Rules, ruleView{Check: r.Check, Message: r.Message, Basis: r.Basis})
		}
		v.Events = append(v.Events, e)
	}
	for _, p := range d.Periods {
		v.Periods = append(v.Periods, periodView{Name: p.Name, Label: p.Label, Unit: string(p.Unit), Kind: string(p.Kind), Length: p.Length, Basis: p.Basis})
	}
	return c.JSON(http.StatusOK, v)
}
