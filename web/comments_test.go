package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/procedure"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// comment submits public comments on item id through the public use case,
// as the portal does.
func (s *site) comment(id int64, texts ...string) {
	s.t.Helper()
	ctx := context.Background()
	org, err := s.svc.PublicOrganisation(ctx, "demo")
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range texts {
		if _, err := s.svc.SubmitComment(ctx, org, id, procedure.PublicComment{Content: c}); err != nil {
			s.t.Fatalf("comment %q: %v", c, err)
		}
	}
}

// gb18030 encodes s as Excel on Chinese Windows saves a CSV file.
func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// binFile writes data to a file named name and returns its path.
func binFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// squashed is s without white space, for comparing a block's text.
func squashed(s string) string { return strings.Join(strings.Fields(s), "") }

// wantTotals fails unless the opinions page's totals read want (without
// spaces), e.g. "收到意见4条意见组数3组".
func wantTotals(t *testing.T, b *browsertest.Browser, want string) {
	t.Helper()
	if got := squashed(text(b, ".cm-stats")); !strings.Contains(got, want) {
		t.Fatalf("totals %q, want %q", got, want)
	}
}

const lettersCSV = "姓名,意见,来信日期\r\n王某,建议增设无障碍坡道,2026-01-28\r\n\"李某, 居民\",补贴标准过高！,2026-01-29\r\n"

// Decree 713 Arts. 15, 17 and 18, through the opinions page: the clerk of
// the organizer sees the public comments grouped (identical and nearly
// identical ones together), undisposed first with the totals, disposes of
// a group (部分采纳, with the reason), imports letters from a CSV file Excel
// saved in GB18030 — the preview names the encoding and the commenter
// column, and nothing is recorded until confirmed — and sees the totals
// grow; a damaged file is refused with what to do. The hearing (Arts.
// 16–17) is shown read-only with its participants, the materials sent and
// the transcript.
func TestComments_ClerkDisposesOfGroupsAndImportsLettersSavedByExcel(t *testing.T) {
	s := newSite(t)
	id := s.newItem("关于老旧小区加装电梯的实施意见")
	s.walk(id, "close_comment_period")
	s.on("2026-02-02") // within the comment period
	s.comment(id, "补贴标准过高。", "补贴标准 过高", "建议优先考虑低楼层住户的补偿", "希望尽快实施")

	b := browsertest.New(t)
	s.signIn(b, "fgw")
	page := fmt.Sprintf("%s/items/%d/comments", s.URL, id)
	b.Run(chromedp.Navigate(page))
	wantText(t, b, "公众意见", "补贴标准过高。", "建议优先考虑低楼层住户的补偿", "待处理", "政府网站",
		"听证会", "区政府第一会议室", "居民甲", "居民乙", "2026-01-12", "公告听证会")
	wantTotals(t, b, "收到意见4条意见组数3组已处理0组待处理3组")
	if got := text(b, ".cm-group .tag"); !strings.Contains(got, "2") {
		t.Errorf("the most frequent group is not first: %q", got)
	}
	b.Axe(t)

	// One group disposed of; it moves below the undisposed ones.
	key := engine.GroupKey("补贴标准过高")
	b.Run(
		chromedp.SetValue(chromedp.ID("g-"+key+"-disposition"), "partly_adopted"),
		chromedp.SendKeys(chromedp.ID("g-"+key+"-reason"), "补贴标准已按财政承受能力下调"),
		submit("#g-"+key+` button[type="submit"]`),
	)
	wantText(t, b, "已保存该组意见的处理结果", "部分采纳", "补贴标准已按财政承受能力下调", "张伟（发改委）")
	wantTotals(t, b, "已处理1组待处理2组")
	if last := browsertest.Get(b, chromedp.Evaluate[string](`[...document.querySelectorAll(".cm-group")].pop().id`)); last != "g-"+key {
		t.Errorf("the disposed group is not listed after the undisposed ones (last is %s)", last)
	}

	// Step 1: the letters, as Excel on Chinese Windows saves them.
	b.Run(
		chromedp.SetValue(chromedp.ID("cm-import-channel"), "letter"),
		chromedp.SetUploadFiles(chromedp.ID("cm-import-file"), []string{binFile(t, "来信汇总.csv", gb18030(t, lettersCSV))}),
		submit(`form[action$="/comments/import"] button[type="submit"]`),
	)
	wantText(t, b, "第二步", "GB18030", "提出人：第 1 列", "意见内容：第 2 列", "收到日期：第 3 列", "王某", "李某, 居民",
		"建议增设无障碍坡道", "信函", "确认导入 2 条意见")
	wantTotals(t, b, "收到意见4条") // nothing recorded yet
	b.Axe(t)
	shot(t, b, "comments-import")

	// Step 2: confirmed, recorded; the second letter joins the disposed group.
	b.Run(submit(`form[action$="/comments/import/confirm"] button[type="submit"]`))
	wantText(t, b, "已导入 2 条意见", "建议增设无障碍坡道", "信函")
	wantTotals(t, b, "收到意见6条意见组数4组已处理1组待处理3组")
	b.Axe(t)

	// A file that cannot be read faithfully is refused, nothing recorded.
	b.Run(
		chromedp.SetValue(chromedp.ID("cm-import-channel"), "email"),
		chromedp.SetUploadFiles(chromedp.ID("cm-import-file"), []string{binFile(t, "损坏.csv", []byte("意见\n\x81\x30\xff\xfe\n"))}),
		submit(`form[action$="/comments/import"] button[type="submit"]`),
	)
	wantText(t, b, "未能办理", "文件不是 UTF-8 或 GB18030 编码的文本")
	wantTotals(t, b, "收到意见6条")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("cm-import-channel"))); got != "email" {
		t.Errorf("the refused import lost the channel chosen: %q", got)
	}
	b.Axe(t)
}

