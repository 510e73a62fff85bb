package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/scenario"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Documents: upload records the SHA-256, content type and size; download
// returns the same bytes; a draft upload becomes the current draft, so a
// legality review bound to the old draft goes stale (Art. 26 binds the
// review to the draft it examined).
func TestAPI_Documents_UploadDownloadAndDraftReplacesTheCurrentDraft(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "record_department_consultation")
		pdf := []byte("%PDF-1.4\n决策草案第二稿\n%%EOF\n")
		r := e.upload(t, "fgw", id, "draft", "草案第二稿.pdf", "application/pdf", pdf, `{"legal_basis":["《城乡规划法》"],"version_note":"第二稿"}`)
		want(t, r, http.StatusCreated)
		doc := r.json(t)
		sum := sha256.Sum256(pdf)
		if doc["sha256"] != hex.EncodeToString(sum[:]) || doc["size"] != float64(len(pdf)) || doc["content_type"] != "application/pdf" {
			t.Fatalf("document %v", doc)
		}
		it := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), User: "fgw"}).json(t)
		if got := it["record"].(map[string]any)["draft"].(map[string]any)["draft_sha256"]; got != doc["sha256"] {
			t.Fatalf("current draft %v, want the uploaded file's digest", got)
		}
		dl := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/documents/%v", id, doc["id"]), User: "audit"})
		want(t, dl, http.StatusOK)
		if string(dl.Body) != string(pdf) || dl.Header.Get("X-Content-SHA256") != doc["sha256"] {
			t.Fatalf("download differs")
		}
		list := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/documents", id), User: "fgw"}).json(t)
		if n := len(list["documents"].([]any)); n != 2 { // the first draft and this one
			t.Fatalf("%d documents listed", n)
		}
		// Another department cannot upload (it cannot see the item).
		want(t, e.upload(t, "jtj", id, "attachment", "a.txt", "text/plain", []byte("x"), ""), http.StatusNotFound)
		// A draft the workflow refuses leaves no document behind.
		r = e.upload(t, "fgw", id, "draft", "无依据.pdf", "application/pdf", pdf, `{}`)
		wantProblem(t, r, http.StatusUnprocessableEntity, "invalid")
		list = e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/documents", id), User: "fgw"}).json(t)
		if n := len(list["documents"].([]any)); n != 2 {
			t.Fatalf("a refused draft was kept: %d documents", n)
		}
		// A stale If-Match is refused before anything is stored.
		stale := e.uploadWith(t, "fgw", id, "attachment", "b.txt", "text/plain", []byte("b"), "", map[string]string{"If-Match": `"1"`})
		wantProblem(t, stale, http.StatusPreconditionFailed, "precondition_failed")
		// Too large.
		want(t, e.upload(t, "fgw", id, "attachment", "big.txt", "text/plain", []byte(strings.Repeat("x", 2<<20)), ""), http.StatusRequestEntityTooLarge)
	})
}

