package server

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// Directory resources: the caller's organisation, departments, users and
// roles, law firms and retained counsel, API tokens. Administrators
// (admin) change the directory; everyone signed in may read it, except
// users' details which admins and the auditor read.

type meView struct {
	User         userView            `json:"user"`
	Organisation engine.Organisation `json:"organisation"`
	Via          string              `json:"via"`
	CSRFToken    string              `json:"csrf_token,omitempty"`
}

func (s *Server) getMe(c echo.Context) error {
	p := principalOf(c)
	org, err := s.db.GetOrganisation(c.Request().Context(), p.User.OrgID)
	if err != nil {
		return err
	}
	v := meView{User: viewUser(p.User), Organisation: *org, Via: p.Via}
	if p.Session != nil {
		v.CSRFToken = p.Session.CSRFToken
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) getOrganisation(c echo.Context) error {
	p := principalOf(c)
	org, err := s.db.GetOrganisation(c.Request().Context(), p.User.OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, org)
}

func (s *Server) listDepartments(c echo.Context) error {
	ds, err := s.db.ListDepartments(c.Request().Context(), principalOf(c).User.OrgID)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []engine.Department{}
	}
	return c.JSON(http.StatusOK, map[string]any{"departments": ds})
}

type nameRequest struct {
	Name string `json:"name"`
}

func checkName(name string, max int) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > max {
		return &engine.Error{Code: engine.CodeInvalid, Field: "name", MessageZh: "名称不能为空且不超过规定长度", Message: "name is required and must not be too long"}
	}
	return nil
}

// createNamed is the shape of the admin-only "create a named thing"
// routes: decode {"name"}, check it, create, answer 201 with view(id, name).
func (s *Server) createNamed(c echo.Context, max int, create func(org int64, name string) (int64, error), view func(id, org int64, name string) any) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin); err != nil {
		return err
	}
	var req nameRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := checkName(req.Name, max); err != nil {
		return err
	}
	name := strings.TrimSpace(req.Name)
	id, err := create(p.User.OrgID, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, view(id, p.User.OrgID, name))
}

func (s *Server) createDepartment(c echo.Context) error {
	return s.createNamed(c, 100, func(org int64, name string) (int64, error) {
		return s.db.CreateDepartment(c.Request().Context(), org, name)
	}, func(id, org int64, name string) any { return engine.Department{ID: id, OrgID: org, Name: name} })
}

func (s *Server) listUsers(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin, engine.RoleAuditor); err != nil {
		return err
	}
	after, err := queryInt(c, "cursor")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	if limit > 200 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "limit", MessageZh: "limit 应在 1 到 200 之间", Message: "limit must be between 1 and 200"}
	}
	if limit == 0 {
		limit = 50
	}
	us, err := s.db.ListUsers(c.Request().Context(), p.User.OrgID, after, int(limit))
	if err != nil {
		return err
	}
	out := struct {
		Users      []userView `json:"users"`
		NextCursor *string    `json:"next_cursor"`
	}{Users: make([]userView, len(us))}
	for i, u := range us {
		out.Users[i] = viewUser(u)
	}
	if len(us) == int(limit) {
		next := itoa(us[len(us)-1].ID)
		out.NextCursor = &next
	}
	return c.JSON(http.StatusOK, out)
}

