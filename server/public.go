package server

import (
	"net/http"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The public endpoints need no account; what they show is the
// procedure's public views (procedure.Service.PublicList and friends).

// publicList lists, newest first, the organisation's items open for
// comment (kind "consultations") or published ("decisions").
func (s *Server) publicList(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		org, err := s.svc.PublicOrganisation(c.Request().Context(), c.Param("org"))
		if err != nil {
			return err
		}
		cursor, err := queryInt(c, "cursor")
		if err != nil {
			return err
		}
		page, err := s.svc.PublicList(c.Request().Context(), org, kind == "decisions", cursor)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, page)
	}
}

func (s *Server) publicGetItem(c echo.Context) error {
	org, err := s.svc.PublicOrganisation(c.Request().Context(), c.Param("org"))
	if err != nil {
		return err
	}
	id, err := itemID(c)
	if err != nil {
		return err
	}
	v, err := s.svc.PublicItemOf(c.Request().Context(), org, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// publicDownloadDocument serves a document marked public of a public item.
func (s *Server) publicDownloadDocument(c echo.Context) error {
	org, err := s.svc.PublicOrganisation(c.Request().Context(), c.Param("org"))
	if err != nil {
		return err
	}
	id, err := itemID(c)
	if err != nil {
		return err
	}
	doc, err := pathID(c, "doc")
	if err != nil {
		return engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	d, err := s.svc.PublicDocumentOf(c.Request().Context(), org, id, doc)
	if err != nil {
		return err
	}
	return serveDocument(c, d)
}

type publicCommentRequest struct {
	Content   string `json:"content"`
	Commenter string `json:"commenter"`
	Contact   string `json:"contact"`
}

// publicComment takes a comment on an item open for comment, rate-limited
// per client address.
func (s *Server) publicComment(c echo.Context) error {
	if !s.public.Allow("ip:" + c.RealIP()) {
		return rateLimited()
	}
	org, err := s.svc.PublicOrganisation(c.Request().Context(), c.Param("org"))
	if err != nil {
		return err
	}
	id, err := itemID(c)
	if err != nil {
		return err
	}
	var req publicCommentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.svc.SubmitComment(c.Request().Context(), org, id, procedure.PublicComment{Content: req.Content, Commenter: req.Commenter, Contact: req.Contact})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}
