package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/store/storetest"
)

// The auditor proves the record is complete and unaltered (Art. 33): the
// hash chain of one item verifies, then that of every item and the
// calendar log; after one audit event is altered directly in the
// database, verifying names the item and the event, one item at a time
// and all together. Nobody but the auditor verifies.
func TestAudit_VerifiesChainsAndNamesTheTamperedEvent_Art33(t *testing.T) {
	s := newSite(t)
	walked := s.newItem("关于调整城区公交线网的决定")
	s.walk(walked, "record_department_consultation")
	other := s.newItem("关于完善社区养老服务的实施意见")

	b := browsertest.New(t)
	s.signIn(b, "audit")
	b.Run(submit(`nav.menu a[href="/audit"]`))
	wantText(t, b, "审计校验", "校验单个事项", "校验全部事项")
	b.Axe(t)

	verifyItem := func(id any) {
		t.Helper()
		b.Run(
			chromedp.Navigate(s.URL+"/audit"),
			chromedp.SetValue(chromedp.ID("audit-item"), fmt.Sprint(id)),
			submit(`form[action="/audit"] button[type="submit"]`),
		)
	}
	verifyItem(walked)
	wantText(t, b, fmt.Sprintf("事项 #%d 的审计链完整：共 %d 条记录", walked, s.version(walked)))
	b.Axe(t)
	verifyItem("abc")
	wantText(t, b, "未能办理", "请输入事项编号")
	verifyItem(99999)
	wantText(t, b, "未能办理", "事项不存在")

	verifyAll := func() {
		t.Helper()
		b.Run(
			chromedp.Navigate(s.URL+"/audit"),
			submit(`form[action="/audit/runs"] button[type="submit"]`),
			chromedp.WaitVisible(chromedp.CSS("#run.done")),
		)
	}
	events := s.version(walked) + s.version(other)
	verifyAll()
	wantText(t, b, "校验完成", fmt.Sprintf("全部审计链完整：已校验 2 个事项、%d 条审计记录", events), "节假日日历记录完整", "由林审计于")
	b.Axe(t)
	shot(t, b, "audit")

	// The latest run is kept: the auditor may leave and come back.
	b.Run(chromedp.Navigate(s.URL + "/audit"))
	wantText(t, b, "最近一次全部事项校验", "全部审计链完整", "重新校验全部事项")

	// An audit event altered in the database, behind the triggers' back.
	storetest.TamperEvent(t, s.db, walked, 3, "事后篡改的理由")

	verifyAll()
	runURL := browsertest.Get(b, chromedp.Location())
	wantText(t, b, "校验发现问题", fmt.Sprintf("事项 #%d《关于调整城区公交线网的决定》的第 3 条审计记录与哈希链不符", walked),
		"内容与其哈希不符", "在第一处不符处停止")
	b.Axe(t)
	if href := browsertest.Get(b, chromedp.AttributeValue(chromedp.CSS(".audit-broken a"), "href")).Value; href != fmt.Sprintf("/items/%d?tab=audit", walked) {
		t.Errorf("the broken item's link: %q", href)
	}
	verifyItem(walked)
	wantText(t, b, "校验发现问题", "的第 3 条审计记录")
	verifyItem(other)
	wantText(t, b, fmt.Sprintf("事项 #%d 的审计链完整", other))

	// In English too.
	b.Run(chromedp.Navigate(s.URL + "/lang/en?back=" + url.QueryEscape(fmt.Sprintf("/audit?item=%d", walked))))
	wantText(t, b, fmt.Sprintf("Event 3 of item #%d", walked), "was altered")

	// Only the auditor verifies.
	c, csrf := s.adminSession("zfb")
	for _, p := range []string{"/audit", fmt.Sprintf("/audit?item=%d", walked)} {
		resp, err := c.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "哈希链不符") {
			t.Errorf("GET %s by the government office: %d", p, resp.StatusCode)
		}
	}
	resp, err := c.PostForm(s.URL+"/audit/runs", url.Values{"_csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /audit/runs by the government office: %d", resp.StatusCode)
	}
	// Another government's auditor does not see this one's run.
	oc, _ := s.adminSessionIn("other", "zfb")
	resp, err = oc.Get(runURL)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "公交线网") {
		t.Errorf("another government's auditor opening the run: %d", resp.StatusCode)
	}
}
