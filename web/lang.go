package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// langCookie keeps the language a person chose.
const langCookie = "juece_lang"

// The languages of the pages: Chinese by default, English by choice.
const (
	langZh = "zh"
	langEn = "en"
)

const langKey = "juece.web.lang"

func langOf(c echo.Context) string {
	if l, ok := c.Get(langKey).(string); ok {
		return l
	}
	return langZh
}

// language picks the page language: the switch's cookie, else the
// browser's Accept-Language when it prefers English to Chinese, else
// Chinese.
func (w *Web) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := langZh
		if ck, err := c.Cookie(langCookie); err == nil && (ck.Value == langEn || ck.Value == langZh) {
			l = ck.Value
		} else if prefersEnglish(c.Request().Header.Get("Accept-Language")) {
			l = langEn
		}
		c.Set(langKey, l)
		return next(c)
	}
}

// prefersEnglish reports whether the first language of an Accept-Language
// header that is Chinese or English is English.
func prefersEnglish(h string) bool {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return false
		case strings.HasPrefix(tag, "en"):
			return true
		}
	}
	return false
}

// switchLanguage sets the language cookie and returns to the page the
// person was on.
func (w *Web) switchLanguage(c echo.Context) error {
	l := c.Param("lang")
	if l != langEn && l != langZh {
		l = langZh
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: w.cfg.SecureCookies})
	return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("back")))
}
