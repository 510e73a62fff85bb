package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/", w.workPage)
	})
}

// workPage is 我的待办: what waits on the viewer, overdue first.
func (w *Web) workPage(c echo.Context) error {
	v := viewerOf(c)
	q, err := w.svc.Tasks(c.Request().Context(), v.Actor, w.cals)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "work", &page{Title: "work.title", Nav: "work", Data: q})
}
