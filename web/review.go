package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The legality-review page (Decree 713 Arts. 25–28): the package as the
// workflow derives it from the record (procedure.Service.ReviewPackageOf) —
// the current draft with its stored document, the legal basis, the account
// of the procedures performed —, the running periods with their due
// dates, and the review as recorded (counsel assigned, their opinions, the
// conclusion). The organizer submits the package here
// (procedure.Service.SubmitReview); the legal office, counsel and the
// organizer find here the generated forms of the review's events that
// are open to them now. Those forms post to the item's generic action
// (fireEvent) with a "back" field naming this page, so that a refusal is
// shown here beside its form and a done action returns here.

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/items/:id/review", w.reviewPage)
		g.POST("/items/:id/review/submit", w.submitReview)
	})
	backPages["review"] = func(w *Web, c echo.Context, id int64, status int, failed *failedForm) error {
		return w.showReview(c, id, status, failed)
	}
}

// reviewData is what the review page shows.
type reviewData struct {
	Detail   *procedure.ItemDetail
	Workflow *engine.Definition
	Package  *procedure.ReviewPackage
	// Draft is the stored document of the current draft, nil when the
	// digest names none.
	Draft *engine.Document
	Parts []packagePart
	// Review is the review's part of the record, nil before anything is
	// recorded there.
	Review    *procedure.RecordStage
	DocByHash map[string]int64
	// Submit is the submission of the package when the viewer's role may
	// submit it at the item's stage (allowed, or blocked with why);
	// SubmitErr a refused submission.
	Submit    *procedure.ActionView
	SubmitErr *engine.Error
	// Forms are the review's actions open to the viewer now; Blocked
	// those the viewer's role could take but the item cannot yet.
	Forms   []actionForm
	Blocked []procedure.ActionView
	// TopErr is a refusal whose form is no longer open.
	TopErr *engine.Error
	// Back is this page, for the forms' "back" field.
	Back string
}

// packagePart is one part of the package with its values for people.
type packagePart struct {
	Label   engine.Text
	Account string
	Fields  []packageField
}

// packageField is one value of the package: a text, a list, or a
// document (Doc, when the digest names a stored one).
type packageField struct {
	Label  engine.Text
	Text   engine.Text
	List   []engine.Text
	Digest string
	Doc    *engine.Document
}

func (w *Web) reviewPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showReview(c, id, http.StatusOK, nil)
}

