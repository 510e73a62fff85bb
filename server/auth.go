package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// SessionCookie is the name of the login session cookie.
const SessionCookie = "juece_session"

// CSRFHeader must carry the session's CSRF token on every unsafe request
// authenticated by the session cookie.
const CSRFHeader = "X-CSRF-Token"

// TokenPrefix starts every API token, so that leaked tokens are easy to
// recognise in code and logs.
const TokenPrefix = "jt_"

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

// NewToken returns a fresh random secret with prefix and the SHA-256 the
// store keeps instead of it.
func NewToken(prefix string) (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken is the SHA-256 of a session or API token as stored.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func unauthenticated() error {
	return engine.Errorz(engine.CodeUnauthenticated, "请先登录或提供有效的访问令牌", "log in or present a valid API token")
}

// authenticate resolves the caller from a bearer token or the session
// cookie. Requests with neither are rejected with 401; unsafe requests
// made with the cookie must carry the CSRF token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		now := s.eng.Now()
		if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
			scheme, tok, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(strings.TrimSpace(tok), TokenPrefix) {
				return unauthenticated()
			}
			_, u, err := s.db.AuthenticateToken(ctx, HashToken(strings.TrimSpace(tok)), now)
			if err != nil {
				return err
			}
			c.Set(principalKey, &principal{User: u, Actor: u.Actor(), Via: "token"})
			return next(c)
		}
		ck, err := r.Cookie(SessionCookie)
		if err != nil || ck.Value == "" {
			return unauthenticated()
		}
		sess, u, err := s.db.GetSession(ctx, HashToken(ck.Value), now)
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

// dummyHash is compared against when the user does not exist, so that a
// failed login takes as long either way.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("juece-dummy-password"), bcrypt.DefaultCost)

// login checks a password and starts a session. It is rate-limited per
// client address and per account, and every attempt is logged.
func (s *Server) loginHandler(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	req.Organisation, req.Username = strings.TrimSpace(req.Organisation), strings.TrimSpace(req.Username)
	if req.Organisation == "" || req.Username == "" || req.Password == "" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "username", MessageZh: "请填写机关代码、用户名和密码", Message: "organisation, username and password are required"}
	}
	if utf8.RuneCountInString(req.Password) > 200 || utf8.RuneCountInString(req.Username) > 100 || utf8.RuneCountInString(req.Organisation) > 100 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "password", MessageZh: "输入过长", Message: "input too long"}
	}
	ip := c.RealIP()
	if !s.login.allow("ip:"+ip) || !s.login.allow("user:"+req.Organisation+"/"+req.Username) {
		return rateLimited()
	}
	ctx := c.Request().Context()
	now := s.eng.Now()
	fail := func(orgID, userID int64, detail string) error {
		_ = s.db.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: orgID, At: now, Kind: "login_failed", Username: req.Username,
			UserID: userID, IP: ip, Detail: detail})
		return engine.Errorz(engine.CodeUnauthenticated, "机关代码、用户名或密码错误", "wrong organisation, username or password")
	}
	org, err := s.db.GetOrganisationByCode(ctx, req.Organisation)
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeNotFound {
			return err
		}
		bcrypt.CompareHashAndPassword(dummyHash, []byte(req.Password))
		return fail(0, 0, "unknown organisation "+req.Organisation)
	}
	u, err := s.db.GetUserByUsername(ctx, org.ID, req.Username)
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeNotFound {
			return err
		}
		bcrypt.CompareHashAndPassword(dummyHash, []byte(req.Password))
		return fail(org.ID, 0, "unknown user")
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(req.Password)) != nil {
		return fail(org.ID, u.ID, "wrong password")
	}
	if !u.Active {
		return fail(org.ID, u.ID, "inactive account")
	}
	secret, hash := NewToken("s_")
	csrf, _ := NewToken("c_")
	sess := engine.Session{TokenHash: hash, OrgID: org.ID, UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.db.CreateSession(ctx, sess); err != nil {
		return err
	}
	_ = s.db.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: org.ID, At: now, Kind: "login_ok", Username: u.Username, UserID: u.ID, IP: ip})
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.cfg.SecureCookies, Expires: sess.ExpiresAt})
	return c.JSON(http.StatusOK, loginResponse{User: viewUser(u), CSRFToken: csrf, ExpiresAt: sess.ExpiresAt.UTC().Format(time.RFC3339)})
}

// logout ends the caller's session (a no-op for token callers).
func (s *Server) logoutHandler(c echo.Context) error {
	p := principalOf(c)
	if p.Session != nil {
		if err := s.db.DeleteSession(c.Request().Context(), p.Session.TokenHash); err != nil {
			return err
		}
		_ = s.db.RecordSecurityEvent(c.Request().Context(), engine.SecurityEvent{OrgID: p.User.OrgID, At: s.eng.Now(), Kind: "logout",
			Username: p.User.Username, UserID: p.User.ID, IP: c.RealIP()})
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
