package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The opinions page (Decree 713 Arts. 14–18): an item's opinions grouped,
// undisposed first, each group with its disposition form; opinions
// received by other channels imported from a CSV file in two steps — the
// file is read and shown (procedure.ParseImport) without recording
// anything, then recorded on confirmation (procedure.Service.ImportComments);
// and the hearing's part of the record, read-only, with links to the item
// page's forms that record it. Who may see the page and act on it is the
// procedure's: the item's scope, and the workflow's roles and rules.

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/items/:id/comments", w.commentsPage)
		g.POST("/items/:id/comments/dispose", w.disposeGroup)
		g.POST("/items/:id/comments/import", w.previewImport)
		g.POST("/items/:id/comments/import/confirm", w.confirmImport)
	})
}

// maxPreviewRows bounds the rows an import preview lists; all are counted.
const maxPreviewRows = 200

// commentsData is what the opinions page shows.
type commentsData struct {
	Detail   *procedure.ItemDetail
	Workflow *engine.Definition
	Comments *procedure.Comments
	Groups   []groupRow
	Disposed int
	// Period is the running comment period, nil when it is not running.
	Period *procedure.PeriodView
	// CanDispose: the viewer may dispose of groups now; DisposeBlocked
	// says why not when the viewer's role could but the item cannot.
	CanDispose     bool
	DisposeBlocked *procedure.BlockView
	// The import: open when the viewer may import now.
	Import        *procedure.ActionView
	ImportBlocked *procedure.BlockView
	Channels      []procedure.ChoiceView
	Channel       string
	ImportErr     *engine.Error
	// TopErr is a refusal with no form on the page to show it beside.
	TopErr    *engine.Error
	ImportMax string
	Preview   *importPreview
	// The hearing, read-only, with the forms of the item page that record
	// it (Open) and those not possible now (Blocked).
	Hearing        procedure.Hearing
	HearingOpen    []procedure.ActionView
	HearingBlocked []procedure.ActionView
	DocByHash      map[string]int64
}

// groupRow is one group of opinions as the page shows it.
type groupRow struct {
	procedure.CommentGroup
	N        int
	Channels []channelCount
	// Label is the disposition's label, ByName who disposed of it.
	Label  engine.Text
	ByName string
	// Form is the group's disposition form (its group field left out:
	// the group is the one shown).
	Form actionForm
}

type channelCount struct {
	Label engine.Text
	Count int
}

// importPreview is an import file read and not yet recorded.
type importPreview struct {
	*procedure.ImportPreview
	Filename     string
	Size         int
	Channel      string
	ChannelLabel engine.Text
	Columns      []importColumn
	HasCommenter bool
	HasReceived  bool
	Shown        []procedure.ImportedRow
	// Data is the file, base64, and MAC its seal, carried by the
	// confirmation form.
	Data, MAC string
}

type importColumn struct {
	Key    string
	Number int
}

func (w *Web) commentsPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showComments(c, id, http.StatusOK, nil, nil)
}

// commentsFailure is a refused form of the opinions page: a disposition
// (Group set) or an import (Import set), with what was submitted.
type commentsFailure struct {
	Group   string
	Values  url.Values
	Err     *engine.Error
	Import  bool
	Channel string
}

