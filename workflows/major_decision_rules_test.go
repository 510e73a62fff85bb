package workflows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	. "github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
)

// wantGuard fails unless err is guard_failed citing an article containing
// basis, with both a Chinese and an English message.
func wantGuard(t *testing.T, err error, basis string) {
	t.Helper()
	e := WantCode(t, err, engine.CodeGuardFailed)
	if !strings.Contains(e.Basis, basis) {
		t.Fatalf("basis %q does not cite %q (message: %s)", e.Basis, basis, e.MessageZh)
	}
	if e.MessageZh == "" || e.Message == "" {
		t.Fatalf("guard error lacks a zh or en message: %+v", e)
	}
}

// wantFailure fails unless err is guard_failed and one of its failed
// rules cites an article containing basis.
func wantFailure(t *testing.T, err error, basis string) {
	t.Helper()
	e := WantCode(t, err, engine.CodeGuardFailed)
	for _, f := range e.Failures {
		if strings.Contains(f.Basis, basis) {
			return
		}
	}
	t.Fatalf("no failed rule cites %q: %+v", basis, e.Failures)
}

// fire uploads docs to item id, then fires the event.
func fire(h *Harness, id int64, event string, a engine.Actor, payload map[string]any, docs ...scenario.Doc) *engine.Item {
	h.T.Helper()
	for _, d := range docs {
		h.Upload(id, d)
	}
	return h.Fire(id, event, a, payload, "")
}

func with(p map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// Art. 10(2): a department's proposal argues problem, reasons and basis,
// preliminary solution, necessity and feasibility.
func TestArt10_DepartmentProposalNeedsItsFourElements(t *testing.T) {
	h := New(t, "2026-01-05")
	_, err := h.Engine.Create(t.Context(), Organizer, engine.CreateInput{WorkflowID: "major-decision", Title: "x",
		Input: engine.Input{Payload: with(proposal(), "necessity_feasibility", "")}})
	wantGuard(t, err, "第十条第一款第二项")
	// Art. 10(3): a citizen's proposal is made in writing: the procedure
	// starts only once the written proposal is a stored document.
	it := h.Create("major-decision", Secretariat, "市民建议", map[string]any{"source": "public"})
	start := map[string]any{"study_summary": "启动", "organizer_department_ids": []any{DeptDevelopment}}
	_, err = h.Try(it.ID, "start_decision", Secretariat, start, "")
	wantGuard(t, err, "第十条第一款第三项")
	_, err = h.Try(it.ID, "record_written_proposal", Secretariat, map[string]any{"written_proposal_sha256": SHA("未上传的建议书")}, "")
	wantGuard(t, err, "第十条第一款第三项") // a digest that matches no stored file
	fire(h, it.ID, "record_written_proposal", Secretariat, map[string]any{"written_proposal_sha256": SHA("市民来信")}, scenario.Doc{Kind: "proposal", Content: "市民来信"})
	h.Fire(it.ID, "start_decision", Secretariat, start, "")
}

// Art. 11: two or more organizers need a lead.
func TestArt11_SeveralOrganizersNeedALead(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	p := map[string]any{"study_summary": "启动", "organizer_department_ids": []any{DeptDevelopment, DeptTransport}}
	_, err := h.Try(id, "start_decision", Secretariat, p, "")
	wantGuard(t, err, "第十一条")
	h.Fire(id, "start_decision", Secretariat, with(p, "lead_department_id", DeptDevelopment), "")
}

// Art. 13: consulted departments that disagree require a dispute report.
func TestArt13_DisagreementNeedsADisputeReport(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "record_department_consultation")
	_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "agreed", false), "")
	wantGuard(t, err, "第十三条")
	h.Fire(id, s.Event, s.Actor, with(s.Payload, "agreed", false, "dispute_report", "财政局认为补贴标准过高"), "")
}

// Art. 15: the public comment period is at least 30 days unless shortened
// with a reason stated in the notice.
func TestArt15_CommentPeriodAtLeast30DaysUnlessShortenedWithReason(t *testing.T) {
	cases := []struct {
		name     string
		closesOn string
		reason   string
		ok       bool
	}{
		{"29 days without reason is refused", "2026-02-04", "", false},
		{"exactly 30 days is accepted", "2026-02-05", "", true},
		{"15 days with a stated urgency is accepted", "2026-01-21", "春节前须落实，情况紧急", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := New(t, "2026-01-05")
			id := newItem(h)
			s := advance(h, id, "open_comment_period") // on 2026-01-06
			_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "closes_on", c.closesOn, "shortened_reason", c.reason), "")
			if c.ok && err != nil {
				t.Fatal(err)
			}
			if !c.ok {
				wantGuard(t, err, "第十五条")
			}
		})
	}
}

