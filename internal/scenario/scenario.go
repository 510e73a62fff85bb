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

// Step is one event of a script: on date On, Actor fires Event, after the
// documents Docs are uploaded to the item. A step whose Event is
// MeetingStep holds a whole executive meeting on the item instead.
type Step struct {
	On      string
	Event   string
	Actor   engine.Actor
	Payload map[string]any
	Reason  string
	Docs    []Doc
	Meeting *Meeting
}

// Doc is a document a step uploads first; its digest is SHA(Content).
type Doc struct{ Kind, Content string }

// MeetingStep is the Event of a step that holds an executive meeting.
const MeetingStep = "meeting"

// Meeting is an executive meeting deciding one item: the members present
// state their positions in order (the chief executive last) and the chief
// executive decides; the secretariat records it.
type Meeting struct {
	Kind, Number, HeldOn string
	Secretariat          engine.Actor
	ChiefExecutive       engine.Actor
	// Members are the other members of the meeting; Absent those of them
	// who do not attend.
	Members, Absent []engine.Actor
	// Positions are the positions in speaking order, the chief executive's
	// last.
	Positions       []Position
	Decision        string
	DepartureReason string
}

// Position is one member's position at a meeting.
type Position struct {
	Member            engine.Actor
	Position, Remarks string
}

