package procedure

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"golang.org/x/crypto/bcrypt"
)

// DirectoryStore is the storage the directory administration needs. The
// store package implements it for PostgreSQL and SQLite; errors are
// *engine.Error with the documented codes.
type DirectoryStore interface {
	GetOrganisation(ctx context.Context, id int64) (*engine.Organisation, error)
	CreateDepartment(ctx context.Context, org int64, name string) (int64, error)
	ListDepartments(ctx context.Context, org int64) ([]engine.Department, error)

	CreateUser(ctx context.Context, u *engine.User) (int64, error)
	GetUser(ctx context.Context, org, id int64) (*engine.User, error)
	ListUsers(ctx context.Context, org, after int64, limit int) ([]*engine.User, error)
	UpdateUser(ctx context.Context, org, id int64, up engine.UserUpdate) (*engine.User, error)

	CreateLawFirm(ctx context.Context, org int64, name string) (int64, error)
	ListLawFirms(ctx context.Context, org int64) ([]engine.LawFirm, error)
	CreateCounsel(ctx context.Context, c engine.Counsel) (int64, error)
	ListCounsel(ctx context.Context, org int64) ([]engine.Counsel, error)

	RecordSecurityEvent(ctx context.Context, ev engine.SecurityEvent) error
	// SecurityEvents returns the security log of org, newest first: the
	// entries about account user (every account when 0) of the given
	// kinds (every kind when empty), at most limit.
	SecurityEvents(ctx context.Context, org, user int64, kinds []string, limit int) ([]engine.SecurityEvent, error)
}

// Directory administers an organisation's directory: departments,
// accounts and their roles, law firms and retained counsel. Administrators
// (admin) change it; everyone signed in reads departments, law firms and
// counsel; administrators and the auditor read the accounts. Every change
// of an account (creation, roles, department, name, password, active) is
// written to the security log with who made it, so that the account's
// history can be shown. Safe for concurrent use.
type Directory struct {
	store DirectoryStore
	now   func() time.Time
	log   *slog.Logger
}

// NewDirectory returns the directory use cases over store; now is the
// clock (for the security log and whether a counsel contract covers
// today).
func NewDirectory(store DirectoryStore, now func() time.Time, log *slog.Logger) *Directory {
	if log == nil {
		log = slog.Default()
	}
	return &Directory{store: store, now: now, log: log}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Limits of the directory's names, in characters.
const (
	maxDepartmentName = 100
	maxLawFirmName    = 200
	maxUsername       = 64
	maxDisplayName    = 100
	maxLicenceNo      = 64
)

// notPermitted is the refusal of a directory operation the actor's roles
// do not allow.
func notPermitted() error {
	return engine.Errorz(engine.CodeForbidden, "您的角色无权进行此操作", "your roles do not permit this")
}

// MayAdminister returns forbidden unless actor may change the directory
// and the holiday calendars (an administrator). Adapters call it before
// reading a request, so that a person without the role learns nothing
// from how the request is checked; every changing use case checks it
// again.
func MayAdminister(actor engine.Actor) error {
	if actor.Has(engine.RoleAdmin) {
		return nil
	}
	return notPermitted()
}

// MayReadAccounts returns forbidden unless actor may read the accounts
// and their history (an administrator or the auditor).
func MayReadAccounts(actor engine.Actor) error {
	if actor.Has(engine.RoleAdmin) || actor.Has(engine.RoleAuditor) {
		return nil
	}
	return notPermitted()
}

// CheckName returns invalid (field "name") unless name, trimmed, is
// neither empty nor longer than max characters.
func CheckName(name string, max int) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > max {
		return &engine.Error{Code: engine.CodeInvalid, Field: "name", MessageZh: "名称不能为空且不超过规定长度", Message: "name is required and must not be too long"}
	}
	return nil
}

