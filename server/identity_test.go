package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
)

// refusedCiting fails unless r is a 409 guard refusal one of whose failed
// rules cites article, and the item's version is still version.
func refusedCiting(t *testing.T, e *env, r *resp, item int64, version any, article string) {
	t.Helper()
	p := wantProblem(t, r, http.StatusConflict, "guard_failed")
	cited := strings.Contains(fmt.Sprint(p["basis"]), article)
	fs, _ := p["failures"].([]any)
	for _, f := range fs {
		cited = cited || strings.Contains(fmt.Sprint(f.(map[string]any)["basis"]), article)
	}
	if !cited {
		t.Fatalf("refusal does not cite %s: %v", article, p)
	}
	if v := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", item), User: "audit"}).json(t)["version"]; v != version {
		t.Fatalf("a refused event changed the item: version %v → %v", version, v)
	}
}

// Issue "no way around the law", acceptance: signed documents are stored
// files and people are who the law needs, checked by identity against the
// real directory (users, law firms, counsel contracts), over the API:
//   - Art. 28: a counsel opinion naming a digest that matches no uploaded
//     document is refused;
//   - Art. 28: an organizer assigned as counsel is refused, and so is a
//     lawyer of the organizer department;
//   - Art. 28: a counsel whose firm's contract ended yesterday is refused;
//   - Art. 36¶2: an evaluator who was the risk assessor, under another
//     unit name, is refused;
//   - Art. 37: an adjustment naming item 999999 is refused.
func TestAPI_PeopleAndDocumentsTheLawNeedsAreCheckedByIdentity(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		version := func(item int64) any {
			return e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", item), User: "audit"}).json(t)["version"]
		}
		a := e.createItem(t)
		e.walk(t, a, "record_counsel_opinion")
		v := version(a)
		refusedCiting(t, e, e.fire(t, "lawyer1", a, "record_counsel_opinion", map[string]any{"draft_sha256": scenario.DraftV1, "authority_finding": "x",
			"procedure_finding": "x", "content_finding": "x", "citations": []any{"x"}, "document_sha256": scenario.SHA("从未上传的意见书")}, ""), a, v, "第二十八条")

		assign := func(users ...int64) *resp {
			return e.fire(t, "sfj", a, "assign_counsel", map[string]any{"counsel_user_ids": users}, "")
		}
		refusedCiting(t, e, assign(e.users["fgw"].user.ID), a, v, "第二十八条")

		// A lawyer of the organizer department, retained by the firm.
		firms := e.do(t, req{Method: "GET", Path: "/api/v1/law-firms", User: "admin"}).json(t)["law_firms"].([]any)
		firm := firms[0].(map[string]any)["id"]
		newCounsel := func(username string, dept int64, to string) int64 {
			r := e.do(t, req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: map[string]any{"username": username, "display_name": username,
				"password": "a-long-password", "roles": []string{"counsel"}, "department_id": dept}})
			want(t, r, http.StatusCreated)
			uid := int64(r.json(t)["id"].(float64))
			want(t, e.do(t, req{Method: "POST", Path: "/api/v1/counsel", User: "admin", Body: map[string]any{"user_id": uid, "law_firm_id": firm,
				"licence_no": "16501201810009999", "contract_from": "2025-01-01", "contract_to": to}}), http.StatusCreated)
			return uid
		}
		inHouse := newCounsel("fgw-lawyer", e.depts["发改委"], "2027-12-31")
		refusedCiting(t, e, assign(inHouse), a, v, "第二十八条")

		yesterday := engine.DateOf(e.clock().In(engine.ChinaTime)).AddDays(-1).String()
		lapsed := newCounsel("lapsed-lawyer", 0, yesterday)
		refusedCiting(t, e, assign(lapsed), a, v, "第二十八条")
		// The firm's other counsel, under contract, is accepted.
		want(t, assign(e.users["lawyer2"].user.ID), http.StatusOK)

		b := e.createItem(t)
		e.walk(t, b, "start_post_evaluation")
		v = version(b)
		risk := e.users["risk"].user.ID
		want(t, e.do(t, req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", risk), User: "admin",
			Body: map[string]any{"roles": []string{"risk_assessor", "evaluator"}}}), http.StatusOK)
		refusedCiting(t, e, e.fire(t, "zfb", b, "start_post_evaluation", map[string]any{"trigger": "many_opinions", "evaluator": "某评估咨询有限公司",
			"evaluator_user_ids": []any{risk}}, ""), b, v, "第三十六条第二款")

		refusedCiting(t, e, e.fire(t, "zfb", b, "start_adjustment", map[string]any{"adjustment_item_id": 999999}, "补贴标准调整"), b, v, "第三十七条")
	})
}

// Art. 11: the departments the government designates at start_decision
// draft and run the item and see it; the proposing department keeps
// read access but no longer acts; an undesignated department sees
// nothing.
func TestAPI_Art11_TheDesignatedOrganizerActsAndTheProposerReads(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t) // proposed by 发改委 (fgw)
		want(t, e.fire(t, "zfb", id, "start_decision", map[string]any{"study_summary": "经研究，由交通局承办",
			"organizer_department_ids": []any{e.depts["交通局"]}}, ""), http.StatusOK)
		get := func(user string) *resp {
			return e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), User: user})
		}
		want(t, get("jtj"), http.StatusOK)
		want(t, get("fgw"), http.StatusOK)
		draft := `{"legal_basis":["《中华人民共和国城乡规划法》"]}`
		wantProblem(t, e.upload(t, "fgw", id, "draft", "draft.txt", "text/plain", []byte(scenario.DraftV1Doc.Content), draft), http.StatusForbidden, "forbidden")
		want(t, e.upload(t, "jtj", id, "draft", "draft.txt", "text/plain", []byte(scenario.DraftV1Doc.Content), draft), http.StatusCreated)
		wantProblem(t, e.fire(t, "fgw", id, "record_department_consultation", map[string]any{"departments": []any{"住建局"}, "agreed": true}, ""),
			http.StatusForbidden, "forbidden")
		want(t, e.fire(t, "jtj", id, "record_department_consultation", map[string]any{"departments": []any{"住建局"}, "agreed": true}, ""), http.StatusOK)
		// The proposer's list shows the item; the work queue of the
		// organizer who runs it does, the proposer's does not.
		tasks := func(user string) string {
			return string(e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: user}).Body)
		}
		if !strings.Contains(tasks("jtj"), fmt.Sprintf(`"item":{"id":%d,`, id)) || strings.Contains(tasks("fgw"), fmt.Sprintf(`"item":{"id":%d,`, id)) {
			t.Fatalf("work queues: jtj %s; fgw %s", tasks("jtj"), tasks("fgw"))
		}
		// 住建局's organizer (an executor here) neither sees nor acts.
		want(t, get("zjj"), http.StatusNotFound)
	})
}
