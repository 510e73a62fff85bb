package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	. "github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
)

// The gate suite: for every gate the law sets (a state or a record the
// item must not reach before a condition holds), an item is brought to
// where the condition does not hold, and then every event of the workflow
// is tried by every actor — through the generic events endpoint and, for
// meeting events, through the meeting — with every payload the tests know
// for it (valid ones from the walk included) and a reason, so waivers and
// reason-gated events are tried too. No attempt may reach the guarded
// situation; the events that lead there must be refused citing the
// article. Then every attempt that succeeded (self-loops, waivers, side
// steps) is taken as a first step and everything is tried again: no path
// of two steps gets round the gate either.

// attempt is one way of firing an event.
type attempt struct {
	event   string
	actor   engine.Actor
	meeting bool // through the meeting use case (Input.Via = meeting)
	payload map[string]any
}

func (a attempt) String() string {
	via := "generic endpoint"
	if a.meeting {
		via = "meeting"
	}
	return fmt.Sprintf("%s by %s (%s) via %s with %v", a.event, a.actor.Name, a.actor.Roles, via, a.payload)
}

func (a attempt) try(h *Harness, id int64) (*engine.Item, error) {
	in := engine.Input{Payload: a.payload, Reason: "试图绕过程序的理由"}
	if a.meeting {
		in.Via = engine.ViaMeeting
	}
	res, err := h.Engine.Fire(context.Background(), id, a.event, a.actor, in, 0)
	if err != nil {
		return nil, err
	}
	return res.Item, nil
}

// gate is one statutory gate and how to stand in front of it.
type gate struct {
	name, workflow string
	// basis is what the refusal of an entry event must cite.
	basis string
	// setup creates an item where the gate's condition does not hold and
	// uploads every document the payloads name; the clock is set.
	setup func(h *Harness) int64
	// reached reports whether the item, just after event succeeded, is in
	// the guarded situation.
	reached func(it *engine.Item, event string) bool
	// entries are the events that lead into the guarded situation from
	// the setup; each must be refused at least once citing basis.
	entries []string
	// legit are attempts that satisfy the condition in law (a lawful
	// conclusion, the chief executive speaking); they are not tried.
	legit func(a attempt) bool
	// payloads are the payloads known for each event.
	payloads map[string][]map[string]any
}

func events(names ...string) func(attempt) bool {
	return func(a attempt) bool { return slices.Contains(names, a.event) }
}

// in is reached when the item is in one of states.
func in(states ...string) func(*engine.Item, string) bool {
	return func(it *engine.Item, _ string) bool { return slices.Contains(states, it.State) }
}

// attempts lists every way of firing every event of the gate's workflow:
// by every actor when everyone is set, else only by the actors holding
// one of the event's roles (the others were refused at the gate itself).
func (g *gate) attempts(h *Harness, everyone bool) []attempt {
	d := h.Engine.Workflows().Latest(g.workflow)
	var out []attempt
	for _, ev := range d.Events {
		ps := append([]map[string]any{{}}, g.payloads[ev.Name]...)
		for _, actor := range append(slices.Clone(Actors), public) {
			if !everyone && !slices.ContainsFunc(actor.Roles, func(r engine.Role) bool { return slices.Contains(ev.Roles, r) }) {
				continue
			}
			for _, p := range ps {
				a := attempt{event: ev.Name, actor: actor, payload: p}
				if g.legit == nil || !g.legit(a) {
					out = append(out, a)
				}
				if ev.Via != "" {
					a.meeting = true
					if g.legit == nil || !g.legit(a) {
						out = append(out, a)
					}
				}
			}
		}
	}
	return out
}

// cites reports whether err is a guard refusal citing basis.
func cites(err error, basis string) bool {
	var e *engine.Error
	if !errors.As(err, &e) || e.Code != engine.CodeGuardFailed {
		return false
	}
	if strings.Contains(e.Basis, basis) {
		return true
	}
	for _, f := range e.Failures {
		if strings.Contains(f.Basis, basis) {
			return true
		}
	}
	return false
}