// CheckPassword returns invalid (field "password") for a password shorter
// than MinPasswordLength characters or longer than bcrypt's 72 bytes
// (refused rather than silently cut).
func CheckPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength || len(pw) > 72 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "password", MessageZh: "密码至少 10 个字符，且不超过 72 字节",
			Message: "passwords are at least 10 characters and at most 72 bytes"}
	}
	return nil
}

// Organisation returns actor's organisation.
func (d *Directory) Organisation(ctx context.Context, actor engine.Actor) (*engine.Organisation, error) {
	return d.store.GetOrganisation(ctx, actor.OrgID)
}

// ── departments ─────────────────────────────────────────────────────────────

// Departments lists the departments of actor's organisation, by id.
func (d *Directory) Departments(ctx context.Context, actor engine.Actor) ([]engine.Department, error) {
	ds, err := d.store.ListDepartments(ctx, actor.OrgID)
	if ds == nil {
		ds = []engine.Department{}
	}
	return ds, err
}

// CreateDepartment adds a department (administrators). Returns invalid
// for an empty or overlong name, conflict when the name is taken.
func (d *Directory) CreateDepartment(ctx context.Context, actor engine.Actor, name string) (*engine.Department, error) {
	if err := MayAdminister(actor); err != nil {
		return nil, err
	}
	if err := CheckName(name, maxDepartmentName); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	id, err := d.store.CreateDepartment(ctx, actor.OrgID, name)
	if err != nil {
		return nil, err
	}
	return &engine.Department{ID: id, OrgID: actor.OrgID, Name: name}, nil
}

// ── accounts ────────────────────────────────────────────────────────────────

// UserQuery pages through the accounts by id: after is the keyset cursor
// (0 from the start), Limit 1–200 (0 means 50).
type UserQuery struct {
	After int64
	Limit int
}

// UserPage is one page of accounts; Next is the cursor of the next page,
// 0 on the last.
type UserPage struct {
	Users []*engine.User
	Next  int64
}

// Users lists the accounts of actor's organisation by id (administrators
// and the auditor).
func (d *Directory) Users(ctx context.Context, actor engine.Actor, q UserQuery) (*UserPage, error) {
	if err := MayReadAccounts(actor); err != nil {
		return nil, err
	}
	if q.Limit < 0 || q.Limit > 200 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "limit", MessageZh: "limit 应在 1 到 200 之间", Message: "limit must be between 1 and 200"}
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	us, err := d.store.ListUsers(ctx, actor.OrgID, q.After, q.Limit)
	if err != nil {
		return nil, err
	}
	p := &UserPage{Users: us}
	if p.Users == nil {
		p.Users = []*engine.User{}
	}
	if len(us) == q.Limit {
		p.Next = us[len(us)-1].ID
	}
	return p, nil
}

// AllUsers lists every account of actor's organisation by id
// (administrators and the auditor), for choices and lookups.
func (d *Directory) AllUsers(ctx context.Context, actor engine.Actor) ([]*engine.User, error) {
	var out []*engine.User
	q := UserQuery{Limit: 200}
	for {
		p, err := d.Users(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Users...)
		if p.Next == 0 {
			return out, nil
		}
		q.After = p.Next
	}
}

// User returns one account of actor's organisation (administrators and
// the auditor); not_found for another organisation's.
func (d *Directory) User(ctx context.Context, actor engine.Actor, id int64) (*engine.User, error) {
	if err := MayReadAccounts(actor); err != nil {
		return nil, err
	}
	if id <= 0 {
		return nil, noSuchUser()
	}
	return d.store.GetUser(ctx, actor.OrgID, id)
}

func noSuchUser() error { return engine.Errorz(engine.CodeNotFound, "用户不存在", "no such user") }

// NewUser is an account to create. DisplayName defaults to Username.
type NewUser struct {
	Username, DisplayName, Password string
	DepartmentID                    int64
	Roles                           []engine.Role
}

