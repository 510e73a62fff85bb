package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The administration pages (系统管理, administrators): accounts and their
// roles with each account's change history, departments, law firms and
// retained counsel with their contracts, and the holiday calendars. Every
// change goes through procedure.Directory or procedure.Calendars, which
// check the role again; a refused form is shown again with what was typed
// and the refusal beside it.

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/admin", w.adminPage)
		g.GET("/admin/users", w.adminUsersPage)
		g.POST("/admin/users", w.adminCreateUser)
		g.GET("/admin/users/:id", w.adminUserPage)
		g.POST("/admin/users/:id", w.adminUpdateUser)
		g.POST("/admin/users/:id/active", w.adminSetActive)
		g.POST("/admin/users/:id/password", w.adminSetPassword)
		g.GET("/admin/departments", w.adminDepartmentsPage)
		g.POST("/admin/departments", w.adminCreateDepartment)
		g.GET("/admin/counsel", w.adminCounselPage)
		g.POST("/admin/law-firms", w.adminCreateLawFirm)
		g.POST("/admin/counsel", w.adminCreateCounsel)
		g.GET("/admin/calendars", w.adminCalendarsPage)
		g.POST("/admin/calendars", w.adminImportCalendar)
	})
	addMessages(adminMessages)
}

// admin returns the directory use cases after checking that the viewer
// administers (a 403 page otherwise).
func (w *Web) admin(c echo.Context) (*procedure.Directory, *viewer, error) {
	v := viewerOf(c)
	if err := procedure.MayAdminister(v.Actor); err != nil {
		return nil, nil, err
	}
	if w.dir == nil {
		return nil, nil, engine.Internal(errors.New("web: the administration pages need Config.Directory"))
	}
	return w.dir, v, nil
}

// refusalOf returns err as a refusal to show beside a form, or nil when it
// is a failure of the system (then the caller returns err itself).
func refusalOf(err error) *engine.Error {
	var ee *engine.Error
	if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
		return nil
	}
	return ee
}

// adminDeptNames maps department ids to names.
func adminDeptNames(ds []engine.Department) map[int64]string {
	m := make(map[int64]string, len(ds))
	for _, d := range ds {
		m[d.ID] = d.Name
	}
	return m
}

// adminFormID reads a non-negative integer form field; anything else is 0.
func adminFormID(form url.Values, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(form.Get(name)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// adminFormRoles reads the checked roles.
func adminFormRoles(form url.Values) []engine.Role {
	out := []engine.Role{}
	for _, r := range form["roles"] {
		out = append(out, engine.Role(r))
	}
	return out
}

// ── the overview ────────────────────────────────────────────────────────────

type adminData struct {
	Users, Inactive, Departments, LawFirms, Counsel, CurrentCounsel int
	Coverage                                                        []procedure.Coverage
}

func (w *Web) adminPage(c echo.Context) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var d adminData
	users, err := dir.AllUsers(ctx, v.Actor)
	if err != nil {
		return err
	}
	d.Users = len(users)
	for _, u := range users {
		if !u.Active {
			d.Inactive++
		}
	}
	ds, err := dir.Departments(ctx, v.Actor)
	if err != nil {
		return err
	}
	fs, err := dir.LawFirms(ctx, v.Actor)
	if err != nil {
		return err
	}
	cs, _, err := dir.CounselRoster(ctx, v.Actor)
	if err != nil {
		return err
	}
	d.Departments, d.LawFirms, d.Counsel = len(ds), len(fs), len(cs)
	for _, e := range cs {
		if e.Current {
			d.CurrentCounsel++
		}
	}
	if w.cals != nil {
		if d.Coverage, err = w.cals.Coverage(ctx); err != nil {
			return err
		}
	}
	return w.render(c, http.StatusOK, "admin", &page{Title: "admin.title", Nav: "admin", Data: d})
}

// ── accounts ────────────────────────────────────────────────────────────────

type usersData struct {
	Users     []*engine.User
	Next      string
	DeptNames map[int64]string
	Depts     []engine.Department
	Roles     []engine.Role
	Changes   []procedure.AccountChange
	// The create form: what was typed and the refusal.
	Form  url.Values
	Error *engine.Error
}

func (w *Web) adminUsersPage(c echo.Context) error {
	return w.showUsers(c, http.StatusOK, nil, nil)
}

func (w *Web) showUsers(c echo.Context, status int, form url.Values, failed *engine.Error) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	after, _ := strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	if after < 0 {
		after = 0
	}
	p, err := dir.Users(ctx, v.Actor, procedure.UserQuery{After: after, Limit: 50})
	if err != nil {
		return err
	}
	ds, err := dir.Departments(ctx, v.Actor)
	if err != nil {
		return err
	}
	changes, err := dir.AccountChanges(ctx, v.Actor, 0, 20)
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{}
	}
	d := usersData{Users: p.Users, DeptNames: adminDeptNames(ds), Depts: ds, Roles: procedure.AccountRoles(), Changes: changes, Form: form, Error: failed}
	if p.Next != 0 {
		d.Next = fmt.Sprintf("/admin/users?cursor=%d", p.Next)
	}
	return w.render(c, status, "admin_users", &page{Title: "admin.users.title", Nav: "admin", Data: d})
}

