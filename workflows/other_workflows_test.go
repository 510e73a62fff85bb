package workflows_test

import (
	"testing"

	"github.com/juece/juece/engine"
	. "github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
)

// ── normative-document (国办发〔2018〕115号) ──────────────────────────────────

var (
	docV1Doc = scenario.Doc{Kind: "draft", Content: "规范性文件 送审稿"}
	docV1    = SHA(docV1Doc.Content)
	docV2Doc = scenario.Doc{Kind: "draft", Content: "规范性文件 修改稿"}
	docV2    = SHA(docV2Doc.Content)
	minutes  = scenario.Doc{Kind: "minutes", Content: "会议纪要"}
)

func normativeSubmission() map[string]any {
	return map[string]any{"draft_sha256": docV1, "explanation": "起草说明", "legal_basis": []any{"《行政许可法》"},
		"consultation_record": "征求意见30日，采纳5条", "drafter_legality_opinion": "经本单位法制机构审查，合法", "own_review_body_first": true}
}

func newNormativeDocument(h *Harness) int64 {
	h.T.Helper()
	id := h.Create("normative-document", Organizer, "关于规范共享单车停放管理的通告", map[string]any{"issuer": "区人民政府", "affects_rights": true}).ID
	fire(h, id, "record_draft", Organizer, map[string]any{"draft_sha256": docV1}, docV1Doc)
	return id
}

func reviewOpinion(outcome string) map[string]any {
	return map[string]any{"outcome": outcome, "draft_sha256": docV1, "opinion": "审核意见", "points": []any{"制定主体合法", "未违法设定行政许可"}}
}

