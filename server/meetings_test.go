package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
)

// The executive meeting (Arts. 29–30): two items pass the gate onto the
// agenda with packages built from their records; members state positions
// with the chief executive last; on one item the chief executive departs
// from the majority, which needs a reason; the other is postponed. Closing
// applies both decisions, writes minutes naming each dissent, and locks
// the meeting; every chain verifies.
func TestAPI_Meeting_AgendaPositionsDecisionsAndClosing(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		for _, name := range []string{"member2", "member3"} {
			u := &engine.User{OrgID: e.org, Username: name, DisplayName: name + "委员", PasswordHash: "x", Roles: []engine.Role{engine.RoleMember}}
			if _, err := e.db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			e.users[name] = &account{user: u}
		}
		a, b, c := e.createItem(t), e.createItem(t), e.createItem(t)
		e.walk(t, a, scenario.MeetingStep)
		e.walk(t, b, scenario.MeetingStep)
		id := func(u string) int64 { return e.users[u].user.ID }
		members := []int64{id("quzhang"), id("member"), id("member2"), id("member3")}
		r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive", "number": "2026年第3次常务会议",
			"held_on": "2026-03-03", "member_user_ids": members, "chief_executive_user_id": id("quzhang")}})
		want(t, r, http.StatusCreated)
		mid := int64(r.json(t)["id"].(float64))
		base := fmt.Sprintf("/api/v1/meetings/%d", mid)
		// Only the secretariat creates meetings; the chief executive must be a member.
		wantProblem(t, e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "fgw", Body: map[string]any{"kind": "executive", "number": "x",
			"held_on": "2026-03-03", "member_user_ids": members, "chief_executive_user_id": id("quzhang")}}), http.StatusForbidden, "forbidden")
		wantProblem(t, e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive", "number": "y",
			"held_on": "2026-03-03", "member_user_ids": members[1:], "chief_executive_user_id": id("quzhang")}}), http.StatusUnprocessableEntity, "invalid")

		for _, it := range []int64{a, b} {
			want(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: "zfb", Body: map[string]any{"item_id": it}}), http.StatusCreated)
		}
		// Attendance: the chief executive must attend; outsiders cannot.
		wantProblem(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members[1:]}}), http.StatusUnprocessableEntity, "invalid")
		wantProblem(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": []int64{id("quzhang"), id("fgw")}}}), http.StatusUnprocessableEntity, "invalid")
		want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members}}), http.StatusOK)
		// An item still in drafting cannot go on the agenda (Art. 25).
		wantProblem(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: "zfb", Body: map[string]any{"item_id": c}}), http.StatusConflict, "conflict")
		pos := func(item int64, member, position string) *resp {
			return e.do(t, req{Method: "POST", Path: fmt.Sprintf("%s/agenda/%d/positions", base, item), User: "zfb",
				Body: map[string]any{"member_user_id": id(member), "position": position, "remarks": member + "的发言"}})
		}
		// The chief executive speaks last (Art. 30¶1).
		wantProblem(t, pos(a, "quzhang", "agree"), http.StatusConflict, "guard_failed")
		want(t, pos(a, "member", "disagree"), http.StatusOK)
		want(t, pos(a, "member2", "disagree"), http.StatusOK)
		want(t, pos(a, "member3", "agree"), http.StatusOK)
		want(t, pos(a, "quzhang", "agree"), http.StatusOK)
		for _, m := range []string{"member", "member2", "member3", "quzhang"} {
			want(t, pos(b, m, "agree"), http.StatusOK)
		}
		decide := func(item int64, decision, reason string) *resp {
			return e.do(t, req{Method: "PUT", Path: fmt.Sprintf("%s/agenda/%d/decision", base, item), User: "quzhang",
				Body: map[string]any{"decision": decision, "departure_reason": reason}})
		}
		// Departing from the majority needs the reason (Art. 30¶2).
		p := wantProblem(t, decide(a, "agree", ""), http.StatusConflict, "guard_failed")
		if !strings.Contains(p["basis"].(string), "第三十条第二款") {
			t.Fatalf("basis %v", p["basis"])
		}
		want(t, decide(a, "agree", "民生急需，风险可控，资金已落实"), http.StatusOK)
		want(t, decide(b, "postpone", "待财政评审后再议"), http.StatusOK)

		got := e.do(t, req{Method: "GET", Path: base, User: "member"})
		want(t, got, http.StatusOK)
		agenda := got.json(t)["agenda"].([]any)
		first := agenda[0].(map[string]any)
		if first["majority"] != "disagree" || len(first["positions"].([]any)) != 4 {
			t.Fatalf("agenda entry %v", first)
		}
		if pkg := first["package"].(map[string]any); pkg["legality"].(map[string]any)["outcome"] != "lawful" || pkg["draft"].(map[string]any)["draft_sha256"] == nil {
			t.Fatalf("package lacks the legality opinion or the draft: %v", pkg)
		}

		closed := e.do(t, req{Method: "POST", Path: base + "/close", User: "zfb"})
		want(t, closed, http.StatusOK)
		if closed.json(t)["state"] != "closed" {
			t.Fatalf("meeting %s", closed.Body)
		}
		for it, state := range map[int64]string{a: "decided", b: "postponed"} {
			r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", it), User: "audit"})
			if got := r.json(t)["state"].(map[string]any)["name"]; got != state {
				t.Fatalf("item %d is %v, want %s", it, got, state)
			}
			au := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", it), User: "audit"}).json(t)
			if au["verification"].(map[string]any)["ok"] != true {
				t.Fatalf("chain of %d broken", it)
			}
		}
		min := e.do(t, req{Method: "GET", Path: base + "/minutes", User: "audit"})
		want(t, min, http.StatusOK)
		html := string(min.Body)
		for _, s := range []string{"member：不同意", "member2委员：不同意", "民生急需，风险可控，资金已落实", "暂缓"} {
			if !strings.Contains(html, s) {
				t.Errorf("minutes lack %q", s)
			}
		}
		rec := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", a), User: "audit"}).json(t)["record"].(map[string]any)["meeting"].(map[string]any)
		if rec["minutes_sha256"] != min.Header.Get("X-Content-SHA256") || fmt.Sprint(rec["dissent"]) == "[]" {
			t.Fatalf("decision event lacks the minutes hash or the dissent: %v", rec)
		}
		docs := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/documents", a), User: "audit"}).json(t)["documents"].([]any)
		if last := docs[len(docs)-1].(map[string]any); last["kind"] != "minutes" || last["sha256"] != min.Header.Get("X-Content-SHA256") {
			t.Fatalf("minutes not attached: %v", docs)
		}
		// A closed meeting is locked.
		wantProblem(t, e.do(t, req{Method: "POST", Path: base + "/close", User: "zfb"}), http.StatusConflict, "conflict")
		wantProblem(t, decide(a, "disagree", "x"), http.StatusConflict, "conflict")
		// Readers: the auditor reads, an organizer may not.
		want(t, e.do(t, req{Method: "GET", Path: "/api/v1/meetings", User: "audit"}), http.StatusOK)
		wantProblem(t, e.do(t, req{Method: "GET", Path: "/api/v1/meetings", User: "fgw"}), http.StatusForbidden, "forbidden")
	})
}

