package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
)

// fixture2027JSON is the marked 2027 test fixture (not the real notice)
// in the JSON form the API takes.
func fixture2027JSON(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../calendars/testdata/cn-2027-FIXTURE.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n, err := calendars.Parse("fixture", data)
	if err != nil {
		t.Fatal(err)
	}
	y := n.Years[0]
	hol := []map[string]string{}
	for _, h := range y.Holidays {
		hol = append(hol, map[string]string{"zh": h.Name.Zh, "en": h.Name.En, "from": h.From.String(), "to": h.To.String()})
	}
	b, _ := json.Marshal(map[string]any{"region": "cn", "years": map[string]any{"2027": map[string]any{
		"status": "complete", "basis": y.Basis, "holidays": hol, "workdays": y.Workdays}}})
	return b
}

// The year's end without the next State Council notice (issue: the
// calendar never stops the procedure). A meeting that agrees an item
// closes on 2026-12-04 and the publication limit is provisional; a
// legality review submitted on 2026-12-24 has a provisional floor; the
// work queue, the item and readiness say so; the administrator is asked
// to load the notice; loading it through the API moves the due dates with
// one event per item, every chain still verifying.
func TestAPI_YearEnd_ProvisionalDueDatesThenTheNoticeLoadedMovesThem(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		a, b := e.createItem(t), e.createItem(t)
		e.shift = engine.DaysBetween(mustDate(t, "2026-03-03"), mustDate(t, "2026-12-04"))
		e.walk(t, a, scenario.MeetingStep)
		e.shift = engine.DaysBetween(mustDate(t, "2026-02-10"), mustDate(t, "2026-12-24"))
		e.walk(t, b, "assign_counsel")

		// The meeting agrees item a on 2026-12-04 and closes.
		e.on("2026-12-04")
		id := func(u string) int64 { return e.users[u].user.ID }
		r := e.do(t, req{Method: "POST", Path: "/api/v1/meetings", User: "zfb", Body: map[string]any{"kind": "executive", "number": "2026年第30次常务会议",
			"held_on": "2026-12-04", "member_user_ids": []int64{id("quzhang"), id("member")}, "chief_executive_user_id": id("quzhang")}})
		want(t, r, http.StatusCreated)
		base := fmt.Sprintf("/api/v1/meetings/%d", int64(r.json(t)["id"].(float64)))
		want(t, e.do(t, req{Method: "POST", Path: base + "/agenda", User: "zfb", Body: map[string]any{"item_id": a}}), http.StatusCreated)
		want(t, e.do(t, req{Method: "PUT", Path: base + "/attendance", User: "zfb", Body: map[string]any{"present_user_ids": []int64{id("quzhang"), id("member")}}}), http.StatusOK)
		for _, m := range []string{"member", "quzhang"} {
			want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("%s/agenda/%d/positions", base, a), User: "zfb",
				Body: map[string]any{"member_user_id": id(m), "position": "agree"}}), http.StatusOK)
		}
		want(t, e.do(t, req{Method: "PUT", Path: fmt.Sprintf("%s/agenda/%d/decision", base, a), User: "quzhang", Body: map[string]any{"decision": "agree"}}), http.StatusOK)
		want(t, e.do(t, req{Method: "POST", Path: base + "/close", User: "zfb"}), http.StatusOK)

		e.on("2026-12-24")
		item := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", a), User: "audit"}).json(t)
		note, _ := item["due_note"].(map[string]any)
		if item["state"].(map[string]any)["name"] != "decided" || item["due_provisional"] != true || !strings.Contains(fmt.Sprint(note["zh"]), "2027年") {
			t.Fatalf("item a: state %v, due %v provisional %v note %v", item["state"], item["due_on"], item["due_provisional"], note)
		}
		oldDue := item["due_on"].(string)
		tasks := e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: "sfj"}).json(t)["tasks"].([]any)
		var review map[string]any
		for _, x := range tasks {
			if x.(map[string]any)["item"].(map[string]any)["id"] == float64(b) {
				review = x.(map[string]any)
			}
		}
		if review == nil {
			t.Fatalf("the legal office's queue lacks item %d: %v", b, tasks)
		}
		p := review["periods"].([]any)[0].(map[string]any)
		if p["name"] != "legality_review" || p["due"] != "2027-01-04" || p["provisional"] != true || review["due_provisional"] != true {
			t.Fatalf("queue entry periods %v", review["periods"])
		}
		// The administrator is asked to load the notice; readiness and the
		// metric say how far the data reaches.
		adminTasks := e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: "admin"}).json(t)["calendar_tasks"].([]any)
		if len(adminTasks) != 1 || adminTasks[0].(map[string]any)["label"].(map[string]any)["zh"] != "载入全国2027年节假日安排通知" {
			t.Fatalf("admin calendar tasks %v", adminTasks)
		}
		ready := e.do(t, req{Method: "GET", Path: "/readyz"})
		want(t, ready, http.StatusOK)
		if until := ready.json(t)["calendar_covered_until"].(map[string]any); until["cn"] != "2026-12-31" {
			t.Fatalf("readyz calendar_covered_until %v", until)
		}
		cov := ready.json(t)["calendars"].([]any)[0].(map[string]any)
		if cov["region"] != "cn" || cov["covered_until"] != "2026-12-31" || cov["days_left"] != float64(7) || cov["warn"] != true {
			t.Fatalf("readyz calendars %v", cov)
		}
		if m := e.do(t, req{Method: "GET", Path: "/metrics", Header: map[string]string{"Authorization": "Bearer " + metricsToken}}); !strings.Contains(string(m.Body), `juece_calendar_coverage_days{region="cn"} 7`) {
			t.Fatal("metrics lack the coverage gauge")
		}

		// Only an administrator loads notices; a malformed one names its line.
		fixture := fixture2027JSON(t)
		wantProblem(t, e.do(t, req{Method: "POST", Path: "/api/v1/calendars", User: "sfj", Body: fixture}), http.StatusForbidden, "forbidden")
		bad := wantProblem(t, e.do(t, req{Method: "POST", Path: "/api/v1/calendars", User: "admin",
			Body: `{"region":"cn","years":{"2027":{"status":"complete","basis":"x",` + "\n" + `"workdays":["2027-01-05"]}}}`}), http.StatusUnprocessableEntity, "invalid")
		probs := bad["problems"].([]any)
		if len(probs) != 1 || probs[0].(map[string]any)["line"] != float64(2) || !strings.Contains(probs[0].(map[string]any)["message_zh"].(string), "不是周六或周日") {
			t.Fatalf("problems %v", probs)
		}
		if y := e.do(t, req{Method: "GET", Path: "/api/v1/calendars?region=cn&year=2027", User: "fgw"}).json(t)["years"].([]any); len(y) != 0 {
			t.Fatalf("a refused notice left data: %v", y)
		}
		loaded := e.do(t, req{Method: "POST", Path: "/api/v1/calendars", User: "admin", Body: fixture})
		want(t, loaded, http.StatusOK)
		if res := loaded.json(t); res["recomputed"] != float64(2) || len(res["changed"].([]any)) != 1 {
			t.Fatalf("import %s", loaded.Body)
		}
		for it, period := range map[int64]string{a: "publication", b: "legality_review"} {
			au := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", it), User: "audit"}).json(t)
			evs := au["events"].([]any)
			last := evs[len(evs)-1].(map[string]any)
			pl := fmt.Sprint(last["payload"])
			if last["event"] != "recompute_periods" || last["actor"] != "system" || !strings.Contains(pl, period) || !strings.Contains(pl, "TEST FIXTURE") {
				t.Fatalf("item %d last event %v", it, last)
			}
			if au["verification"].(map[string]any)["ok"] != true {
				t.Fatalf("chain of %d broken after recompute", it)
			}
		}
		item = e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", a), User: "audit"}).json(t)
		if item["due_provisional"] != false || item["due_on"] == oldDue {
			t.Fatalf("after the notice: due %v (was %s) provisional %v", item["due_on"], oldDue, item["due_provisional"])
		}
		shown := e.do(t, req{Method: "GET", Path: "/api/v1/calendars?region=cn&year=2027", User: "fgw"}).json(t)["years"].([]any)
		if len(shown) != 1 || shown[0].(map[string]any)["loaded_by"] != fmt.Sprintf("user:%d", id("admin")) {
			t.Fatalf("calendar shown %v", shown)
		}
		if cov := e.do(t, req{Method: "GET", Path: "/readyz"}).json(t)["calendars"].([]any)[0].(map[string]any); cov["covered_until"] != "2027-12-31" || cov["warn"] != false {
			t.Fatalf("readyz after the notice %v", cov)
		}
		if at := e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: "admin"}).json(t)["calendar_tasks"].([]any); len(at) != 0 {
			t.Fatalf("admin still asked to load: %v", at)
		}
	})
}