// CreateUser creates an account (administrators), its password hashed
// with bcrypt, and logs "user_created". Returns invalid for a missing or
// overlong username, a password outside the rules, the public role or an
// unknown one, or a department of another organisation; conflict when
// the username is taken. ip is the client address, for the log.
func (d *Directory) CreateUser(ctx context.Context, actor engine.Actor, nu NewUser, ip string) (*engine.User, error) {
	if err := MayAdminister(actor); err != nil {
		return nil, err
	}
	if nu.Username = strings.TrimSpace(nu.Username); nu.Username == "" || utf8.RuneCountInString(nu.Username) > maxUsername {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "username", MessageZh: "用户名不能为空且不超过64个字符", Message: "username is required (at most 64 characters)"}
	}
	if err := CheckPassword(nu.Password); err != nil {
		return nil, err
	}
	for _, r := range nu.Roles {
		if r == engine.RolePublic {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "roles", MessageZh: "社会公众不是账号角色", Message: "public is not an account role"}
		}
	}
	name := strings.TrimSpace(nu.DisplayName)
	if name == "" {
		name = nu.Username
	}
	if utf8.RuneCountInString(name) > maxDisplayName {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "display_name", MessageZh: fmt.Sprintf("姓名不能超过%d个字符", maxDisplayName),
			Message: fmt.Sprintf("display_name is at most %d characters", maxDisplayName)}
	}
	if err := separateDuties(nu.Roles); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, engine.Internal(err)
	}
	u := &engine.User{OrgID: actor.OrgID, Username: nu.Username, DisplayName: name, PasswordHash: string(hash),
		DepartmentID: nu.DepartmentID, Roles: nu.Roles}
	if _, err := d.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	d.record(ctx, actor, ip, u, "user_created", changeDetail{To: roleList(u.Roles), ToDepartment: u.DepartmentID, ToName: u.DisplayName})
	return u, nil
}

// UserChange lists what to change of an account; nil fields stay as they
// are. DepartmentID 0 takes the account out of any department.
type UserChange struct {
	DisplayName  *string
	DepartmentID *int64
	Roles        *[]engine.Role
	Active       *bool
	Password     *string
}

// UpdateUser changes an account of actor's organisation (administrators)
// and logs every change with its old and new value: user_roles_changed,
// user_department_changed, user_renamed, user_password_set,
// user_deactivated, user_reactivated. Deactivating an account or setting
// its password ends its sessions. Returns invalid for a password outside
// the rules, deactivating oneself, an unknown or public role or another
// organisation's department; not_found for an unknown account. ip is the
// client address, for the log.
func (d *Directory) UpdateUser(ctx context.Context, actor engine.Actor, id int64, ch UserChange, ip string) (*engine.User, error) {
	if err := MayAdminister(actor); err != nil {
		return nil, err
	}
	up := engine.UserUpdate{DisplayName: ch.DisplayName, DepartmentID: ch.DepartmentID, Roles: ch.Roles, Active: ch.Active}
	if ch.Password != nil {
		if err := CheckPassword(*ch.Password); err != nil {
			return nil, err
		}
		h, err := bcrypt.GenerateFromPassword([]byte(*ch.Password), bcrypt.DefaultCost)
		if err != nil {
			return nil, engine.Internal(err)
		}
		hs := string(h)
		up.PasswordHash = &hs
	}
	if id == actor.UserID && ch.Active != nil && !*ch.Active {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "active", MessageZh: "不能停用自己的账号", Message: "you cannot deactivate your own account"}
	}
	if id == actor.UserID && ch.Roles != nil && !sameRoles(*ch.Roles, actor.Roles) {
		// 等级保护 三员分立: nobody grants or takes away their own roles.
		return nil, &engine.Error{Code: engine.CodeForbidden, Field: "roles", MessageZh: "不能更改自己的角色，须由另一名管理员办理",
			Message: "you cannot change your own roles; another administrator must"}
	}
	if ch.DisplayName != nil && utf8.RuneCountInString(strings.TrimSpace(*ch.DisplayName)) > maxDisplayName {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "display_name", MessageZh: fmt.Sprintf("姓名不能超过%d个字符", maxDisplayName),
			Message: fmt.Sprintf("display_name is at most %d characters", maxDisplayName)}
	}
	if ch.Roles != nil {
		if err := separateDuties(*ch.Roles); err != nil {
			return nil, err
		}
	}
	if id <= 0 {
		return nil, noSuchUser()
	}
	before, err := d.store.GetUser(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	after, err := d.store.UpdateUser(ctx, actor.OrgID, id, up)
	if err != nil {
		return nil, err
	}
	if !sameRoles(before.Roles, after.Roles) {
		d.record(ctx, actor, ip, after, "user_roles_changed", changeDetail{From: roleList(before.Roles), To: roleList(after.Roles)})
	}
	if before.DepartmentID != after.DepartmentID {
		d.record(ctx, actor, ip, after, "user_department_changed", changeDetail{FromDepartment: before.DepartmentID, ToDepartment: after.DepartmentID})
	}
	if before.DisplayName != after.DisplayName {
		d.record(ctx, actor, ip, after, "user_renamed", changeDetail{FromName: before.DisplayName, ToName: after.DisplayName})
	}
	if ch.Password != nil {
		d.record(ctx, actor, ip, after, "user_password_set", changeDetail{})
	}
	if before.Active != after.Active {
		kind := "user_reactivated"
		if !after.Active {
			kind = "user_deactivated"
		}
		d.record(ctx, actor, ip, after, kind, changeDetail{})
	}
	return after, nil
}

