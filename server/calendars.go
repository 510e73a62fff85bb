package server

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// listCalendars shows the holiday data in force (?region=, ?year=) and
// how far ahead it reaches, to any signed-in user.
func (s *Server) listCalendars(c echo.Context) error {
	region := c.QueryParam("region")
	var year int
	if v := c.QueryParam("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1949 || y > 9999 {
			return &engine.Error{Code: engine.CodeInvalid, Field: "year", MessageZh: "年份应为四位数字", Message: "year must be a four-digit year"}
		}
		year = y
	}
	views, err := s.cals.Show(c.Request().Context(), region, year)
	if err != nil {
		return err
	}
	cov, err := s.cals.Coverage(c.Request().Context())
	if err != nil {
		return err
	}
	if views == nil {
		views = []procedure.YearView{}
	}
	return c.JSON(http.StatusOK, map[string]any{"years": views, "coverage": cov})
}

// importCalendar loads a holiday notice sent as the JSON form of the
// notice format (see package calendars); administrators only. A
// malformed notice is 422 with every problem and its line, and changes
// nothing.
func (s *Server) importCalendar(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleAdmin); err != nil {
		return err
	}
	r := c.Request()
	if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err != nil || mt != "application/json" {
		return engine.Errorz(engine.CodeUnsupportedMedia, "请求体应为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, calendars.MaxFileSize+1))
	if err != nil {
		return engine.Errorz(engine.CodeMalformed, "无法读取请求体", "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return engine.Errorz(engine.CodeMalformed, "请求体不能为空", "a JSON request body is required")
	}
	res, err := s.cals.ImportFile(r.Context(), procedure.Loader{Ref: p.Actor.Ref(), OrgID: p.User.OrgID}, "api", body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// problemLine is one line-numbered problem of a refused notice.
type problemLine struct {
	Line      int    `json:"line"`
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
}

func problemLines(err error) []problemLine {
	probs := procedure.ParseProblems(err)
	if probs == nil {
		return nil
	}
	out := make([]problemLine, len(probs))
	for i, p := range probs {
		out[i] = problemLine{Line: p.Line, MessageZh: p.Message.Zh, MessageEn: p.Message.En}
	}
	return out
}

// calendarCollector exports juece_calendar_coverage_days: per region in
// use, the days from today to the last day with complete holiday data.
type calendarCollector struct{ cals *procedure.Calendars }

var coverageDesc = prometheus.NewDesc("juece_calendar_coverage_days",
	"Days from today to the last day with complete holiday data, per calendar region in use (0 or less: due dates are provisional).",
	[]string{"region"}, nil)

// Describe implements prometheus.Collector.
func (calendarCollector) Describe(ch chan<- *prometheus.Desc) { ch <- coverageDesc }

// Collect implements prometheus.Collector.
func (k *calendarCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cov, err := k.cals.Coverage(ctx)
	if err != nil {
		return
	}
	for _, cv := range cov {
		ch <- prometheus.MustNewConstMetric(coverageDesc, prometheus.GaugeValue, float64(cv.DaysLeft), cv.Region)
	}
}