// Art. 15: the period announced must run its course before it is closed.
func TestArt15_CommentPeriodCannotCloseEarly(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "close_comment_period")
	h.On("2026-02-05") // closes_on is 2026-02-06
	_, err := h.Try(id, s.Event, s.Actor, s.Payload, "")
	wantGuard(t, err, "第十五条")
}

// Art. 14: public participation may be skipped only for items not
// disclosable by law, with the basis recorded.
func TestArt14_NonDisclosureExemptionRecordsItsBasis(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "open_comment_period")
	_, err := h.Try(id, "exempt_public_participation", Organizer, map[string]any{"legal_basis": "《保守国家秘密法》第九条"}, "")
	WantCode(t, err, engine.CodeInvalid) // a waiver needs its reason
	it := h.Fire(id, "exempt_public_participation", Organizer, map[string]any{"legal_basis": "《保守国家秘密法》第九条"}, "涉及国家秘密")
	w := it.Record["waivers"].(map[string]any)["public_participation"].(map[string]any)
	if w["reason"] != "涉及国家秘密" || it.State != "expert_risk" {
		t.Fatalf("waiver not recorded: %v, state %s", w, it.State)
	}
}

// Art. 16(3): hearing materials reach every participant at least 7 days
// before the hearing; Art. 17: the transcript is confirmed and signed.
func TestArt16_HearingMaterialsSevenDaysBeforeForEveryParticipant(t *testing.T) {
	hearing := map[string]any{"held_on": "2026-01-20", "transcript_sha256": SHA("笔录"), "participants_confirmed": true}
	t.Run("materials 6 days before for one participant block the hearing record", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "record_hearing_materials")
		h.On("2026-01-12")
		h.Fire(id, "record_hearing_materials", Organizer, map[string]any{"participant": "居民甲", "sent_on": "2026-01-12"}, "")
		h.On("2026-01-14")
		h.Fire(id, "record_hearing_materials", Organizer, map[string]any{"participant": "居民乙", "sent_on": "2026-01-14"}, "")
		h.On("2026-01-20")
		_, err := h.Try(id, "record_hearing", Organizer, hearing, "")
		wantGuard(t, err, "第十六条第三款")
	})
	t.Run("a participant without materials blocks the hearing record", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "record_hearing_materials")
		h.Fire(id, "record_hearing_materials", Organizer, map[string]any{"participant": "居民甲", "sent_on": "2026-01-12"}, "")
		h.On("2026-01-20")
		_, err := h.Try(id, "record_hearing", Organizer, hearing, "")
		wantGuard(t, err, "第十六条第三款")
	})
	t.Run("an unconfirmed transcript is refused", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		s := advance(h, id, "record_hearing")
		_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "participants_confirmed", false), "")
		wantGuard(t, err, "第十七条")
	})
	t.Run("the announced hearing must be held before participation closes", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "record_hearing")
		h.On("2026-02-07")
		_, err := h.Try(id, "close_comment_period", Organizer, map[string]any{"opinion_handling_summary": "x"}, "")
		wantGuard(t, err, "第十七条")
	})
}

// Arts. 19–20: experts are accounts holding the expert role, not from the
// organizer department and without a declared interest; their written
// opinions are signed documents stored on the item.
func TestArt19And20_ExpertOpinionsSignedByUninterestedSelectedExperts(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "assign_experts")
	_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "expert_user_ids", []any{Counsel.UserID}), "")
	wantGuard(t, err, "第二十条") // not an expert
	inHouse := Expert
	inHouse.UserID, inHouse.DepartmentID = 150, DeptDevelopment
	h.Users[inHouse.UserID] = &engine.UserFacts{ID: inHouse.UserID, Active: true, Roles: inHouse.Roles, DepartmentID: DeptDevelopment}
	_, err = h.Try(id, s.Event, s.Actor, with(s.Payload, "expert_user_ids", []any{inHouse.UserID}), "")
	wantGuard(t, err, "第二十条") // from the organizer department
	h.Fire(id, s.Event, s.Actor, s.Payload, "")
	op := map[string]any{"expert_name": "周教授", "opinion_summary": "可行", "document_sha256": SHA("意见")}
	_, err = h.Try(id, "record_expert_opinion", Expert, op, "")
	wantGuard(t, err, "第十九条第二款") // no signed document stored
	h.Upload(id, scenario.Doc{Kind: "opinion", Content: "意见"})
	_, err = h.Try(id, "record_expert_opinion", Expert, with(op, "expert_name", "未选定的人"), "")
	wantGuard(t, err, "第二十条")
	// An expert who declares an interest is excluded from then on.
	h.Fire(id, "declare_expert_interest", Expert, map[string]any{"interest": "本人亲属在受益企业任职"}, "")
	_, err = h.Try(id, "record_expert_opinion", Expert, op, "")
	wantGuard(t, err, "第二十条")
	_, err = h.Try(id, s.Event, s.Actor, s.Payload, "")
	wantGuard(t, err, "第二十条")
}

