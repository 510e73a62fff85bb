package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// SessionCookie holds the sign-in session; the JSON API reads the same
// cookie, so a person signed in on the pages is signed in for the API.
const SessionCookie = "juece_session"

// loginCSRFCookie carries the sign-in form's token (double submit): there
// is no session yet to hold one.
const loginCSRFCookie = "juece_login_csrf"

// csrfField is the name of the CSRF token in every form.
const csrfField = "_csrf"

// viewer is the signed-in person of a request.
type viewer struct {
	User    *engine.User
	Actor   engine.Actor
	Session *engine.Session
	Org     *engine.Organisation
}

const viewerKey = "juece.web.viewer"

func viewerOf(c echo.Context) *viewer {
	v, _ := c.Get(viewerKey).(*viewer)
	return v
}

// authenticate resolves the session cookie; without a valid session the
// person is sent to the sign-in page, and back afterwards. Every POST must
// carry the session's CSRF token (form field or X-CSRF-Token header).
func (w *Web) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ck, err := r.Cookie(SessionCookie)
		if err != nil || ck.Value == "" {
			return w.toLogin(c)
		}
		sess, u, err := w.acc.Session(r.Context(), ck.Value)
		if err != nil {
			if engine.ErrorCode(err) == engine.CodeUnauthenticated {
				return w.toLogin(c)
			}
			return err
		}
		if r.Method == http.MethodPost {
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = c.FormValue(csrfField)
			}
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
				return engine.Errorz(engine.CodeForbidden, "表单已失效或来源不明（缺少安全令牌），请返回页面重新提交",
					"the form has expired or did not come from this site (no security token); go back and submit it again")
			}
		}
		org, err := w.svc.Organisation(r.Context(), u.OrgID)
		if err != nil {
			return err
		}
		c.Set(viewerKey, &viewer{User: u, Actor: u.Actor(), Session: sess, Org: org})
		return next(c)
	}
}

// toLogin redirects to the sign-in page, remembering where the person
// was going (GET requests only).
func (w *Web) toLogin(c echo.Context) error {
	next := "/"
	if c.Request().Method == http.MethodGet {
		next = c.Request().URL.RequestURI()
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

type loginData struct {
	Organisation, Username, Next string
	Demo                         []DemoLogin
	Error                        *engine.Error
}

func (w *Web) loginPage(c echo.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
		if _, _, err := w.acc.Session(c.Request().Context(), ck.Value); err == nil {
			return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
		}
	}
	org := "demo"
	if len(w.cfg.DemoLogins) == 0 {
		org = ""
	}
	return w.renderLogin(c, http.StatusOK, loginData{Organisation: org, Next: safeNext(c.QueryParam("next"))})
}

func (w *Web) renderLogin(c echo.Context, status int, d loginData) error {
	// One token per browser: a second load of the page (another tab, a
	// request the browser makes on its own) must not void the first form.
	token := ""
	if ck, err := c.Cookie(loginCSRFCookie); err == nil && strings.HasPrefix(ck.Value, "l_") && len(ck.Value) > 20 {
		token = ck.Value
	} else {
		token, _ = procedure.NewToken("l_")
	}
	c.SetCookie(&http.Cookie{Name: loginCSRFCookie, Value: token, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: w.cfg.SecureCookies, MaxAge: 3600})
	d.Demo = w.cfg.DemoLogins
	return w.render(c, status, "login", &page{Title: "login.title", CSRF: token, Data: d})
}

func (w *Web) login(c echo.Context) error {
	d := loginData{Organisation: strings.TrimSpace(c.FormValue("organisation")), Username: strings.TrimSpace(c.FormValue("username")),
		Next: safeNext(c.FormValue("next"))}
	ck, err := c.Cookie(loginCSRFCookie)
	if err != nil || ck.Value == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.FormValue(csrfField))) != 1 {
		d.Error = engine.Errorz(engine.CodeForbidden, "登录表单已失效，请重新输入", "the sign-in form expired; please enter your details again")
		return w.renderLogin(c, http.StatusForbidden, d)
	}
	in, err := w.acc.SignIn(c.Request().Context(), procedure.Login{Organisation: d.Organisation, Username: d.Username,
		Password: c.FormValue("password"), IP: c.RealIP()})
	if err != nil {
		var ee *engine.Error
		if e, ok := err.(*engine.Error); ok {
			ee = e
		} else {
			return err
		}
		d.Error = ee
		return w.renderLogin(c, procedure.StatusOf(ee.Code), d)
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: in.Secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: w.cfg.SecureCookies}) // a browser-session cookie; the server enforces the session's end
	c.SetCookie(&http.Cookie{Name: loginCSRFCookie, Value: "", Path: "/login", MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, d.Next)
}

func (w *Web) logout(c echo.Context) error {
	v := viewerOf(c)
	if err := w.acc.SignOut(c.Request().Context(), v.Session, v.User, c.RealIP()); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: w.cfg.SecureCookies, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// Has reports whether the viewer holds role.
func (v *viewer) Has(role string) bool { return v.Actor.Has(engine.Role(role)) }

// Reads reports whether the viewer works on items at all (an
// administrator only administers).
func (v *viewer) Reads() bool {
	for _, r := range v.User.Roles {
		if r != engine.RoleAdmin {
			return true
		}
	}
	return false
}

// MeetingReader reports whether the viewer may open the meetings.
func (v *viewer) MeetingReader() bool {
	for _, r := range procedure.MeetingReaders {
		if v.Actor.Has(r) {
			return true
		}
	}
	return false
}