// Decree 713 Art. 30 and Art. 38¶3 over the API, one meeting per outcome:
// a member is absent and the meeting still decides and closes; the absent
// member cannot speak; the majority is computed from the positions (a tie
// is "no majority" and the minutes say so); the dissenters — members
// whose position differs from the decision, abstentions aside — are the
// same in the minutes and in the item's record, for agree, disagree,
// revise and postpone.
func TestAPI_Meeting_AbsenceTieAndDissentInMinutesAndRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		for _, name := range []string{"委员甲", "委员乙", "委员丙", "委员丁"} {
			u := &engine.User{OrgID: e.org, Username: name, DisplayName: name, PasswordHash: "x", Roles: []engine.Role{engine.RoleMember}}
			if _, err := e.db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			e.users[name] = &account{user: u}
		}
		id := func(u string) int64 { return e.users[u].user.ID }
		cases := []struct {
			decision          string
			jia, yi, bing     string // positions of 委员甲, 委员乙, 委员丙
			reason            string
			majority, state   string
			dissenters, quiet []string // named in the dissent / not named
		}{
			{"agree", "agree", "agree", "disagree", "", "agree", "decided", []string{"委员丙"}, []string{"委员甲", "委员乙"}},
			{"disagree", "disagree", "disagree", "agree", "", "disagree", "rejected", []string{"委员丙"}, []string{"委员甲", "委员乙"}},
			{"revise", "agree", "disagree", "abstain", "", "none", "drafting", []string{"委员甲", "委员乙"}, []string{"委员丙"}},
			{"postpone", "agree", "agree", "disagree", "资金尚未落实", "agree", "postponed", []string{"委员甲", "委员乙", "委员丙"}, nil},
		}
		for n, c := range cases {
			item := e.createItem(t)
			e.walk(t, item, scenario.MeetingStep)
			members := []int64{id("quzhang"), id("委员甲"), id("委员乙"), id("委员丙"), id("委员丁")}
			r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive",
				"number": fmt.Sprintf("2026年第%d次常务会议", 10+n), "held_on": "2026-03-03", "member_user_ids": members, "chief_executive_user_id": id("quzhang")}})
			want(t, r, http.StatusCreated)
			base := fmt.Sprintf("/api/v1/meetings/%d", int64(r.json(t)["id"].(float64)))
			want(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: "zfb", Body: map[string]any{"item_id": item}}), http.StatusCreated)
			// 委员丁 is absent: four of five attend.
			want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members[:4]}}), http.StatusOK)
			pos := func(member, position string) *resp {
				return e.do(t, req{Method: "POST", Path: fmt.Sprintf("%s/agenda/%d/positions", base, item), User: "zfb",
					Body: map[string]any{"member_user_id": id(member), "position": position, "remarks": member + "发言"}})
			}
			wantProblem(t, pos("委员丁", "agree"), http.StatusConflict, "guard_failed")
			for _, p := range [][2]string{{"委员甲", c.jia}, {"委员乙", c.yi}, {"委员丙", c.bing}, {"quzhang", "agree"}} {
				want(t, pos(p[0], p[1]), http.StatusOK)
			}
			// Attendance is fixed once positions are recorded.
			wantProblem(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members}}), http.StatusConflict, "conflict")
			want(t, e.do(t, req{Method: "PUT", Path: fmt.Sprintf("%s/agenda/%d/decision", base, item), User: "quzhang",
				Body: map[string]any{"decision": c.decision, "departure_reason": c.reason}}), http.StatusOK)
			detail := e.do(t, req{Method: "GET", Path: base, User: "audit"}).json(t)
			if got := detail["agenda"].([]any)[0].(map[string]any)["majority"]; got != c.majority {
				t.Fatalf("%s: majority %v, want %s", c.decision, got, c.majority)
			}
			want(t, e.do(t, req{Method: "POST", Path: base + "/close", User: "zfb"}), http.StatusOK)

			got := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", item), User: "audit"}).json(t)
			if st := got["state"].(map[string]any)["name"]; st != c.state {
				t.Fatalf("%s: item is %v, want %s", c.decision, st, c.state)
			}
			var record []string
			for _, d := range got["record"].(map[string]any)["meeting"].(map[string]any)["dissent"].([]any) {
				record = append(record, d.(string))
			}
			minutes := string(e.do(t, req{Method: "GET", Path: base + "/minutes", User: "audit"}).Body)
			_, dissent, _ := strings.Cut(minutes, "不同意见：")
			dissent, _, _ = strings.Cut(dissent, "</p>")
			if len(record) != len(c.dissenters) {
				t.Fatalf("%s: record dissent %q, want %v", c.decision, record, c.dissenters)
			}
			for i, who := range c.dissenters {
				if !strings.HasPrefix(record[i], who+"：") || !strings.Contains(dissent, record[i]) {
					t.Errorf("%s: dissenter %s: record %q, minutes %q", c.decision, who, record, dissent)
				}
			}
			for _, who := range append(c.quiet, "委员丁", "quzhang") {
				if strings.Contains(dissent, who) || strings.Contains(strings.Join(record, ";"), who) {
					t.Errorf("%s: %s named as dissenting: record %q, minutes %q", c.decision, who, record, dissent)
				}
			}
			if !strings.Contains(minutes, "缺席：委员丁") {
				t.Errorf("%s: minutes do not name the absent member", c.decision)
			}
			if c.majority == "none" && !strings.Contains(minutes, "未形成多数意见") {
				t.Errorf("tie: the minutes do not say there was no majority")
			}
		}
	})
}

