// Package scenario scripts whole procedures as sequences of events: the
// major-decision walk from proposal to archive used by the workflow tests,
// the demo data and the end-to-end tests. A script is data; running it is
// the caller's business.
package scenario

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/juece/juece/engine"
)

// Step is one event of a script: on date On, Actor fires Event.
type Step struct {
	On      string
	Event   string
	Actor   engine.Actor
	Payload map[string]any
	Reason  string
}

// Cast is who acts in a script, and the departments involved.
type Cast struct {
	Organizer, Secretariat, LegalOffice, Counsel, Expert, RiskAssessor, ChiefExecutive, Executor, Evaluator engine.Actor
	// OrganizerDept proposes; ExecutorDept executes.
	OrganizerDept, ExecutorDept int64
}

// SHA returns the SHA-256 hex of s, a stand-in for a document's digest.
func SHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Digests of the two drafts the scripts use.
var (
	DraftV1 = SHA("决策草案 第一稿")
	DraftV2 = SHA("决策草案 第二稿")
)

// Proposal is a department's proposal with the four elements of Art. 10(2).
func Proposal() map[string]any {
	return map[string]any{
		"source":                "department",
		"problem":               "老旧小区加装电梯推进缓慢",
		"reasons_and_basis":     "《城市居住区规划设计标准》；民生实事项目",
		"preliminary_solution":  "财政补贴每部电梯20万元",
		"necessity_feasibility": "老年人口占比高，资金已列入预算",
	}
}

// CounselOpinion is a counsel's opinion on draft.
func CounselOpinion(draft string) map[string]any {
	return map[string]any{"draft_sha256": draft, "authority_finding": "属于区政府职权", "procedure_finding": "程序完备",
		"content_finding": "内容合法", "citations": []any{"《重大行政决策程序暂行条例》第二十七条"}, "document_sha256": SHA("法律意见书")}
}

// Conclusion is the legal office's conclusion with outcome on draft.
func Conclusion(outcome, draft string) map[string]any {
	return map[string]any{"outcome": outcome, "draft_sha256": draft, "opinion": "经审查", "opinion_sha256": SHA("审查意见书 " + outcome)}
}

