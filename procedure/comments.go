package procedure

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Opinions (public comments, imported letters…) are events of the item:
// the audit trail holds every text with the time it was received, and the
// record counts them by group (engine.GroupKey) and keeps one disposition
// per group (Art. 18). This view joins the two.

// DispositionView is how a group of opinions was handled.
type DispositionView struct {
	Disposition string `json:"disposition"`
	Reason      string `json:"reason"`
	By          string `json:"by,omitempty"`
	On          string `json:"on"`
}

// CommentGroup is a group of identical or nearly identical opinions.
type CommentGroup struct {
	Group       string           `json:"group"`
	Count       int              `json:"count"`
	Sample      string           `json:"sample"`
	Variants    []string         `json:"variants"`
	Channels    map[string]int   `json:"channels"`
	FirstAt     time.Time        `json:"first_received_at"`
	LastAt      time.Time        `json:"last_received_at"`
	Disposition *DispositionView `json:"disposition"`
}

// Comments is an item's opinions, grouped, most frequent first.
type Comments struct {
	ItemID     int64          `json:"item_id"`
	Total      int            `json:"total"`
	Undisposed int            `json:"undisposed"`
	Groups     []CommentGroup `json:"groups"`
}

// The fields of a workflow's disposition event (Art. 18): the group's key
// (engine.GroupKey), the disposition and its reason. The record keeps one
// disposition per group under its key.
const (
	DispositionGroupField  = "group"
	DispositionField       = "disposition"
	DispositionReasonField = "reason"
)

// maxVariants is how many distinct wordings of a group are shown.
const maxVariants = 5

func commentsSpec(d *engine.Definition) *engine.CommentsSpec {
	if d == nil {
		return nil
	}
	return d.Procedure.Comments
}

// Comments returns the grouped opinions of an item actor may see.
func (s *Service) Comments(ctx context.Context, actor engine.Actor, itemID int64) (*Comments, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, err
	}
	return s.commentGroups(ctx, it)
}

// commentGroups builds the grouped opinions of it from its audit trail.
func (s *Service) commentGroups(ctx context.Context, it *engine.Item) (*Comments, error) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	v := &Comments{ItemID: it.ID, Groups: []CommentGroup{}}
	spec := commentsSpec(d)
	if spec == nil {
		return v, nil
	}
	evs, err := s.store.AuditEvents(ctx, it.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*CommentGroup{}
	var order []string
	var stage, dispositionsKey string
	for _, e := range d.Events {
		if e.Record.CountBy != "" {
			stage = e.Record.Stage
		}
	}
	if ev := d.Event(spec.DispositionEvent); ev != nil {
		dispositionsKey = ev.Record.Append
	}
	for _, ae := range evs {
		ev := d.Event(ae.Event)
		if ev == nil || ev.Record.CountBy == "" {
			continue
		}
		var p map[string]any
		if err := json.Unmarshal(ae.Payload, &p); err != nil {
			return nil, engine.Internal(err)
		}
		channel, _ := p["channel"].(string)
		if channel == "" {
			channel = "website"
		}
		var texts []string
		switch x := p[ev.Record.CountBy].(type) {
		case string:
			texts = []string{x}
		case []any:
			for _, y := range x {
				if s, ok := y.(string); ok {
					texts = append(texts, s)
				}
			}
		}
		for _, t := range texts {
			if engine.NormalizeText(t) == "" {
				continue
			}
			k := engine.GroupKey(t)
			g := byKey[k]
			if g == nil {
				g = &CommentGroup{Group: k, Sample: t, Channels: map[string]int{}, FirstAt: ae.At.UTC(), Variants: []string{}}
				byKey[k] = g
				order = append(order, k)
			}
			g.Count++
			g.Channels[channel]++
			g.LastAt = ae.At.UTC()
			if len(g.Variants) < maxVariants && !slices.Contains(g.Variants, t) {
				g.Variants = append(g.Variants, t)
			}
			v.Total++
		}
	}
	var disp map[string]any
	if st, _ := it.Record[stage].(map[string]any); st != nil {
		disp, _ = st[dispositionsKey].(map[string]any)
	}
	for _, k := range order {
		g := byKey[k]
		if e, _ := disp[k].(map[string]any); e != nil {
			dv := &DispositionView{}
			dv.Disposition, _ = e[DispositionField].(string)
			dv.Reason, _ = e[DispositionReasonField].(string)
			dv.By, _ = e["by"].(string)
			dv.On, _ = e["on"].(string)
			g.Disposition = dv
		} else {
			v.Undisposed++
		}
		v.Groups = append(v.Groups, *g)
	}
	sort.SliceStable(v.Groups, func(i, j int) bool { return v.Groups[i].Count > v.Groups[j].Count })
	return v, nil
}

