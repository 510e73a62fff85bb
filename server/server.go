// Package server is Juece's HTTP adapter (labstack/echo v4): the JSON API
// under /api/v1 described by openapi.yaml, the public endpoints, health,
// readiness and metrics.
//
// Handlers follow one shape: parse → authorise → act through the engine or
// the Backend → render. Every error becomes an RFC 9457 problem (problem.go)
// whose status comes from one table.
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// Config wires the server. Engine, Backend and Calendars are required.
type Config struct {
	Engine  *engine.Engine
	Backend Backend
	// Calendars administers the holiday calendars (load, show, coverage).
	Calendars *procedure.Calendars
	// Procedure is the use cases the routes call.
	Procedure *procedure.Service
	// Accounts signs people in; nil makes one with SessionTTL and
	// LoginRate. Share one with the web pages so that the sign-in rate
	// limit counts attempts on both.
	Accounts *procedure.Accounts
	Logger   *slog.Logger
	// BodyLimit caps JSON request bodies, e.g. "1M" (default). Document
	// uploads have their own limit, DocumentLimit bytes (default 20 MiB).
	BodyLimit     string
	DocumentLimit int64
	// TrustedProxies are the CIDR ranges of reverse proxies whose
	// X-Forwarded-For is believed; empty means the peer address is the
	// client address.
	TrustedProxies []string
	// SecureCookies marks session cookies Secure (set behind HTTPS).
	SecureCookies bool
	// SessionTTL is how long a login lasts (default 12h).
	SessionTTL time.Duration
	// LoginRate and PublicRate are requests per minute per client address
	// for login attempts and public comments (defaults 10 and 30).
	LoginRate, PublicRate int
	// Registry receives the server's metrics; nil makes a fresh one.
	Registry *prometheus.Registry
	// MetricsToken, when set, lets GET /metrics answer requests bearing
	// it (Authorization: Bearer …); unset, /metrics on the API's address
	// is refused, and the metrics are served only by MetricsHandler (a
	// separate, internal listener).
	MetricsToken string
}

// Server is the configured HTTP server; it is an http.Handler.
type Server struct {
	*echo.Echo
	cfg      Config
	eng      *engine.Engine
	db       Backend
	cals     *procedure.Calendars
	svc      *procedure.Service
	log      *slog.Logger
	spec     *apiSpec
	accounts *procedure.Accounts
	public   *procedure.Limiter
	metrics  *metrics
	// dieAfterHandler, set by tests, makes the idempotency layer stop
	// right after the handler when it returns true, as a process killed
	// between the commit and the answer would.
	dieAfterHandler func() bool
}

// New builds the server. It returns an error when the configuration is
// unusable (a bad trusted-proxy range, an OpenAPI document that does not
// load).
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.DocumentLimit == 0 {
		cfg.DocumentLimit = 20 << 20
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 10
	}
	if cfg.PublicRate == 0 {
		cfg.PublicRate = 30
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	spec, err := loadSpec()
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if cfg.Calendars == nil || cfg.Procedure == nil {
		return nil, errors.New("server: Calendars and Procedure are required")
	}
	s := &Server{Echo: e, cfg: cfg, eng: cfg.Engine, db: cfg.Backend, cals: cfg.Calendars, svc: cfg.Procedure, log: cfg.Logger, spec: spec,
		accounts: cfg.Accounts,
		public:   procedure.NewLimiter(cfg.PublicRate), metrics: newMetrics(cfg.Registry)}

	if s.accounts == nil {
		s.accounts = procedure.NewAccounts(cfg.Backend, cfg.Engine.Now, cfg.SessionTTL, cfg.LoginRate)
	}
	ext, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ext
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	e.Binder = strictBinder{}

	// Order matters: security headers, request id and panic recovery come
	// first so that everything after them is covered.
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy: "no-referrer", ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
	}))
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		cfg.Logger.Error("panic", slog.Any("error", err), slog.String("stack", string(stack)))
		return err
	}}))
	e.Use(s.metrics.middleware)
	e.Use(requestLogger(cfg.Logger))
	e.Use(s.bodyLimit)

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", s.readyz)
	cfg.Registry.MustRegister(&calendarCollector{cals: cfg.Calendars})
	e.GET("/metrics", s.guardMetrics(echo.WrapHandler(s.metrics.handler(cfg.Registry))))
	s.routes()
	return s, nil
}

// MetricsHandler serves the Prometheus metrics without a token, for a
// listener on an internal address (juece serve --metrics-addr).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler(s.cfg.Registry) }

// guardMetrics lets /metrics answer only a caller bearing MetricsToken:
// the figures (routes, volumes, calendar coverage) are not for the public.
func (s *Server) guardMetrics(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		want := s.cfg.MetricsToken
		scheme, got, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if want == "" || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="juece-metrics"`)
			return engine.Errorz(engine.CodeUnauthenticated, "指标需要令牌（或在内部地址上提供）", "metrics need the metrics token (or are served on the internal address)")
		}
		return h(c)
	}
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ready(ctx); err != nil {
		s.log.Warn("not ready", slog.String("error", err.Error()))
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json; charset=utf-8")
		c.Response().Header().Set("Retry-After", strconv.Itoa(procedure.RetryAfterSeconds))
		c.Response().WriteHeader(http.StatusServiceUnavailable)
		return jsonEncoder(c.Response()).Encode(Problem{Type: "https://juece.gov.cn/problems/unavailable", Title: "Service Unavailable",
			Status: http.StatusServiceUnavailable, Detail: "数据库不可用或尚未完成迁移", Code: string(engine.CodeUnavailable),
			MessageZh: "数据库不可用或尚未完成迁移", MessageEn: "the database is unreachable or not migrated", Instance: "/readyz"})
	}
	// Ready, and how far ahead the holiday data of each region in use
	// reaches: a warning well before due dates become provisional.
	cov, err := s.cals.Coverage(ctx)
	if err != nil {
		s.log.Warn("calendar coverage", slog.String("error", err.Error()))
		cov = []procedure.Coverage{}
	}
	until := map[string]string{}
	for _, cv := range cov {
		until[cv.Region] = cv.CoveredUntil
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "calendar_covered_until": until, "calendars": cov})
}

// ipExtractor trusts X-Forwarded-For only from the configured proxies.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, err
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// bodyLimit caps request bodies: JSON at BodyLimit, document uploads and
// opinion imports at DocumentLimit. A larger body is a 413 problem.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	json := middleware.BodyLimit(s.cfg.BodyLimit)(next)
	return func(c echo.Context) error {
		if (c.Path() == "/api/v1/items/:id/documents" || c.Path() == "/api/v1/items/:id/comments/import") && c.Request().Method == http.MethodPost {
			r := c.Request()
			if r.ContentLength > s.cfg.DocumentLimit+1<<20 {
				return tooLarge()
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.DocumentLimit+1<<20)
			return next(c)
		}
		return json(c)
	}
}

func tooLarge() error {
	return engine.Errorz(engine.CodeTooLarge, "请求内容超过大小限制", "the request body exceeds the size limit")
}

func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		LogRemoteIP: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// The path only: query strings may carry search text, and
			// headers (cookies, tokens) are never logged.
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID), slog.String("ip", v.RemoteIP),
			}
			if p := principalOf(c); p != nil {
				attrs = append(attrs, slog.Int64("org", p.User.OrgID), slog.Int64("user", p.User.ID))
			}
			if v.Error != nil {
				code := engine.ErrorCode(v.Error)
				attrs = append(attrs, slog.String("code", string(code)))
			}
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
			return nil
		},
	})
}

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
