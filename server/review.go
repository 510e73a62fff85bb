package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// getReviewPackage shows the legality-review package as it would be
// submitted now (procedure.Service.ReviewPackageOf).
func (s *Server) getReviewPackage(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	p, _, err := s.svc.ReviewPackageOf(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// submitReview submits the derived package (procedure.Service.SubmitReview).
func (s *Server) submitReview(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	want, err := ifMatch(c)
	if err != nil {
		return err
	}
	f, err := s.svc.SubmitReview(c.Request().Context(), principalOf(c).Actor, id, want)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(f.Version))
	return c.JSON(http.StatusOK, f)
}
