package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/internal/scenario"
)

// dueOf returns the due date of item id's period name as the pages write
// it in prose (2026年2月26日).
func (s *site) dueOf(id int64, name string) string {
	s.t.Helper()
	it, err := s.db.GetItem(s.t.Context(), s.org, id)
	if err != nil {
		s.t.Fatal(err)
	}
	ps, _ := it.Record["periods"].(map[string]any)
	p, _ := ps[name].(map[string]any)
	due, _ := p["due"].(string)
	if due == "" {
		s.t.Fatalf("item %d has no due date for %s: %v", id, name, ps)
	}
	var y, m, d int
	fmt.Sscanf(due, "%d-%d-%d", &y, &m, &d)
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// Decree 713 Arts. 25–28 through the review page: the legal office opens
// the package the record gives (the current draft with its stored file,
// the legal basis, the account of the procedures performed, the 7
// working days of Art. 26 running across the Spring Festival) and assigns
// lawyer1 through the picker, which shows each counsel's firm, licence and
// contract; lawyer1 finds the review in the work queue with its due date
// and gives the signed opinion; concluding before the 7 working days
// without a reason is refused with Art. 26; on the 7th working day the
// legal office concludes 合法 with its written opinion, and the organizer
// can then submit the item for the meeting (Art. 25).
func TestReview_LegalOfficeAssignsCounselAndConcludesAfterSevenWorkingDays(t *testing.T) {
	s := newSite(t)
	const title = "关于老旧小区加装电梯的实施意见"
	id := s.newItem(title)
	s.walk(id, "assign_counsel")
	review := fmt.Sprintf("%s/items/%d/review", s.URL, id)
	due := s.dueOf(id, "legality_review")

	b := browsertest.New(t)
	s.signIn(b, "sfj")
	b.Run(chromedp.Navigate(review + "?act=assign_counsel"))
	wantText(t, b, "送审材料", "draft.txt", "《中华人民共和国城乡规划法》", "履行决策法定程序的说明", "公众参与：向社会公开征求意见、听证会",
		"听证会：2026-01-20举行", "风险可控", "合法性审查时间", "不少于", "2026-02-26", "送请合法性审查：日期", "2026-02-10",
		"指定法律顾问、公职律师", "退回补充材料", "出具合法性审查意见")
	lawyer1 := fmt.Sprint(s.users["lawyer1"].ID)
	picker := `#act-assign_counsel input[name="f.counsel_user_ids"][value="` + lawyer1 + `"]`
	b.Run(chromedp.WaitVisible(chromedp.CSS(picker)))
	if got := text(b, "#act-assign_counsel fieldset"); !strings.Contains(got, "杨帆律师") || !strings.Contains(got, "明德律师事务所") ||
		!strings.Contains(got, "16501201810000001") || !strings.Contains(got, "2027-12-31") {
		t.Fatalf("the counsel picker does not show firm, licence and contract:\n%s", got)
	}
	b.Axe(t)
	shot(t, b, "legality-review")
	b.Run(
		chromedp.Click(chromedp.CSS(picker)),
		submit(`#act-assign_counsel button[type="submit"]`),
	)
	wantText(t, b, "已办理：指定法律顾问、公职律师", "审查情况", "杨帆律师")
	if loc := browsertest.Get(b, chromedp.Location()); loc != review {
		t.Fatalf("after the assignment the browser is at %s, not back on the review page", loc)
	}

	// lawyer1's work queue: the review, with its due date.
	s.on("2026-02-12")
	s.signOut(b)
	s.signIn(b, "lawyer1")
	wantText(t, b, "我的待办", title, "提出法律意见", due)
	b.Axe(t)
	shot(t, b, "work")

	b.Run(
		chromedp.Navigate(review+"?act=record_counsel_opinion"),
		chromedp.WaitVisible(chromedp.ID("ev-record_counsel_opinion-authority_finding")),
	)
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("ev-record_counsel_opinion-draft_sha256"))); got != scenario.DraftV1 {
		t.Errorf("the opinion form does not name the draft under review: %q", got)
	}
	b.Run(
		chromedp.SendKeys(chromedp.ID("ev-record_counsel_opinion-authority_finding"), "属于区政府职权范围"),
		chromedp.SendKeys(chromedp.ID("ev-record_counsel_opinion-procedure_finding"), "公众参与、专家论证、风险评估程序完备"),
		chromedp.SendKeys(chromedp.ID("ev-record_counsel_opinion-content_finding"), "内容不违反上位法"),
		chromedp.SendKeys(chromedp.ID("ev-record_counsel_opinion-citations"), "《重大行政决策程序暂行条例》第二十七条"),
		chromedp.SetUploadFiles(chromedp.ID("ev-record_counsel_opinion-document_sha256-file"), []string{file(t, "法律意见书（签署）.txt", "法律意见书：经审查，草案合法。律师 杨帆")}),
		submit(`#act-record_counsel_opinion button[type="submit"]`),
	)
	wantText(t, b, "已办理：提出法律意见", "属于区政府职权范围", "内容不违反上位法")
	b.Axe(t)

	// The legal office concludes too early, without saying why.
	s.signOut(b)
	s.signIn(b, "sfj")
	conclude := func(opinion string) {
		b.Run(
			chromedp.Navigate(review+"?act=conclude_legality_review"),
			chromedp.WaitVisible(chromedp.ID("ev-conclude_legality_review-opinion")),
			chromedp.SetValue(chromedp.ID("ev-conclude_legality_review-outcome"), "lawful"),
			chromedp.SendKeys(chromedp.ID("ev-conclude_legality_review-opinion"), opinion),
			chromedp.SetUploadFiles(chromedp.ID("ev-conclude_legality_review-opinion_sha256-file"), []string{file(t, "合法性审查意见书.txt", "合法性审查意见书："+opinion)}),
			submit(`#act-conclude_legality_review button[type="submit"]`),
		)
	}
	conclude("经审查，草案合法")
	wantText(t, b, "未能办理", "一般不少于7个工作日", "第二十六条第二款", "送审材料")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("ev-conclude_legality_review-opinion"))); got != "经审查，草案合法" {
		t.Errorf("the refused conclusion lost what was typed: %q", got)
	}
	b.Axe(t)

	// On the 7th working day.
	s.on("2026-02-26")
	conclude("经审查，决策草案合法，可以提请集体讨论")
	wantText(t, b, "已办理：出具合法性审查意见", "审查结论", "合法", "经审查，决策草案合法，可以提请集体讨论")

	s.on("2026-02-27")
	s.signOut(b)
	s.signIn(b, "fgw")
	b.Run(
		chromedp.Navigate(fmt.Sprintf("%s/items/%d?act=submit_for_meeting", s.URL, id)),
		chromedp.WaitVisible(chromedp.CSS(`#act-submit_for_meeting button[type="submit"]`)),
		submit(`#act-submit_for_meeting button[type="submit"]`),
	)
	wantText(t, b, "已办理：提请集体讨论", "待集体讨论")
}