// Arts. 22–24: the assessment concerns the current draft; a risk found not
// controllable sends the draft back; the adjusted draft must be assessed
// again — neither waived nor covered by a link — before legality review.
func TestArt24_UncontrollableRiskBlocksReviewUntilReassessed(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "record_risk_assessment")
	for _, d := range s.Docs {
		h.Upload(id, d)
	}
	_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "draft_sha256", draftV2), "")
	wantGuard(t, err, "第二十四条") // not the current draft
	h.Fire(id, s.Event, s.Actor, with(s.Payload, "conclusion", "not_controllable"), "")
	sub := map[string]any{"draft_sha256": draftV1, "legal_basis": []any{"x"}, "procedures_account": "x"}
	_, err = h.Try(id, "submit_legality_review", Organizer, sub, "")
	wantGuard(t, err, "第二十四条")
	it := h.Fire(id, "adjust_for_risk", Organizer, nil, "")
	if it.State != "drafting" {
		t.Fatalf("state %s, want drafting", it.State)
	}
	fire(h, id, "record_draft", Organizer, map[string]any{"draft_sha256": draftV2, "legal_basis": []any{"x"}}, scenario.DraftV2Doc)
	h.Fire(id, "proceed_to_review", Organizer, nil, "")
	_, err = h.Try(id, "submit_legality_review", Organizer, with(sub, "draft_sha256", draftV2), "")
	wantFailure(t, err, "第二十四条") // reassessment required
	_, err = h.Try(id, "waive_risk_assessment", Organizer, map[string]any{"criterion_decision": "风险已消除"}, "不再评估")
	wantGuard(t, err, "第二十四条")
	_, err = h.Try(id, "link_risk_assessment", Organizer, map[string]any{"linked_assessment": "旧评估", "rule_basis": "x"}, "")
	wantGuard(t, err, "第二十四条")
	_, err = h.Try(id, "record_risk_assessment", RiskAssessor, s.Payload, "")
	wantGuard(t, err, "第二十四条") // the assessment of the old draft
	h.Fire(id, "record_risk_assessment", RiskAssessor, with(s.Payload, "draft_sha256", draftV2), "")
	h.Fire(id, "submit_legality_review", Organizer, with(sub, "draft_sha256", draftV2), "")
}

// Art. 26(2): legality review is guaranteed at least 7 working days,
// counted on the working-day calendar across the 2026 Spring Festival
// (02-15…02-23 off, 02-14 and 02-28 make-up working days).
func TestArt26_LegalityReviewFloorOfSevenWorkingDaysAcrossSpringFestival(t *testing.T) {
	t.Run("submitted 2026-02-10: concluding on 02-25 needs a reason, on 02-26 it does not", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "conclude_legality_review")
		if due := PeriodDue(h, id, "legality_review"); due != "2026-02-26" {
			t.Fatalf("due %s, want 2026-02-26", due)
		}
		h.On("2026-02-25")
		h.Upload(id, scenario.ConclusionDoc("lawful"))
		_, err := h.Try(id, "conclude_legality_review", LegalOffice, conclusion("lawful", draftV1), "")
		wantGuard(t, err, "第二十六条第二款")
		h.On("2026-02-26")
		h.Fire(id, "conclude_legality_review", LegalOffice, conclusion("lawful", draftV1), "")
	})
	t.Run("submitted 2026-02-12: the 7th working day is Saturday 02-28, a make-up day", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		s := advance(h, id, "submit_legality_review")
		h.On("2026-02-12")
		h.Fire(id, s.Event, s.Actor, s.Payload, "")
		if due := PeriodDue(h, id, "legality_review"); due != "2026-02-28" {
			t.Fatalf("due %s, want 2026-02-28", due)
		}
	})
	t.Run("an earlier conclusion with a stated reason is accepted", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "conclude_legality_review")
		h.On("2026-02-13")
		fire(h, id, "conclude_legality_review", LegalOffice, with(conclusion("lawful", draftV1), "early_conclusion_reason", "事项简单，审查已完成"),
			scenario.ConclusionDoc("lawful"))
	})
}