// The public endpoints: an item open for comment is listed and takes a
// comment, which becomes an audit event; non-disclosable items never
// appear; published decisions are listed once published.
func TestAPI_Public_ConsultationsCommentsAndDecisions(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "schedule_hearing") // the comment period is open until 2026-02-06
		hidden := e.createItem(t)
		e.walk(t, hidden, "open_comment_period")
		list := e.do(t, req{Method: "GET", Path: "/api/v1/public/demo/consultations"})
		want(t, list, http.StatusOK)
		items := list.json(t)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != float64(id) {
			t.Fatalf("consultations %s", list.Body)
		}
		if _, leaked := items[0].(map[string]any)["record"]; leaked {
			t.Fatal("the public view leaks the record")
		}
		one := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d", id)})
		want(t, one, http.StatusOK)
		if one.json(t)["open_for_comment"] != true {
			t.Fatalf("public item %s", one.Body)
		}
		r := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: map[string]any{"content": "建议补贴向低收入家庭倾斜", "commenter": "市民王某"}})
		want(t, r, http.StatusCreated)
		audit := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", id), User: "audit"}).json(t)
		evs := audit["events"].([]any)
		last := evs[len(evs)-1].(map[string]any)
		if last["event"] != "submit_public_comment" || last["actor"] != "public" || !strings.Contains(fmt.Sprint(last["payload"]), "低收入") {
			t.Fatalf("last audit event %v", last)
		}
		// A retry with the same Idempotency-Key records nothing twice.
		for range 3 {
			r := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: map[string]any{"content": "重试的意见"},
				Header: map[string]string{"Idempotency-Key": "comment-42"}})
			want(t, r, http.StatusCreated)
		}
		if v := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", id), User: "fgw"}).json(t); v["total"] != float64(2) {
			t.Fatalf("total %v after one comment and three tries of another, want 2", v["total"])
		}
		// Other organisations' codes do not reach this item.
		want(t, e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/other/items/%d", id)}), http.StatusNotFound)
		// After the period closes, comments are refused.
		e.on("2026-02-07")
		r = e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: map[string]any{"content": "迟到的意见"}})
		want(t, r, http.StatusNotFound)
		if d := e.do(t, req{Method: "GET", Path: "/api/v1/public/demo/decisions"}).json(t); len(d["items"].([]any)) != 0 {
			t.Fatalf("unpublished decisions listed: %v", d)
		}
		// Walk on to publication: the decision is listed.
		e.walkFrom(t, hidden, "open_comment_period", "")
		d := e.do(t, req{Method: "GET", Path: "/api/v1/public/demo/decisions"})
		want(t, d, http.StatusOK)
		if got := d.json(t)["items"].([]any); len(got) != 1 || got[0].(map[string]any)["publication"] == nil {
			t.Fatalf("decisions %s", d.Body)
		}
	})
}

// Listing: filters by state, stage, department, workflow, text and
// overdue, with keyset pagination that neither repeats nor skips.
func TestAPI_ListItems_FiltersAndKeysetPagination(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		var ids []int64
		for range 7 {
			ids = append(ids, e.createItem(t))
		}
		e.walk(t, ids[0], "open_comment_period")
		seen := map[float64]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			r := e.do(t, req{Method: "GET", Path: "/api/v1/items?limit=3" + cursor, User: "zfb"})
			want(t, r, http.StatusOK)
			m := r.json(t)
			for _, it := range m["items"].([]any) {
				id := it.(map[string]any)["id"].(float64)
				if seen[id] {
					t.Fatalf("item %v repeated", id)
				}
				seen[id] = true
			}
			if m["next_cursor"] == nil {
				break
			}
			cursor = "&cursor=" + m["next_cursor"].(string)
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if len(seen) != 7 {
			t.Fatalf("saw %d items, want 7", len(seen))
		}
		count := func(q string) int {
			r := e.do(t, req{Method: "GET", Path: "/api/v1/items?" + q, User: "zfb"})
			want(t, r, http.StatusOK)
			return len(r.json(t)["items"].([]any))
		}
		for q, n := range map[string]int{
			"state=drafting":                                1,
			"state=proposed":                                6,
			"state=proposed,drafting":                       7,
			"stage=drafting":                                1,
			"stage=initiation":                              6,
			"stage=initiation&state=drafting":               0,
			"workflow=normative-document":                   0,
			"q=" + "加装电梯":                                   7,
			"q=" + "没有的标题":                                  0,
			fmt.Sprintf("department_id=%d", e.depts["发改委"]): 7,
			fmt.Sprintf("department_id=%d", e.depts["交通局"]): 0,
			"overdue=true":                                  0,
			"overdue=false":                                 7,
		} {
			if got := count(q); got != n {
				t.Errorf("%s: %d items, want %d", q, got, n)
			}
		}
	})
}