// ImportedRow is one opinion read from an import file.
type ImportedRow struct {
	Line      int    `json:"line"`
	Content   string `json:"content"`
	Commenter string `json:"commenter,omitempty"`
	Received  string `json:"received_on,omitempty"`
}

// ImportPreview is what an import file holds, before it is recorded.
type ImportPreview struct {
	// Encoding is the file's detected encoding: "UTF-8" or "GB18030".
	Encoding string        `json:"encoding"`
	Rows     []ImportedRow `json:"rows"`
	// Columns names the columns found: content, commenter, received_on.
	Columns map[string]int `json:"columns"`
}

// maxImportRows bounds one import.
const maxImportRows = 5000

// decodeText returns data as UTF-8 text and its encoding: UTF-8 (with or
// without a byte-order mark) when it is valid UTF-8, otherwise GB18030,
// what Excel on Chinese Windows writes. Text that is neither, or holds NUL
// bytes, is refused rather than stored with replacement characters.
func decodeText(data []byte) (string, string, error) {
	bad := func() error {
		return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "文件不是 UTF-8 或 GB18030 编码的文本，无法读取；请用 Excel 另存为 CSV 后重试",
			Message: "the file is not UTF-8 or GB18030 text; save it from Excel as CSV and try again"}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", bad()
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		if bytes.ContainsRune(data, utf8.RuneError) {
			return "", "", bad() // converted badly before: the text is lost
		}
		return string(data), "UTF-8", nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", bad()
	}
	return string(out), "GB18030", nil
}

// headers recognised in import files, by column.
var importHeaders = map[string][]string{
	"content":     {"content", "内容", "意见", "意见内容", "意见建议"},
	"commenter":   {"commenter", "name", "姓名", "提出人", "姓名或名称", "单位"},
	"received_on": {"received_on", "date", "日期", "收到日期", "来信日期", "时间"},
}

// ParseImport reads a CSV file of opinions (one per row): the column
// headed content/内容/意见 (or the first column), and when present the
// commenter and the date received. The encoding is detected (UTF-8 or
// GB18030). Returns invalid, naming the line, for a file that cannot be
// read, has no opinions, or more than 5000.
func ParseImport(data []byte) (*ImportPreview, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	// Strict quoting: a stray quote would otherwise run rows together
	// into one opinion; the line is named instead.
	p := &ImportPreview{Encoding: enc, Rows: []ImportedRow{}, Columns: map[string]int{"content": 0}}
	line, first := 0, true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			l := line + 1
			if errors.As(err, &pe) {
				l = pe.Line
			}
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "第" + strconv.Itoa(l) + "行：CSV 格式错误（引号不成对）；请用 Excel 另存为 CSV 后重试",
				Message: "line " + strconv.Itoa(l) + ": malformed CSV (unbalanced quotes); save it from Excel as CSV and try again"}
		}
		line, _ = r.FieldPos(0)
		if first {
			first = false
			if readHeader(rec, p) {
				continue
			}
		}
		cell := func(col string) string {
			i, ok := p.Columns[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		content := cell("content")
		if content == "" {
			continue
		}
		if utf8.RuneCountInString(content) > 5000 {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "第" + strconv.Itoa(line) + "行：意见超过5000字",
				Message: "line " + strconv.Itoa(line) + ": an opinion is longer than 5000 characters"}
		}
		p.Rows = append(p.Rows, ImportedRow{Line: line, Content: content, Commenter: truncate(cell("commenter"), 100), Received: truncate(cell("received_on"), 40)})
		if len(p.Rows) > maxImportRows {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "一次最多导入5000条意见", Message: "at most 5000 opinions per import"}
		}
	}
	if len(p.Rows) == 0 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "文件中没有可导入的意见", Message: "the file holds no opinions"}
	}
	return p, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