// Art. 26(1): a returned package stops the review clock until the
// supplements arrive; the due date moves by exactly the paused working days.
func TestArt26_ReturnedPackageStopsTheClock(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "record_counsel_opinion") // submitted 2026-02-10, due 2026-02-26
	h.On("2026-02-11")
	h.Fire(id, "return_review_package", LegalOffice, map[string]any{"missing_items": []any{"风险评估报告附件"}}, "")
	h.On("2026-02-26")
	h.Upload(id, scenario.ConclusionDoc("lawful"))
	_, err := h.Try(id, "conclude_legality_review", LegalOffice, conclusion("lawful", draftV1), "")
	wantGuard(t, err, "第二十六条第一款") // clock stopped
	// Supplements arrive on 2026-02-26: working days 02-12, 02-13, 02-14 (make-up),
	// 02-24, 02-25, 02-26 were not counted: 6 working days.
	h.Fire(id, "supplement_review_package", Organizer, map[string]any{"supplements": []any{"附件"}}, "")
	// 2026-02-10 + (7+6) working days: 11,12,13,14,24,25,26,27,28,03-02,03,04,05 → 2026-03-05.
	if due := PeriodDue(h, id, "legality_review"); due != "2026-03-05" {
		t.Fatalf("due %s, want 2026-03-05 (moved by the 6 paused working days)", due)
	}
}

// Art. 28: counsel give legal opinions, and only assigned counsel.
func TestArt28_ConclusionNeedsAnAssignedCounselOpinionOnThisDraft(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "record_counsel_opinion")
	_, err := h.Try(id, "record_counsel_opinion", Counsel2, counselOpinion(draftV1), "")
	wantGuard(t, err, "第二十八条")
	h.On("2026-02-26")
	h.Upload(id, scenario.ConclusionDoc("lawful"))
	_, err = h.Try(id, "conclude_legality_review", LegalOffice, conclusion("lawful", draftV1), "")
	wantGuard(t, err, "第二十八条")
}

// Art. 25(2): the hard gate. No draft goes to the meeting unreviewed, found
// unlawful, or changed after its review; an exploratory-reform item goes
// only with its legal risk stated.
func TestArt25_NoMeetingWithoutALawfulReviewOfTheCurrentDraft(t *testing.T) {
	t.Run("not reviewed", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "conclude_legality_review")
		_, err := h.Try(id, "submit_for_meeting", Organizer, nil, "")
		wantGuard(t, err, "第二十五条第二款")
	})
	t.Run("found unlawful", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "conclude_legality_review")
		fire(h, id, "conclude_legality_review", LegalOffice, conclusion("unlawful", draftV1), scenario.ConclusionDoc("unlawful"))
		_, err := h.Try(id, "submit_for_meeting", Organizer, nil, "")
		wantGuard(t, err, "第二十五条第二款")
	})
	t.Run("draft replaced after a lawful review is stale", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "submit_for_meeting")
		fire(h, id, "record_draft", Organizer, map[string]any{"draft_sha256": draftV2, "legal_basis": []any{"x"}}, scenario.DraftV2Doc)
		_, err := h.Try(id, "submit_for_meeting", Organizer, nil, "")
		wantGuard(t, err, "第二十五条")
		// A fresh counsel opinion and conclusion on the new draft reopen the gate.
		h.Fire(id, "record_counsel_opinion", Counsel, counselOpinion(draftV2), "")
		fire(h, id, "conclude_legality_review", LegalOffice, conclusion("lawful_after_revision", draftV2), scenario.ConclusionDoc("lawful_after_revision"))
		h.Fire(id, "submit_for_meeting", Organizer, nil, "")
	})
	t.Run("exploratory reform needs its legal risk stated", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := newItem(h)
		advance(h, id, "conclude_legality_review")
		h.Upload(id, scenario.ConclusionDoc("exploratory_reform"))
		_, err := h.Try(id, "conclude_legality_review", LegalOffice, conclusion("exploratory_reform", draftV1), "")
		wantGuard(t, err, "第二十五条第二款")
		h.Fire(id, "conclude_legality_review", LegalOffice, with(conclusion("exploratory_reform", draftV1), "legal_risk", "上位法尚无明确规定"), "")
		h.Fire(id, "submit_for_meeting", Organizer, nil, "")
	})
}

// heldMeeting is a meeting held on an item in a test: members 201 and 202
// and the chief executive, all present.
type heldMeeting struct {
	h         *Harness
	id        int64
	on        string
	members   []any
	positions []procedure.PositionOf
}

// meetingUntil walks item id to its meeting, puts it on the agenda and
// has 201, 202 and then the chief executive state positions.
func meetingUntil(h *Harness, id int64, positions ...string) *heldMeeting {
	h.T.Helper()
	s := advance(h, id, scenario.MeetingStep)
	m := &heldMeeting{h: h, id: id, on: s.On, members: []any{ChiefExecutive.UserID, int64(201), int64(202)}}
	m.agenda()
	m.speak(positions...)
	h.Upload(id, scenario.Doc{Kind: "minutes", Content: "纪要"})
	return m
}

