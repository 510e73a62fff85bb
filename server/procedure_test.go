package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
)

// The procedure's working parts end to end over HTTP, as the issue's
// acceptance describes: three departments; a law firm with two counsel; a
// meeting of seven members. One item takes 500 public comments (200 of them
// duplicates of others) and a hearing (Arts. 14–18), expert and risk review
// (Arts. 19–24), an "unlawful" review, a revised draft, a stale-review
// rejection and a lawful review (Arts. 25–28); at the meeting the chief
// executive departs from the majority with a reason, and a second item is
// postponed (Arts. 29–30). Afterwards every chain verifies and the minutes
// name each dissent.
func TestProcedure_EndToEnd_CommentsReviewsAndMeeting(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// A law firm with two counsel (seeded).
		if cs := e.do(t, req{Method: "GET", Path: "/api/v1/counsel", User: "admin"}).json(t)["counsel"].([]any); len(cs) != 2 {
			t.Fatalf("counsel %v", cs)
		}
		// Seven meeting members: the chief executive, the seeded member and five more.
		members := []int64{e.users["quzhang"].user.ID, e.users["member"].user.ID}
		for i := 2; i <= 6; i++ {
			r := e.do(t, req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: map[string]any{"username": fmt.Sprintf("m%d", i),
				"display_name": fmt.Sprintf("委员%d", i), "password": "a-long-password", "roles": []string{"member"}}})
			want(t, r, http.StatusCreated)
			members = append(members, int64(r.json(t)["id"].(float64)))
		}
		c := e.cast()
		steps := map[string]scenario.Step{}
		for _, s := range scenario.MajorDecision(c) {
			if _, dup := steps[s.Event]; !dup {
				steps[s.Event] = s
			}
		}
		fire := func(id int64, user, date, event string, payload map[string]any, reason string) {
			t.Helper()
			e.on(date)
			if r := e.fire(t, user, id, event, payload, reason); r.Status != http.StatusOK {
				t.Fatalf("%s on %s: %d %s", event, date, r.Status, r.Body)
			}
		}
		step := func(id int64, event string) {
			t.Helper()
			e.step(t, id, steps[event])
		}
		upload := func(id int64, user string, d scenario.Doc) {
			t.Helper()
			want(t, e.upload(t, user, id, d.Kind, d.Kind+".txt", "text/plain", []byte(d.Content), ""), http.StatusCreated)
		}

		a := e.createItem(t)
		for _, ev := range []string{"start_decision", "record_draft", "record_department_consultation", "open_comment_period", "schedule_hearing"} {
			step(a, ev)
		}
		fire(a, "fgw", "2026-01-12", "record_hearing_materials", steps["record_hearing_materials"].Payload, "")
		fire(a, "fgw", "2026-01-13", "record_hearing_materials", map[string]any{"participant": "居民乙", "sent_on": "2026-01-13"}, "")
		// 500 public comments: 300 distinct opinions and 200 that repeat
		// earlier ones with other spacing and punctuation.
		e.on("2026-01-15")
		for i := range 500 {
			text := fmt.Sprintf("第%d条意见：建议调整补贴方案", i)
			if i >= 300 {
				text = fmt.Sprintf("第%d条意见 ， 建议调整补贴方案！", i%300)
			}
			r := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", a), Body: map[string]any{"content": text}})
			want(t, r, http.StatusCreated)
		}
		step(a, "record_hearing")
		cm := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", a), User: "fgw"}).json(t)
		if cm["total"] != float64(500) || len(cm["groups"].([]any)) != 300 {
			t.Fatalf("comments: total %v, %d groups; want 500 in 300 groups", cm["total"], len(cm["groups"].([]any)))
		}
		// The period cannot close before every group is disposed (Art. 18).
		e.on("2026-02-09")
		wantProblem(t, e.fire(t, "fgw", a, "close_comment_period", steps["close_comment_period"].Payload, ""), http.StatusConflict, "guard_failed")
		for i, g := range cm["groups"].([]any) {
			disp := []string{"adopted", "partly_adopted", "not_adopted"}[i%3]
			fire(a, "fgw", "2026-02-09", "dispose_comment_group", map[string]any{"group": g.(map[string]any)["group"], "disposition": disp, "reason": "经研究"}, "")
		}
		step(a, "close_comment_period")
		for _, ev := range []string{"assign_experts", "record_expert_opinion", "record_expert_handling", "assign_risk_assessor", "record_risk_assessment", "submit_legality_review"} {
			step(a, ev)
		}
		// Legality review by two counsel; found unlawful.
		fire(a, "sfj", "2026-02-11", "assign_counsel", map[string]any{"counsel_user_ids": []any{e.users["lawyer1"].user.ID, e.users["lawyer2"].user.ID}}, "")
		upload(a, "lawyer1", scenario.CounselOpinionDoc)
		fire(a, "lawyer1", "2026-02-12", "record_counsel_opinion", scenario.CounselOpinion(scenario.DraftV1), "")
		fire(a, "lawyer2", "2026-02-13", "record_counsel_opinion", scenario.CounselOpinion(scenario.DraftV1), "")
		upload(a, "sfj", scenario.ConclusionDoc("unlawful"))
		fire(a, "sfj", "2026-02-26", "conclude_legality_review", scenario.Conclusion("unlawful", scenario.DraftV1), "")
		wantProblem(t, e.fire(t, "fgw", a, "submit_for_meeting", nil, ""), http.StatusConflict, "guard_failed")
		// Revised draft, reviewed again.
		fire(a, "fgw", "2026-02-27", "return_to_drafting", nil, "审查认为补贴依据不足，修改草案")
		e.on("2026-03-02")
		want(t, e.upload(t, "fgw", a, "draft", "第二稿.txt", "text/plain", []byte(scenario.DraftV2Doc.Content),
			`{"legal_basis": ["《中华人民共和国城乡规划法》", "《财政部关于…的通知》"]}`), http.StatusCreated)
		fire(a, "fgw", "2026-03-02", "proceed_to_review", nil, "")
		// The changed draft is assessed again (Art. 24): the old assessment is stale.
		risk := steps["record_risk_assessment"]
		reassessed := map[string]any{}
		for k, v := range risk.Payload {
			reassessed[k] = v
		}
		reassessed["draft_sha256"] = scenario.DraftV2
		fire(a, "risk", "2026-03-02", "record_risk_assessment", reassessed, "")
		fire(a, "fgw", "2026-03-02", "submit_legality_review", map[string]any{"draft_sha256": scenario.DraftV2, "legal_basis": []any{"《中华人民共和国城乡规划法》"}, "procedures_account": "已补充财政依据"}, "")
		fire(a, "sfj", "2026-03-03", "assign_counsel", map[string]any{"counsel_user_ids": []any{e.users["lawyer1"].user.ID}}, "")
		// An opinion on the old draft is stale (Art. 28 binds it to the draft examined).
		e.on("2026-03-04")
		wantProblem(t, e.fire(t, "lawyer1", a, "record_counsel_opinion", scenario.CounselOpinion(scenario.DraftV1), ""), http.StatusConflict, "guard_failed")
		fire(a, "lawyer1", "2026-03-04", "record_counsel_opinion", scenario.CounselOpinion(scenario.DraftV2), "")
		upload(a, "sfj", scenario.ConclusionDoc("lawful"))
		fire(a, "sfj", "2026-03-11", "conclude_legality_review", scenario.Conclusion("lawful", scenario.DraftV2), "")
		fire(a, "fgw", "2026-03-12", "submit_for_meeting", nil, "")

		b := e.createItem(t)
		e.walk(t, b, scenario.MeetingStep)

		// The meeting.
		r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive", "number": "2026年第5次常务会议",
			"held_on": "2026-03-17", "member_user_ids": members, "chief_executive_user_id": members[0]}})
		want(t, r, http.StatusCreated)
		base := fmt.Sprintf("/api/v1/meetings/%v", r.json(t)["id"])
		e.on("2026-03-17")
		for _, it := range []int64{a, b} {
			want(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: "zfb", Body: map[string]any{"item_id": it}}), http.StatusCreated)
		}
		want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members}}), http.StatusOK)
		speak := func(item, member int64, position, remarks string) {
			t.Helper()
			want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("%s/agenda/%d/positions", base, item), User: "zfb",
				Body: map[string]any{"member_user_id": member, "position": position, "remarks": remarks}}), http.StatusOK)
		}
		for i, m := range members[1:] {
			pos := "disagree"
			if i >= 4 {
				pos = "agree"
			}
			speak(a, m, pos, fmt.Sprintf("意见%d", i))
			speak(b, m, "agree", "")
		}
		speak(a, members[0], "agree", "民生急需")
		speak(b, members[0], "agree", "")
		decide := func(item int64, decision, reason string) *resp {
			return e.do(t, req{Method: "PUT", Path: fmt.Sprintf("%s/agenda/%d/decision", base, item), User: "quzhang",
				Body: map[string]any{"decision": decision, "departure_reason": reason}})
		}
		wantProblem(t, decide(a, "agree", ""), http.StatusConflict, "guard_failed")
		want(t, decide(a, "agree", "民生急需，补贴方案已按审查意见修改"), http.StatusOK)
		want(t, decide(b, "postpone", "待财政评审后再议"), http.StatusOK)
		want(t, e.do(t, req{Method: "POST", Path: base + "/close", User: "zfb"}), http.StatusOK)

		for it, state := range map[int64]string{a: "decided", b: "postponed"} {
			got, err := e.db.GetItem(ctx, e.org, it)
			if err != nil || got.State != state {
				t.Fatalf("item %d: %v %v, want %s", it, got.State, err, state)
			}
		}
		res, err := engine.Verify(ctx, e.db, 0, 0)
		if err != nil || res.Break != nil {
			t.Fatalf("chains: %+v %v", res.Break, err)
		}
		minutes := string(e.do(t, req{Method: "GET", Path: base + "/minutes", User: "audit"}).Body)
		for _, m := range []string{"member", "委员2", "委员3", "委员4"} {
			if !strings.Contains(minutes, m+"：不同意（意见") {
				t.Errorf("minutes do not name the dissent of %s", m)
			}
		}
		if !strings.Contains(minutes, "民生急需，补贴方案已按审查意见修改") {
			t.Error("minutes lack the reason for departing from the majority")
		}
	})
}