// Directory: an administrator adds a law firm, a counsel user and the
// counsel's contract; tokens can be created, used and revoked.
func TestAPI_Directory_CounselAndTokensLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		f := e.do(t, req{Method: "POST", Path: "/api/v1/law-firms", User: "admin", Body: map[string]any{"name": "天山律师事务所"}})
		want(t, f, http.StatusCreated)
		firm := f.json(t)["id"]
		u := e.do(t, req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: map[string]any{"username": "lawyer3", "display_name": "马律师",
			"password": "a-long-password", "roles": []string{"counsel"}}})
		want(t, u, http.StatusCreated)
		c := e.do(t, req{Method: "POST", Path: "/api/v1/counsel", User: "admin", Body: map[string]any{"user_id": u.json(t)["id"], "law_firm_id": firm,
			"licence_no": "16501201810009999", "contract_from": "2026-01-01", "contract_to": "2027-12-31"}})
		want(t, c, http.StatusCreated)
		list := e.do(t, req{Method: "GET", Path: "/api/v1/counsel", User: "sfj"})
		want(t, list, http.StatusOK)
		if n := len(list.json(t)["counsel"].([]any)); n != 3 { // the two seeded and this one
			t.Fatalf("%d counsel", n)
		}
		// Reversed contract dates are refused.
		bad := e.do(t, req{Method: "POST", Path: "/api/v1/counsel", User: "admin", Body: map[string]any{"user_id": e.users["lawyer1"].user.ID, "law_firm_id": firm,
			"licence_no": "1", "contract_from": "2027-01-01", "contract_to": "2026-01-01"}})
		wantProblem(t, bad, http.StatusUnprocessableEntity, "invalid")

		tok := e.do(t, req{Method: "POST", Path: "/api/v1/tokens", User: "zfb", Body: map[string]any{"name": "OA 系统", "expires_in_days": 30}})
		want(t, tok, http.StatusCreated)
		m := tok.json(t)
		secret := m["token"].(string)
		me := e.do(t, req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer " + secret}})
		want(t, me, http.StatusOK)
		// Another user cannot revoke it; its owner can.
		want(t, e.do(t, req{Method: "DELETE", Path: fmt.Sprintf("/api/v1/tokens/%v", m["id"]), User: "fgw"}), http.StatusNotFound)
		want(t, e.do(t, req{Method: "DELETE", Path: fmt.Sprintf("/api/v1/tokens/%v", m["id"]), User: "zfb"}), http.StatusNoContent)
		wantProblem(t, e.do(t, req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer " + secret}}), http.StatusUnauthorized, "unauthenticated")
		// A deactivated user's tokens stop working.
		off := e.do(t, req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", e.users["member"].user.ID), User: "admin", Body: map[string]any{"active": false}})
		want(t, off, http.StatusOK)
		wantProblem(t, e.do(t, req{Method: "GET", Path: "/api/v1/me", User: "member"}), http.StatusUnauthorized, "unauthenticated")
	})
}

// Work queues: each user sees the items waiting on them with the action
// expected and the statutory due date; counsel see their assigned review
// with the legality-review period (Art. 26).
func TestAPI_MyTasks_QueuesPerUserWithDueDates(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		a := e.createItem(t) // waits on the secretariat (start_decision)
		b := e.createItem(t)
		e.walk(t, b, "record_counsel_opinion") // counsel assigned, review running
		tasks := func(u string) []map[string]any {
			r := e.do(t, req{Method: "GET", Path: "/api/v1/me/tasks", User: u})
			want(t, r, http.StatusOK)
			var out []map[string]any
			for _, x := range r.json(t)["tasks"].([]any) {
				out = append(out, x.(map[string]any))
			}
			return out
		}
		events := func(task map[string]any) []string {
			var out []string
			for _, a := range task["actions"].([]any) {
				out = append(out, a.(map[string]any)["event"].(string))
			}
			return out
		}
		itemID := func(task map[string]any) int64 { return int64(task["item"].(map[string]any)["id"].(float64)) }
		zfb := tasks("zfb")
		if len(zfb) == 0 || !containsItem(zfb, a, itemID) {
			t.Fatalf("secretariat queue lacks the new proposal: %v", zfb)
		}
		law := tasks("lawyer1")
		if len(law) != 1 || itemID(law[0]) != b || fmt.Sprint(events(law[0])) != "[record_counsel_opinion]" {
			t.Fatalf("counsel queue %v", law)
		}
		if law[0]["due_on"] != "2026-02-26" {
			t.Fatalf("counsel due date %v, want 2026-02-26 (7 working days across Spring Festival)", law[0]["due_on"])
		}
		if got := tasks("lawyer2"); len(got) != 0 {
			t.Fatalf("unassigned counsel has tasks: %v", got)
		}
		if got := tasks("audit"); len(got) != 0 {
			t.Fatalf("the auditor changes nothing, so has no tasks: %v", got)
		}
		if got := tasks("jtj"); len(got) != 0 {
			t.Fatalf("another department has tasks: %v", got)
		}
		for _, task := range tasks("fgw") {
			for _, ev := range events(task) {
				if ev == "withdraw" || ev == "return_to_drafting" {
					t.Fatalf("exceptional acts are not tasks: %v", task)
				}
			}
		}
	})
}