// showComments renders the opinions page; failed, when not nil, is a
// refused form to show again with its values and every failed rule, and
// preview an import file to confirm.
func (w *Web) showComments(c echo.Context, id int64, status int, failed *commentsFailure, preview *importPreview) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	detail, it, err := w.svc.Detail(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	d := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	spec := d.Procedure.Comments
	if spec == nil {
		return engine.Errorz(engine.CodeNotFound, "该流程没有公众参与环节", "this workflow takes no opinions")
	}
	cm, err := w.svc.Comments(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	docs, err := w.svc.Documents(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	names := w.svc.ActorNames(ctx, v.Actor.OrgID, procedure.RecordRefs(it, nil))
	data := commentsData{Detail: detail, Workflow: d, Comments: cm, Preview: preview, DocByHash: map[string]int64{},
		ImportMax: fmt.Sprintf("%.1f", float64(w.importLimit())/(1<<20))}
	for _, doc := range docs {
		data.DocByHash[doc.SHA256] = doc.ID
	}
	for _, p := range w.svc.RunningPeriods(it) {
		if p.Name == spec.Period {
			data.Period = &p
		}
	}
	h := w.svc.HearingOf(it, names)
	data.Hearing = h
	var dispose *procedure.ActionView
	for i, a := range detail.Actions {
		switch {
		case a.Event == spec.DispositionEvent:
			if a.Allowed {
				dispose = &detail.Actions[i]
			} else if a.Blocked != nil && a.Blocked.Code != string(engine.CodeForbidden) {
				data.DisposeBlocked = a.Blocked
			}
		case a.Event == spec.ImportEvent:
			if a.Allowed {
				data.Import = &detail.Actions[i]
			} else if a.Blocked != nil && a.Blocked.Code != string(engine.CodeForbidden) {
				data.ImportBlocked = a.Blocked
			}
		}
	}
	for _, ev := range h.Events { // in the workflow's order
		for _, a := range detail.Actions {
			switch {
			case a.Event != ev || a.Via != "":
			case a.Allowed:
				data.HearingOpen = append(data.HearingOpen, a)
			case a.Blocked != nil && a.Blocked.Code != string(engine.CodeForbidden):
				data.HearingBlocked = append(data.HearingBlocked, a)
			}
		}
	}
	data.CanDispose = dispose != nil
	if data.Import != nil {
		if f := fieldOf(*data.Import, "channel"); f != nil {
			data.Channels = f.Choices
		}
	}
	if failed != nil {
		switch {
		case failed.Import && data.Import != nil:
			data.ImportErr, data.Channel = failed.Err, failed.Channel
		case failed.Import, dispose == nil, !slices.ContainsFunc(cm.Groups, func(g procedure.CommentGroup) bool { return g.Group == failed.Group }):
			// No form to show it beside (the item moved on, or a stale
			// or forged group): shown at the top of the page.
			data.TopErr = failed.Err
		}
	}
	labels := channelLabels(d, spec)
	if preview != nil {
		data.Channel = preview.Channel
		if l, ok := labels[preview.Channel]; ok {
			preview.ChannelLabel = l
		}
	}
	var dispLabels map[string]engine.Text
	if ev := d.Event(spec.DispositionEvent); ev != nil {
		if f := ev.Field(procedure.DispositionField); f != nil {
			dispLabels = f.ValueLabels
		}
	}
	var fc *formContext
	if dispose != nil {
		if fc, err = w.loadFormContext(ctx, v.Actor, []procedure.ActionView{*dispose}, docs); err != nil {
			return err
		}
	}
	for _, g := range cm.Groups {
		row := groupRow{CommentGroup: g}
		if g.Disposition != nil {
			data.Disposed++
			row.Label = dispLabels[g.Disposition.Disposition]
			if row.Label.Zh == "" {
				row.Label = engine.Text{Zh: g.Disposition.Disposition, En: g.Disposition.Disposition}
			}
			row.ByName = procedureName(names, g.Disposition.By)
		}
		for ch, n := range g.Channels {
			l, ok := labels[ch]
			if !ok {
				l = engine.Text{Zh: ch, En: ch}
			}
			row.Channels = append(row.Channels, channelCount{Label: l, Count: n})
		}
		sort.Slice(row.Channels, func(i, j int) bool {
			return row.Channels[i].Count > row.Channels[j].Count || row.Channels[i].Count == row.Channels[j].Count && row.Channels[i].Label.Zh < row.Channels[j].Label.Zh
		})
		if dispose != nil {
			var values url.Values
			var ferr *engine.Error
			if failed != nil && !failed.Import && failed.Group == g.Group {
				values, ferr = failed.Values, failed.Err
			} else if g.Disposition != nil {
				values = url.Values{"f." + procedure.DispositionField: {g.Disposition.Disposition}, "f." + procedure.DispositionReasonField: {g.Disposition.Reason}}
			}
			row.Form = groupForm(fc, *dispose, g.Group, values, ferr)
		}
		data.Groups = append(data.Groups, row)
	}
	// Undisposed groups first, each part most frequent first (as listed).
	sort.SliceStable(data.Groups, func(i, j int) bool {
		return data.Groups[i].Disposition == nil && data.Groups[j].Disposition != nil
	})
	for i := range data.Groups {
		data.Groups[i].N = i + 1
	}
	return w.render(c, status, "comments", &page{TitleText: translate(langOf(c), "comments.title_of", it.Title), Nav: "items", Data: data})
}

// groupForm is the disposition form of one group: the event's generated
// form without its group field, with ids unique to the group.
func groupForm(fc *formContext, a procedure.ActionView, group string, values url.Values, err *engine.Error) actionForm {
	f := fc.buildForm(a, values, err)
	f.Confirm = false
	var fields []formField
	for _, ff := range f.Fields {
		if ff.Name == "f."+procedure.DispositionGroupField {
			continue
		}
		ff.ID = "g-" + group + "-" + strings.TrimPrefix(ff.Name, "f.")
		fields = append(fields, ff)
	}
	f.Fields = fields
	f.Open = err != nil
	return f
}

// fieldOf returns the field of a named, nil when it has none.
func fieldOf(a procedure.ActionView, name string) *procedure.FieldView {
	for i := range a.Fields {
		if a.Fields[i].Name == name {
			return &a.Fields[i]
		}
	}
	return nil
}

// channelLabels are the labels of the channels the workflow's opinion
// events declare.
func channelLabels(d *engine.Definition, spec *engine.CommentsSpec) map[string]engine.Text {
	out := map[string]engine.Text{}
	for _, name := range []string{spec.Event, spec.BatchEvent, spec.ImportEvent} {
		if ev := d.Event(name); ev != nil {
			if f := ev.Field("channel"); f != nil {
				for k, l := range f.ValueLabels {
					if _, ok := out[k]; !ok {
						out[k] = l
					}
				}
			}
		}
	}
	return out
}

// refusedComments turns err into the opinions page shown again with the
// refusal, or returns it when it is not a refusal.
func (w *Web) refusedComments(c echo.Context, id int64, err error, failed commentsFailure, preview *importPreview) error {
	var ee *engine.Error
	if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
		return err
	}
	failed.Err = ee
	return w.showComments(c, id, procedure.StatusOf(ee.Code), &failed, preview)
}

// disposeGroup fires the workflow's disposition event for one group.
func (w *Web) disposeGroup(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	form, err := formValues(c)
	if err != nil {
		return err
	}
	group := strings.TrimSpace(form.Get("group"))
	failed := commentsFailure{Group: group, Values: form}
	detail, it, err := w.svc.Detail(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	spec := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion).Procedure.Comments
	if spec == nil {
		return engine.Errorz(engine.CodeNotFound, "该流程没有公众参与环节", "this workflow takes no opinions")
	}
	var act *procedure.ActionView
	for i := range detail.Actions {
		if detail.Actions[i].Event == spec.DispositionEvent {
			act = &detail.Actions[i]
		}
	}
	if act == nil {
		return w.refusedComments(c, id, engine.Errorz(engine.CodeConflict, "事项当前阶段不能处理意见，页面已更新",
			"opinions cannot be disposed of at the item's stage; the page has been refreshed"), failed, nil)
	}
	payload, err := payloadOf(*act, form)
	if err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	payload[procedure.DispositionGroupField] = group
	expected, _ := strconv.Atoi(form.Get("version"))
	if _, err := w.svc.Fire(ctx, v.Actor, id, spec.DispositionEvent, engine.Input{Payload: payload}, expected); err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	w.setFlash(c, translate(langOf(c), "comments.disposed"))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d/comments#g-%s", id, url.PathEscape(group)))
}

// importLimit caps an import file so that, carried base64 in the
// confirmation form, it stays within the upload limit.
func (w *Web) importLimit() int64 { return w.cfg.DocumentLimit / 4 * 3 }

// importSeal binds an import file to the session, the item and the
// channel it was previewed for, so that the confirmation records exactly
// what was shown: HMAC-SHA-256 keyed with the session's token hash, which
// never leaves the server.
func importSeal(v *viewer, id int64, channel string, data []byte) string {
	m := hmac.New(sha256.New, v.Session.TokenHash)
	fmt.Fprintf(m, "juece/comments-import\x00%d\x00%s\x00", id, channel)
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}

// previewImport is step 1 of an import: the file is read and shown with
// its detected encoding, columns and rows; nothing is recorded.
func (w *Web) previewImport(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	v := viewerOf(c)
	form, err := formValues(c)
	if err != nil {
		return err
	}
	channel := strings.TrimSpace(form.Get("channel"))
	failed := commentsFailure{Import: true, Channel: channel}
	act, err := w.importOpen(c, id)
	if err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	if f := fieldOf(*act, "channel"); channel == "" || f != nil && len(f.Values) > 0 && !slices.Contains(f.Values, channel) {
		return w.refusedComments(c, id, &engine.Error{Code: engine.CodeInvalid, Field: "channel", MessageZh: "请选择意见来源渠道", Message: "choose the channel"}, failed, nil)
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return w.refusedComments(c, id, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "请选择要导入的 CSV 文件", Message: "choose the CSV file to import"}, failed, nil)
	}
	if fh.Size > w.importLimit() {
		return w.refusedComments(c, id, engine.Errorz(engine.CodeTooLarge, fmt.Sprintf("CSV 文件超过 %.1f MB，请分成几个文件导入", float64(w.importLimit())/(1<<20)),
			fmt.Sprintf("the CSV file is larger than %.1f MB; split it into several files", float64(w.importLimit())/(1<<20))), failed, nil)
	}
	data, err := readFile(fh, w.importLimit())
	if err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	p, err := procedure.ParseImport(data)
	if err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	pv := &importPreview{ImportPreview: p, Filename: fh.Filename, Size: len(data), Channel: channel,
		Data: base64.StdEncoding.EncodeToString(data), MAC: importSeal(v, id, channel, data)}
	for _, k := range []string{"content", "commenter", "received_on"} {
		if n, ok := p.Columns[k]; ok {
			pv.Columns = append(pv.Columns, importColumn{Key: k, Number: n + 1})
		}
	}
	_, pv.HasCommenter = p.Columns["commenter"]
	_, pv.HasReceived = p.Columns["received_on"]
	pv.Shown = p.Rows
	if len(pv.Shown) > maxPreviewRows {
		pv.Shown = pv.Shown[:maxPreviewRows]
	}
	pv.ChannelLabel = engine.Text{Zh: channel, En: channel}
	return w.showComments(c, id, http.StatusOK, nil, pv)
}

