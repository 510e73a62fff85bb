package server

import (
	"context"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
)

// Backend is what the server needs from storage besides the engine and
// the procedure's own store: the directory (procedure.DirectoryStore, on
// which the server runs procedure.Directory), sessions and tokens, and
// idempotency keys. The store package implements it for PostgreSQL and
// SQLite; the server never imports store. Errors are *engine.Error with
// the documented codes.
type Backend interface {
	// Ready reports whether the database answers and is migrated.
	Ready(ctx context.Context) error

	procedure.DirectoryStore

	GetOrganisationByCode(ctx context.Context, code string) (*engine.Organisation, error)
	GetUserByUsername(ctx context.Context, org int64, username string) (*engine.User, error)

	CreateSession(ctx context.Context, s engine.Session) error
	GetSession(ctx context.Context, hash []byte, now time.Time) (*engine.Session, *engine.User, error)
	DeleteSession(ctx context.Context, hash []byte) error

	CreateAPIToken(ctx context.Context, t *engine.APIToken) error
	AuthenticateToken(ctx context.Context, hash []byte, now time.Time) (*engine.APIToken, *engine.User, error)
	ListAPITokens(ctx context.Context, org, user int64) ([]*engine.APIToken, error)
	RevokeAPIToken(ctx context.Context, org, user, id int64, now time.Time) error

	ClaimIdempotencyKey(ctx context.Context, org int64, principal, key string, reqHash []byte, now time.Time) (*engine.IdempotencyRecord, error)
	CompleteIdempotencyKey(ctx context.Context, org int64, principal, key string, status int, headers map[string]string, body []byte) error
	ReleaseIdempotencyKey(ctx context.Context, org int64, principal, key string) error
}

// UserUpdate lists the fields of a user an administrator changes; nil
// fields stay as they are.
type UserUpdate = engine.UserUpdate
