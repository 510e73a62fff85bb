package server

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// Directory resources: the caller's organisation, departments, users and
// roles, law firms and retained counsel (the use cases of
// procedure.Directory, which also decides who may read and change what),
// and API tokens.

// dir is the directory use cases over the server's backend (a few words
// of memory; made per request so that the server holds no second copy of
// its configuration).
func (s *Server) dir() *procedure.Directory { return procedure.NewDirectory(s.db, s.eng.Now, s.log) }

type meView struct {
	User         userView            `json:"user"`
	Organisation engine.Organisation `json:"organisation"`
	Via          string              `json:"via"`
	CSRFToken    string              `json:"csrf_token,omitempty"`
}

func (s *Server) getMe(c echo.Context) error {
	p := principalOf(c)
	org, err := s.dir().Organisation(c.Request().Context(), p.Actor)
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
	org, err := s.dir().Organisation(c.Request().Context(), principalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, org)
}

func (s *Server) listDepartments(c echo.Context) error {
	ds, err := s.dir().Departments(c.Request().Context(), principalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"departments": ds})
}

type nameRequest struct {
	Name string `json:"name"`
}

// decodeAdmin checks that the caller administers the directory before
// reading the body (so that others learn nothing from how it is checked)
// and decodes it into v.
func (s *Server) decodeAdmin(c echo.Context, v any) error {
	if err := procedure.MayAdminister(principalOf(c).Actor); err != nil {
		return err
	}
	return decodeJSON(c, v)
}

func (s *Server) createDepartment(c echo.Context) error {
	var req nameRequest
	if err := s.decodeAdmin(c, &req); err != nil {
		return err
	}
	d, err := s.dir().CreateDepartment(c.Request().Context(), principalOf(c).Actor, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) listUsers(c echo.Context) error {
	p := principalOf(c)
	if err := procedure.MayReadAccounts(p.Actor); err != nil {
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
		limit = 201 // refused by the use case; kept small so that it fits an int
	}
	page, err := s.dir().Users(c.Request().Context(), p.Actor, procedure.UserQuery{After: after, Limit: int(limit)})
	if err != nil {
		return err
	}
	out := struct {
		Users      []userView `json:"users"`
		NextCursor *string    `json:"next_cursor"`
	}{Users: make([]userView, len(page.Users))}
	for i, u := range page.Users {
		out.Users[i] = viewUser(u)
	}
	if page.Next != 0 {
		next := itoa(page.Next)
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
const MinPasswordLength = procedure.MinPasswordLength

func (s *Server) createUser(c echo.Context) error {
	var req createUserRequest
	if err := s.decodeAdmin(c, &req); err != nil {
		return err
	}
	u, err := s.dir().CreateUser(c.Request().Context(), principalOf(c).Actor, procedure.NewUser{Username: req.Username, DisplayName: req.DisplayName,
		Password: req.Password, DepartmentID: req.DepartmentID, Roles: req.Roles}, c.RealIP())
	if err != nil {
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
	if err := procedure.MayAdminister(p.Actor); err != nil {
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
	u, err := s.dir().UpdateUser(c.Request().Context(), p.Actor, id, procedure.UserChange{DisplayName: req.DisplayName, DepartmentID: req.DepartmentID,
		Roles: req.Roles, Active: req.Active, Password: req.Password}, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewUser(u))
}

func (s *Server) listLawFirms(c echo.Context) error {
	fs, err := s.dir().LawFirms(c.Request().Context(), principalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"law_firms": fs})
}

func (s *Server) createLawFirm(c echo.Context) error {
	var req nameRequest
	if err := s.decodeAdmin(c, &req); err != nil {
		return err
	}
	f, err := s.dir().CreateLawFirm(c.Request().Context(), principalOf(c).Actor, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

func (s *Server) listCounsel(c echo.Context) error {
	cs, err := s.dir().Counsel(c.Request().Context(), principalOf(c).Actor)
	if err != nil {
		return err
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
	var req createCounselRequest
	if err := s.decodeAdmin(c, &req); err != nil {
		return err
	}
	cn, err := s.dir().CreateCounsel(c.Request().Context(), principalOf(c).Actor, procedure.NewCounsel{UserID: req.UserID, LawFirmID: req.LawFirmID,
		LicenceNo: req.LicenceNo, ContractFrom: req.ContractFrom, ContractTo: req.ContractTo})
	if err != nil {
		return err
	}
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
	if err := procedure.CheckName(req.Name, 100); err != nil {
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
	// A retry with the same Idempotency-Key gets the token's record but
	// not its secret: the idempotency store never holds a secret.
	if redacted, err := json.Marshal(createdToken{APIToken: t, Token: ""}); err == nil {
		c.Set(storedBodyKey, redacted)
	}
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