// importOpen returns the import action when the viewer may import
// opinions on item id now, else why not.
func (w *Web) importOpen(c echo.Context, id int64) (*procedure.ActionView, error) {
	detail, it, err := w.svc.Detail(c.Request().Context(), viewerOf(c).Actor, id)
	if err != nil {
		return nil, err
	}
	spec := w.svc.Engine().Workflows().Get(it.WorkflowID, it.WorkflowVersion).Procedure.Comments
	if spec == nil || spec.ImportEvent == "" {
		return nil, engine.Errorz(engine.CodeNotFound, "该流程不接受导入意见", "this workflow does not import opinions")
	}
	for i, a := range detail.Actions {
		if a.Event != spec.ImportEvent {
			continue
		}
		if a.Allowed {
			return &detail.Actions[i], nil
		}
		if b := a.Blocked; b != nil {
			e := &engine.Error{Code: engine.Code(b.Code), MessageZh: b.MessageZh, Message: b.MessageEn, Basis: b.Basis}
			for _, f := range b.Failures {
				e.Failures = append(e.Failures, engine.RuleFailure{Message: engine.Text{Zh: f.MessageZh, En: f.MessageEn}, Basis: f.Basis})
			}
			return nil, e
		}
	}
	return nil, engine.Errorz(engine.CodeConflict, "事项当前阶段不能导入意见", "opinions cannot be imported at the item's stage")
}