// showReview renders the review page; failed, when not nil, is a refused
// form shown again with its values and every failed rule.
func (w *Web) showReview(c echo.Context, id int64, status int, failed *failedForm) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	detail, it, err := w.svc.Detail(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	pkg, _, err := w.svc.ReviewPackageOf(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	docs, err := w.svc.Documents(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	d := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	spec := d.Procedure.LegalityReview
	names := w.svc.ActorNames(ctx, v.Actor.OrgID, procedure.RecordRefs(it, nil))
	data := reviewData{Detail: detail, Workflow: d, Package: pkg, DocByHash: map[string]int64{}, Back: fmt.Sprintf("/items/%d/review", id)}
	byHash := map[string]*engine.Document{}
	for _, doc := range docs {
		data.DocByHash[doc.SHA256] = doc.ID
		byHash[doc.SHA256] = doc
	}
	data.Draft = byHash[pkg.DraftSHA256]
	labels := valueLabels(d)
	for _, p := range pkg.Parts {
		if p.Name == "review" {
			continue // shown from the record, with names and documents
		}
		pp := packagePart{Label: p.Label, Account: p.Account}
		for _, f := range p.Fields {
			pp.Fields = append(pp.Fields, packageValue(f, labels, byHash))
		}
		data.Parts = append(data.Parts, pp)
	}
	stage := ""
	if ev := d.Event(spec.SubmitEvent); ev != nil {
		stage = ev.Record.Stage
	}
	for _, rs := range w.svc.RecordView(it, names) {
		if rs.Stage == stage {
			data.Review = &rs
		}
	}

	var open []procedure.ActionView
	for i, a := range detail.Actions {
		ev := d.Event(a.Event)
		mine := a.Allowed || a.Blocked != nil && a.Blocked.Code != string(engine.CodeForbidden)
		switch {
		case a.Event == spec.SubmitEvent:
			if mine {
				data.Submit = &detail.Actions[i]
			}
		case ev == nil || a.Via != "" || ev.Record.Stage != stage || !mine:
		case a.Allowed:
			open = append(open, a)
		default:
			data.Blocked = append(data.Blocked, a)
		}
	}
	fc, err := w.loadFormContext(ctx, v.Actor, open, docs)
	if err != nil {
		return err
	}
	draftField := ""
	if d.Procedure.Draft != nil {
		draftField = d.Procedure.Draft.Field
	}
	for _, a := range open {
		if failed != nil && failed.Event == a.Event {
			data.Forms = append(data.Forms, fc.buildForm(a, failed.Values, failed.Err))
			continue
		}
		// The opinion and the conclusion concern the current draft: its
		// digest is filled in (the rules still check it).
		var values url.Values
		if f := fieldOf(a, draftField); f != nil && draftField != "" && len(f.Document) == 0 && pkg.DraftSHA256 != "" {
			values = url.Values{"f." + draftField: {pkg.DraftSHA256}}
		}
		af := fc.buildForm(a, values, nil)
		af.Open = c.QueryParam("act") == a.Event
		data.Forms = append(data.Forms, af)
	}
	if failed != nil {
		switch {
		case failed.Event == spec.SubmitEvent:
			data.SubmitErr = failed.Err
		case !slices.ContainsFunc(open, func(a procedure.ActionView) bool { return a.Event == failed.Event }):
			data.TopErr = failed.Err
		}
	}
	return w.render(c, status, "review", &page{TitleText: translate(langOf(c), "review.title_of", it.Title), Nav: "items", Data: data})
}

// submitReview submits the package as derived from the record.
func (w *Web) submitReview(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	v := viewerOf(c)
	form, err := formValues(c)
	if err != nil {
		return err
	}
	it, err := w.svc.Load(c.Request().Context(), v.Actor, id)
	if err != nil {
		return err
	}
	d := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if d.Procedure.LegalityReview == nil {
		return engine.Errorz(engine.CodeNotFound, "该流程没有合法性审查送审材料", "this workflow has no legality-review package")
	}
	event := d.Procedure.LegalityReview.SubmitEvent
	expected, _ := strconv.Atoi(form.Get("version"))
	if _, err := w.svc.SubmitReview(c.Request().Context(), v.Actor, id, expected); err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
			return err
		}
		return w.showReview(c, id, procedure.StatusOf(ee.Code), &failedForm{Event: event, Values: form, Err: ee})
	}
	w.setFlash(c, translate(langOf(c), "item.done", pickText(langOf(c), eventLabel(d, event))))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d/review", id))
}

// valueLabels are the labels of the workflow's enumerated values by field
// name, so that a package's value reads as its field's choice does.
func valueLabels(d *engine.Definition) map[string]map[string]engine.Text {
	out := map[string]map[string]engine.Text{}
	evs := d.Events
	if d.Create != nil {
		evs = append([]*engine.EventDef{d.Create}, evs...)
	}
	for _, ev := range evs {
		for _, f := range ev.Fields {
			for val, l := range f.ValueLabels {
				if out[f.Name] == nil {
					out[f.Name] = map[string]engine.Text{}
				}
				if _, ok := out[f.Name][val]; !ok {
					out[f.Name][val] = l
				}
			}
		}
	}
	return out
}