// Art. 26¶1 for the organizer: the package is derived from the record,
// not typed; while a statutory step is missing the page says which, with
// its article; once complete the organizer submits it from the page and
// the review's 7 working days start.
func TestReview_OrganizerSubmitsThePackageTheRecordGives(t *testing.T) {
	s := newSite(t)
	early := s.newItem("关于设立创业扶持基金的决定")
	s.walk(early, "record_expert_handling")
	ready := s.newItem("关于老旧小区加装电梯的实施意见")
	s.walk(ready, "submit_legality_review")

	b := browsertest.New(t)
	s.signIn(b, "fgw")
	b.Run(chromedp.Navigate(fmt.Sprintf("%s/items/%d/review", s.URL, early)))
	wantText(t, b, "目前还不能送审", "第十九条", "尚未送请合法性审查")
	b.Axe(t)

	b.Run(chromedp.Navigate(fmt.Sprintf("%s/items/%d/review", s.URL, ready)))
	wantText(t, b, "将按左侧所列的送审材料", "专家论证：周教授、陈研究员，书面意见1份")
	b.Run(submit(`form[action$="/review/submit"] button[type="submit"]`))
	wantText(t, b, "已办理：送请合法性审查", "合法性审查", "2026-02-26", "送请合法性审查：日期")
	b.Axe(t)

	// A stale page is refused beside the submission, naming the version.
	c, csrf := s.signedIn("fgw")
	resp, err := c.PostForm(fmt.Sprintf("%s/items/%d/review/submit", s.URL, early), url.Values{"_csrf": {csrf}, "version": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "事项已被修改") {
		t.Fatalf("a stale submission: %d", resp.StatusCode)
	}
	// A "back" that is not a page of this item is ignored: the form comes
	// back to the item page.
	for _, back := range []string{"https://example.org/", "//example.org/", fmt.Sprintf("/items/%d/review", ready), fmt.Sprintf("/items/%d/nowhere", early)} {
		resp, err = c.PostForm(fmt.Sprintf("%s/items/%d/events/record_department_consultation", s.URL, early), url.Values{"_csrf": {csrf},
			"back": {back}, "f.departments": {"财政局"}, "f.agreed": {"true"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("/items/%d", early) {
			t.Errorf("back %q: %d %s", back, resp.StatusCode, loc)
		}
	}
}

// Art. 28: counsel's opinion must be the signed document stored with the
// item. A form naming a digest of no stored file (a forged or stale
// select) is refused on the review page itself, with the article, and
// records nothing. Counsel are retained under a contract: once it has
// ended, the picker says so beside each name.
func TestReview_CounselOpinionNamingNoStoredDocumentIsRefusedOnTheReviewPage(t *testing.T) {
	s := newSite(t)
	id := s.newItem("关于老旧小区加装电梯的实施意见")
	s.walk(id, "record_counsel_opinion")
	c, csrf := s.signedIn("lawyer1")
	before := s.version(id)
	f := url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(before)}, "back": {fmt.Sprintf("/items/%d/review", id)}}
	for k, v := range scenario.CounselOpinion(scenario.DraftV1) {
		switch x := v.(type) {
		case string:
			f.Set("f."+k, x)
		case []any:
			f.Set("f."+k, fmt.Sprint(x[0]))
		}
	}
	f.Set("f.document_sha256", scenario.SHA("未上传的法律意见书"))
	resp, err := c.PostForm(fmt.Sprintf("%s/items/%d/events/record_counsel_opinion", s.URL, id), f)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "<h1>合法性审查</h1>") || !strings.Contains(body, "第二十八条") ||
		!strings.Contains(between(body, `id="act-record_counsel_opinion"`, `</details>`), "未能办理") {
		t.Fatalf("an opinion naming no stored document: %d\n%.4000s", resp.StatusCode, body)
	}
	if s.version(id) != before {
		t.Fatal("the refused opinion changed the item")
	}

	// The picker warns of a retainer that does not cover today.
	s.on("2028-01-04")
	c, _ = s.signedIn("sfj")
	resp, err = c.Get(fmt.Sprintf("%s/items/%d/review", s.URL, id))
	if err != nil {
		t.Fatal(err)
	}
	picker := between(readAll(t, resp), `id="act-assign_counsel"`, `</details>`)
	if !strings.Contains(picker, "明德律师事务所") || strings.Count(picker, "聘用合同不在有效期内") != 2 {
		t.Errorf("the counsel picker after the contracts ended:\n%s", picker)
	}
}