func containsItem(tasks []map[string]any, id int64, itemID func(map[string]any) int64) bool {
	for _, t := range tasks {
		if itemID(t) == id {
			return true
		}
	}
	return false
}

// Opinions (Art. 18): public comments and a CSV import are grouped with
// their near-duplicates; the period closes only when every group has a
// disposition; once published, the public sees how opinions were handled.
func TestAPI_Comments_GroupImportDisposeAndPublicFeedback(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "schedule_hearing")
		e.on("2026-01-20")
		for _, c := range []string{"建议，增加绿地！", "建议增加绿地", "补贴标准过高"} {
			want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: map[string]any{"content": c}}), http.StatusCreated)
		}
		csvBody := "姓名,内容\n王某,补贴标准过高。\n李某,希望尽快实施\n,\n"
		imp := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/comments/import?channel=letter", id), User: "fgw", Body: []byte(csvBody),
			Header: map[string]string{"Content-Type": "text/csv"}})
		want(t, imp, http.StatusOK)
		if imp.json(t)["imported"] != float64(2) {
			t.Fatalf("import %s", imp.Body)
		}
		wantProblem(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/comments/import?channel=letter", id), User: "fgw", Body: `{}`}),
			http.StatusUnsupportedMediaType, "unsupported_media_type")
		r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", id), User: "fgw"})
		want(t, r, http.StatusOK)
		v := r.json(t)
		if v["total"] != float64(5) || v["undisposed"] != float64(3) {
			t.Fatalf("comments %s", r.Body)
		}
		groups := v["groups"].([]any)
		for _, g := range groups {
			gm := g.(map[string]any)
			e.fire(t, "fgw", id, "dispose_comment_group", map[string]any{"group": gm["group"], "disposition": "partly_adopted", "reason": "已研究吸收"}, "")
		}
		v = e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", id), User: "fgw"}).json(t)
		if v["undisposed"] != float64(0) {
			t.Fatalf("undisposed after disposing: %v", v["undisposed"])
		}
		// The rest of the walk publishes the decision; its feedback is public.
		e.walkFrom(t, id, "schedule_hearing", "")
		pub := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d", id)})
		want(t, pub, http.StatusOK)
		fb, _ := pub.json(t)["feedback"].([]any)
		if len(fb) != 3 || strings.Contains(string(pub.Body), "王某") {
			t.Fatalf("public feedback %s", pub.Body)
		}
	})
}

// Art. 26: the legality-review package is derived from the record — the
// current draft, its legal basis and the procedures performed — and
// submitted without retyping.
func TestAPI_LegalityReview_PackageDerivedFromTheRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "submit_legality_review")
		r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/legality-review", id), User: "fgw"})
		want(t, r, http.StatusOK)
		pkg := r.json(t)
		acc := pkg["procedures_account"].(string)
		for _, s := range []string{"公众参与", "听证会", "专家论证：周教授", "风险评估：社会稳定风险评估中心，结论：风险可控", "征求部门意见：住建局"} {
			if !strings.Contains(acc, s) {
				t.Errorf("procedures account lacks %q: %s", s, acc)
			}
		}
		if pkg["draft_sha256"] != scenario.DraftV1 {
			t.Fatalf("draft %v", pkg["draft_sha256"])
		}
		want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/legality-review", id), User: "jtj"}), http.StatusNotFound)
		s := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/legality-review", id), User: "fgw"})
		want(t, s, http.StatusOK)
		if st := s.json(t)["state"].(map[string]any)["name"]; st != "legality_review" {
			t.Fatalf("state %v", st)
		}
		got := s.json(t)["record"].(map[string]any)["legality"].(map[string]any)["procedures_account"]
		if got != acc {
			t.Fatalf("submitted account %v", got)
		}
	})
}