var (
	isoDate  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	isDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// packageValue renders one value of the package: a digest as its stored
// document, a choice by its label, a date in prose, a list item by item.
func packageValue(f engine.RenderedField, labels map[string]map[string]engine.Text, docs map[string]*engine.Document) packageField {
	pf := packageField{Label: f.Label}
	one := func(v any) engine.Text {
		switch x := v.(type) {
		case string:
			if l, ok := labels[f.Name][x]; ok {
				return l
			}
			if isoDate.MatchString(x) {
				return engine.Text{Zh: proseDate(langZh, x), En: proseDate(langEn, x)}
			}
			return engine.Text{Zh: x, En: x}
		case bool:
			return engine.Text{Zh: translate(langZh, map[bool]string{true: "yes", false: "no"}[x]), En: translate(langEn, map[bool]string{true: "yes", false: "no"}[x])}
		default:
			s := fmt.Sprint(x)
			return engine.Text{Zh: s, En: s}
		}
	}
	switch x := f.Value.(type) {
	case string:
		if isDigest.MatchString(x) {
			pf.Digest, pf.Doc = x, docs[x]
			return pf
		}
		pf.Text = one(x)
	case []any:
		for _, e := range x {
			pf.List = append(pf.List, one(e))
		}
	default:
		pf.Text = one(x)
	}
	return pf
}

func init() {
	addMessages(map[string][2]string{
		"review.title":         {"合法性审查", "Legality review"},
		"review.title_of":      {"合法性审查：%s", "Legality review: %s"},
		"review.lead":          {"送审材料由事项记录生成：当前决策草案、制定决策的依据，以及履行决策法定程序的说明。决策草案未经合法性审查或者经审查不合法的，不得提交决策机关讨论。", "The package is derived from the item's record: the current draft, its legal basis, and an account of the statutory procedures performed. A draft not reviewed, or found unlawful, may not go to the decision organ."},
		"review.basis":         {"依据《重大行政决策程序暂行条例》第二十五条至第二十八条", "Basis: Decree 713, Arts. 25–28"},
		"review.package":       {"送审材料", "The review package"},
		"review.draft":         {"决策草案", "The draft"},
		"review.draft_missing": {"草案文件未上传", "The draft file is not stored"},
		"review.no_draft":      {"尚未形成决策草案。", "There is no draft yet."},
		"review.download":      {"下载", "Download"},
		"review.preview":       {"预览", "Preview"},
		"review.uploaded":      {"%s 上传", "uploaded %s"},
		"review.legal_basis":   {"制定决策的依据", "Legal basis"},
		"review.account":       {"履行决策法定程序的说明", "Account of the statutory procedures performed"},
		"review.no_basis":      {"尚未填写依据。", "No legal basis recorded."},
		"review.parts":         {"材料明细", "The package in detail"},
		"review.periods":       {"期限", "Periods"},
		"review.periods_cap":   {"正在计算的法定期限", "Running statutory periods"},
		"review.no_periods":    {"目前没有正在计算的法定期限。", "No statutory period is running."},
		"review.period_kind":   {"性质", "Kind"},
		"review.kind.minimum":  {"不少于（保证时间）", "At least (a guaranteed time)"},
		"review.kind.maximum":  {"不超过（办结时限）", "At most (a time limit)"},
		"review.state":         {"审查情况", "The review"},
		"review.not_submitted": {"尚未送请合法性审查。", "Not yet submitted for legality review."},
		"review.submit_lead":   {"将按左侧所列的送审材料送请司法局审查，材料由记录生成，无需另行填写。", "The package shown is submitted to the legal office as derived from the record; nothing needs to be typed."},
		"review.submit_cannot": {"目前还不能送审：", "It cannot be submitted yet:"},
		"review.actions":       {"审查办理", "Review actions"},
		"review.no_actions":    {"您目前在合法性审查中没有可办理的事项。", "There is nothing for you to do in the legality review now."},
		"review.blocked":       {"暂不能办理", "Not possible yet"},
		"review.back":          {"返回事项", "Back to the item"},
		"review.sep":           {"；", "; "},
		"review.colon":         {"：", ": "},
	})
}