// damagedImport is the refusal of a confirmation whose file is not the one
// previewed.
func damagedImport() error {
	return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "确认导入的内容已损坏或与预览的文件不一致，未导入任何意见；请重新选择文件",
		Message: "what was confirmed is damaged or is not the file previewed; nothing was imported; choose the file again"}
}

// confirmImport is step 2 of an import: the file previewed, carried by
// the confirmation form and checked against its seal, is recorded.
func (w *Web) confirmImport(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	v := viewerOf(c)
	form, err := formValues(c)
	if err != nil {
		return err
	}
	channel := strings.TrimSpace(form.Get("channel"))
	failed := commentsFailure{Import: true, Channel: channel}
	data, err := base64.StdEncoding.DecodeString(form.Get("data"))
	if err != nil || len(data) == 0 || int64(len(data)) > w.importLimit() ||
		!hmac.Equal([]byte(form.Get("mac")), []byte(importSeal(v, id, channel, data))) {
		return w.refusedComments(c, id, damagedImport(), failed, nil)
	}
	expected, _ := strconv.Atoi(form.Get("version"))
	_, n, err := w.svc.ImportComments(c.Request().Context(), v.Actor, id, channel, data, expected)
	if err != nil {
		return w.refusedComments(c, id, err, failed, nil)
	}
	w.setFlash(c, translate(langOf(c), "comments.imported", n))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/items/%d/comments", id))
}

