package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// Opinions (public comments, imported letters…) are events of the item:
// the audit trail holds every text with the time it was received, and the
// record counts them by group (engine.GroupKey) and keeps one disposition
// per group. This view joins the two.

type dispositionView struct {
	Disposition string `json:"disposition"`
	Reason      string `json:"reason"`
	By          string `json:"by,omitempty"`
	On          string `json:"on"`
}

type commentGroup struct {
	Group       string           `json:"group"`
	Count       int              `json:"count"`
	Sample      string           `json:"sample"`
	Variants    []string         `json:"variants"`
	Channels    map[string]int   `json:"channels"`
	FirstAt     time.Time        `json:"first_received_at"`
	LastAt      time.Time        `json:"last_received_at"`
	Disposition *dispositionView `json:"disposition"`
}

type commentsView struct {
	ItemID     int64          `json:"item_id"`
	Total      int            `json:"total"`
	Undisposed int            `json:"undisposed"`
	Groups     []commentGroup `json:"groups"`
}

// maxVariants is how many distinct wordings of a group are shown.
const maxVariants = 5

// commentGroups builds the grouped opinions of it from its audit trail.
// withDetails adds channels and variants (staff); the public view gets
// only the sample text and the disposition.
func (s *Server) commentGroups(ctx context.Context, it *engine.Item) (*commentsView, error) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	evs, err := s.db.AuditEvents(ctx, it.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	v := &commentsView{ItemID: it.ID, Groups: []commentGroup{}}
	byKey := map[string]*commentGroup{}
	var order []string
	// The dispositions are kept by the keyed event of the stage where the
	// opinions are counted.
	var stage, dispositionsKey string
	for _, e := range d.Events {
		if e.Record.CountBy != "" {
			stage = e.Record.Stage
		}
	}
	for _, e := range d.Events {
		if e.Record.KeyBy != "" && e.Record.Stage == stage {
			dispositionsKey = e.Record.Append
		}
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
				g = &commentGroup{Group: k, Sample: t, Channels: map[string]int{}, FirstAt: ae.At.UTC(), Variants: []string{}}
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
			dv := &dispositionView{}
			dv.Disposition, _ = e["disposition"].(string)
			dv.Reason, _ = e["reason"].(string)
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

// importComments records opinions received by other channels from a CSV
// body (one opinion per row: the column headed content/内容/意见, or the
// first column), through the workflow's import event, so that they are
// counted, grouped and kept in the audit trail like public comments.
func (s *Server) importComments(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	evName, _ := d.Settings["comment_import_event"].(string)
	ev := d.Event(evName)
	if ev == nil || ev.Record.CountBy == "" {
		return engine.Errorz(engine.CodeNotFound, "该流程不接受导入意见", "this workflow does not import opinions")
	}
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt != "text/csv" {
		return engine.Errorz(engine.CodeUnsupportedMedia, "请以 text/csv 上传意见表", "send the opinions as text/csv")
	}
	channel := c.QueryParam("channel")
	if channel == "" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "channel", MessageZh: "请说明意见来源渠道", Message: "channel is required"}
	}
	r := csv.NewReader(c.Request().Body)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	col, rows := 0, 0
	var texts []any
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			var he *echo.HTTPError
			if errors.As(err, &mbe) || errors.As(err, &he) {
				return tooLarge()
			}
			return &engine.Error{Code: engine.CodeMalformed, Field: "csv", MessageZh: "CSV 格式错误：" + err.Error(), Message: "malformed CSV: " + err.Error()}
		}
		rows++
		if rows == 1 {
			found := false
			for i, h := range rec {
				switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
				case "content", "内容", "意见", "意见内容":
					col, found = i, true
				}
			}
			if found {
				continue
			}
		}
		if col < len(rec) {
			if t := strings.TrimSpace(rec[col]); t != "" {
				texts = append(texts, t)
			}
		}
	}
	if len(texts) == 0 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "csv", MessageZh: "没有可导入的意见", Message: "no opinions to import"}
	}
	payload := map[string]any{"channel": channel, ev.Record.CountBy: texts}
	res, err := s.eng.Fire(c.Request().Context(), it.ID, evName, p.Actor, engine.Input{Payload: payload}, it.Version)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(res.Item.Version))
	return c.JSON(http.StatusOK, map[string]any{"item_id": it.ID, "imported": len(texts), "version": res.Item.Version})
}

// listComments returns the item's opinions grouped, most frequent first,
// with each group's disposition.
func (s *Server) listComments(c echo.Context) error {
	_, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	v, err := s.commentGroups(c.Request().Context(), it)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// publicFeedback is what the public sees of the opinions once the decision
// is published: each group's sample text and disposition, nothing about
// who wrote it.
type publicFeedback struct {
	Sample      string           `json:"sample"`
	Count       int              `json:"count"`
	Disposition *dispositionView `json:"disposition"`
}

func (s *Server) feedback(ctx context.Context, it *engine.Item) ([]publicFeedback, error) {
	v, err := s.commentGroups(ctx, it)
	if err != nil {
		return nil, err
	}
	out := make([]publicFeedback, len(v.Groups))
	for i, g := range v.Groups {
		out[i] = publicFeedback{Sample: g.Sample, Count: g.Count, Disposition: g.Disposition}
		if out[i].Disposition != nil {
			d := *out[i].Disposition
			d.By = ""
			out[i].Disposition = &d
		}
	}
	return out, nil
}