// agenda puts the item on the meeting's agenda (again).
func (m *heldMeeting) agenda() {
	m.h.T.Helper()
	m.h.Fire1(m.id, "place_on_agenda", Secretariat, map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第3次常务会议",
		"meeting_on": m.on, "member_user_ids": m.members, "chief_executive_user_id": ChiefExecutive.UserID, "package_sha256": SHA("材料")})
	m.positions = nil
}

// speak records the next positions in the order 201, 202, the chief
// executive.
func (m *heldMeeting) speak(positions ...string) {
	m.h.T.Helper()
	for _, p := range positions {
		i := len(m.positions)
		who := m.members[(i+1)%3].(int64)
		m.h.Fire1(m.id, "record_position", Secretariat, map[string]any{"member_user_id": who, "position": p, "present_user_ids": m.members})
		m.positions = append(m.positions, procedure.PositionOf{MemberUserID: who, Position: p, Order: i})
	}
}

// decision is the payload of decision with the majority and the dissent
// computed from the positions, as the meeting use case does, then kv.
func (m *heldMeeting) decision(decision string, kv ...any) map[string]any {
	dissent := []any{}
	for _, d := range procedure.Dissenters(m.positions, ChiefExecutive.UserID, decision) {
		dissent = append(dissent, fmt.Sprintf("用户%d：%s", d.MemberUserID, d.Position))
	}
	p := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第3次常务会议", "meeting_on": m.on,
		"majority_view": procedure.Majority(m.positions, ChiefExecutive.UserID), "dissent": dissent,
		"minutes_sha256": SHA("纪要"), "recorded_by": Secretariat.Ref()}
	return with(p, kv...)
}

// Art. 30¶2: a decision that departs from the majority needs its reason;
// the majority is the meeting's, computed from the positions, and a
// majority or a dissent typed otherwise is refused (Art. 30¶2–3).
func TestArt30_DepartureFromTheMajorityNeedsAReason(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	m := meetingUntil(h, id, "disagree", "disagree", "agree")
	_, err := h.Try1(id, "decide_agree", ChiefExecutive, m.decision("agree"))
	wantGuard(t, err, "第三十条第二款")
	_, err = h.Try1(id, "decide_agree", ChiefExecutive, m.decision("agree", "majority_view", "agree"))
	wantFailure(t, err, "第三十条第二款") // the majority disagreed
	_, err = h.Try1(id, "decide_agree", ChiefExecutive, m.decision("agree", "departure_reason", "x", "dissent", []any{}))
	wantFailure(t, err, "第三十条第三款") // two dissenters left out
	it := h.Fire1(id, "decide_agree", ChiefExecutive, m.decision("agree", "departure_reason", "民生急需，风险可控"))
	if m := it.Record["meeting"].(map[string]any); m["departure_reason"] != "民生急需，风险可控" || m["decision"] != "agree" || len(m["dissent"].([]any)) != 2 {
		t.Fatalf("meeting record %v", m)
	}
}

// Art. 30¶1: the decision is the chief executive's and is made only at the
// meeting the item is on, after the members and then the chief executive
// have spoken: the generic action refuses it, and so it does the
// secretariat.
func TestArt30_DecisionsOnlyThroughTheMeetingAndByTheChiefExecutive(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	m := meetingUntil(h, id, "agree", "agree")
	_, err := h.Try1(id, "decide_agree", ChiefExecutive, m.decision("agree"))
	wantGuard(t, err, "第三十条第一款") // the chief executive has not spoken
	m.speak("agree")
	_, err = h.Try1(id, "decide_agree", ChiefExecutive, m.decision("agree", "meeting_id", 2))
	wantGuard(t, err, "第三十条第一款") // not on that meeting's agenda
	_, err = h.Try(id, "decide_agree", ChiefExecutive, m.decision("agree"), "")
	wantGuard(t, err, "第三十条") // not through the meeting
	_, err = h.Try1(id, "decide_agree", Secretariat, m.decision("agree"))
	WantCode(t, err, engine.CodeForbidden)
	_, err = h.Try(id, "record_position", Secretariat, map[string]any{"member_user_id": 201, "position": "agree", "present_user_ids": []any{201}}, "")
	wantGuard(t, err, "第三十条")
	h.Fire1(id, "decide_agree", ChiefExecutive, m.decision("agree"))
}

