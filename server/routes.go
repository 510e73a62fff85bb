package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// routes registers the API. Every route here is described in openapi.yaml
// and TestOpenAPI_RoutesMatchTheDocument fails when the two drift.
func (s *Server) routes() {
	e := s.Echo
	e.GET("/api/v1/openapi.yaml", s.serveSpec)

	// Routes are added one by one rather than through echo groups: a
	// group with middleware catches every unknown path below it, which
	// would turn "405 Method Not Allowed" into 404.
	public := func(method, path string, h echo.HandlerFunc) {
		e.Add(method, "/api/v1/public"+path, h, cleanInput, s.validate)
	}
	api := func(method, path string, h echo.HandlerFunc) {
		e.Add(method, "/api/v1"+path, h, cleanInput, s.authenticate, s.validate, s.idempotent)
	}

	// Public: no account.
	public("GET", "/:org/consultations", s.publicList("consultations"))
	public("GET", "/:org/decisions", s.publicList("decisions"))
	public("GET", "/:org/items/:id", s.publicGetItem)
	public("GET", "/:org/items/:id/documents/:doc", s.publicDownloadDocument)
	e.Add("POST", "/api/v1/public/:org/items/:id/comments", s.publicComment, cleanInput, s.validate, s.idempotent)

	e.POST("/api/v1/auth/login", s.loginHandler, cleanInput, s.validate)

	api("POST", "/auth/logout", s.logoutHandler)
	api("GET", "/me", s.getMe)
	api("GET", "/me/tasks", s.myTasks)

	api("GET", "/workflows", s.listWorkflows)
	api("GET", "/workflows/:id", s.getWorkflow)

	api("GET", "/items", s.listItems)
	api("POST", "/items", s.createItem)
	api("GET", "/items/:id", s.getItem)
	api("POST", "/items/:id/events/:event", s.fireEvent)
	api("GET", "/items/:id/audit", s.getAudit)
	api("GET", "/items/:id/comments", s.listComments)
	api("GET", "/items/:id/legality-review", s.getReviewPackage)
	api("POST", "/items/:id/legality-review", s.submitReview)
	api("POST", "/items/:id/comments/import", s.importComments)
	api("GET", "/items/:id/documents", s.listDocuments)
	api("POST", "/items/:id/documents", s.uploadDocument)
	api("GET", "/items/:id/documents/:doc", s.downloadDocument)

	api("GET", "/meetings", s.listMeetings)
	api("POST", "/meetings", s.createMeeting)
	api("GET", "/meetings/:id", s.getMeeting)
	api("GET", "/meetings/:id/candidates", s.agendaCandidates)
	api("POST", "/meetings/:id/agenda", s.addToAgenda)
	api("PUT", "/meetings/:id/attendance", s.setAttendance)
	api("POST", "/meetings/:id/agenda/:item/positions", s.recordPosition)
	api("PUT", "/meetings/:id/agenda/:item/decision", s.setDecision)
	api("POST", "/meetings/:id/close", s.closeMeeting)
	api("GET", "/meetings/:id/minutes", s.getMinutes)

	api("GET", "/organisation", s.getOrganisation)
	api("GET", "/departments", s.listDepartments)
	api("POST", "/departments", s.createDepartment)
	api("GET", "/users", s.listUsers)
	api("POST", "/users", s.createUser)
	api("PATCH", "/users/:id", s.updateUser)
	api("GET", "/law-firms", s.listLawFirms)
	api("POST", "/law-firms", s.createLawFirm)
	api("GET", "/counsel", s.listCounsel)
	api("POST", "/counsel", s.createCounsel)

	api("GET", "/calendars", s.listCalendars)
	api("POST", "/calendars", s.importCalendar)

	api("GET", "/tokens", s.listTokens)
	api("POST", "/tokens", s.createToken)
	api("DELETE", "/tokens/:id", s.revokeToken)
}

func (s *Server) serveSpec(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", specYAML)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
