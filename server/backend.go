package server

import (
	"context"
	"time"

	"github.com/juece/juece/engine"
)

// Backend is what the server needs from storage besides the engine. The
// store package implements it for PostgreSQL and SQLite; the server never
// imports store. Errors are *engine.Error with the documented codes.
type Backend interface {
	// Ready reports whether the database answers and is migrated.
	Ready(ctx context.Context) error

	GetOrganisation(ctx context.Context, id int64) (*engine.Organisation, error)
	GetOrganisationByCode(ctx context.Context, code string) (*engine.Organisation, error)
	CreateDepartment(ctx context.Context, org int64, name string) (int64, error)
	ListDepartments(ctx context.Context, org int64) ([]engine.Department, error)

	CreateUser(ctx context.Context, u *engine.User) (int64, error)
	GetUser(ctx context.Context, org, id int64) (*engine.User, error)
	GetUserByUsername(ctx context.Context, org int64, username string) (*engine.User, error)
	ListUsers(ctx context.Context, org, after int64, limit int) ([]*engine.User, error)
	UpdateUser(ctx context.Context, org, id int64, up UserUpdate) (*engine.User, error)

	CreateLawFirm(ctx context.Context, org int64, name string) (int64, error)
	ListLawFirms(ctx context.Context, org int64) ([]engine.LawFirm, error)
	CreateCounsel(ctx context.Context, c engine.Counsel) (int64, error)
	ListCounsel(ctx context.Context, org int64) ([]engine.Counsel, error)

	CreateSession(ctx context.Context, s engine.Session) error
	GetSession(ctx context.Context, hash []byte, now time.Time) (*engine.Session, *engine.User, error)
	DeleteSession(ctx context.Context, hash []byte) error

	CreateAPIToken(ctx context.Context, t *engine.APIToken) error
	AuthenticateToken(ctx context.Context, hash []byte, now time.Time) (*engine.APIToken, *engine.User, error)
	ListAPITokens(ctx context.Context, org, user int64) ([]*engine.APIToken, error)
	RevokeAPIToken(ctx context.Context, org, user, id int64, now time.Time) error

	RecordSecurityEvent(ctx context.Context, ev engine.SecurityEvent) error

	ClaimIdempotencyKey(ctx context.Context, org int64, principal, key string, reqHash []byte, now time.Time) (*engine.IdempotencyRecord, error)
	CompleteIdempotencyKey(ctx context.Context, org int64, principal, key string, status int, headers map[string]string, body []byte) error
	ReleaseIdempotencyKey(ctx context.Context, org int64, principal, key string) error
}

// UserUpdate lists the fields of a user an administrator changes; nil
// fields stay as they are.
type UserUpdate = engine.UserUpdate
