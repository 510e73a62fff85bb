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

// A department clerk's day, through the pages alone: the clerk proposes an
// item (Art. 10), the government office starts the procedure naming the
// clerk's department as organizer (Art. 11), the clerk uploads the draft
// with its legal basis (Art. 12), tries to open the comment period for too
// short a time and is refused with the article (Art. 15), then opens it
// for 30 days and more. Every page passes the accessibility check.
func TestJourney_ClerkProposesDraftsAndOpensTheCommentPeriod(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)

	b.Run(chromedp.Navigate(s.URL+"/lang/zh?back=/login"), chromedp.Navigate(s.URL+"/login"))
	wantText(t, b, "登录", "演示账号")
	b.Axe(t) // the sign-in page
	b.Run(chromedp.Navigate(s.URL + "/items/424242"))
	b.Run(chromedp.Navigate(s.URL + "/nowhere"))
	s.signIn(b, "fgw")
	b.Run(chromedp.Navigate(s.URL + "/items/424242"))
	wantText(t, b, "无法完成", "事项不存在")
	b.Axe(t) // the error page
	b.Run(chromedp.Navigate(s.URL + "/"))
	wantText(t, b, "我的待办", "暂无待办事项")
	b.Axe(t)

	b.Run(chromedp.Navigate(s.URL + "/items"))
	b.Axe(t)
	b.Run(
		submit(`a[href="/items/new?workflow=major-decision"]`),
	)
	b.Axe(t)
	p := scenario.Proposal()
	b.Run(
		chromedp.SendKeys(chromedp.ID("title"), "关于老旧小区加装电梯的实施意见"),
		chromedp.SetValue(chromedp.ID("ev-create-source"), "department"),
		chromedp.SendKeys(chromedp.ID("ev-create-problem"), p["problem"].(string)),
		chromedp.SendKeys(chromedp.ID("ev-create-reasons_and_basis"), p["reasons_and_basis"].(string)),
		chromedp.SendKeys(chromedp.ID("ev-create-preliminary_solution"), p["preliminary_solution"].(string)),
		chromedp.SendKeys(chromedp.ID("ev-create-necessity_feasibility"), p["necessity_feasibility"].(string)),
		submit(`form[action="/items"] button[type="submit"]`),
	)
	wantText(t, b, "已创建", "决策建议", "老旧小区加装电梯推进缓慢", "政府工作部门提出")
	b.Axe(t)
	itemURL := browsertest.Get(b, chromedp.Location())
	id := itemURL[strings.LastIndex(itemURL, "/")+1:]

	// The government office starts the procedure, naming 发改委.
	s.signOut(b)
	s.signIn(b, "zfb")
	b.Run(
		chromedp.Navigate(itemURL+"?act=start_decision"),
		chromedp.WaitVisible(chromedp.ID("ev-start_decision-study_summary")),
		chromedp.SendKeys(chromedp.ID("ev-start_decision-study_summary"), "经研究，建议启动，由区发改委承办"),
		chromedp.Click(chromedp.CSS(`#act-start_decision input[name="f.organizer_department_ids"][value="`+fmt.Sprint(s.depts["发改委"])+`"]`)),
		submit(`#act-start_decision button[type="submit"]`),
	)
	wantText(t, b, "已办理", "拟订决策草案")

	// The clerk uploads the draft with its legal basis.
	s.signOut(b)
	s.signIn(b, "fgw")
	wantText(t, b, "关于老旧小区加装电梯的实施意见") // now in the clerk's work queue
	b.Run(
		chromedp.Navigate(itemURL+"?act=record_draft"),
		chromedp.WaitVisible(chromedp.ID("ev-record_draft-legal_basis")),
		chromedp.SetUploadFiles(chromedp.ID("ev-record_draft-draft_sha256-file"), []string{file(t, "决策草案.txt", scenario.DraftV1Doc.Content)}),
		chromedp.Click(chromedp.ID("ev-record_draft-draft_sha256-public")),
		chromedp.SendKeys(chromedp.ID("ev-record_draft-legal_basis"), "《中华人民共和国城乡规划法》"),
		submit(`#act-record_draft button[type="submit"]`),
	)
	wantText(t, b, "已办理", "决策草案", "《中华人民共和国城乡规划法》")
	b.Run(chromedp.Navigate(itemURL + "?tab=documents"))
	wantText(t, b, "决策草案.txt", scenario.DraftV1[:12], "公开")
	b.Axe(t)

	// Too short a comment period is refused with the article.
	open := func(closes string) {
		b.Run(
			chromedp.Navigate(itemURL+"?act=open_comment_period"),
			chromedp.WaitVisible(chromedp.ID("ev-open_comment_period-closes_on")),
			chromedp.Click(chromedp.CSS(`#act-open_comment_period input[name="f.methods"][value="public_comment"]`)),
			chromedp.SendKeys(chromedp.ID("ev-open_comment_period-channels"), "区政府网站"),
			chromedp.SetValue(chromedp.ID("ev-open_comment_period-closes_on"), closes),
			submit(`#act-open_comment_period button[type="submit"]`),
		)
	}
	open("2026-01-20")
	wantText(t, b, "未能办理", "第十五条")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("ev-open_comment_period-channels"))); got != "区政府网站" {
		t.Errorf("the refused form lost what was typed: channels %q", got)
	}
	// The language switch on a refused form's page goes back to the item.
	if href := browsertest.Get(b, chromedp.AttributeValue(chromedp.CSS(`.langs a[lang="en"]`), "href")).Value; !strings.Contains(href, "back=%2fitems%2f") {
		t.Errorf("the language switch after a refusal leads to %q", href)
	}
	b.Axe(t)
	open("2026-02-06")
	wantText(t, b, "已办理", "公众参与", "2026年2月6日")
	shot(t, b, "item")

	// The record says who did what; the audit trail verifies.
	b.Run(chromedp.Navigate(itemURL + "?tab=audit"))
	wantText(t, b, "哈希链校验通过", "启动公众参与", "刘洋（政府办）")
	b.Axe(t)
	b.Run(chromedp.Navigate(itemURL + "?tab=diagram"))
	wantText(t, b, "公众参与", "当前")
	b.Axe(t)
	_ = id
}

