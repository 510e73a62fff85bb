package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// SessionCookie is the name of the login session cookie.
const SessionCookie = "juece_session"

// CSRFHeader must carry the session's CSRF token on every unsafe request
// authenticated by the session cookie.
const CSRFHeader = "X-CSRF-Token"

// TokenPrefix starts every API token (see procedure.TokenPrefix).
const TokenPrefix = procedure.TokenPrefix

// principal is the authenticated caller of a request.
type principal struct {
	User  *engine.User
	Actor engine.Actor
	// Via is "session" or "token".
	Via     string
	Session *engine.Session
}

const principalKey = "juece.principal"

func principalOf(c echo.Context) *principal {
	p, _ := c.Get(principalKey).(*principal)
	return p
}

func unauthenticated() error { return procedure.Unauthenticated() }

// authenticate resolves the caller from a bearer token or the session
// cookie. Requests with neither are rejected with 401; unsafe requests
// made with the cookie must carry the CSRF token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
			scheme, tok, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				return unauthenticated()
			}
			_, u, err := s.accounts.Token(ctx, tok)
			if err != nil {
				return err
			}
			c.Set(principalKey, &principal{User: u, Actor: u.Actor(), Via: "token"})
			c.Response().Header().Set("Cache-Control", "no-store")
			return next(c)
		}
		ck, err := r.Cookie(SessionCookie)
		if err != nil || ck.Value == "" {
			return unauthenticated()
		}
		sess, u, err := s.accounts.Session(ctx, ck.Value)
		if err != nil {
			return err
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			got := r.Header.Get(CSRFHeader)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
				return engine.Errorz(engine.CodeForbidden, "缺少或错误的 CSRF 令牌（X-CSRF-Token）", "missing or wrong CSRF token (X-CSRF-Token)")
			}
		}
		c.Set(principalKey, &principal{User: u, Actor: u.Actor(), Via: "session", Session: sess})
		// What a signed-in caller sees is never kept by a cache.
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

type loginRequest struct {
	Organisation string `json:"organisation"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

type loginResponse struct {
	User      userView `json:"user"`
	CSRFToken string   `json:"csrf_token"`
	ExpiresAt string   `json:"expires_at"`
}

// login checks a password and starts a session (procedure.Accounts).
func (s *Server) loginHandler(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := s.accounts.SignIn(c.Request().Context(), procedure.Login{Organisation: req.Organisation, Username: req.Username,
		Password: req.Password, IP: c.RealIP()})
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: in.Secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.cfg.SecureCookies, Expires: in.Session.ExpiresAt})
	return c.JSON(http.StatusOK, loginResponse{User: viewUser(in.User), CSRFToken: in.Session.CSRFToken, ExpiresAt: in.Session.ExpiresAt.UTC().Format(time.RFC3339)})
}

// logout ends the caller's session (a no-op for token callers).
func (s *Server) logoutHandler(c echo.Context) error {
	p := principalOf(c)
	if p.Session != nil {
		if err := s.accounts.SignOut(c.Request().Context(), p.Session, p.User, c.RealIP()); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.cfg.SecureCookies, MaxAge: -1})
	return c.NoContent(http.StatusNoContent)
}

// requireRole returns forbidden unless the caller holds one of roles.
func requireRole(p *principal, roles ...engine.Role) error {
	for _, r := range roles {
		if p.Actor.Has(r) {
			return nil
		}
	}
	return engine.Errorz(engine.CodeForbidden, "您的角色无权进行此操作", "your roles do not permit this")
}
