package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/juece/juece/procedure"
	"github.com/juece/juece/server"
	"github.com/juece/juece/store"
	"github.com/juece/juece/web"
	"github.com/spf13/cobra"
)

func newServeCmd(opts *options) *cobra.Command {
	var addr, trusted, metricsAddr, metricsToken string
	var loginRate, publicRate int
	var demo, secure bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server (migrates the database first)",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
			a, err := openApp(ctx, opts)
			if err != nil {
				return err
			}
			defer a.db.Close()
			if demo {
				logins, err := seedDemo(ctx, a)
				if err != nil {
					return fmt.Errorf("demo: %w", err)
				}
				printDemo(cmd.OutOrStdout(), logins)
			}
			var proxies []string
			if trusted != "" {
				proxies = strings.Split(trusted, ",")
			}
			// Notices loaded through another replica or the command line
			// take effect here within a minute; a recomputation that a
			// crash interrupted is finished in the background.
			go a.calendars.Watch(ctx, time.Minute)
			// Responses kept for Idempotency-Key retries are forgotten
			// after store.IdempotencyRetention.
			go func() {
				t := time.NewTicker(time.Hour)
				defer t.Stop()
				for {
					if n, err := a.db.PurgeIdempotencyKeys(ctx, a.engine.Now()); err != nil && ctx.Err() == nil {
						log.Warn("purging idempotency keys", slog.String("error", err.Error()))
					} else if n > 0 {
						log.Info("idempotency keys purged", slog.Int64("count", n))
					}
					select {
					case <-ctx.Done():
						return
					case <-t.C:
					}
				}
			}()
			go func() {
				if n, err := a.calendars.Recompute(ctx, nil); err != nil && ctx.Err() == nil {
					log.Warn("recomputing due dates", slog.String("error", err.Error()))
				} else if n > 0 {
					log.Info("due dates recomputed", slog.Int("items", n))
				}
			}()
			accounts := procedure.NewAccounts(a.db, a.engine.Now, 12*time.Hour, loginRate)
			api, err := server.New(server.Config{Engine: a.engine, Backend: a.db, Calendars: a.calendars, Procedure: a.svc, Accounts: accounts,
				Logger: log, TrustedProxies: proxies, SecureCookies: secure, LoginRate: loginRate, PublicRate: publicRate, MetricsToken: metricsToken})
			if err != nil {
				return err
			}
			var logins []web.DemoLogin
			if demo {
				logins = webDemoLogins()
			}
			pages, err := web.New(web.Config{Procedure: a.svc, Accounts: accounts, Calendars: a.calendars, Logger: log,
				Directory:     procedure.NewDirectory(a.db, a.engine.Now, log),
				SecureCookies: secure, TrustedProxies: proxies, DemoLogins: logins})
			if err != nil {
				return err
			}
			srv := &http.Server{Addr: addr, Handler: rootHandler(api, pages), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
				WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
			errc := make(chan error, 2)
			go func() { errc <- srv.ListenAndServe() }()
			log.Info("juece listening", slog.String("addr", addr))
			// The metrics on an internal address, without a token.
			var msrv *http.Server
			if metricsAddr != "" {
				msrv = &http.Server{Addr: metricsAddr, Handler: api.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
				go func() {
					if err := msrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
						errc <- err
					}
				}()
				log.Info("metrics listening", slog.String("addr", metricsAddr))
			}
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			log.Info("shutting down: finishing in-flight requests")
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if msrv != nil {
				msrv.Shutdown(sctx)
			}
			if err := srv.Shutdown(sctx); err != nil {
				return err
			}
			if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", envOr("JUECE_ADDR", "127.0.0.1:8080"), "listen address (env JUECE_ADDR)")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", envOr("JUECE_METRICS_ADDR", ""), "serve /metrics without a token on this internal address, e.g. 127.0.0.1:9090 (env JUECE_METRICS_ADDR)")
	cmd.Flags().StringVar(&metricsToken, "metrics-token", envOr("JUECE_METRICS_TOKEN", ""), "let /metrics on the main address answer requests bearing this token (env JUECE_METRICS_TOKEN; prefer the variable: flags show in process lists)")
	cmd.Flags().BoolVar(&demo, "demo", false, "fill an empty database with a demo government and print the demo logins")
	cmd.Flags().StringVar(&trusted, "trusted-proxies", envOr("JUECE_TRUSTED_PROXIES", ""), "comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For is trusted (env JUECE_TRUSTED_PROXIES)")
	cmd.Flags().IntVar(&loginRate, "login-rate", 10, "login attempts per minute per client address and per account")
	cmd.Flags().IntVar(&publicRate, "public-rate", 30, "public comments per minute per client address")
	cmd.Flags().BoolVar(&secure, "secure-cookies", envOr("JUECE_SECURE_COOKIES", "") == "true", "mark session cookies Secure (behind HTTPS; env JUECE_SECURE_COOKIES=true)")
	return cmd
}

func newMigrateCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations",
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := store.Open(cmd.Context(), opts.db)
			if err != nil {
				return err
			}
			defer db.Close()
			lines, err := db.MigrateReport(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, l := range lines {
				fmt.Fprintln(out, l)
			}
			fmt.Fprintf(out, "database is up to date (数据库结构已是最新), %d migrations applied now\n", len(lines))
			return nil
		},
	}
}

// rootHandler sends the JSON API, health, readiness and metrics to the
// API adapter and everything else (the web pages, their assets) to the
// web adapter.
func rootHandler(api, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" || p == "/metrics" {
			api.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	})
}