func init() {
	addMessages(map[string][2]string{
		"comments.title":          {"公众意见", "Opinions"},
		"comments.title_of":       {"公众意见：%s", "Opinions: %s"},
		"comments.back":           {"返回事项", "Back to the item"},
		"comments.lead":           {"收到的意见按内容归组（相同或几乎相同的意见为一组），每组都应当研究并作出采纳、部分采纳或不予采纳的处理，说明理由。", "Opinions are grouped by content (identical or nearly identical ones together); each group must be studied and adopted, partly adopted or not adopted, with the reason."},
		"comments.basis":          {"依据《重大行政决策程序暂行条例》第十四条至第十八条", "Basis: Decree 713, Arts. 14–18"},
		"comments.totals":         {"意见统计", "Totals"},
		"comments.total":          {"收到意见", "Opinions received"},
		"comments.total_n":        {"%d 条", "%d"},
		"comments.groups":         {"意见组数", "Groups"},
		"comments.groups_n":       {"%d 组", "%d"},
		"comments.disposed_n":     {"已处理", "Disposed of"},
		"comments.undisposed_n":   {"待处理", "Awaiting disposition"},
		"comments.period":         {"意见收集截止日", "Comments taken until"},
		"comments.period_none":    {"征求意见期限未在计算中。", "No comment period is running."},
		"comments.list":           {"意见分组", "Groups of opinions"},
		"comments.empty":          {"尚未收到意见。公众通过门户网站提交的意见会自动归入本页；信件、邮件、座谈会记录等可用下方的导入功能录入。", "No opinions yet. Comments submitted on the public portal appear here; letters, e-mails and symposium notes can be imported below."},
		"comments.group":          {"第 %d 组", "Group %d"},
		"comments.count":          {"%d 条", "%d opinions"},
		"comments.sample":         {"代表性意见", "Sample"},
		"comments.variants":       {"不同表述（%d）", "Other wordings (%d)"},
		"comments.channels":       {"来源渠道", "Channels"},
		"comments.first":          {"最早收到", "First received"},
		"comments.last":           {"最近收到", "Last received"},
		"comments.status":         {"处理情况", "Disposition"},
		"comments.undisposed":     {"待处理", "Awaiting disposition"},
		"comments.disposed_by":    {"（%s，%s）", " (%s, %s)"},
		"comments.of_group":       {"（第 %d 组）", " (group %d)"},
		"comments.sep":            {"；", "; "},
		"comments.list_sep":       {"、", ", "},
		"comments.colon":          {"：", ": "},
		"comments.reason":         {"理由", "Reason"},
		"comments.dispose":        {"处理本组意见", "Dispose of this group"},
		"comments.redispose":      {"修改处理结果", "Change the disposition"},
		"comments.dispose_submit": {"保存处理结果", "Save the disposition"},
		"comments.disposed":       {"已保存该组意见的处理结果。", "The group's disposition is saved."},
		"comments.not_now":        {"现在不能处理意见：", "Opinions cannot be disposed of now:"},

		"comments.import":           {"导入其他渠道收到的意见", "Import opinions received by other channels"},
		"comments.import_lead":      {"上传 CSV 文件（可用 Excel“另存为 CSV”），每行一条意见。系统识别表头为“内容”“意见”“意见内容”的列作为意见，“姓名”“提出人”“单位”列作为提出人，“日期”“收到日期”“来信日期”列作为收到日期；没有表头时取第一列。文件编码自动识别（UTF-8 或 GB18030），最大 %s MB。", "Upload a CSV file (Excel: Save as CSV), one opinion per row. Columns headed 内容/意见/content are the opinions, 姓名/提出人/name the commenters, 日期/收到日期/date the dates received; without a header the first column is taken. The encoding (UTF-8 or GB18030) is detected; at most %s MB."},
		"comments.import_step1":     {"第一步：选择文件，查看识别结果（不会记录）", "Step 1: choose the file and check what is read (nothing is recorded)"},
		"comments.import_file":      {"CSV 文件", "CSV file"},
		"comments.import_channel":   {"来源渠道", "Channel"},
		"comments.import_preview":   {"预览", "Preview"},
		"comments.import_not_now":   {"现在不能导入意见：", "Opinions cannot be imported now:"},
		"comments.preview":          {"第二步：核对后确认导入", "Step 2: check, then confirm the import"},
		"comments.preview_lead":     {"以下是从文件中读到的内容，尚未记录。确认后，这些意见将作为一次办理记入审计记录，并按内容归组。", "This is what the file holds; nothing is recorded yet. On confirmation the opinions are recorded as one step of the audit trail and grouped by content."},
		"comments.preview_file":     {"文件", "File"},
		"comments.preview_size":     {"%s（%d 字节）", "%s (%d bytes)"},
		"comments.preview_encoding": {"识别的编码", "Encoding detected"},
		"comments.preview_columns":  {"识别的列", "Columns found"},
		"comments.preview_column":   {"第 %d 列", "column %d"},
		"comments.preview_count":    {"意见条数", "Opinions"},
		"comments.preview_rows":     {"文件中的意见（共 %d 条）", "Opinions in the file (%d)"},
		"comments.preview_first":    {"文件中的意见（共 %d 条，以下列出前 %d 条）", "Opinions in the file (%d; the first %d listed)"},
		"comments.preview_line":     {"行号", "Line"},
		"comments.col.content":      {"意见内容", "Opinion"},
		"comments.col.commenter":    {"提出人", "Commenter"},
		"comments.col.received_on":  {"收到日期", "Received on"},
		"comments.confirm":          {"确认导入 %d 条意见", "Import %d opinions"},
		"comments.cancel":           {"放弃，重新选择文件", "Discard and choose another file"},
		"comments.imported":         {"已导入 %d 条意见。", "%d opinions imported."},

		"comments.hearing_none":    {"尚未公告听证会。", "No hearing has been announced."},
		"comments.hearing_forms":   {"在事项页办理", "Record on the item page"},
		"comments.hearing_blocked": {"暂不能办理", "Not possible yet"},
	})
}