func (w *Web) adminCreateUser(c echo.Context) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	u, err := dir.CreateUser(c.Request().Context(), v.Actor, procedure.NewUser{Username: form.Get("username"), DisplayName: form.Get("display_name"),
		Password: form.Get("password"), DepartmentID: adminFormID(form, "department_id"), Roles: adminFormRoles(form)}, c.RealIP())
	if err != nil {
		ee := refusalOf(err)
		if ee == nil {
			return err
		}
		form.Del("password") // never sent back
		return w.showUsers(c, procedure.StatusOf(ee.Code), form, ee)
	}
	w.setFlash(c, translate(langOf(c), "admin.users.created", u.Username))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", u.ID))
}

// userData is the page of one account.
type userData struct {
	User      *engine.User
	Depts     []engine.Department
	DeptNames map[int64]string
	Roles     []engine.Role
	History   []procedure.AccountChange
	Self      bool
	// The details form's values: as stored, or as typed when refused.
	Name    string
	DeptID  int64
	Checked map[engine.Role]bool
	// Form names the refused form ("details", "active", "password"),
	// Values what was typed in it.
	Form   string
	Values url.Values
	Error  *engine.Error
}

func (w *Web) adminUserPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showUser(c, id, http.StatusOK, "", nil, nil)
}

func (w *Web) showUser(c echo.Context, id int64, status int, form string, values url.Values, failed *engine.Error) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := dir.User(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	ds, err := dir.Departments(ctx, v.Actor)
	if err != nil {
		return err
	}
	hist, err := dir.AccountChanges(ctx, v.Actor, id, 100)
	if err != nil {
		return err
	}
	d := userData{User: u, Depts: ds, DeptNames: adminDeptNames(ds), Roles: procedure.AccountRoles(), History: hist, Self: u.ID == v.User.ID,
		Name: u.DisplayName, DeptID: u.DepartmentID, Checked: map[engine.Role]bool{}, Form: form, Values: values, Error: failed}
	held := u.Roles
	if form == "details" {
		d.Name, d.DeptID, held = values.Get("display_name"), adminFormID(values, "department_id"), adminFormRoles(values)
	}
	for _, r := range held {
		d.Checked[r] = true
	}
	return w.render(c, status, "admin_user", &page{TitleText: translate(langOf(c), "admin.user.title", u.DisplayName), Nav: "admin", Data: d})
}