// Art. 30: 暂缓 parks the item; 再次讨论 keeps it for another discussion,
// the members heard afresh; 修改 sends it back to drafting. With no
// majority (a tie) no decision departs from it.
func TestArt30_PostponeRediscussAndRevise(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	m := meetingUntil(h, id, "agree", "disagree", "agree") // a tie among the members
	it := h.Fire1(id, "decide_rediscuss", ChiefExecutive, m.decision("rediscuss"))
	if it.State != "awaiting_meeting" || len(it.Record["meeting"].(map[string]any)["positions"].(map[string]any)) != 0 {
		t.Fatalf("rediscuss: state %s, record %v", it.State, it.Record["meeting"])
	}
	_, err := h.Try1(id, "decide_postpone", ChiefExecutive, m.decision("postpone"))
	wantGuard(t, err, "第三十条第一款") // discussed again: the members speak again first
	m.positions = nil
	m.speak("agree", "disagree", "agree")
	it = h.Fire1(id, "decide_postpone", ChiefExecutive, m.decision("postpone"))
	if it.State != "postponed" {
		t.Fatalf("postpone: state %s", it.State)
	}
	h.Fire(id, "resubmit_for_meeting", Secretariat, nil, "")
	_, err = h.Try1(id, "decide_revise", ChiefExecutive, m.decision("revise"))
	wantGuard(t, err, "第三十条第一款") // off the old agenda: a new meeting hears the item
	m.agenda()
	m.speak("agree", "agree", "agree")
	_, err = h.Try1(id, "decide_revise", ChiefExecutive, m.decision("revise"))
	wantFailure(t, err, "第三十条第二款")
	it = h.Fire1(id, "decide_revise", ChiefExecutive, m.decision("revise", "departure_reason", "补贴标准需再测算"))
	if it.State != "drafting" {
		t.Fatalf("revise: state %s", it.State)
	}
}

// Art. 31: the Party committee is consulted before the decision is issued.
func TestArt31_PublicationNeedsThePartyCommitteeReport(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "record_party_report")
	_, err := h.Try(id, "publish", Secretariat, map[string]any{"published_on": "2026-03-05", "disclosure": "full", "channels": []any{"网站"}}, "")
	wantGuard(t, err, "第三十一条")
}

// Art. 36(2): the post-evaluator is not a unit that did the main review or
// assessment before the decision.
func TestArt36_PostEvaluatorIsIndependentOfEarlierAssessors(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "start_post_evaluation")
	for _, who := range []string{"社会稳定风险评估中心", "周教授"} {
		_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "evaluator", who), "")
		wantFailure(t, err, "第三十六条第二款")
	}
	// The assessor under another name: refused by identity, not by name.
	h.Users[RiskAssessor.UserID] = &engine.UserFacts{ID: RiskAssessor.UserID, Active: true, Roles: []engine.Role{engine.RoleRiskAssessor, engine.RoleEvaluator}}
	_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "evaluator", "某评估咨询公司", "evaluator_user_ids", []any{RiskAssessor.UserID}), "")
	wantFailure(t, err, "第三十六条第二款")
	// Someone of the assessor's unit (the same department) is refused too.
	colleague := int64(160)
	h.Users[RiskAssessor.UserID] = &engine.UserFacts{ID: RiskAssessor.UserID, Active: true, Roles: []engine.Role{engine.RoleRiskAssessor}, DepartmentID: DeptHousing}
	h.Users[colleague] = &engine.UserFacts{ID: colleague, Active: true, Roles: []engine.Role{engine.RoleEvaluator}, DepartmentID: DeptHousing}
	_, err = h.Try(id, s.Event, s.Actor, with(s.Payload, "evaluator", "某评估咨询公司", "evaluator_user_ids", []any{colleague}), "")
	wantFailure(t, err, "第三十六条第二款")
	h.Fire(id, s.Event, s.Actor, s.Payload, "")
}