// The pages keep the law's and the API's boundaries: a form without its
// CSRF token is refused and changes nothing; another government's user
// sees none of this government's items; the sign-in page works in English.
func TestPages_CSRFOtherGovernmentAndLanguage(t *testing.T) {
	s := newSite(t)
	id := s.newItem("关于建设智慧停车系统的决定")
	s.walk(id, "record_department_consultation")

	c := s.client()
	login := func(org, user string) {
		t.Helper()
		resp, err := c.Get(s.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		tok := between(body, `name="_csrf" value="`, `"`)
		resp, err = c.PostForm(s.URL+"/login", url.Values{"_csrf": {tok}, "organisation": {org}, "username": {user}, "password": {Password}, "next": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in of %s/%s: %d", org, user, resp.StatusCode)
		}
	}
	login("demo", "fgw")
	before := s.version(id)
	resp, err := c.PostForm(fmt.Sprintf("%s/items/%d/events/record_department_consultation", s.URL, id),
		url.Values{"f.departments": {"住建局"}, "f.agreed": {"true"}, "version": {fmt.Sprint(before)}})
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "安全令牌") {
		t.Fatalf("a forged form: %d\n%.400s", resp.StatusCode, body)
	}
	if s.version(id) != before {
		t.Fatal("a forged form changed the item")
	}

	// A form field holding NUL is refused before anything happens.
	page, err := c.Get(fmt.Sprintf("%s/items/%d", s.URL, id))
	if err != nil {
		t.Fatal(err)
	}
	token := between(readAll(t, page), `name="_csrf" value="`, `"`)
	resp, err = c.PostForm(fmt.Sprintf("%s/items/%d/events/record_department_consultation", s.URL, id),
		url.Values{"_csrf": {token}, "f.departments": {"住建局\x00"}, "f.agreed": {"true"}, "version": {fmt.Sprint(before)}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "控制字符") || s.version(id) != before {
		t.Fatalf("a form field with NUL: %d (version %d → %d)\n%.300s", resp.StatusCode, before, s.version(id), body)
	}

	// Another government's secretariat and auditor sees nothing of it.
	c = s.client()
	login("other", "zfb")
	for _, path := range []string{fmt.Sprintf("/items/%d", id), fmt.Sprintf("/items/%d/documents/1", id)} {
		resp, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "智慧停车") {
			t.Errorf("%s for another government: %d", path, resp.StatusCode)
		}
	}
	resp, _ = c.Get(s.URL + "/items")
	if body := readAll(t, resp); strings.Contains(body, "智慧停车") {
		t.Error("another government's list shows the item")
	}

	// English on request, Chinese by default.
	req, _ := http.NewRequest("GET", s.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); !strings.Contains(body, "Sign in") || strings.Contains(body, "登录</h1>") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("English sign-in page:\n%.300s", body)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// version is the stored version of item id.
func (s *site) version(id int64) int {
	s.t.Helper()
	it, err := s.db.GetItem(s.t.Context(), s.org, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return it.Version
}