// explore tries every attempt on a fresh item after the steps before and
// returns the attempts that succeeded without reaching the guarded
// situation. An attempt that reaches it fails the test; refusals citing
// the basis are counted per event in cited.
func (g *gate) explore(t *testing.T, h *Harness, all []attempt, before []attempt, cited map[string]bool) []attempt {
	t.Helper()
	fresh := func() int64 {
		id := g.setup(h)
		for _, b := range before {
			if _, err := b.try(h, id); err != nil {
				t.Fatalf("replaying %s: %v", b, err)
			}
		}
		return id
	}
	id := fresh()
	var ok []attempt
	for _, a := range all {
		it, err := a.try(h, id)
		if err != nil {
			if cited != nil && cites(err, g.basis) {
				cited[a.event] = true
			}
			continue
		}
		if g.reached(it, a.event) {
			t.Errorf("gate bypassed (%s): after %v, %s reached state %s", g.basis, before, a, it.State)
		}
		ok = append(ok, a)
		id = fresh()
	}
	return ok
}

func TestGates_NoPathGetsRoundAGate(t *testing.T) {
	for _, g := range gates() {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			h := New(t, "2026-01-05")
			all := g.attempts(h, true)
			cited := map[string]bool{}
			first := g.explore(t, h, all, nil, cited)
			for _, e := range g.entries {
				if !cited[e] {
					t.Errorf("%s was never refused citing %s", e, g.basis)
				}
			}
			second := g.attempts(h, false)
			for _, a := range first {
				g.explore(t, h, second, []attempt{a}, nil)
			}
			t.Logf("%d attempts at the gate, %d succeeded without passing it; after each of those, %d attempts more",
				len(all), len(first), len(second))
		})
	}
}

// ── the payloads the attempts use ────────────────────────────────────────────

// majorPayloads are, per event, the walk's payloads and the meeting's,
// and variants that try to get round a rule.
func majorPayloads() map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, s := range walk() {
		if s.Payload != nil {
			out[s.Event] = append(out[s.Event], s.Payload)
		}
	}
	members := []any{ChiefExecutive.UserID, int64(201), int64(202)}
	present := []any{ChiefExecutive.UserID, int64(201), int64(202)}
	out["place_on_agenda"] = append(out["place_on_agenda"], map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第3次常务会议",
		"meeting_on": "2026-03-03", "member_user_ids": members, "chief_executive_user_id": ChiefExecutive.UserID, "package_sha256": SHA("会议材料")})
	for _, m := range []any{ChiefExecutive.UserID, int64(201), int64(202), int64(203)} {
		out["record_position"] = append(out["record_position"], map[string]any{"member_user_id": m, "position": "agree", "present_user_ids": present})
	}
	dec := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第3次常务会议", "meeting_on": "2026-03-03",
		"dissent": []any{}, "minutes_sha256": SHA("会议纪要"), "recorded_by": Secretariat.Ref()}
	for _, ev := range DecisionEvents {
		for _, m := range []string{"agree", "disagree", "none"} {
			out[ev] = append(out[ev], with(dec, "majority_view", m), with(dec, "majority_view", m, "departure_reason", "理由"))
		}
	}
	out["waive_risk_assessment"] = append(out["waive_risk_assessment"], map[string]any{"criterion_decision": "无需评估"})
	out["waive_expert_review"] = append(out["waive_expert_review"], map[string]any{"criterion_decision": "无需论证"})
	out["link_risk_assessment"] = append(out["link_risk_assessment"], map[string]any{"linked_assessment": "旧评估", "rule_basis": "x"})
	out["exempt_public_participation"] = append(out["exempt_public_participation"], map[string]any{"exemption_basis": "依法不予公开", "confidential": true})
	out["proceed_to_review"] = append(out["proceed_to_review"], map[string]any{})
	sub := out["submit_legality_review"][0]
	out["submit_legality_review"] = append(out["submit_legality_review"], with(sub, "draft_sha256", draftV2))
	for _, o := range []string{"lawful", "unlawful", "lawful_after_revision"} {
		out["conclude_legality_review"] = append(out["conclude_legality_review"], conclusion(o, draftV1), conclusion(o, draftV2))
	}
	out["record_draft"] = append(out["record_draft"], map[string]any{"draft_sha256": draftV2, "legal_basis": []any{"x"}})
	out["publish"] = append(out["publish"], with(out["publish"][0], "late_reason", ""))
	out["close_comment_period"] = append(out["close_comment_period"], map[string]any{"opinion_handling_summary": "x", "opinions_received": 0})
	out["record_hearing"] = append(out["record_hearing"], map[string]any{"held_on": "2026-01-20", "transcript_sha256": SHA("听证笔录"), "participants_confirmed": true, "materials_sent": true})
	return out
}