// changeUser applies the change ch reads from the form to account id and
// comes back to the account's page with the notice ch names; a refusal
// shows the page again with the form's values and the refusal.
func (w *Web) changeUser(c echo.Context, form string, ch func(url.Values) (procedure.UserChange, string, *engine.Error)) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	values, err := formValues(c)
	if err != nil {
		return err
	}
	change, done, ee := ch(values)
	if ee == nil {
		var u *engine.User
		if u, err = dir.UpdateUser(c.Request().Context(), v.Actor, id, change, c.RealIP()); err == nil {
			w.setFlash(c, translate(langOf(c), done, u.DisplayName))
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", id))
		}
		if ee = refusalOf(err); ee == nil {
			return err
		}
	}
	values.Del("password")
	values.Del("password2")
	return w.showUser(c, id, procedure.StatusOf(ee.Code), form, values, ee)
}

func (w *Web) adminUpdateUser(c echo.Context) error {
	return w.changeUser(c, "details", func(f url.Values) (procedure.UserChange, string, *engine.Error) {
		name, dept, roles := f.Get("display_name"), adminFormID(f, "department_id"), adminFormRoles(f)
		return procedure.UserChange{DisplayName: &name, DepartmentID: &dept, Roles: &roles}, "admin.user.saved", nil
	})
}

func (w *Web) adminSetActive(c echo.Context) error {
	return w.changeUser(c, "active", func(f url.Values) (procedure.UserChange, string, *engine.Error) {
		active := f.Get("active") == "true"
		if active {
			return procedure.UserChange{Active: &active}, "admin.user.reactivated", nil
		}
		if f.Get("confirm") != "1" {
			// Deactivating ends the account's sessions at once: it is
			// done only when confirmed.
			return procedure.UserChange{}, "", &engine.Error{Code: engine.CodeInvalid, Field: "confirm",
				MessageZh: "停用账号须勾选确认", Message: "tick the confirmation to deactivate the account"}
		}
		return procedure.UserChange{Active: &active}, "admin.user.deactivated", nil
	})
}

func (w *Web) adminSetPassword(c echo.Context) error {
	return w.changeUser(c, "password", func(f url.Values) (procedure.UserChange, string, *engine.Error) {
		pw := f.Get("password")
		if pw != f.Get("password2") {
			return procedure.UserChange{}, "", &engine.Error{Code: engine.CodeInvalid, Field: "password2",
				MessageZh: "两次输入的密码不一致", Message: "the two passwords differ"}
		}
		return procedure.UserChange{Password: &pw}, "admin.user.password_set", nil
	})
}

// ── departments ─────────────────────────────────────────────────────────────

type departmentsData struct {
	Departments []engine.Department
	Members     map[int64]int
	Name        string
	Error       *engine.Error
}

func (w *Web) adminDepartmentsPage(c echo.Context) error {
	return w.showDepartments(c, http.StatusOK, "", nil)
}

func (w *Web) showDepartments(c echo.Context, status int, name string, failed *engine.Error) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ds, err := dir.Departments(ctx, v.Actor)
	if err != nil {
		return err
	}
	users, err := dir.AllUsers(ctx, v.Actor)
	if err != nil {
		return err
	}
	members := map[int64]int{}
	for _, u := range users {
		if u.Active && u.DepartmentID != 0 {
			members[u.DepartmentID]++
		}
	}
	return w.render(c, status, "admin_departments", &page{Title: "admin.depts.title", Nav: "admin",
		Data: departmentsData{Departments: ds, Members: members, Name: name, Error: failed}})
}

func (w *Web) adminCreateDepartment(c echo.Context) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	d, err := dir.CreateDepartment(c.Request().Context(), v.Actor, name)
	if err != nil {
		ee := refusalOf(err)
		if ee == nil {
			return err
		}
		return w.showDepartments(c, procedure.StatusOf(ee.Code), name, ee)
	}
	w.setFlash(c, translate(langOf(c), "admin.depts.created", d.Name))
	return c.Redirect(http.StatusSeeOther, "/admin/departments")
}

// ── law firms and counsel ───────────────────────────────────────────────────

