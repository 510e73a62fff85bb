// Package web is Juece's HTML adapter: the staff workspace served at /,
// server-rendered with html/template over the same procedure use cases as
// the JSON API (package procedure). Handlers parse the request, call a use
// case and render a page or redirect; no rule of the procedure lives here
// or in a template, and the adapter holds no SQL.
//
// Every form works without JavaScript; htmx (vendored, embedded) only
// refreshes parts of some pages. Pages carry a strict Content-Security-
// Policy (no inline script or style), every form a CSRF token, and every
// text comes from the message catalogue (messages.go) or the workflow's
// YAML, in Chinese by default and in English by the language switch.
package web

import (
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config wires the web adapter. Procedure and Accounts are required.
type Config struct {
	Procedure *procedure.Service
	// Accounts signs people in; share it with the JSON API so that the
	// sign-in rate limit counts attempts on both.
	Accounts *procedure.Accounts
	// Calendars administers the holiday calendars (admin pages, the work
	// queue's calendar tasks).
	Calendars *procedure.Calendars
	// Directory administers departments, accounts and roles, law firms
	// and counsel (the administration pages).
	Directory *procedure.Directory
	Logger    *slog.Logger
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// DocumentLimit caps uploaded files, in bytes (default 20 MiB).
	DocumentLimit int64
	// TrustedProxies are the CIDR ranges of reverse proxies whose
	// X-Forwarded-For is believed (for the sign-in rate limit).
	TrustedProxies []string
	// DemoLogins are listed on the sign-in page (serve --demo).
	DemoLogins []DemoLogin
}

// DemoLogin is a demo account shown on the sign-in page.
type DemoLogin struct {
	Organisation, Username, Name, Password string
	Roles                                  []engine.Role
}

// Web is the web adapter; it is an http.Handler.
type Web struct {
	*echo.Echo
	cfg   Config
	svc   *procedure.Service
	acc   *procedure.Accounts
	cals  *procedure.Calendars
	dir   *procedure.Directory
	log   *slog.Logger
	pages *pageSet
}

// contentSecurityPolicy allows only the site's own scripts, styles, images
// and frames (the inline preview of documents).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// New builds the web adapter. It returns an error when the templates do
// not parse or the configuration is unusable.
func New(cfg Config) (*Web, error) {
	if cfg.Procedure == nil || cfg.Accounts == nil {
		return nil, errors.New("web: Procedure and Accounts are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DocumentLimit == 0 {
		cfg.DocumentLimit = 20 << 20
	}
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	w := &Web{Echo: e, cfg: cfg, svc: cfg.Procedure, acc: cfg.Accounts, cals: cfg.Calendars, dir: cfg.Directory, log: cfg.Logger, pages: pages}
	ext, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ext
	e.HTTPErrorHandler = w.errorPage
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "SAMEORIGIN",
		ReferrerPolicy: "same-origin", ContentSecurityPolicy: contentSecurityPolicy,
	}))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		cfg.Logger.Error("panic", slog.Any("error", err), slog.String("stack", string(stack)))
		return err
	}}))
	e.Use(w.limitBody)
	e.Use(w.language)
	e.Use(w.cleanInput)

	static, _ := fs.Sub(Static, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheStatic(http.FileServer(http.FS(static))))))
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
	e.GET("/login", w.loginPage)
	e.POST("/login", w.login)
	e.GET("/lang/:lang", w.switchLanguage)

	g := e.Group("", w.authenticate)
	g.POST("/logout", w.logout)
	for _, r := range routeSets {
		r(w, g)
	}
	return w, nil
}

// routeSets register the pages of each part of the workspace (work queue,
// items, meetings, administration…); each part's file adds its own in
// init, so the parts stay apart.
var routeSets []func(w *Web, g *echo.Group)

// cacheStatic lets browsers keep the embedded assets for a day.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(rw, r)
	})
}

// limitBody caps request bodies: forms at 1 MiB, uploads (multipart) at
// DocumentLimit plus 1 MiB for the other fields.
func (w *Web) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodPost {
			limit := int64(1 << 20)
			if isMultipart(r) {
				limit = w.cfg.DocumentLimit + 1<<20
			}
			if r.ContentLength > limit {
				return engine.Errorz(engine.CodeTooLarge, "提交的内容超过大小限制", "what you sent is too large")
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		}
		return next(c)
	}
}

// ipExtractor trusts X-Forwarded-For only from the configured proxies.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, err
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// chinaTime formats t as a date and time in China.
func chinaTime(t time.Time) string { return t.In(engine.ChinaTime).Format("2006-01-02 15:04") }