// Comments arriving together are recorded together (one event listing
// each with its time received), and every acknowledged comment is counted
// with its own receipt.
func TestAPI_Public_ConcurrentCommentsAreAllRecorded(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "schedule_hearing")
		e.on("2026-01-20")
		var mu sync.Mutex
		receipts := map[string]bool{}
		var wg sync.WaitGroup
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id),
					Body: map[string]any{"content": fmt.Sprintf("意见%d", i%40), "commenter": fmt.Sprintf("市民%d", i)}})
				if r.Status != http.StatusCreated {
					t.Errorf("comment %d: %d %s", i, r.Status, r.Body)
					return
				}
				mu.Lock()
				receipts[r.json(t)["receipt"].(string)] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(receipts) != 60 {
			t.Fatalf("%d distinct receipts for 60 comments", len(receipts))
		}
		v := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", id), User: "fgw"}).json(t)
		if v["total"] != float64(60) || len(v["groups"].([]any)) != 40 {
			t.Fatalf("total %v in %d groups, want 60 in 40", v["total"], len(v["groups"].([]any)))
		}
		res, err := engine.Verify(t.Context(), e.db, e.org, id)
		if err != nil || res.Break != nil {
			t.Fatalf("chain %+v %v", res.Break, err)
		}
	})
}

// Art. 18 over the API: a GB18030 sheet (Excel on Chinese Windows) is
// imported with its commenters and dates kept in the audit trail; a file
// that decodes to replacement characters is refused and nothing is stored.
func TestAPI_Comments_ImportDetectsGB18030AndRefusesDamagedText(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "schedule_hearing")
		path := fmt.Sprintf("/api/v1/items/%d/comments/import?channel=letter", id)
		sheet, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("姓名,意见,日期\r\n王某,补贴标准过高。,2026-01-12\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		want(t, e.do(t, req{Method: "POST", Path: path, User: "fgw", Body: sheet, Header: map[string]string{"Content-Type": "text/csv"}}), http.StatusOK)
		before := e.snapshot(t)
		wantProblem(t, e.do(t, req{Method: "POST", Path: path, User: "fgw", Body: []byte("意见\n补贴\uFFFD\uFFFD过高\n"),
			Header: map[string]string{"Content-Type": "text/csv"}}), http.StatusUnprocessableEntity, "invalid")
		if e.snapshot(t) != before {
			t.Fatal("a refused import changed the database")
		}
		evs := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/audit", id), User: "audit"}).json(t)["events"].([]any)
		p := fmt.Sprint(evs[len(evs)-1].(map[string]any)["payload"])
		for _, s := range []string{"补贴标准过高。", "王某", "2026-01-12"} {
			if !strings.Contains(p, s) {
				t.Errorf("imported event lacks %q: %s", s, p)
			}
		}
	})
}

// uploadPublic uploads content as a document of kind marked for
// publication (public=true), with an optional payload for its event.
func (e *env) uploadPublic(t testing.TB, user string, id int64, kind, filename, content, payload string) *resp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("kind", kind)
	w.WriteField("public", "true")
	if payload != "" {
		w.WriteField("payload", payload)
	}
	p, _ := w.CreatePart(textproto.MIMEHeader{"Content-Disposition": {fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename)},
		"Content-Type": {"text/plain"}})
	p.Write([]byte(content))
	w.Close()
	hr := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/items/%d/documents", id), bytes.NewReader(buf.Bytes()))
	hr.Header.Set("Content-Type", w.FormDataContentType())
	hr.Header.Set("Authorization", "Bearer "+e.users[user].token)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	out := &resp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkContract(t, hr, nil, out)
	return out
}