type counselData struct {
	LawFirms   []engine.LawFirm
	Counsel    []procedure.CounselEntry
	Unretained []*engine.User
	// Form names the refused form ("firm" or "counsel").
	Form   string
	Values url.Values
	Error  *engine.Error
}

func (w *Web) adminCounselPage(c echo.Context) error {
	return w.showCounsel(c, http.StatusOK, "", nil, nil)
}

func (w *Web) showCounsel(c echo.Context, status int, form string, values url.Values, failed *engine.Error) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	fs, err := dir.LawFirms(ctx, v.Actor)
	if err != nil {
		return err
	}
	cs, un, err := dir.CounselRoster(ctx, v.Actor)
	if err != nil {
		return err
	}
	if values == nil {
		values = url.Values{}
	}
	return w.render(c, status, "admin_counsel", &page{Title: "admin.counsel.title", Nav: "admin",
		Data: counselData{LawFirms: fs, Counsel: cs, Unretained: un, Form: form, Values: values, Error: failed}})
}

func (w *Web) adminCreateLawFirm(c echo.Context) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	values, err := formValues(c)
	if err != nil {
		return err
	}
	f, err := dir.CreateLawFirm(c.Request().Context(), v.Actor, values.Get("name"))
	if err != nil {
		ee := refusalOf(err)
		if ee == nil {
			return err
		}
		return w.showCounsel(c, procedure.StatusOf(ee.Code), "firm", values, ee)
	}
	w.setFlash(c, translate(langOf(c), "admin.firms.created", f.Name))
	return c.Redirect(http.StatusSeeOther, "/admin/counsel")
}

func (w *Web) adminCreateCounsel(c echo.Context) error {
	dir, v, err := w.admin(c)
	if err != nil {
		return err
	}
	values, err := formValues(c)
	if err != nil {
		return err
	}
	_, err = dir.CreateCounsel(c.Request().Context(), v.Actor, procedure.NewCounsel{UserID: adminFormID(values, "user_id"), LawFirmID: adminFormID(values, "law_firm_id"),
		LicenceNo: values.Get("licence_no"), ContractFrom: strings.TrimSpace(values.Get("contract_from")), ContractTo: strings.TrimSpace(values.Get("contract_to"))})
	if err != nil {
		ee := refusalOf(err)
		if ee == nil {
			return err
		}
		return w.showCounsel(c, procedure.StatusOf(ee.Code), "counsel", values, ee)
	}
	w.setFlash(c, translate(langOf(c), "admin.counsel.created"))
	return c.Redirect(http.StatusSeeOther, "/admin/counsel")
}

// ── calendars ───────────────────────────────────────────────────────────────

type calendarsData struct {
	Coverage []procedure.Coverage
	Years    []procedure.YearView
	// Regions names the regions by code; Names the users who loaded data.
	Regions map[string]engine.Text
	Names   map[string]string
	// A refused notice: the file's name, the refusal and each problem
	// with its line.
	File     string
	Error    *engine.Error
	Problems []calendars.Problem
}

func (w *Web) adminCalendarsPage(c echo.Context) error {
	return w.showCalendars(c, http.StatusOK, "", nil)
}

func (w *Web) showCalendars(c echo.Context, status int, file string, failed error) error {
	_, v, err := w.admin(c)
	if err != nil {
		return err
	}
	if w.cals == nil {
		return engine.Internal(errors.New("web: the calendar pages need Config.Calendars"))
	}
	ctx := c.Request().Context()
	d := calendarsData{File: file}
	if failed != nil {
		d.Error, d.Problems = refusalOf(failed), procedure.ParseProblems(failed)
	}
	if d.Coverage, err = w.cals.Coverage(ctx); err != nil {
		return err
	}
	if d.Years, err = w.cals.Show(ctx, "", 0); err != nil {
		return err
	}
	d.Names, d.Regions = w.loaderNames(ctx, v, d.Years), w.regionNames()
	return w.render(c, status, "admin_calendars", &page{Title: "admin.cal.title", Nav: "admin", Data: d})
}