func readHeader(rec []string, p *ImportPreview) bool {
	found := false
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		for col, names := range importHeaders {
			if slices.Contains(names, h) {
				p.Columns[col] = i
				found = true
			}
		}
	}
	return found
}

// ImportComments records the opinions of an import file (letters,
// e-mails, symposium notes) through the workflow's import event, so that
// they are counted, grouped and kept in the audit trail like public
// comments, with their commenters and dates. expected, when not 0, must be
// the item's version.
func (s *Service) ImportComments(ctx context.Context, actor engine.Actor, itemID int64, channel string, data []byte, expected int) (*Fired, int, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, 0, err
	}
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	spec := commentsSpec(d)
	if spec == nil || spec.ImportEvent == "" {
		return nil, 0, engine.Errorz(engine.CodeNotFound, "该流程不接受导入意见", "this workflow does not import opinions")
	}
	if strings.TrimSpace(channel) == "" {
		return nil, 0, &engine.Error{Code: engine.CodeInvalid, Field: "channel", MessageZh: "请说明意见来源渠道", Message: "channel is required"}
	}
	p, err := ParseImport(data)
	if err != nil {
		return nil, 0, err
	}
	ev := d.Event(spec.ImportEvent)
	texts := make([]any, len(p.Rows))
	var commenters, dates []any
	for i, r := range p.Rows {
		texts[i] = r.Content
	}
	if _, ok := p.Columns["commenter"]; ok {
		for _, r := range p.Rows {
			commenters = append(commenters, orDefault(r.Commenter, "未署名"))
		}
	}
	if _, ok := p.Columns["received_on"]; ok {
		for _, r := range p.Rows {
			dates = append(dates, orDefault(r.Received, "未注明"))
		}
	}
	payload := map[string]any{"channel": channel, ev.Record.CountBy: texts}
	if commenters != nil && ev.Field("commenters") != nil {
		payload["commenters"] = commenters
	}
	if dates != nil && ev.Field("received_on") != nil {
		payload["received_on"] = dates
	}
	f, err := s.Fire(ctx, actor, itemID, spec.ImportEvent, engine.Input{Payload: payload}, expected)
	if err != nil {
		return nil, 0, err
	}
	return f, len(texts), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Hearing is the part of an item's record kept while opinions are taken,
// besides the opinions themselves (Arts. 16–17: the hearing's notice and
// participants, the materials sent to each and when, the transcript), with
// the events that write it, in the workflow's order. They are the events
// that can happen only while comments are taken and record outside the
// opinions' own stage.
type Hearing struct {
	// Label is the first such stage's label (听证会).
	Label  engine.Text
	Stages []RecordStage
	Events []string
}

// HearingOf returns the hearing part of it; names resolves actor
// references (see ActorNames).
func (s *Service) HearingOf(it *engine.Item, names map[string]string) Hearing {
	var h Hearing
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	spec := commentsSpec(d)
	if spec == nil {
		return h
	}
	ce := d.Event(spec.Event)
	if ce == nil {
		ce = d.Event(spec.ImportEvent)
	}
	if ce == nil {
		return h
	}
	var stages []string
	for _, ev := range d.Events {
		st := ev.Record.Stage
		if st == "" || st == ce.Record.Stage || len(ev.From) == 0 || slices.ContainsFunc(ev.From, func(f string) bool { return !slices.Contains(ce.From, f) }) {
			continue
		}
		h.Events = append(h.Events, ev.Name)
		if !slices.Contains(stages, st) {
			stages = append(stages, st)
		}
	}
	if len(stages) > 0 {
		h.Label = d.StageLabel(stages[0])
	}
	for _, rs := range s.RecordView(it, names) {
		if slices.Contains(stages, rs.Stage) {
			h.Stages = append(h.Stages, rs)
		}
	}
	return h
}