// changeDetail is the Detail of an account change in the security log,
// as JSON: who made it and the old and new values.
type changeDetail struct {
	By             string        `json:"by"`
	ByName         string        `json:"by_name,omitempty"`
	From           []engine.Role `json:"from,omitempty"`
	To             []engine.Role `json:"to,omitempty"`
	FromDepartment int64         `json:"from_department,omitempty"`
	ToDepartment   int64         `json:"to_department,omitempty"`
	FromName       string        `json:"from_name,omitempty"`
	ToName         string        `json:"to_name,omitempty"`
}

// record writes an account change to the security log. The change is
// already committed: a failure to log is logged, not returned.
func (d *Directory) record(ctx context.Context, actor engine.Actor, ip string, u *engine.User, kind string, det changeDetail) {
	det.By, det.ByName = actor.Ref(), actor.Name
	b, _ := json.Marshal(det)
	ev := engine.SecurityEvent{OrgID: actor.OrgID, At: d.now(), Kind: kind, Username: u.Username, UserID: u.ID, IP: ip, Detail: string(b)}
	if err := d.store.RecordSecurityEvent(ctx, ev); err != nil {
		d.log.Error("security log: recording an account change failed", slog.String("kind", kind), slog.Int64("user", u.ID),
			slog.String("by", det.By), slog.String("error", err.Error()))
	}
}

// roleList is roles sorted, never nil.
func roleList(roles []engine.Role) []engine.Role {
	out := slices.Clone(roles)
	if out == nil {
		out = []engine.Role{}
	}
	slices.Sort(out)
	return out
}

func sameRoles(a, b []engine.Role) bool { return slices.Equal(roleList(a), roleList(b)) }

// AccountChangeKinds are the kinds of security-log entries that record a
// change of an account.
var AccountChangeKinds = []string{"user_created", "user_roles_changed", "user_department_changed", "user_renamed",
	"user_password_set", "user_deactivated", "user_reactivated"}

// AccountChange is one change of an account as the security log keeps it.
type AccountChange struct {
	At       time.Time
	Kind     string
	UserID   int64
	Username string
	// By is the reference of who made the change ("user:12"), ByName
	// their name at the time.
	By, ByName string
	// The old and new values, as the kind has them.
	FromRoles, ToRoles           []engine.Role
	FromDepartment, ToDepartment int64
	FromName, ToName             string
	IP                           string
}

