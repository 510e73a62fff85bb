// Package server is Juece's HTTP adapter (labstack/echo v4). For now it
// serves the health endpoints; the JSON API under /api/v1 builds on it.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Readiness reports whether the service can take traffic: the database is
// reachable and migrated. It returns nil when ready.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Config wires the server. Engine and Ready are required.
type Config struct {
	Engine *engine.Engine
	Ready  Readiness
	Logger *slog.Logger
	// BodyLimit caps request bodies, e.g. "2M". Defaults to "2M".
	BodyLimit string
}

// New returns the configured echo instance. It sets an explicit
// IPExtractor (the direct peer address: no proxy is trusted by default),
// request IDs, panic recovery, security headers, a body limit and
// structured request logs that carry no secrets.
func New(cfg Config) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	limit := cfg.BodyLimit
	if limit == "" {
		limit = "2M"
	}
	e.Use(middleware.Secure())
	e.Use(middleware.RequestID())
	e.Use(middleware.Recover())
	e.Use(middleware.BodyLimit(limit))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID),
			}
			if v.Error != nil {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
			}
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
			return nil
		},
	}))
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		if err := cfg.Ready.Ready(ctx); err != nil {
			log.Warn("not ready", slog.String("error", err.Error()))
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	})
	return e
}