// Arts. 15, 16 and 32: the consultation shows the draft and its
// explanation (the documents marked for publication), how and by when to
// comment; the hearing notice is public once announced; the published
// decision shows its text and how opinions were adopted, with the number
// of opinions counted from those recorded. Internal documents and the
// commenters' contact details are never public.
func TestAPI_Public_ShowsWhatTheLawPublishesAndNothingElse(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "record_draft")
		want(t, e.uploadPublic(t, "fgw", id, "draft", "征求意见稿.txt", scenario.DraftV1Doc.Content, `{"legal_basis":["《中华人民共和国城乡规划法》"]}`), http.StatusCreated)
		want(t, e.uploadPublic(t, "fgw", id, "explanation", "起草说明.txt", "关于加装电梯补贴的起草说明", ""), http.StatusCreated)
		internal := e.upload(t, "fgw", id, "attachment", "内部测算表.txt", "text/plain", []byte("内部测算"), "")
		want(t, internal, http.StatusCreated)
		internalID := int64(internal.json(t)["id"].(float64))
		e.walkFrom(t, id, "record_department_consultation", "record_hearing_materials")

		pub := func() map[string]any {
			r := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d", id)})
			want(t, r, http.StatusOK)
			return r.json(t)
		}
		v := pub()
		docs, _ := v["documents"].([]any)
		var names []string
		for _, d := range docs {
			dm := d.(map[string]any)
			names = append(names, dm["filename"].(string))
			dl := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/documents/%d", id, int64(dm["id"].(float64)))})
			want(t, dl, http.StatusOK)
			if dl.Header.Get("X-Content-SHA256") != dm["sha256"] {
				t.Fatalf("public download of %v: digest %s", dm["filename"], dl.Header.Get("X-Content-SHA256"))
			}
		}
		if strings.Join(names, ",") != "征求意见稿.txt,起草说明.txt" {
			t.Fatalf("public documents %v, want the draft and its explanation", names)
		}
		wantProblem(t, e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/documents/%d", id, internalID)}), http.StatusNotFound, "not_found")
		c := v["consultation"].(map[string]any)
		if c["comments_until"] != "2026-02-06" || fmt.Sprint(c["methods"]) != "[public_comment hearing]" || fmt.Sprint(c["channels"]) != "[区政府网站]" {
			t.Fatalf("consultation notice %v", c)
		}
		h := v["hearing"].(map[string]any)
		if h["place"] != "区政府第一会议室" || h["participant_selection"] != "自愿报名、随机抽取" || h["hearing_on"] != "2026-01-20" {
			t.Fatalf("hearing notice %v", h)
		}

		e.on("2026-01-15")
		want(t, e.do(t, req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id),
			Body: map[string]any{"content": "建议补贴向低收入家庭倾斜", "commenter": "市民王某", "contact": "13800138000"}}), http.StatusCreated)
		groups := e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d/comments", id), User: "fgw"}).json(t)["groups"].([]any)
		e.fire(t, "fgw", id, "dispose_comment_group", map[string]any{"group": groups[0].(map[string]any)["group"], "disposition": "adopted", "reason": "已采纳"}, "")
		e.walkFrom(t, id, "record_hearing_materials", "assign_execution")
		// Published: the decision text is public with it (Art. 32).
		v = pub()
		body, _ := json.Marshal(v)
		for _, secret := range []string{"13800138000", "内部测算", "市民王某"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("the public view shows %q: %s", secret, body)
			}
		}
		list, _ := json.Marshal(e.do(t, req{Method: "GET", Path: "/api/v1/public/demo/decisions"}).json(t))
		if strings.Contains(string(list), "13800138000") {
			t.Error("the public list shows a contact")
		}
		names = nil
		for _, d := range v["documents"].([]any) {
			names = append(names, d.(map[string]any)["filename"].(string))
		}
		if strings.Join(names, ",") != "征求意见稿.txt,起草说明.txt,decision.txt" {
			t.Fatalf("public documents once published %v, want the draft, its explanation and the decision text", names)
		}
		dec := v["documents"].([]any)[2].(map[string]any)
		want(t, e.do(t, req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/documents/%d", id, int64(dec["id"].(float64)))}), http.StatusOK)
		p := v["publication"].(map[string]any)
		if p["published_on"] != "2026-03-05" || p["opinions_received"] != float64(1) || p["opinion_handling_summary"] == nil {
			t.Fatalf("publication %v", p)
		}
	})
}