// majorDocs are every document the payloads name, uploaded at setup: a
// digest check then never stands in for the gate.
var majorDocs = []scenario.Doc{scenario.DraftV1Doc, scenario.DraftV2Doc, scenario.CounselOpinionDoc, {Kind: "transcript", Content: "听证笔录"},
	{Kind: "opinion", Content: "专家意见"}, {Kind: "report", Content: "风险报告"}, {Kind: "minutes", Content: "会议纪要"},
	{Kind: "decision", Content: "决策文本"}, {Kind: "report", Content: "评估报告"},
	scenario.ConclusionDoc("lawful"), scenario.ConclusionDoc("unlawful"), scenario.ConclusionDoc("lawful_after_revision")}

// majorAt returns a setup that walks a new item to just before until,
// uploads every document, then runs then.
func majorAt(until string, then func(h *Harness, id int64)) func(h *Harness) int64 {
	return func(h *Harness) int64 {
		id := newItem(h)
		s := advance(h, id, until)
		for _, d := range majorDocs {
			h.Upload(id, d)
		}
		h.On(s.On)
		if then != nil {
			then(h, id)
		}
		return id
	}
}

func normativePayloads() map[string][]map[string]any {
	agenda := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第6次常务会议", "meeting_on": "2026-03-10",
		"member_user_ids": []any{ChiefExecutive.UserID, int64(201)}, "chief_executive_user_id": ChiefExecutive.UserID, "package_sha256": SHA("材料")}
	dec := map[string]any{"meeting_id": 1, "meeting_type": "executive", "meeting_no": "第6次常务会议", "meeting_on": "2026-03-10",
		"majority_view": "agree", "minutes_sha256": SHA(minutes.Content), "recorded_by": Secretariat.Ref()}
	out := map[string][]map[string]any{
		"record_draft":           {{"draft_sha256": docV1}, {"draft_sha256": docV2, "version_note": "修改"}},
		"submit_for_review":      {normativeSubmission()},
		"resubmit":               {{"supplements": []any{"征求意见记录"}}},
		"assign_counsel":         {{"counsel_user_ids": []any{Counsel.UserID}}},
		"record_counsel_opinion": {{"opinion": "建议修改第五条"}},
		"conclude_review": {reviewOpinion("lawful"), reviewOpinion("must_revise"), reviewOpinion("unlawful"),
			with(reviewOpinion("lawful"), "late_reason", "x")},
		"submit_for_deliberation": {{"opinion_fully_adopted": true}, {"opinion_fully_adopted": false, "non_adoption_reasons": "理由"}},
		"place_on_agenda":         {agenda},
		"record_position": {{"member_user_id": 201, "position": "agree", "present_user_ids": agenda["member_user_ids"]},
			{"member_user_id": ChiefExecutive.UserID, "position": "agree", "present_user_ids": agenda["member_user_ids"]}},
		"record_deliberation_adopted":  {{"meeting_no": "第5次常务会议", "meeting_on": "2026-03-10", "minutes_sha256": SHA(minutes.Content)}},
		"record_deliberation_rejected": {{"meeting_no": "第5次常务会议", "meeting_on": "2026-03-10", "minutes_sha256": SHA(minutes.Content)}},
		"issue":                        {{"document_no": "X政规〔2026〕1号", "issued_on": "2026-03-11", "ledger_entry": "TZ-2026-011"}},
	}
	for _, ev := range []string{"meeting_adopt", "meeting_reject", "meeting_revise", "meeting_postpone", "meeting_rediscuss"} {
		out[ev] = []map[string]any{dec, with(dec, "majority_view", "none"), with(dec, "departure_reason", "理由")}
	}
	return out
}