// Calendar messages users meet in their work (why a due date is
// provisional, what the administrator must load) are Chinese only in the
// Chinese text and English only in the English one, and name no
// command-line flag; a refused notice names what the file must say.
func TestAPI_CalendarMessagesAreMonolingualAndNameNoFlags(t *testing.T) {
	e := newEnv(t, "sqlite")
	latin := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	e.shift = engine.DaysBetween(mustDate(t, "2026-02-10"), mustDate(t, "2026-12-28"))
	id := e.createItem(t)
	e.walk(t, id, "assign_counsel")
	it := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), User: "sfj"}).json(t)
	pr := it["record"].(map[string]any)["periods"].(map[string]any)["legality_review"].(map[string]any)["provisional_reason"].(map[string]any)
	tasks := e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: "admin"}).json(t)["calendar_tasks"].([]any)
	if len(tasks) != 1 {
		t.Fatalf("admin tasks %v", tasks)
	}
	task := tasks[0].(map[string]any)
	for _, m := range []map[string]any{pr, task["label"].(map[string]any), task["reason"].(map[string]any)} {
		zh, en := m["zh"].(string), m["en"].(string)
		if zh == "" || en == "" || strings.ContainsAny(zh, latin) || strings.ContainsAny(en, "年节假日安排暂按") || strings.Contains(zh+en, "--") {
			t.Errorf("mixed or flag-naming message: %q / %q", zh, en)
		}
	}
	r := e.do(t, req{Method: "POST", Path: "/api/v1/calendars", User: "admin", Body: `{"region":"cn","years":{"2027":{"status":"final","basis":"x"}}}`})
	p := wantProblem(t, r, http.StatusUnprocessableEntity, "invalid")
	if strings.Contains(p["message_zh"].(string)+p["message_en"].(string), "--") || strings.ContainsAny(p["message_en"].(string), "年节") {
		t.Fatalf("problem %v", p)
	}
}

func mustDate(t *testing.T, s string) engine.Date {
	t.Helper()
	d, err := engine.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
