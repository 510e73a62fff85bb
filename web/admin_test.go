package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/procedure"
)

// adminSession signs user of the seeded government in over plain HTTP
// and returns the client and the session's CSRF token.
func (s *site) adminSession(user string) (*http.Client, string) {
	s.t.Helper()
	return s.adminSessionIn("demo", user)
}

// adminSessionIn is adminSession for a user of the organisation org.
func (s *site) adminSessionIn(org, user string) (*http.Client, string) {
	s.t.Helper()
	c := s.client()
	resp, err := c.Get(s.URL + "/login")
	if err != nil {
		s.t.Fatal(err)
	}
	tok := between(readAll(s.t, resp), `name="_csrf" value="`, `"`)
	resp, err = c.PostForm(s.URL+"/login", url.Values{"_csrf": {tok}, "organisation": {org}, "username": {user}, "password": {Password}, "next": {"/"}})
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

// adminUser is the stored account named username.
func (s *site) adminUser(username string) *engine.User {
	s.t.Helper()
	u, err := s.db.GetUserByUsername(s.t.Context(), s.org, username)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// adminCreate fills and sends the new-account form on the tab.
func (s *site) adminCreate(b *browsertest.Browser, username, display, dept string, roles ...string) {
	s.t.Helper()
	acts := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(s.URL + "/admin/users"),
		chromedp.SendKeys(chromedp.ID("u-username"), username),
		chromedp.SendKeys(chromedp.ID("u-display_name"), display),
		chromedp.SendKeys(chromedp.ID("u-password"), "a-long-enough-password"),
	}
	if dept != "" {
		acts = append(acts, chromedp.SetValue(chromedp.ID("u-department"), fmt.Sprint(s.depts[dept])))
	}
	for _, r := range roles {
		acts = append(acts, chromedp.Click(chromedp.ID("u-role-"+r)))
	}
	b.Run(append(acts, submit(`form[action="/admin/users"] button[type="submit"]`))...)
}

// The administrator keeps the directory the procedure relies on: a
// department is added, an account is created with its roles and
// department (organizers act only for their department, Art. 11), its
// roles are changed and the change is in its history from the security
// log, and an account is deactivated only once confirmed. Refused forms
// keep what was typed (never the password). Nobody else administers.
// Every page passes axe.
func TestAdmin_AccountsRolesAndDepartments_Art11(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.signIn(b, "admin")

	b.Run(submit(`nav.menu a[href="/admin"]`))
	wantText(t, b, "系统管理", "账号和角色", "共 16 个账号，其中 0 个已停用", "律师事务所和法律顾问", "1 家律师事务所，2 名法律顾问，其中 2 名在聘期内", "全国")
	b.Axe(t)

	// A department.
	b.Run(submit(`a[href="/admin/departments"]`))
	b.Axe(t)
	b.Run(
		chromedp.SendKeys(chromedp.ID("dept-name"), "发改委"),
		submit(`form[action="/admin/departments"] button[type="submit"]`),
	)
	wantText(t, b, "未能办理") // the name is taken
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("dept-name"))); got != "发改委" {
		t.Errorf("the refused form lost the name: %q", got)
	}
	b.Axe(t)
	b.Run(
		chromedp.SetValue(chromedp.ID("dept-name"), "区财政局"),
		submit(`form[action="/admin/departments"] button[type="submit"]`),
	)
	wantText(t, b, "已添加部门 区财政局。", "区财政局")

	// An account with roles and a department.
	b.Run(chromedp.Navigate(s.URL + "/admin/users"))
	wantText(t, b, "fgw", "张伟（发改委）", "决策承办单位", "在用")
	b.Axe(t)
	create := func(username, display, dept string, roles ...string) {
		t.Helper()
		s.adminCreate(b, username, display, dept, roles...)
	}
	create("fgw", "重名", "", "organizer")
	wantText(t, b, "未能办理")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("u-display_name"))); got != "重名" {
		t.Errorf("the refused form lost the name: %q", got)
	}
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("u-password"))); got != "" {
		t.Errorf("a refused form sends the password back: %q", got)
	}
	b.Axe(t)

	create("ke1", "赵科员（交通局）", "交通局", "organizer")
	wantText(t, b, "账号 ke1 已创建。", "赵科员（交通局）", "决策承办单位", "交通局", "变更记录", "创建账号")
	b.Axe(t)
	ke1 := s.adminUser("ke1")
	if ke1.DepartmentID != s.depts["交通局"] || !ke1.Actor().Has(engine.RoleOrganizer) || !ke1.Active {
		t.Fatalf("created account: %+v", ke1)
	}

	// Its roles change, and the change is in its history.
	b.Run(
		chromedp.Click(chromedp.ID("d-role-executor")),
		submit(`form[action="/admin/users/`+fmt.Sprint(ke1.ID)+`"] button[type="submit"]`),
	)
	wantText(t, b, "已保存 赵科员（交通局） 的账号。", "角色变更", "决策承办单位 → 决策执行单位、决策承办单位", "系统管理员")
	b.Axe(t)
	if u := s.adminUser("ke1"); !u.Actor().Has(engine.RoleExecutor) {
		t.Fatalf("roles not changed: %v", u.Roles)
	}
	log, err := s.db.SecurityEvents(s.t.Context(), s.org, ke1.ID, []string{"user_roles_changed"}, 10)
	if err != nil || len(log) != 1 || !strings.Contains(log[0].Detail, `"from":["organizer"]`) || !strings.Contains(log[0].Detail, `"by":"user:`+fmt.Sprint(s.users["admin"].ID)+`"`) {
		t.Fatalf("security log of the role change: %+v, %v", log, err)
	}
	b.Run(chromedp.Navigate(s.URL + "/admin/users"))
	wantText(t, b, "最近的账号变更", "角色变更", "ke1")

	// Deactivating asks for confirmation: without it nothing changes.
	c, csrf := s.adminSession("admin")
	resp, err := c.PostForm(fmt.Sprintf("%s/admin/users/%d/active", s.URL, ke1.ID), url.Values{"_csrf": {csrf}, "active": {"false"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "停用账号须勾选确认") {
		t.Fatalf("deactivating without confirmation: %d\n%.300s", resp.StatusCode, body)
	}
	if !s.adminUser("ke1").Active {
		t.Fatal("deactivated without confirmation")
	}
	b.Run(
		chromedp.Navigate(fmt.Sprintf("%s/admin/users/%d", s.URL, ke1.ID)),
		chromedp.Click(chromedp.ID("a-confirm")),
		submit(`form[action$="/active"] button[type="submit"]`),
	)
	wantText(t, b, "已停用 赵科员（交通局） 的账号。", "该账号已停用", "停用账号", "重新启用账号")
	b.Axe(t)
	if s.adminUser("ke1").Active {
		t.Fatal("not deactivated")
	}
	b.Run(submit(`form[action$="/active"] button[type="submit"]`))
	wantText(t, b, "已重新启用 赵科员（交通局） 的账号。", "重新启用账号", "停用账号")
	if !s.adminUser("ke1").Active {
		t.Fatal("not reactivated")
	}
	// In English, the history reads in English alone.
	b.Run(chromedp.Navigate(s.URL + "/lang/en?back=" + url.QueryEscape(fmt.Sprintf("/admin/users/%d", ke1.ID))))
	wantText(t, b, "Change history", "account reactivated", "account deactivated", "roles changed", "organizer → executing unit, organizer", "account created")
	b.Run(chromedp.Navigate(s.URL + "/lang/zh?back=/admin"))
	// One's own account cannot be deactivated.
	b.Run(chromedp.Navigate(fmt.Sprintf("%s/admin/users/%d", s.URL, s.users["admin"].ID)))
	wantText(t, b, "这是您本人的账号，不能停用。")

	// Someone else is refused every administration page and form.
	fc, fcsrf := s.adminSession("fgw")
	for _, p := range []string{"/admin", "/admin/users", fmt.Sprintf("/admin/users/%d", ke1.ID), "/admin/departments", "/admin/counsel", "/admin/calendars"} {
		resp, err := fc.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "无权") {
			t.Errorf("GET %s by an organizer: %d", p, resp.StatusCode)
		}
	}
	resp, err = fc.PostForm(s.URL+"/admin/departments", url.Values{"_csrf": {fcsrf}, "name": {"冒名部门"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /admin/departments by an organizer: %d", resp.StatusCode)
	}
	if ds, _ := s.db.ListDepartments(s.t.Context(), s.org); len(ds) != 4 {
		t.Errorf("departments after a refused form: %d", len(ds))
	}
	s.signOut(b)
	s.signIn(b, "fgw")
	b.Run(chromedp.Navigate(s.URL + "/admin"))
	wantText(t, b, "无法完成", "403", "您的角色无权进行此操作")
	b.Axe(t)
}

// Art. 28 has the legal office hear retained counsel: the administrator
// records a law firm and a counsel (an account holding the counsel role)
// with the contract that decides whether the legal office may assign
// them; reversed contract dates are refused, keeping what was typed.
func TestAdmin_LawFirmsAndCounselContracts_Art28(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.signIn(b, "admin")
	s.adminCreate(b, "lawyer3", "钱律师", "", "counsel")
	wantText(t, b, "账号 lawyer3 已创建。", "法律顾问")
	b.Run(chromedp.Navigate(s.URL + "/admin/counsel"))
	wantText(t, b, "明德律师事务所", "杨帆律师", "2027-12-31", "在聘期内")
	b.Axe(t)
	b.Run(
		chromedp.SendKeys(chromedp.ID("f-name"), "公正律师事务所"),
		submit(`form[action="/admin/law-firms"] button[type="submit"]`),
	)
	wantText(t, b, "已添加律师事务所 公正律师事务所。")
	firms, _ := s.db.ListLawFirms(s.t.Context(), s.org)
	firm := firms[len(firms)-1].ID
	counsel := func(from, to string) {
		t.Helper()
		b.Run(
			chromedp.SetValue(chromedp.ID("c-user"), fmt.Sprint(s.adminUser("lawyer3").ID)),
			chromedp.SetValue(chromedp.ID("c-firm"), fmt.Sprint(firm)),
			chromedp.SetValue(chromedp.ID("c-licence"), "16501202010001234"),
			chromedp.SetValue(chromedp.ID("c-from"), from),
			chromedp.SetValue(chromedp.ID("c-to"), to),
			submit(`form[action="/admin/counsel"] button[type="submit"]`),
		)
	}
	counsel("2026-12-31", "2026-01-01")
	wantText(t, b, "未能办理", "聘用合同起止日期无效")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("c-licence"))); got != "16501202010001234" {
		t.Errorf("the refused form lost the licence number: %q", got)
	}
	b.Axe(t)
	counsel("2026-01-01", "2026-12-31")
	wantText(t, b, "已登记法律顾问。", "钱律师", "公正律师事务所", "16501202010001234", "2026-01-01", "2026-12-31")
	b.Axe(t)
	// The legal office may now choose the new counsel.
	choices, err := s.svc.UserChoices(s.t.Context(), s.actor("sfj"), engine.RoleCounsel)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ch := range choices {
		found = found || (ch.Name == "钱律师" && ch.Current && ch.LawFirm == "公正律师事务所")
	}
	if !found {
		t.Fatalf("the new counsel is not a current choice: %+v", choices)
	}

}