func TestNormativeDocument_WalkFromDraftToArchive(t *testing.T) {
	h := New(t, "2026-03-02")
	id := newNormativeDocument(h)
	h.Fire(id, "submit_for_review", Organizer, normativeSubmission(), "")
	_, err := h.Try(id, "record_counsel_opinion", Counsel, map[string]any{"opinion": "建议修改第五条"}, "")
	wantGuard(t, err, "（八）") // not assigned
	h.Fire(id, "assign_counsel", LegalOffice, map[string]any{"counsel_user_ids": []any{Counsel.UserID}}, "")
	h.Fire(id, "record_counsel_opinion", Counsel, map[string]any{"opinion": "建议修改第五条"}, "")
	h.On("2026-03-09") // 5 working days after 03-02
	h.Fire(id, "conclude_review", LegalOffice, reviewOpinion("must_revise"), "")
	h.Fire(id, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": false, "non_adoption_reasons": "第五条系上级明确要求，依据为……"}, "")
	fire(h, id, "record_deliberation_adopted", ChiefExecutive, map[string]any{"meeting_no": "第5次常务会议", "meeting_on": "2026-03-10", "minutes_sha256": SHA(minutes.Content)}, minutes)
	h.Fire(id, "issue", Secretariat, map[string]any{"document_no": "X政发〔2026〕3号", "issued_on": "2026-03-11", "ledger_entry": "TZ-2026-007"}, "")
	it := h.Fire(id, "archive", Secretariat, map[string]any{"archive_no": "2026-GF-3"}, "")
	if it.State != "archived" {
		t.Fatalf("state %s", it.State)
	}
	h.Verify()
}

// 115号（三）: only documents touching rights or obligations are reviewed.
func TestNormativeDocument_Para3_ScopeIsDocumentsTouchingRights(t *testing.T) {
	h := New(t, "2026-03-02")
	_, err := h.Engine.Create(t.Context(), Organizer, engine.CreateInput{WorkflowID: "normative-document", Title: "内部考勤制度",
		Input: engine.Input{Payload: map[string]any{"issuer": "区政府办", "affects_rights": false}}})
	wantGuard(t, err, "（三）")
}

// 115号（五）: at least 5 and at most 15 working days, the clock stopping
// while the package is returned for supplements.
func TestNormativeDocument_Para5_ReviewBetweenFiveAndFifteenWorkingDays(t *testing.T) {
	h := New(t, "2026-03-02")
	id := newNormativeDocument(h)
	h.Fire(id, "submit_for_review", Organizer, normativeSubmission(), "")
	h.On("2026-03-06") // 4 working days
	_, err := h.Try(id, "conclude_review", LegalOffice, reviewOpinion("lawful"), "")
	wantGuard(t, err, "（五）")
	// Returned on 03-03, resubmitted on 03-05: 2 working days are not counted.
	h2 := New(t, "2026-03-02")
	id2 := newNormativeDocument(h2)
	h2.Fire(id2, "submit_for_review", Organizer, normativeSubmission(), "")
	h2.On("2026-03-03")
	h2.Fire(id2, "return_for_supplements", LegalOffice, map[string]any{"missing_items": []any{"征求意见记录"}}, "")
	h2.On("2026-03-05")
	h2.Fire(id2, "resubmit", Organizer, map[string]any{"supplements": []any{"征求意见记录"}}, "")
	if due := PeriodDue(h2, id2, "review_floor"); due != "2026-03-11" {
		t.Fatalf("floor due %s, want 2026-03-11 (5+2 working days after 03-02)", due)
	}
	if due := PeriodDue(h2, id2, "review_limit"); due != "2026-03-25" {
		t.Fatalf("limit due %s, want 2026-03-25 (15+2 working days after 03-02)", due)
	}
	h2.On("2026-03-26")
	_, err = h2.Try(id2, "conclude_review", LegalOffice, reviewOpinion("lawful"), "")
	wantGuard(t, err, "（五）") // over 15 working days needs a reason
	h2.Fire(id2, "conclude_review", LegalOffice, with(reviewOpinion("lawful"), "late_reason", "涉及多部门协调"), "")
}

// 115号（六）（七）: no deliberation without a lawful review; an opinion not
// fully adopted needs detailed reasons.
func TestNormativeDocument_Para6And7_NoDeliberationWithoutLawfulReview(t *testing.T) {
	h := New(t, "2026-03-02")
	id := newNormativeDocument(h)
	h.Fire(id, "submit_for_review", Organizer, normativeSubmission(), "")
	h.On("2026-03-09")
	h.Fire(id, "conclude_review", LegalOffice, reviewOpinion("unlawful"), "")
	_, err := h.Try(id, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": true}, "")
	wantGuard(t, err, "（七）")

	h2 := New(t, "2026-03-02")
	id2 := newNormativeDocument(h2)
	h2.Fire(id2, "submit_for_review", Organizer, normativeSubmission(), "")
	h2.On("2026-03-09")
	h2.Fire(id2, "conclude_review", LegalOffice, reviewOpinion("must_revise"), "")
	_, err = h2.Try(id2, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": false}, "")
	wantFailure(t, err, "（六）")
	// "Must be revised" and the draft unchanged: refused even when the
	// opinion is said to be adopted in full; a revised draft goes on.
	_, err = h2.Try(id2, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": true}, "")
	wantFailure(t, err, "（六）")
	fire(h2, id2, "record_draft", Organizer, map[string]any{"draft_sha256": docV2, "version_note": "按审核意见修改第五条"}, docV2Doc)
	h2.Fire(id2, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": true}, "")
}

// 115号（七）with Decree 713 Art. 30: a document issued in the
// government's name is deliberated at the executive meeting, only once
// reviewed lawful; OGI Regulations Art. 26: it is published within 20
// working days of its adoption unless the delay is explained.
func TestNormativeDocument_Para7_DeliberatedAtTheMeetingAndPublishedInTime(t *testing.T) {
	h := New(t, "2026-03-02")
	id := newNormativeDocument(h)
	h.Fire(id, "submit_for_review", Organizer, normativeSubmission(), "")
	h.On("2026-03-09")
	h.Fire(id, "conclude_review", LegalOffice, reviewOpinion("lawful"), "")
	h.Fire(id, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": true}, "")
	members := []any{ChiefExecutive.UserID, int64(201)}
	agenda := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第6次常务会议", "meeting_on": "2026-03-10",
		"member_user_ids": members, "chief_executive_user_id": ChiefExecutive.UserID, "package_sha256": SHA("材料")}
	_, err := h.Try(id, "place_on_agenda", Secretariat, agenda, "")
	wantGuard(t, err, "第三十条") // only through the meeting
	h.On("2026-03-10")
	h.Fire1(id, "place_on_agenda", Secretariat, agenda)
	h.Fire1(id, "record_position", Secretariat, map[string]any{"member_user_id": 201, "position": "agree", "present_user_ids": members})
	h.Fire1(id, "record_position", Secretariat, map[string]any{"member_user_id": ChiefExecutive.UserID, "position": "agree", "present_user_ids": members})
	h.Upload(id, minutes)
	it := h.Fire1(id, "meeting_adopt", ChiefExecutive, map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第6次常务会议",
		"meeting_on": "2026-03-10", "majority_view": "agree", "minutes_sha256": SHA(minutes.Content), "recorded_by": Secretariat.Ref()})
	if it.State != "adopted" || PeriodDue(h, id, "publication") != "2026-04-08" {
		t.Fatalf("state %s, publication due %s", it.State, PeriodDue(h, id, "publication"))
	}
	h.On("2026-04-09")
	issue := map[string]any{"document_no": "X政规〔2026〕1号", "issued_on": "2026-04-09", "ledger_entry": "TZ-2026-011"}
	_, err = h.Try(id, "issue", Secretariat, issue, "")
	wantGuard(t, err, "第二十六条")
	h.Fire(id, "issue", Secretariat, with(issue, "late_reason", "等待上级备案意见"), "")
}

// ── enforcement-review (国办发〔2018〕118号) ──────────────────────────────────

func reviewPoints(allOK bool) map[string]any {
	return map[string]any{"lawful_body": true, "lawful_procedure": true, "facts_and_evidence": allOK, "law_and_discretion": true,
		"within_powers": true, "documents_complete": true, "crime_transfer_considered": true, "opinion": "审核意见", "reviewer_qualified": true}
}

func newEnforcementCase(h *Harness) int64 {
	h.T.Helper()
	id := h.Create("enforcement-review", Organizer, "某公司违法排污罚款案", map[string]any{"action_type": "penalty", "triggers": []any{"after_hearing", "major_rights"}}).ID
	h.Fire(id, "submit_for_review", Organizer, map[string]any{"materials": []any{"调查报告", "听证笔录"}, "facts_summary": "超标排放",
		"proposed_decision": "罚款50万元", "discretion_benchmark": "生态环境行政处罚裁量基准第12项"}, "")
	return id
}

func TestEnforcementReview_ProblemsLoopThenAgreeDecideDisclose(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	h.Fire(id, "conclude_problems", LegalOffice, with(reviewPoints(false), "problems", []any{"证据链不完整"}), "")
	h.Fire(id, "resubmit", Organizer, map[string]any{"handling": "补充监测报告"}, "")
	h.Fire(id, "conclude_agree", LegalOffice, reviewPoints(true), "")
	h.Fire(id, "decide", ChiefExecutive, map[string]any{"decision_no": "环罚〔2026〕8号", "decided_on": "2026-04-01"}, "")
	h.On("2026-04-10")
	h.Fire(id, "disclose", Organizer, map[string]any{"disclosed_on": "2026-04-10", "channel": "区政府网站"}, "")
	it := h.Fire(id, "archive", Organizer, map[string]any{"archive_no": "ZF-2026-8", "full_record_kept": true}, "")
	if it.State != "archived" {
		t.Fatalf("state %s", it.State)
	}
	h.Verify()
}

// 118号（十三）: an opinion of "agree" requires every review point to hold;
// 《行政处罚法》第五十八条: the reviewer holds the legal-profession qualification.
func TestEnforcementReview_Para13_AgreeOnlyWhenEveryPointHolds(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	_, err := h.Try(id, "conclude_agree", LegalOffice, reviewPoints(false), "")
	wantGuard(t, err, "（十三）")
	_, err = h.Try(id, "conclude_agree", LegalOffice, with(reviewPoints(true), "reviewer_qualified", false), "")
	wantGuard(t, err, "第五十八条")
	// Whether the case must go to the judiciary as a possible crime is a
	// review point too.
	_, err = h.Try(id, "conclude_agree", LegalOffice, with(reviewPoints(true), "crime_transfer_considered", false), "")
	wantGuard(t, err, "（十三）")
}

// 118号（六）: the 7 and 20 working days run from the day the decision was
// made, not the day it is entered; a decision cannot be dated in the
// future; a revoked or unlawful decision is withdrawn from disclosure.
func TestEnforcementReview_Para6_DisclosureCountsFromTheDecisionAndCanBeWithdrawn(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	h.Fire(id, "conclude_agree", LegalOffice, reviewPoints(true), "")
	h.On("2026-04-10")
	_, err := h.Try(id, "decide", ChiefExecutive, map[string]any{"decision_no": "环罚〔2026〕11号", "decided_on": "2026-04-13"}, "")
	WantCode(t, err, engine.CodeInvalid) // in the future
	h.Fire(id, "decide", ChiefExecutive, map[string]any{"decision_no": "环罚〔2026〕11号", "decided_on": "2026-04-01"}, "")
	if due := PeriodDue(h, id, "disclosure_7"); due != "2026-04-13" {
		t.Fatalf("due %s, want 2026-04-13 (7 working days from the decision on 04-01, not from 04-10)", due)
	}
	h.Fire(id, "disclose", Organizer, map[string]any{"disclosed_on": "2026-04-10", "channel": "区政府网站"}, "")
	_, err = h.Try(id, "withdraw_disclosure", Organizer, map[string]any{"cause": "revoked", "withdrawn_on": "2026-05-06"}, "")
	WantCode(t, err, engine.CodeInvalid) // the reason is required
	it := h.Fire(id, "withdraw_disclosure", Organizer, map[string]any{"cause": "revoked", "withdrawn_on": "2026-05-06"}, "行政复议决定撤销原处罚决定")
	if it.State != "disclosure_withdrawn" {
		t.Fatalf("state %s", it.State)
	}
}

// 118号（六）: licensing and penalty decisions are disclosed within 7
// working days unless the delay is explained.
func TestEnforcementReview_Para6_PenaltyDisclosedWithinSevenWorkingDays(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	h.Fire(id, "conclude_agree", LegalOffice, reviewPoints(true), "")
	h.Fire(id, "decide", ChiefExecutive, map[string]any{"decision_no": "环罚〔2026〕9号", "decided_on": "2026-04-01"}, "")
	// 7 working days after 2026-04-01 (Qingming 04-04…04-06 off): 02, 03, 07, 08, 09, 10, 13 → due 04-13.
	if due := PeriodDue(h, id, "disclosure_7"); due != "2026-04-13" {
		t.Fatalf("due %s, want 2026-04-13", due)
	}
	h.On("2026-04-14")
	_, err := h.Try(id, "disclose", Organizer, map[string]any{"disclosed_on": "2026-04-14", "channel": "网站"}, "")
	wantGuard(t, err, "（六）")
	h.Fire(id, "disclose", Organizer, map[string]any{"disclosed_on": "2026-04-14", "channel": "网站", "late_reason": "系统故障"}, "")
}

// 118号（四）: no decision before the review agrees.
func TestEnforcementReview_Para4_NoDecisionWithoutAgreement(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	_, err := h.Try(id, "decide", ChiefExecutive, map[string]any{"decision_no": "x", "decided_on": "2026-04-01"}, "")
	WantCode(t, err, engine.CodeConflict) // not even in a state where deciding exists
	h.Fire(id, "conclude_problems", LegalOffice, with(reviewPoints(false), "problems", []any{"x"}), "")
	_, err = h.Try(id, "decide", ChiefExecutive, map[string]any{"decision_no": "x", "decided_on": "2026-04-01"}, "")
	WantCode(t, err, engine.CodeConflict)
}

// The item's due date follows its running maximum periods: the review
// limit while under review, nothing once concluded, then the disclosure
// limits (the earlier, 7 working days for a penalty), and nothing once
// disclosed. Lists filter overdue items on it.
func TestEnforcementReview_DueDateFollowsRunningMaximumPeriods(t *testing.T) {
	h := New(t, "2026-04-01")
	id := newEnforcementCase(h)
	// 10 working days after 2026-04-01 across Qingming: 02 03 07 08 09 10 13 14 15 16.
	if got := h.Item(id).DueOn; got != "2026-04-16" {
		t.Fatalf("under review: due %q, want 2026-04-16", got)
	}
	h.Fire(id, "conclude_agree", LegalOffice, reviewPoints(true), "")
	if got := h.Item(id).DueOn; got != "" {
		t.Fatalf("after the conclusion: due %q, want none", got)
	}
	h.Fire(id, "decide", ChiefExecutive, map[string]any{"decision_no": "环罚〔2026〕10号", "decided_on": "2026-04-01"}, "")
	if got := h.Item(id).DueOn; got != "2026-04-13" {
		t.Fatalf("after the decision: due %q, want 2026-04-13", got)
	}
	h.Fire(id, "disclose", Organizer, map[string]any{"disclosed_on": "2026-04-01", "channel": "网站"}, "")
	if got := h.Item(id).DueOn; got != "" {
		t.Fatalf("after disclosure: due %q, want none", got)
	}
}
