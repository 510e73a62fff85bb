package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The item routes: parse the request, call the procedure, render.

func itemNotFound() error { return procedure.ItemNotFound() }

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
		return 0, engine.Errorz(engine.CodeMalformed, `If-Match 应为事项版本号，如 "3"`, `If-Match must be an item version such as "3"`)
	}
	return v, nil
}

// itemID parses the :id path parameter; anything but a positive integer
// is a missing item.
func itemID(c echo.Context) (int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, itemNotFound()
	}
	return id, nil
}

func (s *Server) renderDetail(c echo.Context, status int, d *procedure.ItemDetail) error {
	c.Response().Header().Set("ETag", etag(d.Version))
	return c.JSON(status, d)
}

func (s *Server) getItem(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	d, _, err := s.svc.Detail(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return s.renderDetail(c, http.StatusOK, d)
}

type createItemRequest struct {
	Workflow string         `json:"workflow"`
	Title    string         `json:"title"`
	Payload  map[string]any `json:"payload"`
	Reason   string         `json:"reason"`
}

func (s *Server) createItem(c echo.Context) error {
	var req createItemRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, _, err := s.svc.Create(c.Request().Context(), principalOf(c).Actor, procedure.NewItem{Workflow: req.Workflow, Title: req.Title,
		Payload: req.Payload, Reason: req.Reason})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/items/%d", d.ID))
	return s.renderDetail(c, http.StatusCreated, d)
}

type fireRequest struct {
	Payload map[string]any `json:"payload"`
	Reason  string         `json:"reason"`
}

// fireEvent is the generic action: POST /api/v1/items/{id}/events/{event}.
func (s *Server) fireEvent(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	want, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req fireRequest
	if c.Request().ContentLength != 0 || c.Request().Header.Get(echo.HeaderContentType) != "" {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	f, err := s.svc.Fire(c.Request().Context(), principalOf(c).Actor, id, c.Param("event"), engine.Input{Payload: req.Payload, Reason: req.Reason}, want)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(f.Version))
	return c.JSON(http.StatusOK, f)
}

// listItems lists the items the caller may see, newest first, with
// filters and a keyset cursor.
func (s *Server) listItems(c echo.Context) error {
	f := procedure.ItemFilter{Workflow: c.QueryParam("workflow"), Stage: c.QueryParam("stage"), Text: c.QueryParam("q")}
	if st := c.QueryParam("state"); st != "" {
		f.States = strings.Split(st, ",")
	}
	var err error
	if f.DepartmentID, err = queryInt(c, "department_id"); err != nil {
		return err
	}
	if f.Cursor, err = queryInt(c, "cursor"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	if limit > 200 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "limit", MessageZh: "每页条数应在1到200之间", Message: "limit must be between 1 and 200"}
	}
	f.Limit = int(limit)
	switch c.QueryParam("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		return &engine.Error{Code: engine.CodeInvalid, Field: "overdue", MessageZh: "overdue 应为 true 或 false", Message: "overdue must be true or false"}
	}
	page, err := s.svc.List(c.Request().Context(), principalOf(c).Actor, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func queryInt(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := parseID(v)
	if err != nil || n < 0 {
		return 0, &engine.Error{Code: engine.CodeInvalid, Field: name, MessageZh: name + " 应为非负整数", Message: name + " must be a non-negative integer"}
	}
	return n, nil
}

// getAudit returns the item's audit trail and the result of recomputing
// its hash chain.
func (s *Server) getAudit(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	t, err := s.svc.Audit(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
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

// ruleView is a rule as clients see it: its message and legal basis, never
// its expression.
type ruleView struct {
	Message engine.Text `json:"message"`
	Basis   string      `json:"basis"`
}

type eventView struct {
	Name           string                `json:"name"`
	Label          engine.Text           `json:"label"`
	From           []string              `json:"from"`
	To             string                `json:"to"`
	Stay           bool                  `json:"stay"`
	Roles          []engine.Role         `json:"roles"`
	Fields         []procedure.FieldView `json:"fields"`
	Rules          []ruleView            `json:"rules"`
	ReasonRequired bool                  `json:"reason_required"`
	Waives         string                `json:"waives,omitempty"`
	Via            string                `json:"via,omitempty"`
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
	Initial string                `json:"initial"`
	States  []procedure.StateView `json:"states"`
	Events  []eventView           `json:"events"`
	Periods []periodView          `json:"periods"`
	Mermaid string                `json:"mermaid"`
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
		Initial: d.Initial, Mermaid: mermaid, States: []procedure.StateView{}, Events: []eventView{}, Periods: []periodView{}}
	for _, st := range d.States {
		v.States = append(v.States, procedure.StateView{Name: st.Name, Label: st.Label, Stage: st.Stage, Terminal: st.Terminal})
	}
	for _, ev := range d.Events {
		e := eventView{Name: ev.Name, Label: ev.Label, From: ev.From, To: ev.To, Stay: ev.Stay, Roles: ev.Roles,
			Fields: procedure.ViewFields(ev.Fields), Rules: []ruleView{}, ReasonRequired: ev.ReasonRequired, Waives: ev.Waives, Via: ev.Via}
		for _, r := range ev.Rules {
			e.Rules = append(e.Rules, ruleView{Message: r.Message, Basis: r.Basis})
		}
		v.Events = append(v.Events, e)
	}
	for _, p := range d.Periods {
		v.Periods = append(v.Periods, periodView{Name: p.Name, Label: p.Label, Unit: string(p.Unit), Kind: string(p.Kind), Length: p.Length, Basis: p.Basis})
	}
	return c.JSON(http.StatusOK, v)
}