// AccountChanges returns the changes of account user (of every account
// when 0) of actor's organisation, newest first, at most limit (1–500;
// 0 means 50) — administrators and the auditor.
func (d *Directory) AccountChanges(ctx context.Context, actor engine.Actor, user int64, limit int) ([]AccountChange, error) {
	if err := MayReadAccounts(actor); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	evs, err := d.store.SecurityEvents(ctx, actor.OrgID, user, AccountChangeKinds, limit)
	if err != nil {
		return nil, err
	}
	out := make([]AccountChange, 0, len(evs))
	for _, ev := range evs {
		var det changeDetail
		_ = json.Unmarshal([]byte(ev.Detail), &det) // an unreadable detail still shows when, what and whose
		out = append(out, AccountChange{At: ev.At, Kind: ev.Kind, UserID: ev.UserID, Username: ev.Username, By: det.By, ByName: det.ByName,
			FromRoles: det.From, ToRoles: det.To, FromDepartment: det.FromDepartment, ToDepartment: det.ToDepartment,
			FromName: det.FromName, ToName: det.ToName, IP: ev.IP})
	}
	return out, nil
}

// ── law firms and counsel ───────────────────────────────────────────────────

// LawFirms lists the law firms retained by actor's organisation, by id.
func (d *Directory) LawFirms(ctx context.Context, actor engine.Actor) ([]engine.LawFirm, error) {
	fs, err := d.store.ListLawFirms(ctx, actor.OrgID)
	if fs == nil {
		fs = []engine.LawFirm{}
	}
	return fs, err
}

// CreateLawFirm records a retained law firm (administrators). Returns
// invalid for an empty or overlong name, conflict when it is recorded.
func (d *Directory) CreateLawFirm(ctx context.Context, actor engine.Actor, name string) (*engine.LawFirm, error) {
	if err := MayAdminister(actor); err != nil {
		return nil, err
	}
	if err := CheckName(name, maxLawFirmName); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	id, err := d.store.CreateLawFirm(ctx, actor.OrgID, name)
	if err != nil {
		return nil, err
	}
	return &engine.LawFirm{ID: id, OrgID: actor.OrgID, Name: name}, nil
}

// Counsel lists the retained counsel of actor's organisation, by id.
func (d *Directory) Counsel(ctx context.Context, actor engine.Actor) ([]engine.Counsel, error) {
	cs, err := d.store.ListCounsel(ctx, actor.OrgID)
	if cs == nil {
		cs = []engine.Counsel{}
	}
	return cs, err
}

// NewCounsel is a retainer to record: the account (holding the counsel
// role), its law firm, the lawyer's licence number and the contract's
// first and last days ("2006-01-02").
type NewCounsel struct {
	UserID, LawFirmID        int64
	LicenceNo                string
	ContractFrom, ContractTo string
}

// CreateCounsel records that an account is retained counsel of a law firm
// under a contract (administrators); Art. 28 has the legal office obtain
// their opinions. Returns invalid when the account does not exist or does
// not hold the counsel role, for malformed or reversed contract dates, a
// missing licence number, or another organisation's firm; conflict when
// the account is already counsel.
func (d *Directory) CreateCounsel(ctx context.Context, actor engine.Actor, nc NewCounsel) (*engine.Counsel, error) {
	if err := MayAdminister(actor); err != nil {
		return nil, err
	}
	u, err := d.store.GetUser(ctx, actor.OrgID, nc.UserID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "user_id", MessageZh: "用户不存在", Message: "no such user"}
		}
		return nil, err
	}
	if !u.Actor().Has(engine.RoleCounsel) {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "user_id", MessageZh: "该用户不具有法律顾问角色", Message: "the user does not hold the counsel role"}
	}
	from, err1 := engine.ParseDate(nc.ContractFrom)
	to, err2 := engine.ParseDate(nc.ContractTo)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "contract_from", MessageZh: "聘用合同起止日期无效", Message: "contract dates are invalid (YYYY-MM-DD, from <= to)"}
	}
	lic := strings.TrimSpace(nc.LicenceNo)
	if lic == "" || utf8.RuneCountInString(lic) > maxLicenceNo {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "licence_no", MessageZh: fmt.Sprintf("律师执业证号不能为空且不超过%d个字符", maxLicenceNo),
			Message: fmt.Sprintf("licence number is required (at most %d characters)", maxLicenceNo)}
	}
	cn := engine.Counsel{OrgID: actor.OrgID, UserID: nc.UserID, LawFirmID: nc.LawFirmID, LicenceNo: lic,
		ContractFrom: from.String(), ContractTo: to.String()}
	id, err := d.store.CreateCounsel(ctx, cn)
	if err != nil {
		return nil, err
	}
	cn.ID = id
	return &cn, nil
}

