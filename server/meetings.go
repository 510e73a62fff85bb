package server

import (
	"fmt"
	"net/http"

	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// Executive meetings (Decree 713 Arts. 29–31): the routes parse and call
// the meeting use cases (procedure/meetings.go).

func (s *Server) createMeeting(c echo.Context) error {
	var req procedure.NewMeeting
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := s.svc.CreateMeeting(c.Request().Context(), principalOf(c).Actor, req)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/meetings/%d", d.ID))
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) listMeetings(c echo.Context) error {
	ms, err := s.svc.Meetings(c.Request().Context(), principalOf(c).Actor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"meetings": ms})
}

func (s *Server) getMeeting(c echo.Context) error {
	id, _ := pathID(c, "id")
	d, err := s.svc.Meeting(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// agendaCandidates lists the items that could go on the agenda and why
// the others cannot.
func (s *Server) agendaCandidates(c echo.Context) error {
	id, _ := pathID(c, "id")
	cs, err := s.svc.AgendaCandidates(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"candidates": cs})
}

type agendaRequest struct {
	ItemID int64 `json:"item_id"`
}

func (s *Server) addToAgenda(c echo.Context) error {
	id, _ := pathID(c, "id")
	var req agendaRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := s.svc.AddToAgenda(c.Request().Context(), principalOf(c).Actor, id, req.ItemID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

type attendanceRequest struct {
	PresentUserIDs []int64 `json:"present_user_ids"`
}

func (s *Server) setAttendance(c echo.Context) error {
	id, _ := pathID(c, "id")
	var req attendanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := s.svc.SetAttendance(c.Request().Context(), principalOf(c).Actor, id, req.PresentUserIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"meeting_id": d.ID, "present_user_ids": d.PresentUserIDs, "quorum": d.Quorum})
}

func (s *Server) recordPosition(c echo.Context) error {
	id, _ := pathID(c, "id")
	item, _ := pathID(c, "item")
	var req procedure.Position
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.svc.RecordPosition(c.Request().Context(), principalOf(c).Actor, id, item, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"item_id": a.ItemID, "positions": a.Positions, "majority": a.Majority})
}

func (s *Server) setDecision(c echo.Context) error {
	id, _ := pathID(c, "id")
	item, _ := pathID(c, "item")
	var req procedure.Decision
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.svc.SetDecision(c.Request().Context(), principalOf(c).Actor, id, item, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"item_id": a.ItemID, "decision": a.Decision, "departure_reason": a.DepartureReason,
		"majority": a.Majority, "dissent": a.Dissent})
}

func (s *Server) closeMeeting(c echo.Context) error {
	id, _ := pathID(c, "id")
	d, err := s.svc.CloseMeeting(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// getMinutes returns the minutes of a closed meeting as HTML.
func (s *Server) getMinutes(c echo.Context) error {
	id, _ := pathID(c, "id")
	html, sha, err := s.svc.Minutes(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-SHA256", sha)
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", html)
}