// Art. 37: only the chief executive suspends, and only when urgent.
func TestArt37_OnlyTheChiefExecutiveSuspendsAndOnlyWhenUrgent(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "report_execution")
	p := map[string]any{"cause": "circumstances_changed", "urgent": false}
	_, err := h.Try(id, "suspend_execution", Secretariat, with(p, "urgent", true), "情况变化")
	WantCode(t, err, engine.CodeForbidden)
	_, err = h.Try(id, "suspend_execution", ChiefExecutive, p, "情况变化")
	wantGuard(t, err, "第三十七条")
	it := h.Fire(id, "suspend_execution", ChiefExecutive, with(p, "urgent", true), "情况发生重大变化")
	if it.State != "suspended" {
		t.Fatalf("state %s", it.State)
	}
	// A stop goes through the statutory procedure: a real, closed meeting.
	_, err = h.Try(id, "stop_execution", Secretariat, map[string]any{"meeting_id": 7}, "停止")
	wantGuard(t, err, "第三十七条") // no such meeting
	h.Meetings[7] = &engine.MeetingFacts{ID: 7, Kind: "executive", Number: "第9次常务会议", HeldOn: "2026-06-10", State: "open"}
	_, err = h.Try(id, "stop_execution", Secretariat, map[string]any{"meeting_id": 7}, "停止")
	wantGuard(t, err, "第三十七条") // not closed yet
	h.Meetings[7].State = "closed"
	if it := h.Fire(id, "stop_execution", Secretariat, map[string]any{"meeting_id": 7}, "情况发生重大变化，会议决定停止执行"); it.State != "stopped" {
		t.Fatalf("state %s", it.State)
	}
}

// Art. 37: an adjustment repeats the procedure as a new item that names
// the original; an adjustment naming an item that does not exist, or one
// that does not link back, is refused.
func TestArt37_AdjustmentNamesANewItemThatLinksBack(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "report_execution")
	_, err := h.Try(id, "start_adjustment", Secretariat, map[string]any{"adjustment_item_id": 999999}, "调整")
	wantGuard(t, err, "第三十七条")
	unrelated := newItem(h)
	_, err = h.Try(id, "start_adjustment", Secretariat, map[string]any{"adjustment_item_id": unrelated}, "调整")
	wantGuard(t, err, "第三十七条")
	adj := h.Create("major-decision", Organizer, "关于调整补贴标准的决定", with(proposal(), "adjusts_item_id", id))
	if it := h.Fire(id, "start_adjustment", Secretariat, map[string]any{"adjustment_item_id": adj.ID}, "补贴标准调整"); it.State != "adjusting" {
		t.Fatalf("state %s", it.State)
	}
}

// Art. 34: only the executing unit reports on execution.
func TestArt34_OnlyTheExecutingUnitReports(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "report_execution")
	other := Executor
	other.DepartmentID = DeptTransport
	_, err := h.Try(id, "report_execution", other, map[string]any{"report": "x"}, "")
	wantGuard(t, err, "第三十四条")
}

// Art. 33: archiving needs complete materials.
func TestArt33_ArchivingNeedsCompleteMaterials(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, "archive")
	_, err := h.Try(id, s.Event, s.Actor, with(s.Payload, "materials_complete", false), "")
	wantGuard(t, err, "第三十三条")
}

// Art. 18: opinions are sorted and studied; the comment period cannot be
// closed while any opinion, or group of identical opinions, lacks a
// disposition (adopted, partly adopted, not adopted) with its reason.
func TestArt18_CommentPeriodCannotCloseWithAnUndisposedComment(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	closing := advance(h, id, "close_comment_period")
	h.On("2026-01-20")
	public := engine.Actor{OrgID: Org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}
	for _, c := range []string{"建议，增加绿地！", "建议增加绿地", "  建议 增加 绿地  ", "补贴标准过高"} {
		h.Fire(id, "submit_public_comment", public, map[string]any{"content": c}, "")
	}
	h.Fire(id, "import_comments", Organizer, map[string]any{"channel": "letter", "comments": []any{"补贴标准过高。", "希望尽快实施"}}, "")
	groups := h.Item(id).Record["consultation"].(map[string]any)["comment_groups"].(map[string]any)
	if len(groups) != 3 {
		t.Fatalf("%d groups, want 3 (near-duplicates share one): %v", len(groups), groups)
	}
	if n := groups[engine.GroupKey("建议增加绿地")]; fmt.Sprint(n) != "3" {
		t.Fatalf("the green-space group counts %v, want 3", n)
	}
	h.On(closing.On)
	_, err := h.Try(id, "close_comment_period", Organizer, closing.Payload, "")
	wantGuard(t, err, "第十八条")
	_, err = h.Try(id, "dispose_comment_group", Organizer, map[string]any{"group": "0000000000000000", "disposition": "adopted", "reason": "x"}, "")
	wantGuard(t, err, "第十八条")
	for k := range groups {
		h.Fire(id, "dispose_comment_group", Organizer, map[string]any{"group": k, "disposition": "partly_adopted", "reason": "已研究"}, "")
	}
	// A later disposition of the same group replaces the earlier one.
	h.Fire(id, "dispose_comment_group", Organizer, map[string]any{"group": engine.GroupKey("补贴标准过高"), "disposition": "adopted", "reason": "下调补贴"}, "")
	disp := h.Item(id).Record["consultation"].(map[string]any)["dispositions"].(map[string]any)
	if len(disp) != 3 || disp[engine.GroupKey("补贴标准过高")].(map[string]any)["disposition"] != "adopted" {
		t.Fatalf("dispositions %v", disp)
	}
	h.Fire(id, "close_comment_period", Organizer, closing.Payload, "")
	// Closed: the public can no longer comment.
	_, err = h.Try(id, "submit_public_comment", public, map[string]any{"content": "迟到"}, "")
	WantCode(t, err, engine.CodeConflict)
}