type createUserRequest struct {
	Username     string        `json:"username"`
	DisplayName  string        `json:"display_name"`
	Password     string        `json:"password"`
	DepartmentID int64         `json:"department_id"`
	Roles        []engine.Role `json:"roles"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

func checkPassword(pw string) error {
	// bcrypt reads at most 72 bytes: longer passwords are refused rather
	// than silently cut.
	if utf8.RuneCountInString(pw) < MinPasswordLength || len(pw) > 72 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "password", MessageZh: "密码至少 10 个字符，且不超过 72 字节",
			Message: "passwords are at least 10 characters and at most 72 bytes"}
	}
	return nil
}

func (s *Server) createUser(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin); err != nil {
		return err
	}
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Username = strings.TrimSpace(req.Username); req.Username == "" || utf8.RuneCountInString(req.Username) > 64 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "username", MessageZh: "用户名不能为空且不超过64个字符", Message: "username is required (at most 64 characters)"}
	}
	if err := checkPassword(req.Password); err != nil {
		return err
	}
	for _, r := range req.Roles {
		if r == engine.RolePublic {
			return &engine.Error{Code: engine.CodeInvalid, Field: "roles", MessageZh: "社会公众不是账号角色", Message: "public is not an account role"}
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(req.DisplayName)
	if name == "" {
		name = req.Username
	}
	u := &engine.User{OrgID: p.User.OrgID, Username: req.Username, DisplayName: name, PasswordHash: string(hash),
		DepartmentID: req.DepartmentID, Roles: req.Roles}
	if _, err := s.db.CreateUser(c.Request().Context(), u); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewUser(u))
}

type updateUserRequest struct {
	DisplayName  *string        `json:"display_name"`
	DepartmentID *int64         `json:"department_id"`
	Roles        *[]engine.Role `json:"roles"`
	Active       *bool          `json:"active"`
	Password     *string        `json:"password"`
}

func (s *Server) updateUser(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin); err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return engine.Errorz(engine.CodeNotFound, "用户不存在", "no such user")
	}
	var req updateUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	up := engine.UserUpdate{DisplayName: req.DisplayName, DepartmentID: req.DepartmentID, Roles: req.Roles, Active: req.Active}
	if req.Password != nil {
		if err := checkPassword(*req.Password); err != nil {
			return err
		}
		h, err := bcrypt.GenerateFromPassword([]byte(*req.Password), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		hs := string(h)
		up.PasswordHash = &hs
	}
	if id == p.User.ID && req.Active != nil && !*req.Active {
		return &engine.Error{Code: engine.CodeInvalid, Field: "active", MessageZh: "不能停用自己的账号", Message: "you cannot deactivate your own account"}
	}
	u, err := s.db.UpdateUser(c.Request().Context(), p.User.OrgID, id, up)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewUser(u))
}

func (s *Server) listLawFirms(c echo.Context) error {
	fs, err := s.db.ListLawFirms(c.Request().Context(), principalOf(c).User.OrgID)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []engine.LawFirm{}
	}
	return c.JSON(http.StatusOK, map[string]any{"law_firms": fs})
}

func (s *Server) createLawFirm(c echo.Context) error {
	return s.createNamed(c, 200, func(org int64, name string) (int64, error) {
		return s.db.CreateLawFirm(c.Request().Context(), org, name)
	}, func(id, org int64, name string) any { return engine.LawFirm{ID: id, OrgID: org, Name: name} })
}

func (s *Server) listCounsel(c echo.Context) error {
	cs, err := s.db.ListCounsel(c.Request().Context(), principalOf(c).User.OrgID)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []engine.Counsel{}
	}
	return c.JSON(http.StatusOK, map[string]any{"counsel": cs})
}

type createCounselRequest struct {
	UserID       int64  `json:"user_id"`
	LawFirmID    int64  `json:"law_firm_id"`
	LicenceNo    string `json:"licence_no"`
	ContractFrom string `json:"contract_from"`
	ContractTo   string `json:"contract_to"`
}

func (s *Server) createCounsel(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin); err != nil {
		return err
	}
	var req createCounselRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.db.GetUser(ctx, p.User.OrgID, req.UserID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			return &engine.Error{Code: engine.CodeInvalid, Field: "user_id", MessageZh: "用户不存在", Message: "no such user"}
		}
		return err
	}
	if !u.Actor().Has(engine.RoleCounsel) {
		return &engine.Error{Code: engine.CodeInvalid, Field: "user_id", MessageZh: "该用户不具有法律顾问角色", Message: "the user does not hold the counsel role"}
	}
	cn := engine.Counsel{OrgID: p.User.OrgID, UserID: req.UserID, LawFirmID: req.LawFirmID, LicenceNo: strings.TrimSpace(req.LicenceNo),
		ContractFrom: req.ContractFrom, ContractTo: req.ContractTo}
	id, err := s.db.CreateCounsel(ctx, cn)
	if err != nil {
		return err
	}
	cn.ID = id
	return c.JSON(http.StatusCreated, cn)
}

type createTokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

type createdToken struct {
	*engine.APIToken
	Token string `json:"token"`
}

// createToken issues an API token for the caller; the secret is shown once.
func (s *Server) createToken(c echo.Context) error {
	p := principalOf(c)
	var req createTokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := checkName(req.Name, 100); err != nil {
		return err
	}
	if req.ExpiresInDays < 0 || req.ExpiresInDays > 3650 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "expires_in_days", MessageZh: "有效期应在 0 到 3650 天之间（0 为不过期）",
			Message: "expires_in_days must be 0 (never) to 3650"}
	}
	now := s.eng.Now()
	secret, hash := procedure.NewToken(procedure.TokenPrefix)
	t := &engine.APIToken{OrgID: p.User.OrgID, UserID: p.User.ID, Name: req.Name, Prefix: secret[:10], TokenHash: hash, CreatedAt: now}
	if req.ExpiresInDays > 0 {
		exp := now.Add(time.Duration(req.ExpiresInDays) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	if err := s.db.CreateAPIToken(c.Request().Context(), t); err != nil {
		return err
	}
	_ = s.db.RecordSecurityEvent(c.Request().Context(), engine.SecurityEvent{OrgID: p.User.OrgID, At: now, Kind: "token_created",
		Username: p.User.Username, UserID: p.User.ID, IP: c.RealIP(), Detail: t.Prefix})
	return c.JSON(http.StatusCreated, createdToken{APIToken: t, Token: secret})
}

// listTokens lists the caller's tokens; an admin sees everyone's.
func (s *Server) listTokens(c echo.Context) error {
	p := principalOf(c)
	user := p.User.ID
	if p.Actor.Has(engine.RoleAdmin) {
		user = 0
	}
	ts, err := s.db.ListAPITokens(c.Request().Context(), p.User.OrgID, user)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*engine.APIToken{}
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": ts})
}

// revokeToken revokes one of the caller's tokens (an admin: anyone's).
func (s *Server) revokeToken(c echo.Context) error {
	p := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return engine.Errorz(engine.CodeNotFound, "令牌不存在", "no such token")
	}
	user := p.User.ID
	if p.Actor.Has(engine.RoleAdmin) {
		user = 0
	}
	now := s.eng.Now()
	if err := s.db.RevokeAPIToken(c.Request().Context(), p.User.OrgID, user, id, now); err != nil {
		return err
	}
	_ = s.db.RecordSecurityEvent(c.Request().Context(), engine.SecurityEvent{OrgID: p.User.OrgID, At: now, Kind: "token_revoked",
		Username: p.User.Username, UserID: p.User.ID, IP: c.RealIP(), Detail: itoa(id)})
	return c.NoContent(http.StatusNoContent)
}
