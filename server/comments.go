package server

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// listComments returns the item's opinions grouped, most frequent first,
// with each group's disposition.
func (s *Server) listComments(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	v, err := s.svc.Comments(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// importComments records opinions received by other channels from a CSV
// body (UTF-8 or GB18030; one opinion per row, with the commenter and the
// date when the file has those columns).
func (s *Server) importComments(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	want, err := ifMatch(c)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt != "text/csv" {
		return engine.Errorz(engine.CodeUnsupportedMedia, "请以 text/csv 上传意见表", "send the opinions as text/csv")
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		return engine.Errorz(engine.CodeMalformed, "无法读取上传内容", "the upload could not be read")
	}
	f, n, err := s.svc.ImportComments(c.Request().Context(), principalOf(c).Actor, id, c.QueryParam("channel"), data, want)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(f.Version))
	return c.JSON(http.StatusOK, map[string]any{"item_id": id, "imported": n, "version": f.Version})
}