// client signs user in over plain HTTP and returns the client and the
// session's CSRF token.
func (s *site) signedIn(user string) (*http.Client, string) {
	s.t.Helper()
	c := s.client()
	resp, err := c.Get(s.URL + "/login")
	if err != nil {
		s.t.Fatal(err)
	}
	tok := between(readAll(s.t, resp), `name="_csrf" value="`, `"`)
	resp, err = c.PostForm(s.URL+"/login", url.Values{"_csrf": {tok}, "organisation": {"demo"}, "username": {user}, "password": {Password}, "next": {"/"}})
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign-in of %s: %d", user, resp.StatusCode)
	}
	resp, err = c.Get(s.URL + "/")
	if err != nil {
		s.t.Fatal(err)
	}
	return c, between(readAll(s.t, resp), `name="_csrf" value="`, `"`)
}

// postMultipart posts fields (and a file under "file" when data is not
// nil) as a multipart form.
func postMultipart(t *testing.T, c *http.Client, u string, fields url.Values, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", "意见.csv")
		fw.Write(data)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}

// Art. 18 and the limits of the page: a disposition without its reason is
// refused beside the group's form, keeping what was chosen; a
// confirmation whose file was changed after the preview, or is not base64
// at all, is refused and records nothing; another department's organizer
// sees no opinions of the item (404), and the auditor reads them without
// any form.
func TestComments_RefusalsTamperedImportsAndWhoMaySee(t *testing.T) {
	s := newSite(t)
	id := s.newItem("关于调整公交线路的决定")
	s.walk(id, "close_comment_period")
	s.on("2026-02-02")
	s.comment(id, "建议保留18路")
	key := engine.GroupKey("建议保留18路")
	c, csrf := s.signedIn("fgw")
	page := fmt.Sprintf("%s/items/%d/comments", s.URL, id)

	before := s.version(id)
	resp, err := c.PostForm(page+"/dispose", url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(before)}, "group": {key},
		"f.disposition": {"not_adopted"}})
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "未能办理") ||
		!strings.Contains(between(body, `id="g-`+key+`"`, `</section>`), `value="not_adopted" selected`) {
		t.Fatalf("a disposition without reason: %d\n%.3000s", resp.StatusCode, body)
	}
	resp, _ = c.PostForm(page+"/dispose", url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(before)}, "group": {"0000000000000000"},
		"f.disposition": {"adopted"}, "f.reason": {"理由"}})
	if body := readAll(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "没有这一组意见") || !strings.Contains(body, "第十八条") {
		t.Fatalf("a disposition of no group: %d\n%.3000s", resp.StatusCode, body)
	}

	// Preview, then tamper with what is confirmed.
	csv := []byte("意见\n建议延长末班车\n")
	status, body := postMultipart(t, c, page+"/import", url.Values{"_csrf": {csrf}, "channel": {"email"}}, csv)
	if status != http.StatusOK || !strings.Contains(body, "UTF-8") || !strings.Contains(body, "建议延长末班车") {
		t.Fatalf("preview: %d\n%.2000s", status, body)
	}
	mac := between(body, `name="mac" value="`, `"`)
	data := html.UnescapeString(between(body, `name="data" value="`, `"`))
	if s.version(id) != before {
		t.Fatal("the preview recorded something")
	}
	for name, f := range map[string]url.Values{
		"another file":    {"data": {base64.StdEncoding.EncodeToString([]byte("意见\n建议取消18路\n"))}, "mac": {mac}, "channel": {"email"}},
		"another channel": {"data": {data}, "mac": {mac}, "channel": {"letter"}},
		"not base64":      {"data": {"%%%"}, "mac": {mac}, "channel": {"email"}},
		"no seal":         {"data": {data}, "channel": {"email"}},
	} {
		f.Set("_csrf", csrf)
		f.Set("version", fmt.Sprint(before))
		status, body := postMultipart(t, c, page+"/import/confirm", f, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "与预览的文件不一致") {
			t.Errorf("%s: %d\n%.1500s", name, status, body)
		}
	}
	if s.version(id) != before {
		t.Fatal("a tampered confirmation recorded something")
	}
	status, body = postMultipart(t, c, page+"/import/confirm", url.Values{"_csrf": {csrf}, "version": {fmt.Sprint(before)}, "data": {data}, "mac": {mac}, "channel": {"email"}}, nil)
	if status != http.StatusSeeOther || s.version(id) != before+1 {
		t.Fatalf("the confirmation as previewed: %d\n%.1500s", status, body)
	}

	// Another department's organizer; the auditor.
	other, _ := s.signedIn("jtj")
	resp, _ = other.Get(page)
	if body := readAll(t, resp); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "建议保留18路") {
		t.Errorf("another department's organizer: %d", resp.StatusCode)
	}
	auditor, _ := s.signedIn("audit")
	resp, _ = auditor.Get(page)
	body = readAll(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "建议保留18路") || strings.Contains(body, `action="/items/`) {
		t.Errorf("the auditor: %d, forms shown: %v", resp.StatusCode, strings.Contains(body, `action="/items/`))
	}
	// In English on request.
	resp, _ = auditor.Get(s.URL + "/lang/en?back=/")
	resp.Body.Close()
	resp, _ = auditor.Get(page)
	if body := readAll(t, resp); !strings.Contains(body, "Opinions received") || !strings.Contains(body, "Groups of opinions") || !strings.Contains(body, "Awaiting disposition") {
		t.Errorf("the opinions page in English:\n%.3000s", body)
	}
}
