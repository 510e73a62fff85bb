package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/items", w.itemsPage)
		g.GET("/items/new", w.newItemPage)
		g.POST("/items", w.createItem)
		g.GET("/items/:id", w.itemPage)
		g.POST("/items/:id/events/:event", w.fireEvent)
		g.POST("/items/:id/documents", w.uploadDocument)
		g.GET("/items/:id/documents/:doc", w.downloadDocument)
	})
}

// pathInt reads a positive integer path parameter; anything else is a
// page that does not exist.
func pathInt(c echo.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, engine.Errorz(engine.CodeNotFound, "页面不存在", "no such page")
	}
	return n, nil
}

// ── the list ────────────────────────────────────────────────────────────────

type itemsData struct {
	Page   *procedure.ItemPage
	Filter procedure.ItemFilter
	// State is the state filtered on, "" for any.
	State     string
	Workflows []*engine.Definition
	Stages    []stageOption
	States    []stageOption
	Depts     []engine.Department
	Creatable []*engine.Definition
	Titles    map[string]engine.Text
	// Next is the URL of the next page, "" on the last.
	Next  string
	Error *engine.Error
}

type stageOption struct {
	Name  string
	Label engine.Text
}

func (w *Web) itemsPage(c echo.Context) error {
	v := viewerOf(c)
	ctx := c.Request().Context()
	q := c.QueryParams()
	f := procedure.ItemFilter{Workflow: q.Get("workflow"), Stage: q.Get("stage"), Text: q.Get("q"), Overdue: q.Get("overdue") == "1"}
	if st := q.Get("state"); st != "" {
		f.States = []string{st}
	}
	if d := q.Get("department"); d != "" {
		f.DepartmentID, _ = strconv.ParseInt(d, 10, 64)
	}
	if cur := q.Get("cursor"); cur != "" {
		f.Cursor, _ = strconv.ParseInt(cur, 10, 64)
	}
	data := itemsData{Filter: f, State: q.Get("state"), Workflows: w.svc.Engine().Workflows().All(), Titles: map[string]engine.Text{}}
	for _, d := range data.Workflows {
		data.Titles[d.ID] = d.Title
		if d.Create != nil && slices.ContainsFunc(d.Create.Roles, v.Actor.Has) {
			data.Creatable = append(data.Creatable, d)
		}
		if f.Workflow != "" && d.ID != f.Workflow {
			continue
		}
		for _, st := range d.StateStages() {
			if !slices.ContainsFunc(data.Stages, func(o stageOption) bool { return o.Name == st }) {
				data.Stages = append(data.Stages, stageOption{Name: st, Label: d.StageLabel(st)})
			}
		}
		for _, st := range d.States {
			if !slices.ContainsFunc(data.States, func(o stageOption) bool { return o.Name == st.Name }) {
				data.States = append(data.States, stageOption{Name: st.Name, Label: st.Label})
			}
		}
	}
	depts, err := w.svc.Departments(ctx, v.Actor)
	if err != nil {
		return err
	}
	data.Depts = depts
	status := http.StatusOK
	list, err := w.svc.List(ctx, v.Actor, f)
	if err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
			return err
		}
		data.Error, status = ee, procedure.StatusOf(ee.Code)
		list = &procedure.ItemPage{Items: []procedure.ItemView{}}
	}
	data.Page = list
	if list.NextCursor != nil {
		nq := url.Values{}
		for k, vs := range q {
			if k != "cursor" {
				nq[k] = vs
			}
		}
		nq.Set("cursor", *list.NextCursor)
		data.Next = "/items?" + nq.Encode()
	}
	return w.render(c, status, "items", &page{Title: "items.title", Nav: "items", Data: data})
}

// ── creating an item ────────────────────────────────────────────────────────

type newItemData struct {
	Workflow *engine.Definition
	Title    string
	Form     actionForm
}

// createAction is a workflow's creation as an action, so that its form is
// generated like any event's.
func createAction(d *engine.Definition) procedure.ActionView {
	return procedure.ActionView{Event: "create", Label: d.Create.Label, To: d.Initial, Allowed: true, NeedsInput: len(d.Create.Fields) > 0,
		ReasonRequired: d.Create.ReasonRequired, Fields: procedure.ViewFields(d.Create.Fields)}
}