// Cast is who acts in a script, and the departments involved.
type Cast struct {
	Organizer, Secretariat, LegalOffice, Counsel, Expert, RiskAssessor, ChiefExecutive, Executor, Evaluator engine.Actor
	// Members are the meeting's members besides the chief executive.
	Members []engine.Actor
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

// CounselOpinion is a counsel's opinion on draft; CounselOpinionDoc is the
// signed opinion it names.
func CounselOpinion(draft string) map[string]any {
	return map[string]any{"draft_sha256": draft, "authority_finding": "属于区政府职权", "procedure_finding": "程序完备",
		"content_finding": "内容合法", "citations": []any{"《重大行政决策程序暂行条例》第二十七条"}, "document_sha256": SHA("法律意见书")}
}

// CounselOpinionDoc is the signed opinion CounselOpinion names.
var CounselOpinionDoc = Doc{"opinion", "法律意见书"}

// Conclusion is the legal office's conclusion with outcome on draft;
// ConclusionDoc(outcome) is the written opinion it names.
func Conclusion(outcome, draft string) map[string]any {
	return map[string]any{"outcome": outcome, "draft_sha256": draft, "opinion": "经审查", "opinion_sha256": SHA("审查意见书 " + outcome)}
}

// ConclusionDoc is the written opinion Conclusion(outcome, …) names.
func ConclusionDoc(outcome string) Doc { return Doc{"opinion", "审查意见书 " + outcome} }

// Draft documents of the two drafts.
var (
	DraftV1Doc = Doc{"draft", "决策草案 第一稿"}
	DraftV2Doc = Doc{"draft", "决策草案 第二稿"}
)

// MajorDecision is the major-decision procedure from proposal (created on
// 2026-01-05, not part of the script) to archive, in order. The dates cross
// the 2026 Spring Festival, so the legality review's 7 working days run
// from 2026-02-10 to 2026-02-26 across holidays and make-up days.
func MajorDecision(c Cast) []Step {
	meeting := &Meeting{Kind: "executive", Number: "2026年第3次常务会议", HeldOn: "2026-03-03", Secretariat: c.Secretariat,
		ChiefExecutive: c.ChiefExecutive, Members: c.Members, Decision: "agree"}
	for _, m := range c.Members {
		meeting.Positions = append(meeting.Positions, Position{Member: m, Position: "agree", Remarks: "同意"})
	}
	meeting.Positions = append(meeting.Positions, Position{Member: c.ChiefExecutive, Position: "agree", Remarks: "同意实施"})
	return []Step{
		{On: "2026-01-05", Event: "start_decision", Actor: c.Secretariat, Payload: map[string]any{"study_summary": "经研究，建议启动", "organizer_department_ids": []any{c.OrganizerDept}}},
		{On: "2026-01-05", Event: "record_draft", Actor: c.Organizer, Payload: map[string]any{"draft_sha256": DraftV1, "legal_basis": []any{"《中华人民共和国城乡规划法》"}}, Docs: []Doc{DraftV1Doc}},
		{On: "2026-01-05", Event: "record_department_consultation", Actor: c.Organizer, Payload: map[string]any{"departments": []any{"住建局", "财政局"}, "agreed": true}},
		{On: "2026-01-06", Event: "open_comment_period", Actor: c.Organizer, Payload: map[string]any{"methods": []any{"public_comment", "hearing"}, "channels": []any{"区政府网站"}, "closes_on": "2026-02-06"}},
		{On: "2026-01-08", Event: "schedule_hearing", Actor: c.Organizer, Payload: map[string]any{"hearing_on": "2026-01-20", "place": "区政府第一会议室", "trigger": "vital_interests", "announced_on": "2026-01-08", "participant_selection": "自愿报名、随机抽取", "participants": []any{"居民甲", "居民乙"}}},
		{On: "2026-01-12", Event: "record_hearing_materials", Actor: c.Organizer, Payload: map[string]any{"participant": "居民甲", "sent_on": "2026-01-12"}},
		{On: "2026-01-13", Event: "record_hearing_materials", Actor: c.Organizer, Payload: map[string]any{"participant": "居民乙", "sent_on": "2026-01-13"}},
		{On: "2026-01-20", Event: "record_hearing", Actor: c.Organizer, Payload: map[string]any{"held_on": "2026-01-20", "transcript_sha256": SHA("听证笔录"), "participants_confirmed": true}, Docs: []Doc{{"transcript", "听证笔录"}}},
		{On: "2026-02-09", Event: "close_comment_period", Actor: c.Organizer, Payload: map[string]any{"opinion_handling_summary": "采纳32条，部分采纳10条"}},
		{On: "2026-02-09", Event: "assign_experts", Actor: c.Organizer, Payload: map[string]any{"experts": []any{"周教授", "陈研究员"}, "method": "review_meeting", "includes_dissenting": true, "expert_user_ids": []any{c.Expert.UserID}}},
		{On: "2026-02-09", Event: "record_expert_opinion", Actor: c.Expert, Payload: map[string]any{"expert_name": "周教授", "opinion_summary": "方案可行", "document_sha256": SHA("专家意见")}, Docs: []Doc{{"opinion", "专家意见"}}},
		{On: "2026-02-09", Event: "record_expert_handling", Actor: c.Organizer, Payload: map[string]any{"handling_summary": "已采纳"}},
		{On: "2026-02-09", Event: "assign_risk_assessor", Actor: c.Organizer, Payload: map[string]any{"assessor": "社会稳定风险评估中心", "assessor_user_ids": []any{c.RiskAssessor.UserID}}},
		{On: "2026-02-09", Event: "record_risk_assessment", Actor: c.RiskAssessor, Payload: map[string]any{"assessor": "社会稳定风险评估中心", "draft_sha256": DraftV1, "report_sha256": SHA("风险报告"), "departments_heard": []any{"信访局"}, "risk_points": []any{"低楼层住户反对"}, "measures": "协商补偿", "contingency_plan": "信访接待预案", "conclusion": "controllable"}, Docs: []Doc{{"report", "风险报告"}}},
		{On: "2026-02-10", Event: "submit_legality_review", Actor: c.Organizer, Payload: map[string]any{"draft_sha256": DraftV1, "legal_basis": []any{"《中华人民共和国城乡规划法》"}, "procedures_account": "已完成公众参与、专家论证、风险评估"}},
		{On: "2026-02-11", Event: "assign_counsel", Actor: c.LegalOffice, Payload: map[string]any{"counsel_user_ids": []any{c.Counsel.UserID}}},
		{On: "2026-02-12", Event: "record_counsel_opinion", Actor: c.Counsel, Payload: CounselOpinion(DraftV1), Docs: []Doc{CounselOpinionDoc}},
		{On: "2026-02-26", Event: "conclude_legality_review", Actor: c.LegalOffice, Payload: Conclusion("lawful", DraftV1), Docs: []Doc{ConclusionDoc("lawful")}},
		{On: "2026-02-27", Event: "submit_for_meeting", Actor: c.Organizer},
		{On: "2026-03-03", Event: MeetingStep, Actor: c.Secretariat, Meeting: meeting},
		{On: "2026-03-04", Event: "record_party_report", Actor: c.Secretariat, Payload: map[string]any{"reported_on": "2026-03-04", "form": "report"}},
		{On: "2026-03-05", Event: "publish", Actor: c.Secretariat, Payload: map[string]any{"published_on": "2026-03-05", "disclosure": "full", "channels": []any{"区政府公报", "区政府网站"}, "decision_text_sha256": SHA("决策文本")}, Docs: []Doc{{"decision", "决策文本"}}},
		{On: "2026-03-06", Event: "assign_execution", Actor: c.Secretariat, Payload: map[string]any{"executor_department_id": c.ExecutorDept}},
		{On: "2026-06-01", Event: "report_execution", Actor: c.Executor, Payload: map[string]any{"report": "已完成加装120部"}},
		{On: "2026-07-01", Event: "start_post_evaluation", Actor: c.Secretariat, Payload: map[string]any{"trigger": "many_opinions", "evaluator": "某大学公共管理学院", "evaluator_user_ids": []any{c.Evaluator.UserID}}},
		{On: "2026-08-03", Event: "record_evaluation", Actor: c.Evaluator, Payload: map[string]any{"report_sha256": SHA("评估报告"), "conclusion": "效果良好", "public_heard": true}, Docs: []Doc{{"report", "评估报告"}}},
		{On: "2026-08-04", Event: "finish_evaluation", Actor: c.Secretariat},
		{On: "2026-11-02", Event: "complete_execution", Actor: c.Secretariat, Payload: map[string]any{"summary": "全部完成"}},
		{On: "2026-11-03", Event: "archive", Actor: c.Secretariat, Payload: map[string]any{"archive_no": "2026-ZD-001", "materials_complete": true}},
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
		if s.Meeting != nil {
			m := *s.Meeting
			m.HeldOn = shiftDate(m.HeldOn, days)
			s.Meeting = &m
		}
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