// CounselEntry is a retainer as the administration pages show it: the
// lawyer's and the firm's names, and whether the contract covers today.
type CounselEntry struct {
	engine.Counsel
	Name, Username, LawFirm string
	Active                  bool
	// Current is set when today lies within the contract; only then may
	// the legal office assign the lawyer (the workflow's rules decide).
	Current bool
}

// CounselRoster lists the retained counsel with names (administrators and
// the auditor), by id, and the accounts holding the counsel role that
// are not yet retained (Unretained), for the form that records one.
func (d *Directory) CounselRoster(ctx context.Context, actor engine.Actor) (entries []CounselEntry, unretained []*engine.User, err error) {
	users, err := d.AllUsers(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	cs, err := d.Counsel(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	fs, err := d.LawFirms(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	firm := map[int64]string{}
	for _, f := range fs {
		firm[f.ID] = f.Name
	}
	byID := map[int64]*engine.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	today := engine.DateOf(d.now().In(engine.ChinaTime)).String()
	retained := map[int64]bool{}
	entries = []CounselEntry{}
	for _, c := range cs {
		e := CounselEntry{Counsel: c, LawFirm: firm[c.LawFirmID], Current: c.ContractFrom <= today && today <= c.ContractTo}
		if u := byID[c.UserID]; u != nil {
			e.Name, e.Username, e.Active = u.DisplayName, u.Username, u.Active
		}
		retained[c.UserID] = true
		entries = append(entries, e)
	}
	unretained = []*engine.User{}
	for _, u := range users {
		if !retained[u.ID] && u.Active && slices.Contains(u.Roles, engine.RoleCounsel) {
			unretained = append(unretained, u)
		}
	}
	return entries, unretained, nil
}

// AccountRoles are the roles an account may hold, in a stable order (the
// public has no account).
func AccountRoles() []engine.Role {
	return slices.DeleteFunc(slices.Clone(engine.KnownRoles), func(r engine.Role) bool { return r == engine.RolePublic })
}

// procedureRoles are the roles that act in the procedure; an account
// administrator holds none of them, nor the auditor's (separation of
// duties: the one who makes accounts neither decides nor audits).
var procedureRoles = []engine.Role{engine.RoleOrganizer, engine.RoleSecretariat, engine.RoleLegalOffice, engine.RoleCounsel,
	engine.RoleExpert, engine.RoleRiskAssessor, engine.RoleMember, engine.RoleChiefExecutive, engine.RoleExecutor,
	engine.RoleEvaluator, engine.RoleAuditor}

// separateDuties refuses an account that would be both the administrator
// and a procedural role or the auditor (等级保护 三员分立): otherwise an
// administrator could grant itself the chief executive's role and decide.
func separateDuties(roles []engine.Role) error {
	if !slices.Contains(roles, engine.RoleAdmin) {
		return nil
	}
	for _, r := range roles {
		if slices.Contains(procedureRoles, r) {
			return &engine.Error{Code: engine.CodeInvalid, Field: "roles",
				MessageZh: "系统管理员不能同时担任办理、决策或审计角色（" + r.Label().Zh + "）",
				Message:   "an administrator cannot also hold a procedural or audit role (" + string(r) + ")"}
		}
	}
	return nil
}