func (w *Web) creatable(c echo.Context, id string) (*engine.Definition, error) {
	d := w.svc.Engine().Workflows().Latest(id)
	if d == nil || d.Create == nil {
		return nil, engine.Errorz(engine.CodeNotFound, "没有该流程", "no such workflow")
	}
	if !slices.ContainsFunc(d.Create.Roles, viewerOf(c).Actor.Has) {
		var who []string
		for _, r := range d.Create.Roles {
			who = append(who, r.Label().Zh)
		}
		return nil, engine.Errorz(engine.CodeForbidden, "须由以下角色提出："+strings.Join(who, "、"), "only some roles may create items of this workflow")
	}
	return d, nil
}

func (w *Web) newItemPage(c echo.Context) error {
	d, err := w.creatable(c, c.QueryParam("workflow"))
	if err != nil {
		return err
	}
	fc, err := w.loadFormContext(c.Request().Context(), viewerOf(c).Actor, []procedure.ActionView{createAction(d)}, nil)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "item_new", &page{Title: "items.new", Nav: "items",
		Data: newItemData{Workflow: d, Form: fc.buildForm(createAction(d), nil, nil)}})
}

func (w *Web) createItem(c echo.Context) error {
	d, err := w.creatable(c, c.FormValue("workflow"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	act := createAction(d)
	form, err := c.FormParams()
	if err != nil {
		return engine.Errorz(engine.CodeMalformed, "无法读取表单", "the form could not be read")
	}
	title := strings.TrimSpace(form.Get("title"))
	payload, err := payloadOf(act, form)
	if err == nil {
		var created *engine.Item
		_, created, err = w.svc.Create(ctx, v.Actor, procedure.NewItem{Workflow: d.ID, Title: title, Payload: payload, Reason: form.Get("reason")})
		if err == nil {
			w.setFlash(c, translate(langOf(c), "items.created", created.ID))
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d", created.ID))
		}
	}
	var ee *engine.Error
	if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
		return err
	}
	fc, ferr := w.loadFormContext(ctx, v.Actor, []procedure.ActionView{act}, nil)
	if ferr != nil {
		return ferr
	}
	return w.render(c, procedure.StatusOf(ee.Code), "item_new", &page{Title: "items.new", Nav: "items",
		Data: newItemData{Workflow: d, Title: title, Form: fc.buildForm(act, form, ee)}})
}

// ── the item page ───────────────────────────────────────────────────────────

// failedForm is a submitted form that was refused, shown again with its
// values and the refusal.
type failedForm struct {
	Event  string
	Values url.Values
	Err    *engine.Error
}

type auditRow struct {
	Seq          int
	At           string
	Who, Role    string
	RoleLabel    engine.Text
	Event        engine.Text
	From, To     engine.Text
	Reason, Hash string
}

type itemData struct {
	Detail     *procedure.ItemDetail
	Workflow   *engine.Definition
	Department string
	Periods    []procedure.PeriodView
	Progress   []procedure.StageStep
	Tab        string
	Record     []procedure.RecordStage
	Documents  []*engine.Document
	DocByHash  map[string]int64
	Audit      []auditRow
	Verified   procedure.Verification
	Diagram    []procedure.StateNode
	Forms      []actionForm
	Blocked    []procedure.ActionView
	ViaMeeting []procedure.ActionView
	Others     []procedure.ActionView
	// UploadKinds are the kinds a file may be attached as outside an
	// event (a draft is recorded through its event).
	UploadKinds []string
	CanUpload   bool
	Names       map[string]string
}

func (w *Web) itemPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showItem(c, id, http.StatusOK, nil)
}