// loaderNames names who loaded each year: a user of the viewer's
// organisation by name, the shipped data as the system.
func (w *Web) loaderNames(ctx context.Context, v *viewer, years []procedure.YearView) map[string]string {
	var refs []string
	for _, y := range years {
		if strings.HasPrefix(y.LoadedBy, "user:") {
			refs = append(refs, y.LoadedBy)
		}
	}
	names := w.svc.ActorNames(ctx, v.Actor.OrgID, refs)
	if names == nil {
		names = map[string]string{}
	}
	return names
}

// regionNames names the calendar regions by code.
func (w *Web) regionNames() map[string]engine.Text {
	out := map[string]engine.Text{}
	for _, r := range w.svc.Engine().Calendars().Regions() {
		out[r.Code] = r.Name
	}
	return out
}

func (w *Web) adminImportCalendar(c echo.Context) error {
	_, v, err := w.admin(c)
	if err != nil {
		return err
	}
	if _, err := formValues(c); err != nil {
		return err
	}
	fh, err := c.FormFile("notice")
	if err != nil {
		return w.showCalendars(c, http.StatusUnprocessableEntity, "", &engine.Error{Code: engine.CodeInvalid, Field: "notice",
			MessageZh: "请选择要载入的节假日安排文件", Message: "choose the holiday notice file to load"})
	}
	data, err := readFile(fh, calendars.MaxFileSize)
	if err != nil {
		if ee := refusalOf(err); ee != nil {
			return w.showCalendars(c, procedure.StatusOf(ee.Code), fh.Filename, ee)
		}
		return err
	}
	res, err := w.cals.ImportFile(c.Request().Context(), procedure.Loader{Ref: v.Actor.Ref(), OrgID: v.Actor.OrgID}, fh.Filename, data)
	if err != nil {
		if ee := refusalOf(err); ee != nil {
			return w.showCalendars(c, procedure.StatusOf(ee.Code), fh.Filename, err)
		}
		return err
	}
	lang := langOf(c)
	if len(res.Changed) == 0 {
		w.setFlash(c, translate(lang, "admin.cal.unchanged", fh.Filename))
	} else {
		var years []string
		regions := w.regionNames()
		for _, ch := range res.Changed {
			name := pickText(lang, regions[ch.Region])
			if name == "" {
				name = ch.Region
			}
			years = append(years, translate(lang, "admin.cal.region_year", name, ch.Year))
		}
		w.setFlash(c, translate(lang, "admin.cal.loaded", strings.Join(years, translate(lang, "admin.sep")), res.Recomputed))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/calendars")
}

var adminMessages = map[string][2]string{
	"admin.sep":   {"、", ", "},
	"admin.title": {"系统管理", "Administration"},
	"admin.lead":  {"管理本机关的账号和角色、部门、律师事务所和法律顾问，以及计算工作日所用的节假日日历。", "Manage this government's accounts and roles, departments, law firms and retained counsel, and the holiday calendars working days are counted on."},

	"admin.nav.users":     {"账号和角色", "Accounts and roles"},
	"admin.nav.depts":     {"部门", "Departments"},
	"admin.nav.counsel":   {"律师事务所和法律顾问", "Law firms and counsel"},
	"admin.nav.calendars": {"节假日日历", "Holiday calendars"},
	"admin.nav.label":     {"系统管理栏目", "Administration sections"},

	"admin.sum.users":     {"共 %d 个账号，其中 %d 个已停用。", "%d accounts, %d of them deactivated."},
	"admin.sum.depts":     {"共 %d 个部门。", "%d departments."},
	"admin.sum.counsel":   {"%d 家律师事务所，%d 名法律顾问，其中 %d 名在聘期内。", "%d law firms, %d counsel, %d of them under a current contract."},
	"admin.sum.calendars": {"各地区节假日数据的覆盖情况：", "How far each region's holiday data reaches:"},
	"admin.sum.cal_ok":    {"%s：数据至%s", "%s: data until %s"},
	"admin.sum.cal_warn":  {"%s：%s", "%s: %s"},

	"admin.users.title":           {"账号和角色", "Accounts and roles"},
	"admin.users.caption":         {"本页 %d 个账号，按创建先后排列", "%d accounts on this page, oldest first"},
	"admin.users.username":        {"用户名", "Username"},
	"admin.users.name":            {"姓名", "Name"},
	"admin.users.dept":            {"所属部门", "Department"},
	"admin.users.roles":           {"角色", "Roles"},
	"admin.users.status":          {"状态", "Status"},
	"admin.users.active":          {"在用", "active"},
	"admin.users.inactive":        {"已停用", "deactivated"},
	"admin.users.edit":            {"管理", "Manage"},
	"admin.users.edit_of":         {"管理账号 %s", "Manage the account %s"},
	"admin.users.none":            {"无", "none"},
	"admin.users.no_dept":         {"（不属于任何部门）", "(no department)"},
	"admin.users.next":            {"下一页", "Next page"},
	"admin.users.empty":           {"尚无账号。", "No accounts yet."},
	"admin.users.new":             {"新建账号", "New account"},
	"admin.users.password":        {"初始密码", "Initial password"},
	"admin.users.pw_help":         {"至少 10 个字符，不超过 72 字节。请通过安全渠道告知本人。", "At least 10 characters and at most 72 bytes. Give it to the person through a safe channel."},
	"admin.users.name_help":       {"不填则使用用户名。", "Leave empty to use the username."},
	"admin.users.role_help":       {"决策承办单位、决策执行单位只能办理所属部门的事项。", "Organizers and executing units act only on their department's items."},
	"admin.users.create":          {"创建账号", "Create the account"},
	"admin.users.created":         {"账号 %s 已创建。", "Account %s created."},
	"admin.users.changes":         {"最近的账号变更", "Recent account changes"},
	"admin.users.changes_caption": {"最近 %d 次账号变更，最新的在前（记入安全日志）", "The last %d account changes, newest first (kept in the security log)"},
	"admin.users.no_changes":      {"尚无账号变更记录。", "No account changes recorded yet."},

	"admin.user.title":           {"账号：%s", "Account: %s"},
	"admin.user.back":            {"返回账号列表", "Back to the accounts"},
	"admin.user.details":         {"姓名、部门和角色", "Name, department and roles"},
	"admin.user.save":            {"保存", "Save"},
	"admin.user.saved":           {"已保存 %s 的账号。", "The account of %s was saved."},
	"admin.user.status":          {"账号状态", "Account status"},
	"admin.user.is_active":       {"该账号在用，可以登录。", "The account is active and may sign in."},
	"admin.user.is_inactive":     {"该账号已停用，不能登录。", "The account is deactivated and cannot sign in."},
	"admin.user.deactivate":      {"停用账号", "Deactivate the account"},
	"admin.user.deactivate_what": {"停用后，该账号立即退出登录且不能再登录；其办理记录保留不变。可随时重新启用。", "Deactivating signs the account out at once and it can no longer sign in; what it did stays on record. It can be reactivated at any time."},
	"admin.user.confirm":         {"我确认停用该账号", "I confirm deactivating this account"},
	"admin.user.self":            {"这是您本人的账号，不能停用。", "This is your own account; you cannot deactivate it."},
	"admin.user.reactivate":      {"重新启用账号", "Reactivate the account"},
	"admin.user.deactivated":     {"已停用 %s 的账号。", "The account of %s was deactivated."},
	"admin.user.reactivated":     {"已重新启用 %s 的账号。", "The account of %s was reactivated."},
	"admin.user.password":        {"重设密码", "Set a new password"},
	"admin.user.password_what":   {"重设后，该账号的登录会话立即结束。", "Setting a password ends the account's sessions at once."},
	"admin.user.new_password":    {"新密码", "New password"},
	"admin.user.new_password2":   {"再次输入新密码", "The new password again"},
	"admin.user.set_password":    {"重设密码", "Set the password"},
	"admin.user.password_set":    {"已重设 %s 的密码。", "The password of %s was set."},
	"admin.user.history":         {"变更记录", "Change history"},
	"admin.user.history_caption": {"该账号的变更，最新的在前（记入安全日志）", "Changes of this account, newest first (kept in the security log)"},
	"admin.user.no_history":      {"该账号尚无变更记录。", "No changes of this account recorded yet."},

	"admin.change.when":    {"时间", "When"},
	"admin.change.account": {"账号", "Account"},
	"admin.change.what":    {"变更", "Change"},
	"admin.change.by":      {"操作人", "By"},

	"admin.change.user_created":            {"创建账号", "account created"},
	"admin.change.user_roles_changed":      {"角色变更", "roles changed"},
	"admin.change.user_department_changed": {"部门变更", "department changed"},
	"admin.change.user_renamed":            {"姓名变更", "name changed"},
	"admin.change.user_password_set":       {"重设密码", "password set"},
	"admin.change.user_deactivated":        {"停用账号", "account deactivated"},
	"admin.change.user_reactivated":        {"重新启用账号", "account reactivated"},

	"admin.depts.title":   {"部门", "Departments"},
	"admin.depts.caption": {"本机关的 %d 个部门", "This government's %d departments"},
	"admin.depts.name":    {"部门名称", "Department"},
	"admin.depts.members": {"在用账号", "Active accounts"},
	"admin.depts.empty":   {"尚无部门。请先添加决策承办单位等部门。", "No departments yet. Add the organizers' departments first."},
	"admin.depts.new":     {"添加部门", "Add a department"},
	"admin.depts.create":  {"添加", "Add"},
	"admin.depts.created": {"已添加部门 %s。", "Department %s added."},

	"admin.counsel.title":       {"律师事务所和法律顾问", "Law firms and retained counsel"},
	"admin.counsel.lead":        {"合法性审查须听取法律顾问、公职律师的意见（条例第二十八条）；只有聘用合同在有效期内的法律顾问才能被指派。", "The legality review must hear retained counsel or public-sector lawyers (Art. 28); only counsel under a current contract can be assigned."},
	"admin.firms.title":         {"律师事务所", "Law firms"},
	"admin.firms.caption":       {"本机关聘用的 %d 家律师事务所", "The %d law firms this government retains"},
	"admin.firms.name":          {"律师事务所名称", "Law firm"},
	"admin.firms.empty":         {"尚无律师事务所。", "No law firms yet."},
	"admin.firms.new":           {"添加律师事务所", "Add a law firm"},
	"admin.firms.create":        {"添加", "Add"},
	"admin.firms.created":       {"已添加律师事务所 %s。", "Law firm %s added."},
	"admin.counsel.list":        {"法律顾问", "Retained counsel"},
	"admin.counsel.caption":     {"%d 名法律顾问及其聘用合同", "%d counsel and their contracts"},
	"admin.counsel.name":        {"姓名", "Name"},
	"admin.counsel.firm":        {"律师事务所", "Law firm"},
	"admin.counsel.licence":     {"律师执业证号", "Licence number"},
	"admin.counsel.from":        {"合同起始日", "Contract from"},
	"admin.counsel.to":          {"合同终止日", "Contract until"},
	"admin.counsel.today":       {"今日是否在聘", "Under contract today"},
	"admin.counsel.current":     {"在聘期内", "current"},
	"admin.counsel.not_current": {"不在聘期内", "not current"},
	"admin.counsel.inactive":    {"账号已停用", "account deactivated"},
	"admin.counsel.empty":       {"尚无法律顾问。", "No counsel yet."},
	"admin.counsel.new":         {"登记法律顾问", "Record a counsel"},
	"admin.counsel.user":        {"账号（须具有法律顾问角色）", "Account (must hold the counsel role)"},
	"admin.counsel.no_users":    {"没有待登记的法律顾问账号。请先在“账号和角色”中创建具有法律顾问角色的账号。", "No account with the counsel role waits to be recorded. Create one under Accounts and roles first."},
	"admin.counsel.no_firms":    {"请先添加律师事务所。", "Add a law firm first."},
	"admin.counsel.create":      {"登记", "Record"},
	"admin.counsel.created":     {"已登记法律顾问。", "Counsel recorded."},

	"admin.cal.title":           {"节假日日历", "Holiday calendars"},
	"admin.cal.lead":            {"工作日期限按国务院办公厅每年发布的节假日安排通知计算。缺少某年数据时，期限按仅扣除周末暂定计算，并标注“暂定”。", "Working-day periods are counted on the State Council's yearly holiday notice. Where a year's data is missing, periods are counted on weekends alone and marked provisional."},
	"admin.cal.coverage":        {"数据覆盖情况", "Coverage"},
	"admin.cal.cov_caption":     {"本系统各机关所在地区的节假日数据", "Holiday data of the regions of the governments on this system"},
	"admin.cal.region":          {"地区", "Region"},
	"admin.cal.until":           {"数据截至", "Data until"},
	"admin.cal.days_left":       {"剩余天数", "Days left"},
	"admin.cal.state":           {"情况", "State"},
	"admin.cal.needs":           {"须载入", "to load"},
	"admin.cal.ok":              {"正常", "fine"},
	"admin.cal.none":            {"无", "none"},
	"admin.cal.years":           {"现行数据", "Data in force"},
	"admin.cal.years_caption":   {"各地区各年度的节假日数据及其来源", "Each region's holiday data by year, and where it came from"},
	"admin.cal.year":            {"年度", "Year"},
	"admin.cal.status":          {"完整性", "Completeness"},
	"admin.cal.basis":           {"依据", "Basis"},
	"admin.cal.holidays":        {"放假 / 调休上班", "Holidays / make-up working days"},
	"admin.cal.counts":          {"%d 个假期，%d 个调休上班日", "%d holidays, %d make-up working days"},
	"admin.cal.source":          {"载入来源", "Loaded from"},
	"admin.cal.loaded_by":       {"载入人", "Loaded by"},
	"admin.cal.system":          {"系统（随软件提供）", "the system (shipped)"},
	"admin.cal.status.complete": {"完整", "complete"},
	"admin.cal.status.partial":  {"部分", "partial"},
	"admin.cal.status.missing":  {"缺失", "missing"},
	"admin.cal.load":            {"载入节假日安排通知", "Load a holiday notice"},
	"admin.cal.load_help":       {"选择按规定格式整理的通知文件（YAML）。载入后，受影响事项的期限将重新计算，每项变动记入该事项的审计记录；文件有误时不作任何改动。", "Choose the notice file in the prescribed format (YAML). Loading recomputes the periods it touches, each change recorded in its item's audit trail; a file with errors changes nothing."},
	"admin.cal.file":            {"通知文件", "Notice file"},
	"admin.cal.submit":          {"载入", "Load"},
	"admin.cal.problems":        {"文件 %s 有以下问题，未作任何改动：", "The file %s has these problems; nothing was changed:"},
	"admin.cal.line":            {"第 %d 行：", "Line %d: "},
	"admin.cal.loaded":          {"已载入 %s；%d 个事项的期限已重新计算。", "Loaded %s; the due dates of %d items were recomputed."},
	"admin.cal.unchanged":       {"文件 %s 与现行数据相同，未作改动。", "The file %s repeats the data in force; nothing was changed."},
	"admin.cal.region_year":     {"%s %d年", "%s %d"},
}
