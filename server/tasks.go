package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// myTasks is the caller's work queue (procedure.Service.Tasks).
func (s *Server) myTasks(c echo.Context) error {
	q, err := s.svc.Tasks(c.Request().Context(), principalOf(c).Actor, s.cals)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, q)
}