// showItem renders the item page; failed, when not nil, is a refused form
// to show open, with its values and every failed rule.
func (w *Web) showItem(c echo.Context, id int64, status int, failed *failedForm) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	detail, it, err := w.svc.Detail(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	trail, err := w.svc.Audit(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	docs, err := w.svc.Documents(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	d := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	names := w.svc.ActorNames(ctx, v.Actor.OrgID, procedure.RecordRefs(it, trail.Events))
	tab := c.QueryParam("tab")
	if !slices.Contains([]string{"record", "documents", "audit", "diagram"}, tab) {
		tab = "record"
	}
	if failed != nil && failed.Event == "upload" {
		tab = "documents"
	}
	data := itemData{Detail: detail, Workflow: d, Periods: w.svc.RunningPeriods(it), Progress: w.svc.Progress(it, trail.Events), Tab: tab,
		Record: w.svc.RecordView(it, names), Documents: docs, DocByHash: map[string]int64{}, Verified: trail.Verification,
		Diagram: w.svc.Diagram(it, trail.Events), Names: names, CanUpload: !onlyReads(v.Actor)}
	for _, doc := range docs {
		data.DocByHash[doc.SHA256] = doc.ID
	}
	for _, k := range engine.DocumentKinds {
		if d.Procedure.Draft == nil || k != "draft" {
			data.UploadKinds = append(data.UploadKinds, k)
		}
	}
	if depts, err := w.svc.Departments(ctx, v.Actor); err == nil {
		for _, dp := range depts {
			if detail.DepartmentID != nil && dp.ID == *detail.DepartmentID {
				data.Department = dp.Name
			}
		}
	}
	for i := len(trail.Events) - 1; i >= 0; i-- {
		e := trail.Events[i]
		row := auditRow{Seq: e.Seq, At: chinaTime(e.At), Who: procedureName(names, e.Actor), Role: e.Role, RoleLabel: engine.Role(e.Role).Label(),
			Event: eventLabel(d, e.Event), Reason: e.Reason, Hash: e.Hash}
		if st := d.State(e.FromState); st != nil {
			row.From = st.Label
		}
		if st := d.State(e.ToState); st != nil {
			row.To = st.Label
		}
		data.Audit = append(data.Audit, row)
	}
	var forms []procedure.ActionView
	for _, a := range detail.Actions {
		switch {
		case a.Via != "":
			data.ViaMeeting = append(data.ViaMeeting, a)
		case a.Allowed:
			forms = append(forms, a)
		case a.Blocked != nil && a.Blocked.Code == string(engine.CodeForbidden):
			data.Others = append(data.Others, a)
		default:
			data.Blocked = append(data.Blocked, a)
		}
	}
	fc, err := w.loadFormContext(ctx, v.Actor, forms, docs)
	if err != nil {
		return err
	}
	for _, a := range forms {
		if failed != nil && failed.Event == a.Event {
			data.Forms = append(data.Forms, fc.buildForm(a, failed.Values, failed.Err))
			continue
		}
		af := fc.buildForm(a, nil, nil)
		af.Open = c.QueryParam("act") == a.Event
		if st := d.State(a.To); st != nil && st.Terminal && a.To != it.State {
			af.Confirm = true
		}
		data.Forms = append(data.Forms, af)
	}
	if failed != nil && !slices.ContainsFunc(data.Forms, func(f actionForm) bool { return f.Action.Event == failed.Event }) {
		// The action is no longer open (someone moved the item on):
		// the refusal is shown at the top of the page.
		data.Forms = append([]actionForm{{Action: procedure.ActionView{Event: failed.Event, Label: eventLabel(d, failed.Event)}, Error: failed.Err}}, data.Forms...)
	}
	return w.render(c, status, "item", &page{TitleText: it.Title, Nav: "items", Data: data})
}

func procedureName(names map[string]string, ref string) string {
	if n, ok := names[ref]; ok {
		return n
	}
	return ref
}

func eventLabel(d *engine.Definition, name string) engine.Text {
	if ev := d.Event(name); ev != nil {
		return ev.Label
	}
	if name == "create" && d.Create != nil {
		return d.Create.Label
	}
	return engine.Text{Zh: name, En: name}
}

// onlyReads reports whether the viewer's roles only read.
func onlyReads(a engine.Actor) bool {
	for _, r := range a.Roles {
		if r != engine.RoleAuditor && r != engine.RoleAdmin {
			return false
		}
	}
	return true
}

// fireEvent submits an action's form: the payload from the generated
// fields, the reason, and a file when a document field names a new one
// (stored with the event in one transaction). A refusal shows the page
// again with the form's values and every failed rule.
func (w *Web) fireEvent(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	event := c.Param("event")
	detail, _, err := w.svc.Detail(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	var act *procedure.ActionView
	for i := range detail.Actions {
		if detail.Actions[i].Event == event {
			act = &detail.Actions[i]
		}
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	back := backPage(form.Get("back"), id)
	refuse := func(err error) error {
		var ee *engine.Error
		if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
			return err
		}
		if back != "" {
			return backPages[back](w, c, id, procedure.StatusOf(ee.Code), &failedForm{Event: event, Values: form, Err: ee})
		}
		return w.showItem(c, id, procedure.StatusOf(ee.Code), &failedForm{Event: event, Values: form, Err: ee})
	}
	if act == nil {
		return refuse(engine.Errorz(engine.CodeConflict, "事项当前阶段不能办理此事项，页面已更新", "this action is not open at the item's stage; the page has been refreshed"))
	}
	expected, _ := strconv.Atoi(form.Get("version"))
	if act.ReasonRequired && strings.TrimSpace(form.Get("reason")) == "" {
		return refuse(&engine.Error{Code: engine.CodeInvalid, Field: "reason", MessageZh: "请填写理由", Message: "a reason is required"})
	}
	payload, err := payloadOf(*act, form)
	if err != nil {
		return refuse(err)
	}
	file, err := formFile(c, *act, w.cfg.DocumentLimit)
	if err != nil {
		return refuse(err)
	}
	reason := strings.TrimSpace(form.Get("reason"))
	if file != nil {
		delete(payload, file.Field)
		_, err = w.svc.UploadDocument(ctx, v.Actor, id, procedure.Upload{Kind: file.Kind, Filename: file.Filename, ContentType: file.ContentType,
			Content: file.Content, Public: form.Get("public."+file.Field) == "true", Event: event, Payload: payload, Reason: reason, Expected: expected})
	} else {
		_, err = w.svc.Fire(ctx, v.Actor, id, event, engine.Input{Payload: payload, Reason: reason}, expected)
	}
	if err != nil {
		return refuse(err)
	}
	w.setFlash(c, translate(langOf(c), "item.done", pickText(langOf(c), act.Label)))
	if back != "" {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d/%s", id, back))
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d", id))
}

// backPages are the pages of an item, besides the item page, that embed
// action forms with a hidden "back" field naming them (/items/{id}/{page}):
// a refused form is shown again there, and a done one returns there.
var backPages = map[string]func(w *Web, c echo.Context, id int64, status int, failed *failedForm) error{}

// backPage returns the page a form's "back" field names when it is a
// registered page of item id, "" for anything else (so that a form never
// sends anyone off the item).
func backPage(back string, id int64) string {
	name, ok := strings.CutPrefix(back, fmt.Sprintf("/items/%d/", id))
	if _, known := backPages[name]; !ok || !known {
		return ""
	}
	return name
}

// formValues returns the submitted fields of a urlencoded or multipart
// form.
func formValues(c echo.Context) (url.Values, error) {
	r := c.Request()
	if isMultipart(r) {
		mf, err := c.MultipartForm()
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, engine.Errorz(engine.CodeTooLarge, "文件超过大小限制", "the file is too large")
			}
			return nil, engine.Errorz(engine.CodeMalformed, "无法读取表单", "the form could not be read")
		}
		return url.Values(mf.Value), nil
	}
	f, err := c.FormParams()
	if err != nil {
		return nil, engine.Errorz(engine.CodeMalformed, "无法读取表单", "the form could not be read")
	}
	return f, nil
}

func pickText(lang string, t engine.Text) string {
	if lang == langEn && t.En != "" {
		return t.En
	}
	return t.Zh
}

// uploadDocument attaches a file to the item outside any event (an
// attachment, an explanation to publish with the draft…).
func (w *Web) uploadDocument(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	v := viewerOf(c)
	if _, err := formValues(c); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return w.showItem(c, id, http.StatusUnprocessableEntity, &failedForm{Event: "upload",
			Err: &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "请选择要上传的文件", Message: "choose a file to upload"}})
	}
	content, err := readFile(fh, w.cfg.DocumentLimit)
	if err != nil {
		return err
	}
	_, err = w.svc.UploadDocument(c.Request().Context(), v.Actor, id, procedure.Upload{Kind: c.FormValue("kind"), Filename: fh.Filename,
		ContentType: contentTypeOf(fh), Content: content, Public: c.FormValue("public") == "true"})
	if err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
			return err
		}
		return w.showItem(c, id, procedure.StatusOf(ee.Code), &failedForm{Event: "upload", Err: ee})
	}
	w.setFlash(c, translate(langOf(c), "doc.uploaded_ok", fh.Filename))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d?tab=documents", id))
}

// previewable are the types shown inline in the page's preview frame.
var previewable = []string{"application/pdf", "image/png", "image/jpeg", "text/plain"}

// downloadDocument serves a document of an item the viewer may see:
// as an attachment, or with ?inline=1 shown in the browser when it is a
// PDF, an image or plain text — sandboxed, so that a document never runs
// script in the workspace.
func (w *Web) downloadDocument(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	doc, err := pathInt(c, "doc")
	if err != nil {
		return err
	}
	d, err := w.svc.Document(c.Request().Context(), viewerOf(c).Actor, id, doc)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	disposition := "attachment"
	ct := d.ContentType
	if c.QueryParam("inline") == "1" && slices.Contains(previewable, d.ContentType) {
		disposition = "inline"
		if ct == "text/plain" {
			ct = "text/plain; charset=utf-8"
		}
	}
	h.Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(d.Filename))
	if d.ContentType != "application/pdf" {
		// Chromium's PDF viewer does not run in a sandboxed frame; every
		// other type is shown sandboxed.
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:; frame-ancestors 'self'")
	}
	h.Set("X-Content-SHA256", d.SHA256)
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, ct, d.Content)
}