// Decree 713 Art. 30 with the organisation's meeting rules: the quorum is
// configurable; below it attendance is refused and nothing is recorded.
func TestAPI_Meeting_QuorumFollowsTheOrganisation(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		if err := e.db.SetMeetingQuorum(t.Context(), e.org, 66); err != nil {
			t.Fatal(err)
		}
		u := &engine.User{OrgID: e.org, Username: "委员戊", DisplayName: "委员戊", PasswordHash: "x", Roles: []engine.Role{engine.RoleMember}}
		if _, err := e.db.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		item := e.createItem(t)
		e.walk(t, item, scenario.MeetingStep)
		id := func(u string) int64 { return e.users[u].user.ID }
		members := []int64{id("quzhang"), id("member"), u.ID}
		r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive", "number": "第20次常务会议",
			"held_on": "2026-03-03", "member_user_ids": members, "chief_executive_user_id": id("quzhang")}})
		want(t, r, http.StatusCreated)
		base := fmt.Sprintf("/api/v1/meetings/%d", int64(r.json(t)["id"].(float64)))
		// Two of three is 66.7%: just above the quorum; one of three is not.
		p := wantProblem(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members[:1]}}),
			http.StatusConflict, "guard_failed")
		if !strings.Contains(p["message_zh"].(string), "66%") {
			t.Fatalf("quorum message %v", p["message_zh"])
		}
		if e.do(t, req{Method: "GET", Path: base, User: "audit"}).json(t)["quorum"] != false {
			t.Fatal("a refused attendance was recorded")
		}
		want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": members[:2]}}), http.StatusOK)
		if e.do(t, req{Method: "GET", Path: base, User: "audit"}).json(t)["quorum"] != true {
			t.Fatal("two of three attending does not reach a 66% quorum")
		}
	})
}