// MajorDecision is the major-decision procedure from proposal (created on
// 2026-01-05, not part of the script) to archive, in order. The dates cross
// the 2026 Spring Festival, so the legality review's 7 working days run
// from 2026-02-10 to 2026-02-26 across holidays and make-up days.
func MajorDecision(c Cast) []Step {
	meeting := map[string]any{
		"meeting_type": "executive", "meeting_no": "2026年第3次常务会议", "meeting_on": "2026-03-03",
		"majority_view": "agree", "dissent": []any{"钱委员：补贴标准偏高"}, "minutes_sha256": SHA("纪要"),
	}
	return []Step{
		{"2026-01-05", "start_decision", c.Secretariat, map[string]any{"study_summary": "经研究，建议启动", "organizer_department_ids": []any{c.OrganizerDept}}, ""},
		{"2026-01-05", "record_draft", c.Organizer, map[string]any{"draft_sha256": DraftV1, "legal_basis": []any{"《中华人民共和国城乡规划法》"}}, ""},
		{"2026-01-05", "record_department_consultation", c.Organizer, map[string]any{"departments": []any{"住建局", "财政局"}, "agreed": true}, ""},
		{"2026-01-06", "open_comment_period", c.Organizer, map[string]any{"methods": []any{"public_comment", "hearing"}, "channels": []any{"区政府网站"}, "closes_on": "2026-02-06"}, ""},
		{"2026-01-08", "schedule_hearing", c.Organizer, map[string]any{"hearing_on": "2026-01-20", "place": "区政府第一会议室", "trigger": "vital_interests", "announced_on": "2026-01-08", "participant_selection": "自愿报名、随机抽取", "participants": []any{"居民甲", "居民乙"}}, ""},
		{"2026-01-12", "record_hearing_materials", c.Organizer, map[string]any{"participant": "居民甲", "sent_on": "2026-01-12"}, ""},
		{"2026-01-13", "record_hearing_materials", c.Organizer, map[string]any{"participant": "居民乙", "sent_on": "2026-01-13"}, ""},
		{"2026-01-20", "record_hearing", c.Organizer, map[string]any{"held_on": "2026-01-20", "transcript_sha256": SHA("听证笔录"), "participants_confirmed": true}, ""},
		{"2026-02-09", "close_comment_period", c.Organizer, map[string]any{"opinions_received": 120, "opinion_handling_summary": "采纳32条，部分采纳10条"}, ""},
		{"2026-02-09", "assign_experts", c.Organizer, map[string]any{"experts": []any{"周教授", "陈研究员"}, "method": "review_meeting", "no_direct_interest_declared": true, "includes_dissenting": true, "expert_user_ids": []any{c.Expert.UserID}}, ""},
		{"2026-02-09", "record_expert_opinion", c.Expert, map[string]any{"expert_name": "周教授", "opinion_summary": "方案可行", "document_sha256": SHA("专家意见"), "signed": true}, ""},
		{"2026-02-09", "record_expert_handling", c.Organizer, map[string]any{"handling_summary": "已采纳"}, ""},
		{"2026-02-09", "assign_risk_assessor", c.Organizer, map[string]any{"assessor": "社会稳定风险评估中心", "assessor_user_ids": []any{c.RiskAssessor.UserID}}, ""},
		{"2026-02-09", "record_risk_assessment", c.RiskAssessor, map[string]any{"assessor": "社会稳定风险评估中心", "report_sha256": SHA("风险报告"), "departments_heard": []any{"信访局"}, "risk_points": []any{"低楼层住户反对"}, "measures": "协商补偿", "contingency_plan": "信访接待预案", "conclusion": "controllable"}, ""},
		{"2026-02-10", "submit_legality_review", c.Organizer, map[string]any{"draft_sha256": DraftV1, "legal_basis": []any{"《中华人民共和国城乡规划法》"}, "procedures_account": "已完成公众参与、专家论证、风险评估"}, ""},
		{"2026-02-11", "assign_counsel", c.LegalOffice, map[string]any{"counsel_user_ids": []any{c.Counsel.UserID}}, ""},
		{"2026-02-12", "record_counsel_opinion", c.Counsel, CounselOpinion(DraftV1), ""},
		{"2026-02-26", "conclude_legality_review", c.LegalOffice, Conclusion("lawful", DraftV1), ""},
		{"2026-02-27", "submit_for_meeting", c.Organizer, nil, ""},
		{"2026-03-03", "decide_agree", c.ChiefExecutive, meeting, ""},
		{"2026-03-04", "record_party_report", c.Secretariat, map[string]any{"reported_on": "2026-03-04", "form": "report"}, ""},
		{"2026-03-05", "publish", c.Secretariat, map[string]any{"published_on": "2026-03-05", "disclosure": "full", "channels": []any{"区政府公报", "区政府网站"}}, ""},
		{"2026-03-06", "assign_execution", c.Secretariat, map[string]any{"executor_department_id": c.ExecutorDept}, ""},
		{"2026-06-01", "report_execution", c.Executor, map[string]any{"report": "已完成加装120部"}, ""},
		{"2026-07-01", "start_post_evaluation", c.Secretariat, map[string]any{"trigger": "many_opinions", "evaluator": "某大学公共管理学院", "evaluator_user_ids": []any{c.Evaluator.UserID}}, ""},
		{"2026-08-03", "record_evaluation", c.Evaluator, map[string]any{"report_sha256": SHA("评估报告"), "conclusion": "效果良好", "public_heard": true}, ""},
		{"2026-08-04", "finish_evaluation", c.Secretariat, nil, ""},
		{"2026-11-02", "complete_execution", c.Secretariat, map[string]any{"summary": "全部完成"}, ""},
		{"2026-11-03", "archive", c.Secretariat, map[string]any{"archive_no": "2026-ZD-001", "materials_complete": true}, ""},
	}
}

// Shift returns a copy of steps moved by days calendar days: each step's
// date and every date-valued field of its payload ("2006-01-02" strings),
// so the calendar-day relations between them stay the same. Working-day
// periods may then fall differently; scripts shifted into other holidays
// must be checked by the caller.
func Shift(steps []Step, days int) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		s.On = shiftDate(s.On, days)
		if s.Payload != nil {
			p := make(map[string]any, len(s.Payload))
			for k, v := range s.Payload {
				if str, ok := v.(string); ok {
					v = shiftDate(str, days)
				}
				p[k] = v
			}
			s.Payload = p
		}
		out[i] = s
	}
	return out
}

func shiftDate(s string, days int) string {
	d, err := engine.ParseDate(s)
	if err != nil {
		return s
	}
	return d.AddDays(days).String()
}
