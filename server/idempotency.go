package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// IdempotencyHeader names the key a client sends with a POST so that a
// retry returns the first response instead of acting twice.
const IdempotencyHeader = "Idempotency-Key"

// replayedHeaders are the response headers stored with the first response.
var replayedHeaders = []string{echo.HeaderContentType, "ETag", echo.HeaderLocation}

// idempotent makes authenticated POSTs with an Idempotency-Key run once per
// key and caller: the first request claims the key and its response is
// stored; retries (also concurrent ones, which wait) get that response.
// Reusing a key for a different request is a 422.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(IdempotencyHeader)
		if c.Request().Method != http.MethodPost || key == "" {
			return next(c)
		}
		if len(key) > 200 {
			return &engine.Error{Code: engine.CodeInvalid, Field: IdempotencyHeader, MessageZh: "Idempotency-Key 不超过200个字符", Message: "Idempotency-Key is at most 200 characters"}
		}
		org, principal, err := s.idempotencyScope(c)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return uploadReadError(err)
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write([]byte(c.Request().Method + " " + c.Request().URL.Path + "\n" + c.Request().Header.Get("If-Match") + "\n"))
		h.Write(body)
		reqHash := h.Sum(nil)
		ctx := c.Request().Context()

		deadline := time.Now().Add(15 * time.Second)
		for {
			rec, err := s.db.ClaimIdempotencyKey(ctx, org, principal, key, reqHash, s.eng.Now())
			if err != nil {
				return err
			}
			if rec == nil {
				break // claimed: do the work below
			}
			if !bytes.Equal(rec.RequestHash, reqHash) {
				return &engine.Error{Code: engine.CodeInvalid, Field: IdempotencyHeader,
					MessageZh: "该 Idempotency-Key 已用于另一请求", Message: "this Idempotency-Key was used for a different request"}
			}
			if rec.Status != 0 {
				for k, v := range rec.Headers {
					c.Response().Header().Set(k, v)
				}
				c.Response().Header().Set("Idempotent-Replayed", "true")
				c.Response().WriteHeader(rec.Status)
				_, err := c.Response().Write(rec.Body)
				return err
			}
			if time.Now().After(deadline) {
				return engine.Errorz(engine.CodeConflict, "相同请求仍在处理中，请稍后重试", "the same request is still being processed; retry later")
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(25 * time.Millisecond):
			}
		}

		// The answer of an effect the use case commits itself (an event)
		// is rendered by the use case and stored in the effect's own
		// transaction; anything else is stored after the handler.
		reply := &engine.IdempotentReply{Org: org, Principal: principal, Key: key}
		if _, pretty := c.QueryParams()["pretty"]; !pretty {
			reply.Render = renderReply
		}
		c.SetRequest(c.Request().WithContext(engine.WithIdempotentReply(ctx, reply)))

		// Record what the handler (or the error handler) writes.
		rw := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rw
		if err := next(c); err != nil {
			c.Error(err)
		}
		if s.dieAfterHandler != nil && s.dieAfterHandler() {
			return nil // a test's crash: nothing after this point runs
		}
		if reply.Stored {
			return nil // committed with the effect
		}
		status := c.Response().Status
		if status >= 500 || status == http.StatusTooManyRequests {
			// Nothing was applied (the engine commits atomically), so a
			// retry may run again; a rate-limited request too.
			_ = s.db.ReleaseIdempotencyKey(ctx, org, principal, key)
			return nil
		}
		hdr := map[string]string{}
		for _, k := range replayedHeaders {
			if v := c.Response().Header().Get(k); v != "" {
				hdr[k] = v
			}
		}
		stored := rw.buf.Bytes()
		if redacted, ok := c.Get(storedBodyKey).([]byte); ok {
			stored = redacted // a secret is shown once and never kept
		}
		return s.db.CompleteIdempotencyKey(ctx, org, principal, key, status, hdr, stored)
	}
}

// storedBodyKey, set by a handler whose response holds a secret (a new
// API token), is the body kept for replays instead of the one sent.
const storedBodyKey = "juece.idempotency.stored_body"

// idempotencyScope is whose keys these are: a signed-in user's, or, on the
// public routes, the client address's within the organisation of the URL
// (an unknown organisation is 404, as the handler would answer).
func (s *Server) idempotencyScope(c echo.Context) (int64, string, error) {
	if p := principalOf(c); p != nil {
		return p.User.OrgID, "user:" + strconv.FormatInt(p.User.ID, 10), nil
	}
	org, err := s.svc.PublicOrganisation(c.Request().Context(), c.Param("org"))
	if err != nil {
		return 0, "", err
	}
	return org.ID, "public:" + c.RealIP(), nil
}

type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// renderReply renders a use case's result as the handler will send it
// (echo's JSON encoding, status and headers), for storing with the effect.
// Results it does not know give no reply.
func renderReply(result any) (int, map[string]string, []byte) {
	f, ok := result.(*procedure.Fired)
	if !ok {
		return 0, nil, nil
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(f); err != nil {
		return 0, nil, nil
	}
	return http.StatusOK, map[string]string{echo.HeaderContentType: echo.MIMEApplicationJSON, "ETag": etag(f.Version)}, b.Bytes()
}