// Art. 15: a public comment is taken only while the announced period runs
// and only when public comment was chosen as a method.
func TestArt15_PublicCommentsOnlyWithinThePeriod(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "schedule_hearing")
	public := engine.Actor{OrgID: Org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}
	h.On("2026-02-06")
	h.Fire(id, "submit_public_comment", public, map[string]any{"content": "最后一天的意见"}, "")
	h.On("2026-02-07")
	_, err := h.Try(id, "submit_public_comment", public, map[string]any{"content": "超过期限"}, "")
	wantGuard(t, err, "第十五条")
}

// Art. 30¶1: at the meeting the members present state their positions
// fully and the chief executive speaks last; only members speak, only when
// present, once each, and only once the item is on an agenda (Art. 25 is
// checked again then).
func TestArt30_ChiefExecutiveSpeaksLastAmongTheMembersPresent(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	s := advance(h, id, scenario.MeetingStep)
	members := []any{ChiefExecutive.UserID, int64(201), int64(202), int64(203)}
	present := []any{ChiefExecutive.UserID, int64(201), int64(202)} // 203 is absent
	pos := func(member int64, p string) map[string]any {
		return map[string]any{"member_user_id": member, "position": p, "present_user_ids": present}
	}
	_, err := h.Try1(id, "record_position", Secretariat, pos(ChiefExecutive.UserID, "agree"))
	wantGuard(t, err, "第三十条第一款") // not on an agenda yet
	agenda := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "2026年第3次常务会议", "meeting_on": s.On,
		"member_user_ids": members, "chief_executive_user_id": ChiefExecutive.UserID, "package_sha256": SHA("会议材料")}
	_, err = h.Try1(id, "place_on_agenda", Secretariat, with(agenda, "chief_executive_user_id", int64(999)))
	wantGuard(t, err, "第三十条第一款")
	h.Fire1(id, "place_on_agenda", Secretariat, agenda)
	_, err = h.Try1(id, "record_position", Secretariat, pos(ChiefExecutive.UserID, "agree"))
	wantGuard(t, err, "第三十条第一款") // others have not spoken
	_, err = h.Try1(id, "record_position", Secretariat, pos(303, "agree"))
	wantGuard(t, err, "第三十条第一款") // not a member
	_, err = h.Try1(id, "record_position", Secretariat, pos(203, "agree"))
	wantGuard(t, err, "第三十条第一款") // absent
	h.Fire1(id, "record_position", Secretariat, pos(201, "agree"))
	_, err = h.Try1(id, "record_position", Secretariat, pos(201, "disagree"))
	wantGuard(t, err, "第三十条第一款") // once each
	h.Fire1(id, "record_position", Secretariat, pos(202, "disagree"))
	h.Fire1(id, "record_position", Secretariat, pos(ChiefExecutive.UserID, "agree")) // the absent 203 does not block
	positions := h.Item(id).Record["meeting"].(map[string]any)["positions"].(map[string]any)
	if len(positions) != 3 || positions["202"].(map[string]any)["position"] != "disagree" {
		t.Fatalf("positions %v", positions)
	}
}

// Arts. 14–15 for comments recorded together: only while the announced
// period runs, only when public comment was chosen, and each comment with
// its own time received.
func TestArt15_BatchedPublicCommentsKeepTheirTimesAndThePeriod(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "schedule_hearing")
	public := engine.Actor{OrgID: Org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}
	batch := map[string]any{"comments": []any{"意见一", "意见二"}, "received_at": []any{"2026-01-20T02:00:00Z", "2026-01-20T02:00:01Z"}}
	h.On("2026-01-20")
	_, err := h.Try(id, "receive_public_comments", public, with(batch, "received_at", []any{"2026-01-20T02:00:00Z"}), "")
	wantGuard(t, err, "第十五条") // a comment without its time received
	h.Fire(id, "receive_public_comments", public, batch, "")
	if n := len(h.Item(id).Record["consultation"].(map[string]any)["comment_groups"].(map[string]any)); n != 2 {
		t.Fatalf("%d groups, want 2", n)
	}
	h.On("2026-02-07")
	_, err = h.Try(id, "receive_public_comments", public, batch, "")
	wantGuard(t, err, "第十五条") // the period has ended
}
