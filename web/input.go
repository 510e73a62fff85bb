package web

import (
	"net/http"
	"net/url"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// cleanInput refuses, with a 400 page, path and query parameters and
// form fields that are not clean text (bytes that are not UTF-8, NUL,
// control characters: engine.CheckText), before any handler or use case
// sees them — the same answer on both databases.
func (w *Web) cleanInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		bad := func(err error) error {
			e := *err.(*engine.Error)
			e.Code = engine.CodeMalformed
			return &e
		}
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) {
				if err := engine.CheckText(name, c.ParamValues()[i]); err != nil {
					return bad(err)
				}
			}
		}
		q, err := url.ParseQuery(c.Request().URL.RawQuery)
		if err != nil {
			return engine.Errorz(engine.CodeMalformed, "网址参数格式错误", "the address's parameters are malformed")
		}
		if err := checkValues(q); err != nil {
			return bad(err)
		}
		if c.Request().Method == http.MethodPost {
			var form url.Values
			if isMultipart(c.Request()) {
				mf, err := c.MultipartForm()
				if err != nil {
					return nil // the handler reports what is wrong with the upload
				}
				form = url.Values(mf.Value)
				for field, fhs := range mf.File {
					for _, fh := range fhs {
						if err := engine.CheckText(field, fh.Filename); err != nil {
							return bad(err)
						}
					}
				}
			} else if form, err = c.FormParams(); err != nil {
				return engine.Errorz(engine.CodeMalformed, "无法读取表单", "the form could not be read")
			}
			if err := checkValues(form); err != nil {
				return bad(err)
			}
		}
		return next(c)
	}
}

func checkValues(v url.Values) error {
	for name, vs := range v {
		if err := engine.CheckText("field", name); err != nil {
			return err
		}
		for _, s := range vs {
			if err := engine.CheckText(name, s); err != nil {
				return err
			}
		}
	}
	return nil
}