func normativeAt(conclude string, then func(h *Harness, id int64)) func(h *Harness) int64 {
	return func(h *Harness) int64 {
		h.On("2026-03-02")
		id := newNormativeDocument(h)
		for _, d := range []scenario.Doc{docV2Doc, minutes} {
			h.Upload(id, d)
		}
		h.Fire(id, "submit_for_review", Organizer, normativeSubmission(), "")
		h.Fire(id, "assign_counsel", LegalOffice, map[string]any{"counsel_user_ids": []any{Counsel.UserID}}, "")
		h.Fire(id, "record_counsel_opinion", Counsel, map[string]any{"opinion": "建议修改第五条"}, "")
		h.On("2026-03-09")
		if conclude != "" {
			h.Fire(id, "conclude_review", LegalOffice, reviewOpinion(conclude), "")
		}
		if then != nil {
			then(h, id)
		}
		return id
	}
}

func enforcementPayloads() map[string][]map[string]any {
	return map[string][]map[string]any{
		"submit_for_review": {{"materials": []any{"调查报告"}, "facts_summary": "超标排放", "proposed_decision": "罚款50万元", "discretion_benchmark": "第12项"}},
		"resubmit":          {{"handling": "补充监测报告"}},
		"assign_counsel":    {{"counsel_user_ids": []any{Counsel.UserID}}},
		"conclude_problems": {with(reviewPoints(false), "problems", []any{"证据链不完整"})},
		// Agreement with a point that does not hold: never accepted.
		"conclude_agree": {reviewPoints(false), with(reviewPoints(true), "crime_transfer_considered", false),
			with(reviewPoints(true), "reviewer_qualified", false)},
		"decide":   {{"decision_no": "环罚〔2026〕8号", "decided_on": "2026-04-01"}},
		"disclose": {{"disclosed_on": "2026-04-01", "channel": "区政府网站"}},
	}
}

// ── the gates ───────────────────────────────────────────────────────────────

// Major-decision's states from the meeting on, and from legality review
// on (archived is reached only from them, or after a withdrawal).
var (
	fromMeeting = []string{"awaiting_meeting", "postponed", "decided", "rejected", "published", "executing", "suspended",
		"evaluating", "adjusting", "stopped", "completed"}
	fromReview  = append([]string{"legality_review"}, fromMeeting...)
	fromExperts = append([]string{"expert_risk"}, fromReview...)
)