// The administrator loads a year's holiday notice by uploading its file,
// and the working-day calendar reaches into that year; a malformed file is
// refused with each problem on its line and changes nothing (the due dates
// of Decree 713's working-day periods are counted on this data).
func TestAdmin_LoadsAHolidayNoticeAndRefusesAMalformedOneByLine(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	s.signIn(b, "admin")
	b.Run(chromedp.Navigate(s.URL + "/admin/calendars"))
	wantText(t, b, "节假日日历", "全国", "2026-12-31", "360", "正常", "2025", "系统（随软件提供）")
	b.Axe(t)
	logged, err := s.db.CalendarVersion(s.t.Context())
	if err != nil {
		t.Fatal(err)
	}

	bad := file(t, "cn-2028.yaml", "region: cn\nyears:\n  2028:\n    status: complete\n    basis: 国办发明电〔2027〕1号\n    holidays:\n      - {zh: 元旦, en: New Year, from: 2028-01-01, to: 2028-13-01}\n    workdays: [2028-02-30]\n")
	b.Run(
		chromedp.SetUploadFiles(chromedp.ID("cal-file"), []string{bad}),
		submit(`form[action="/admin/calendars"] button[type="submit"]`),
	)
	wantText(t, b, "文件 cn-2028.yaml 有以下问题，未作任何改动", "第 7 行", "第 8 行")
	b.Axe(t)
	if v, err := s.db.CalendarVersion(s.t.Context()); err != nil || v != logged {
		t.Errorf("calendar log after a refused file: version %d, %v", v, err)
	}

	fixture, err := filepath.Abs(filepath.Join("..", "calendars", "testdata", "cn-2027-FIXTURE.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b.Run(
		chromedp.SetUploadFiles(chromedp.ID("cal-file"), []string{fixture}),
		submit(`form[action="/admin/calendars"] button[type="submit"]`),
	)
	wantText(t, b, "已载入 全国 2027年", "2027-12-31", "cn-2027-FIXTURE.yaml", "系统管理员", "测试用数据")
	if strings.Contains(text(b, "#coverage"), "2026-12-31") {
		t.Errorf("coverage did not move to 2027:\n%s", text(b, "#coverage"))
	}
	b.Axe(t)
	cov, err := procedure.NewCalendars(s.db, s.eng, discard()).Coverage(s.t.Context())
	if err != nil || len(cov) == 0 || cov[0].CoveredUntil != "2027-12-31" {
		t.Fatalf("coverage after the load: %+v, %v", cov, err)
	}

	// The same file again changes nothing.
	b.Run(
		chromedp.SetUploadFiles(chromedp.ID("cal-file"), []string{fixture}),
		submit(`form[action="/admin/calendars"] button[type="submit"]`),
	)
	wantText(t, b, "与现行数据相同，未作改动")

	// Only an administrator loads notices.
	c, csrf := s.adminSession("zfb")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", csrf)
	fw, _ := mw.CreateFormFile("notice", "cn-2027.yaml")
	fw.Write([]byte("region: cn\n"))
	mw.Close()
	resp, err := c.Post(s.URL+"/admin/calendars", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a notice loaded by the government office: %d", resp.StatusCode)
	}
}
