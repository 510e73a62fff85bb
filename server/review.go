package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// The legality-review package (Decree 713 Art. 26): the draft, its legal
// basis and the account of the statutory procedures performed, taken from
// the item's record rather than retyped by the organizer.

type reviewPackage struct {
	DraftSHA256       string         `json:"draft_sha256"`
	LegalBasis        []string       `json:"legal_basis"`
	ProceduresAccount string         `json:"procedures_account"`
	Procedures        map[string]any `json:"procedures"`
	Review            map[string]any `json:"review"`
	Periods           []periodDue    `json:"periods"`
}

func strList(v any) []string {
	out := []string{}
	l, _ := v.([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// derivePackage builds the package from the record.
func (s *Server) derivePackage(it *engine.Item) reviewPackage {
	rec := it.Record
	st := func(name string) map[string]any { m, _ := rec[name].(map[string]any); return m }
	draft, cons, hearing, expert, risk, waivers := st("draft"), st("consultation"), st("hearing"), st("expert"), st("risk"), st("waivers")
	p := reviewPackage{LegalBasis: strList(draft["legal_basis"]), Procedures: map[string]any{}, Periods: s.runningPeriods(it)}
	p.DraftSHA256, _ = draft["draft_sha256"].(string)
	var parts []string
	var depts []string
	for _, e := range asAnyList(draft["department_consultations"]) {
		if m, _ := e.(map[string]any); m != nil {
			depts = append(depts, strList(m["departments"])...)
		}
	}
	if len(depts) > 0 {
		parts = append(parts, "征求部门意见："+strings.Join(depts, "、"))
		p.Procedures["departments_consulted"] = depts
	}
	switch {
	case waivers["public_participation"] != nil:
		w, _ := waivers["public_participation"].(map[string]any)
		parts = append(parts, fmt.Sprintf("依法不予公开，未向社会征求意见（依据：%v）", w["reason"]))
		p.Procedures["public_participation"] = "exempt"
	case cons["close_comment_period_on"] != nil:
		total, groups := 0, 0
		if g, _ := cons["comment_groups"].(map[string]any); g != nil {
			groups = len(g)
			for _, n := range g {
				total += int(toID(n))
			}
		}
		disposed := 0
		if d, _ := cons["dispositions"].(map[string]any); d != nil {
			disposed = len(d)
		}
		parts = append(parts, fmt.Sprintf("公众参与：%s，%v 至 %v，收到意见 %d 条（%d 组，已处理 %d 组）",
			strings.Join(strList(cons["methods"]), "、"), cons["open_comment_period_on"], cons["closes_on"], total, groups, disposed))
		p.Procedures["public_participation"] = map[string]any{"methods": strList(cons["methods"]), "opinions": total, "groups": groups, "groups_disposed": disposed,
			"handling_summary": cons["opinion_handling_summary"]}
	}
	if hearing["held_on"] != nil {
		parts = append(parts, fmt.Sprintf("听证会：%v 举行，笔录经参加人确认", hearing["held_on"]))
		p.Procedures["hearing"] = map[string]any{"held_on": hearing["held_on"], "transcript_sha256": hearing["transcript_sha256"]}
	}
	switch {
	case waivers["expert_review"] != nil:
		parts = append(parts, "未组织专家论证（已记录理由）")
		p.Procedures["expert_review"] = "waived"
	case expert["experts"] != nil:
		parts = append(parts, "专家论证："+strings.Join(strList(expert["experts"]), "、"))
		p.Procedures["expert_review"] = map[string]any{"experts": strList(expert["experts"]), "handling_summary": expert["handling_summary"]}
	}
	switch {
	case waivers["risk_assessment"] != nil:
		parts = append(parts, "未开展风险评估（已记录理由）")
		p.Procedures["risk_assessment"] = "waived"
	case risk["linked_assessment"] != nil:
		parts = append(parts, "风险评估：援引已有评估")
		p.Procedures["risk_assessment"] = map[string]any{"linked": risk["linked_assessment"]}
	case risk["conclusion"] != nil:
		c := map[string]string{"controllable": "风险可控", "not_controllable": "风险不可控"}[fmt.Sprint(risk["conclusion"])]
		parts = append(parts, fmt.Sprintf("风险评估：%v，结论：%s", risk["assessor"], c))
		p.Procedures["risk_assessment"] = map[string]any{"assessor": risk["assessor"], "conclusion": risk["conclusion"]}
	}
	p.ProceduresAccount = strings.Join(parts, "；")
	if lg, _ := rec["legality"].(map[string]any); lg != nil {
		p.Review = map[string]any{"outcome": lg["outcome"], "draft_sha256": lg["draft_sha256"],
			"counsel_user_ids": it.AssignedTo(engine.RoleCounsel), "counsel_opinions": len(asAnyList(lg["counsel_opinions"]))}
	} else {
		p.Review = map[string]any{}
	}
	return p
}

func asAnyList(v any) []any { l, _ := v.([]any); return l }

func (s *Server) reviewEvent(it *engine.Item) string {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	m, _ := d.Settings["legality_review"].(map[string]any)
	ev, _ := m["submit_event"].(string)
	return ev
}

// getReviewPackage shows the legality-review package as it would be
// submitted now, and the review's state and running periods.
func (s *Server) getReviewPackage(c echo.Context) error {
	_, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	if s.reviewEvent(it) == "" {
		return engine.Errorz(engine.CodeNotFound, "该流程没有合法性审查送审", "this workflow has no legality-review submission")
	}
	return c.JSON(http.StatusOK, s.derivePackage(it))
}

// submitReview submits the derived package for legality review through
// the workflow's submission event; the rules of that event decide whether
// the procedures are complete.
func (s *Server) submitReview(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	ev := s.reviewEvent(it)
	if ev == "" {
		return engine.Errorz(engine.CodeNotFound, "该流程没有合法性审查送审", "this workflow has no legality-review submission")
	}
	if _, err := checkIfMatch(c, it); err != nil {
		return err
	}
	pkg := s.derivePackage(it)
	basis := make([]any, len(pkg.LegalBasis))
	for i, b := range pkg.LegalBasis {
		basis[i] = b
	}
	account := pkg.ProceduresAccount
	if account == "" {
		account = "（记录中没有已履行的程序）"
	}
	res, err := s.eng.Fire(c.Request().Context(), it.ID, ev, p.Actor, engine.Input{Payload: map[string]any{
		"draft_sha256": pkg.DraftSHA256, "legal_basis": basis, "procedures_account": account}}, it.Version)
	if err != nil {
		return err
	}
	acts, err := s.eng.ActionsFor(res.Item, p.Actor)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(res.Item.Version))
	return c.JSON(http.StatusOK, fireResponse{itemDetail: itemDetail{itemView: s.viewItem(res.Item), Actions: viewActions(acts)}, Event: viewAuditEvent(res.Event)})
}