func gates() []gate {
	major, normative, enforcement := majorPayloads(), normativePayloads(), enforcementPayloads()
	deliberated := []string{"deliberation", "adopted", "not_adopted", "issued"}
	isDecision := func(ev string) bool { return strings.HasPrefix(ev, "decide_") || strings.HasPrefix(ev, "meeting_") }
	return []gate{
		{
			name: "Art25_NotReviewedNeverReachesTheMeeting", workflow: "major-decision", basis: "第二十五条",
			setup:   majorAt("conclude_legality_review", nil),
			reached: in(fromMeeting...), entries: []string{"submit_for_meeting"},
			legit: events("conclude_legality_review"), payloads: major,
		},
		{
			name: "Art25_FoundUnlawfulNeverReachesTheMeeting", workflow: "major-decision", basis: "第二十五条",
			setup: majorAt("conclude_legality_review", func(h *Harness, id int64) {
				h.Fire(id, "conclude_legality_review", LegalOffice, conclusion("unlawful", draftV1), "")
			}),
			reached: in(fromMeeting...), entries: []string{"submit_for_meeting"},
			legit: events("conclude_legality_review", "record_counsel_opinion"), payloads: major,
		},
		{
			name: "Art25_DraftChangedAfterReviewNeverReachesTheMeeting", workflow: "major-decision", basis: "第二十五条",
			setup: majorAt("submit_for_meeting", func(h *Harness, id int64) {
				h.Fire(id, "record_draft", Organizer, map[string]any{"draft_sha256": draftV2, "legal_basis": []any{"x"}}, "")
			}),
			reached: in(fromMeeting...), entries: []string{"submit_for_meeting"},
			legit: func(a attempt) bool {
				// Going back to the draft that was reviewed is lawful.
				return a.event == "conclude_legality_review" || a.event == "record_counsel_opinion" ||
					(a.event == "record_draft" && a.payload["draft_sha256"] == draftV1)
			},
			payloads: major,
		},
		{
			name: "Art24_UncontrollableRiskNeverReachesLegalityReview", workflow: "major-decision", basis: "第二十四条",
			setup: majorAt("submit_legality_review", func(h *Harness, id int64) {
				p := walk()[13].Payload
				h.Fire(id, "record_risk_assessment", RiskAssessor, with(p, "conclusion", "not_controllable"), "")
			}),
			reached: in(fromReview...), entries: []string{"submit_legality_review"},
			legit: events("record_risk_assessment"), payloads: major,
		},
		{
			name: "Art18_UndisposedCommentsNeverCloseTheConsultation", workflow: "major-decision", basis: "第十八条",
			setup: majorAt("close_comment_period", func(h *Harness, id int64) {
				h.On("2026-01-20")
				h.Fire(id, "submit_public_comment", public, map[string]any{"content": "补贴标准过高"}, "")
				h.On("2026-02-09")
			}),
			reached: in(fromExperts...), entries: []string{"close_comment_period"},
			legit: events("dispose_comment_group"), payloads: major,
		},
		{
			name: "Art16_HearingNotRecordedWithoutMaterialsSevenDaysBefore", workflow: "major-decision", basis: "第十六条",
			setup: majorAt("record_hearing_materials", func(h *Harness, id int64) {
				h.On("2026-01-12")
				h.Fire(id, "record_hearing_materials", Organizer, map[string]any{"participant": "居民甲", "sent_on": "2026-01-12"}, "")
				h.On("2026-01-20")
			}),
			reached: func(it *engine.Item, _ string) bool {
				held := it.Record["hearing"].(map[string]any)["held_on"]
				return held != nil || slices.Contains(fromExperts, it.State)
			},
			entries: []string{"record_hearing"},
			legit:   events("record_hearing_materials"), payloads: major,
		},
		{
			name: "Art30_NoDecisionBeforeTheChiefExecutiveSpeaksLast", workflow: "major-decision", basis: "第三十条",
			setup: majorAt(scenario.MeetingStep, func(h *Harness, id int64) {
				h.Fire1(id, "place_on_agenda", Secretariat, major["place_on_agenda"][0])
				h.Fire1(id, "record_position", Secretariat, major["record_position"][1])
				h.Fire1(id, "record_position", Secretariat, major["record_position"][2])
			}),
			reached: func(it *engine.Item, ev string) bool {
				return isDecision(ev) || slices.Contains(fromMeeting[1:], it.State)
			},
			entries: []string{"decide_agree", "decide_reject", "decide_revise", "decide_postpone", "decide_rediscuss"},
			legit: func(a attempt) bool {
				return a.event == "record_position" && a.meeting && fmt.Sprint(a.payload["member_user_id"]) == fmt.Sprint(ChiefExecutive.UserID)
			},
			payloads: major,
		},
		{
			name: "Art30_NoDecisionOffTheAgenda", workflow: "major-decision", basis: "第三十条",
			setup: majorAt(scenario.MeetingStep, nil),
			reached: func(it *engine.Item, ev string) bool {
				return isDecision(ev) || slices.Contains(fromMeeting[1:], it.State)
			},
			entries: []string{"decide_agree", "record_position"},
			legit:   events("place_on_agenda"), payloads: major,
		},
		{
			name: "Art31_NotPublishedBeforeThePartyCommitteeReport", workflow: "major-decision", basis: "第三十一条",
			setup:   majorAt("record_party_report", nil),
			reached: in(fromMeeting[4:]...), entries: []string{"publish"},
			legit: events("record_party_report"), payloads: major,
		},
		{
			name: "OGIArt26_LatePublicationStatesWhy", workflow: "major-decision", basis: "第二十六条",
			setup: majorAt("publish", func(h *Harness, id int64) { h.On("2026-04-30") }),
			reached: func(it *engine.Item, _ string) bool {
				pub, _ := it.Record["publication"].(map[string]any)
				return it.State == "published" && fmt.Sprint(pub["late_reason"]) == ""
			},
			entries: []string{"publish"}, payloads: major,
		},
		{
			name: "Normative_Para7_NotDeliberatedWithoutAConclusion", workflow: "normative-document", basis: "（七）",
			setup:   normativeAt("", nil),
			reached: func(it *engine.Item, _ string) bool { return slices.Contains(deliberated, it.State) },
			legit:   events("conclude_review"), payloads: normative,
		},
		{
			name: "Normative_Para7_UnlawfulNeverDeliberated", workflow: "normative-document", basis: "（七）",
			setup:   normativeAt("unlawful", nil),
			reached: func(it *engine.Item, _ string) bool { return slices.Contains(deliberated, it.State) },
			entries: []string{"submit_for_deliberation"}, payloads: normative,
		},
		{
			name: "Normative_Para6_MustReviseNeedsANewDraft", workflow: "normative-document", basis: "（六）",
			setup:   normativeAt("must_revise", nil),
			reached: func(it *engine.Item, _ string) bool { return slices.Contains(deliberated, it.State) },
			entries: []string{"submit_for_deliberation"},
			legit: func(a attempt) bool {
				// A revised draft, or reasons for not adopting the opinion
				// in full, lawfully go on to deliberation.
				return a.event == "record_draft" || (a.event == "submit_for_deliberation" && a.payload["non_adoption_reasons"] != nil)
			},
			payloads: normative,
		},
		{
			name: "Normative_Para7_NoMeetingDecisionBeforeTheChiefExecutiveSpeaks", workflow: "normative-document", basis: "第三十条",
			setup: normativeAt("lawful", func(h *Harness, id int64) {
				h.Fire(id, "submit_for_deliberation", Organizer, map[string]any{"opinion_fully_adopted": true}, "")
				h.On("2026-03-10")
				h.Fire1(id, "place_on_agenda", Secretariat, normative["place_on_agenda"][0])
				h.Fire1(id, "record_position", Secretariat, normative["record_position"][0])
			}),
			reached: func(it *engine.Item, ev string) bool { return strings.HasPrefix(ev, "meeting_") },
			entries: []string{"meeting_adopt", "meeting_reject"},
			legit: func(a attempt) bool {
				// The chief executive speaking, or a deliberation recorded
				// from a meeting held outside the system (115号（七）).
				return (a.event == "record_position" && a.meeting && fmt.Sprint(a.payload["member_user_id"]) == fmt.Sprint(ChiefExecutive.UserID)) ||
					strings.HasPrefix(a.event, "record_deliberation_")
			},
			payloads: normative,
		},
		{
			name: "Enforcement_Para4And13_NoDecisionWithoutAgreementOnEveryPoint", workflow: "enforcement-review", basis: "（十三）",
			setup: func(h *Harness) int64 {
				h.On("2026-04-01")
				return newEnforcementCase(h)
			},
			reached: in("approved", "decided", "disclosed", "disclosure_withdrawn"), entries: []string{"conclude_agree"},
			payloads: enforcement,
		},
	}
}
