package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

//go:embed templates
var templateFiles embed.FS

// page is what every template receives: the layout's parts and the
// page's own Data.
type page struct {
	// Title is a message key (or, with TitleText, the title itself).
	Title     string
	TitleText string
	// Nav names the menu entry to mark as current.
	Nav    string
	Lang   string
	Viewer *viewer
	CSRF   string
	// Path is the page's URL, for the language switch to come back to.
	Path  string
	Flash string
	Data  any
}

// pageSet holds every page template, parsed once per language so that the
// translation functions need no language argument.
type pageSet struct {
	pages map[string]map[string]*template.Template
}

// loadPages parses templates/layout.html and templates/partials/*.html
// with each page templates/*.html, for each language.
func loadPages() (*pageSet, error) {
	ps := &pageSet{pages: map[string]map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFiles, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, lang := range []string{langZh, langEn} {
		ps.pages[lang] = map[string]*template.Template{}
		base, err := template.New("").Funcs(funcs(lang)).ParseFS(templateFiles, partials...)
		if err != nil {
			return nil, fmt.Errorf("web: partials: %w", err)
		}
		for _, n := range names {
			name := strings.TrimSuffix(path.Base(n), ".html")
			if name == "layout" {
				continue
			}
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if _, err := t.ParseFS(templateFiles, "templates/layout.html", n); err != nil {
				return nil, fmt.Errorf("web: %s: %w", n, err)
			}
			ps.pages[lang][name] = t
		}
	}
	return ps, nil
}

// render writes page name with status. A template error is logged and
// becomes a plain 500: a half-rendered page is never sent.
func (w *Web) render(c echo.Context, status int, name string, p *page) error {
	p.Lang = langOf(c)
	if p.Viewer == nil {
		p.Viewer = viewerOf(c)
	}
	if p.CSRF == "" && p.Viewer != nil {
		p.CSRF = p.Viewer.Session.CSRFToken
	}
	p.Path = c.Request().URL.RequestURI()
	if c.Request().Method != http.MethodGet {
		// A page shown in answer to a form (a refusal) has a POST-only
		// address; the language switch goes back to the page the form
		// was on.
		p.Path = "/"
		if ref, err := url.Parse(c.Request().Referer()); err == nil && ref.Host == c.Request().Host {
			p.Path = ref.RequestURI()
		}
	}
	if p.Flash == "" {
		p.Flash = takeFlash(c)
	}
	t := w.pages.pages[p.Lang][name]
	if t == nil {
		return engine.Internal(fmt.Errorf("web: no page %q", name))
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		w.log.Error("rendering a page", slog.String("page", name), slog.String("error", err.Error()))
		return engine.Internal(err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, b.Bytes())
}

// flashCookie carries a one-time notice to the page after a redirect.
const flashCookie = "juece_flash"

// setFlash leaves a notice (a message key, or text) for the next page.
func (w *Web) setFlash(c echo.Context, msg string) {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: urlEscape(msg), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: w.cfg.SecureCookies, MaxAge: 60})
}

func takeFlash(c echo.Context) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	return urlUnescape(ck.Value)
}

// errorData is what the error page shows.
type errorData struct {
	Status int
	Err    *engine.Error
}

// errorPage renders any error as a page with the status of its code: a
// refusal shows its message and article; an internal error is logged with
// its cause and shown without it.
func (w *Web) errorPage(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ee *engine.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ee):
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			ee = engine.Errorz(engine.CodeNotFound, "页面不存在", "no such page")
		case http.StatusRequestEntityTooLarge:
			ee = engine.Errorz(engine.CodeTooLarge, "提交的内容超过大小限制", "what you sent is too large")
		default:
			ee = engine.Errorz(engine.CodeMalformed, "无法处理该请求", "the request could not be handled")
		}
	default:
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			ee = engine.Errorz(engine.CodeTooLarge, "提交的内容超过大小限制", "what you sent is too large")
		} else {
			ee = &engine.Error{Code: engine.CodeInternal}
		}
	}
	status := procedure.StatusOf(ee.Code)
	if ee.Code == engine.CodeRateLimited {
		c.Response().Header().Set("Retry-After", strconv.Itoa(procedure.RateLimitedRetrySeconds))
	}
	if ee.Code == engine.CodeUnavailable {
		c.Response().Header().Set("Retry-After", strconv.Itoa(procedure.RetryAfterSeconds))
	} else if status >= 500 {
		w.log.Error("web request failed", slog.String("path", c.Request().URL.Path), slog.String("error", err.Error()))
		ee = engine.Errorz(engine.CodeInternal, "系统内部错误，请稍后重试；如问题持续，请联系系统管理员", "something went wrong on our side; try again later, or tell the administrator if it persists")
	}
	if rerr := w.render(c, status, "error", &page{Title: "error.title", Data: errorData{Status: status, Err: ee}}); rerr != nil {
		c.Response().Header().Set("Content-Type", "text/plain; charset=utf-8")
		c.Response().WriteHeader(status)
		fmt.Fprintf(c.Response(), "%d %s / %s", status, ee.MessageZh, ee.Message)
	}
}

// funcs are the template functions for lang.
func funcs(lang string) template.FuncMap {
	pick := func(t engine.Text) string {
		if lang == langEn && t.En != "" {
			return t.En
		}
		if t.Zh == "" {
			return t.En
		}
		return t.Zh
	}
	return template.FuncMap{
		// t translates a message key; extra arguments fill its verbs.
		"t": func(key string, args ...any) string { return translate(lang, key, args...) },
		// tx picks the language of a zh/en text.
		"tx": pick,
		"txp": func(t *engine.Text) string {
			if t == nil {
				return ""
			}
			return pick(*t)
		},
		"lang": func() string { return lang },
		// colon is the colon after a label in the page language.
		"colon": func() string {
			if lang == langEn {
				return ": "
			}
			return "："
		},
		// msg is an error's message in the language.
		"msg": func(e *engine.Error) string {
			if e == nil {
				return ""
			}
			return pick(engine.Text{Zh: e.MessageZh, En: e.Message})
		},
		"failmsg": func(f procedure.FailureView) string { return pick(engine.Text{Zh: f.MessageZh, En: f.MessageEn}) },
		"role":    func(r engine.Role) string { return pick(r.Label()) },
		"kind":    func(k string) string { return pick(engine.DocumentKindLabel(k)) },
		// date writes a "2006-01-02" date for prose: 2026年12月2日.
		"date": func(s string) string { return proseDate(lang, s) },
		"datep": func(s *string) string {
			if s == nil {
				return ""
			}
			return proseDate(lang, *s)
		},
		"when": chinaTime,
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
		"add": func(a, b int) int { return a + b },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"contains": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"has": func(list []int64, id int64) bool {
			for _, x := range list {
				if x == id {
					return true
				}
			}
			return false
		},
		"list":  func(s ...string) []string { return s },
		"join":  strings.Join,
		"upper": strings.ToUpper,
	}
}

// proseDate writes a date for running text: 2026年12月2日 or 2 December 2026.
func proseDate(lang, s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	if lang == langEn {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func urlUnescape(s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil {
		return ""
	}
	return u
}

// isMultipart reports whether r carries a multipart form (an upload).
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}
