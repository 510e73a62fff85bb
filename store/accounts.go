package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

// ListUsers returns the users of org with their roles, ordered by id,
// after the keyset cursor after (0 = from the start), at most limit.
func (db *DB) ListUsers(ctx context.Context, org, after int64, limit int) ([]*engine.User, error) {
	limit = clampLimit(limit)
	var rows []userRow
	err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT id, org_id, username, display_name, password_hash, department_id, active, created_at,
		`+db.rolesOf("users.id")+` AS roles FROM users WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`), org, after, limit)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

func (r *userRow) user() *engine.User {
	u := &engine.User{ID: r.ID, OrgID: r.OrgID, Username: r.Username, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		DepartmentID: r.DepartmentID.Int64, Active: r.Active, CreatedAt: r.CreatedAt.Time, Roles: []engine.Role{}}
	for _, role := range strings.Split(r.Roles, ",") {
		if role != "" {
			u.Roles = append(u.Roles, engine.Role(role))
		}
	}
	return u
}

// UserUpdate is engine.UserUpdate.
type UserUpdate = engine.UserUpdate

// UpdateUser changes user id of org. Deactivating a user or changing its
// password ends its sessions. Returns not_found, or invalid for an unknown
// role or a department of another organisation.
func (db *DB) UpdateUser(ctx context.Context, org, id int64, up UserUpdate) (*engine.User, error) {
	if up.Roles != nil {
		for _, r := range *up.Roles {
			if !slices.Contains(engine.KnownRoles, r) || r == engine.RolePublic {
				return nil, invalid("未知角色："+string(r), "unknown role: "+string(r), "roles")
			}
		}
	}
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var one int
		if err := tx.GetContext(ctx, &one, tx.Rebind(`SELECT 1 FROM users WHERE org_id = ? AND id = ?`), org, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return engine.Errorz(engine.CodeNotFound, "用户不存在", "no such user")
			}
			return translate(err)
		}
		set := func(col string, v any) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET `+col+` = ? WHERE org_id = ? AND id = ?`), v, org, id)
			return translate(err)
		}
		if up.DisplayName != nil {
			if err := set("display_name", strings.TrimSpace(*up.DisplayName)); err != nil {
				return err
			}
		}
		if up.DepartmentID != nil {
			if err := set("department_id", nullID(*up.DepartmentID)); err != nil {
				return err
			}
		}
		if up.Active != nil {
			if err := set("active", *up.Active); err != nil {
				return err
			}
		}
		if up.PasswordHash != nil {
			if err := set("password_hash", *up.PasswordHash); err != nil {
				return err
			}
		}
		if (up.Active != nil && !*up.Active) || up.PasswordHash != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE org_id = ? AND user_id = ?`), org, id); err != nil {
				return translate(err)
			}
		}
		if up.Roles != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM user_roles WHERE org_id = ? AND user_id = ?`), org, id); err != nil {
				return translate(err)
			}
			for _, r := range *up.Roles {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO user_roles (org_id, user_id, role) VALUES (?, ?, ?)`), org, id, string(r)); err != nil {
					return translate(err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.GetUser(ctx, org, id)
}

// ListLawFirms returns the law firms of org ordered by id.
func (db *DB) ListLawFirms(ctx context.Context, org int64) ([]engine.LawFirm, error) {
	var rows []struct {
		ID    int64  `db:"id"`
		OrgID int64  `db:"org_id"`
		Name  string `db:"name"`
	}
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT id, org_id, name FROM law_firms WHERE org_id = ? ORDER BY id`), org); err != nil {
		return nil, translate(err)
	}
	out := make([]engine.LawFirm, len(rows))
	for i, r := range rows {
		out[i] = engine.LawFirm{ID: r.ID, OrgID: r.OrgID, Name: r.Name}
	}
	return out, nil
}

// ListOrganisations returns every organisation ordered by id.
func (db *DB) ListOrganisations(ctx context.Context) ([]engine.Organisation, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		Code      string `db:"code"`
		Name      string `db:"name"`
		Region    string `db:"region"`
		CreatedAt dbTime `db:"created_at"`
	}
	if err := db.x.SelectContext(ctx, &rows, `SELECT id, code, name, region, created_at FROM organisations ORDER BY id`); err != nil {
		return nil, translate(err)
	}
	out := make([]engine.Organisation, len(rows))
	for i, r := range rows {
		out[i] = engine.Organisation{ID: r.ID, Code: r.Code, Name: r.Name, Region: r.Region, CreatedAt: r.CreatedAt.Time}
	}
	return out, nil
}

// CreateSession stores a login session.
func (db *DB) CreateSession(ctx context.Context, s engine.Session) error {
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO sessions (token_hash, org_id, user_id, csrf_token, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`), s.TokenHash, s.OrgID, s.UserID, s.CSRFToken, dbTime{s.CreatedAt}, dbTime{s.ExpiresAt})
	return translate(err)
}

// GetSession returns the unexpired session whose token hashes to hash and
// its active user, or not_found.
func (db *DB) GetSession(ctx context.Context, hash []byte, now time.Time) (*engine.Session, *engine.User, error) {
	var r struct {
		OrgID     int64  `db:"org_id"`
		UserID    int64  `db:"user_id"`
		CSRF      string `db:"csrf_token"`
		CreatedAt dbTime `db:"created_at"`
		ExpiresAt dbTime `db:"expires_at"`
	}
	err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT org_id, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = ?`), hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !r.ExpiresAt.After(now)) {
		return nil, nil, engine.Errorz(engine.CodeUnauthenticated, "登录已失效，请重新登录", "the session has expired; log in again")
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	u, err := db.GetUser(ctx, r.OrgID, r.UserID)
	if err != nil || !u.Active {
		return nil, nil, engine.Errorz(engine.CodeUnauthenticated, "登录已失效，请重新登录", "the session has expired; log in again")
	}
	return &engine.Session{TokenHash: hash, OrgID: r.OrgID, UserID: r.UserID, CSRFToken: r.CSRF,
		CreatedAt: r.CreatedAt.Time, ExpiresAt: r.ExpiresAt.Time}, u, nil
}

// DeleteSession ends the session whose token hashes to hash (logout). It
// is not an error when there is none.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM sessions WHERE token_hash = ?`), hash)
	return translate(err)
}

// DeleteExpiredSessions removes sessions that expired before now and
// returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM sessions WHERE expires_at < ?`), dbTime{now})
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

type tokenRow struct {
	ID         int64  `db:"id"`
	OrgID      int64  `db:"org_id"`
	UserID     int64  `db:"user_id"`
	Name       string `db:"name"`
	Prefix     string `db:"prefix"`
	TokenHash  []byte `db:"token_hash"`
	CreatedAt  dbTime `db:"created_at"`
	ExpiresAt  dbTime `db:"expires_at"`
	LastUsedAt dbTime `db:"last_used_at"`
	RevokedAt  dbTime `db:"revoked_at"`
}

const tokenColumns = `id, org_id, user_id, name, prefix, token_hash, created_at, expires_at, last_used_at, revoked_at`

func optTime(t dbTime) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

func (r *tokenRow) token() *engine.APIToken {
	return &engine.APIToken{ID: r.ID, OrgID: r.OrgID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, TokenHash: r.TokenHash,
		CreatedAt: r.CreatedAt.Time, ExpiresAt: optTime(r.ExpiresAt), LastUsedAt: optTime(r.LastUsedAt), RevokedAt: optTime(r.RevokedAt)}
}

func optDBTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dbTime{*t}
}

// CreateAPIToken stores t (TokenHash set by the caller) and sets t.ID.
// Returns invalid when the name is empty or the user is not of t.OrgID.
func (db *DB) CreateAPIToken(ctx context.Context, t *engine.APIToken) error {
	if strings.TrimSpace(t.Name) == "" {
		return invalid("令牌名称不能为空", "a token needs a name", "name")
	}
	id, err := insertID(ctx, db.x, db.x.Rebind(`INSERT INTO api_tokens (org_id, user_id, name, prefix, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), t.OrgID, t.UserID, strings.TrimSpace(t.Name), t.Prefix, t.TokenHash, dbTime{t.CreatedAt}, optDBTime(t.ExpiresAt))
	if err != nil {
		return err
	}
	t.ID = id
	return nil
}

// AuthenticateToken returns the token whose hash is hash and its active
// user, provided it is neither revoked nor expired at now, and records its
// use. Any failure is unauthenticated, without saying which.
func (db *DB) AuthenticateToken(ctx context.Context, hash []byte, now time.Time) (*engine.APIToken, *engine.User, error) {
	var r struct {
		tokenRow
		U userRow `db:"u"`
	}
	st, err := db.prepared(ctx, db.x.Rebind(`SELECT t.id, t.org_id, t.user_id, t.name, t.prefix, t.token_hash, t.created_at, t.expires_at,
		t.last_used_at, t.revoked_at, u.id AS "u.id", u.org_id AS "u.org_id", u.username AS "u.username", u.display_name AS "u.display_name",
		u.password_hash AS "u.password_hash", u.department_id AS "u.department_id", u.active AS "u.active", u.created_at AS "u.created_at",
		`+db.rolesOf("u.id")+` AS "u.roles"
		FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id WHERE t.token_hash = ?`))
	if err != nil {
		return nil, nil, err
	}
	err = st.GetContext(ctx, &r, hash)
	unauth := engine.Errorz(engine.CodeUnauthenticated, "访问令牌无效、已过期或已撤销", "the API token is invalid, expired or revoked")
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, unauth
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	t, u := r.tokenRow.token(), r.U.user()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !t.ExpiresAt.After(now)) || !u.Active {
		return nil, nil, unauth
	}
	// Recording the last use at most once a minute keeps a busy
	// integration from writing on every request.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), dbTime{now}, t.ID); err != nil {
			return nil, nil, translate(err)
		}
	}
	return t, u, nil
}

// ListAPITokens returns the tokens of user (every user's when user is 0) of
// org, newest first.
func (db *DB) ListAPITokens(ctx context.Context, org, user int64) ([]*engine.APIToken, error) {
	var rows []tokenRow
	err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT `+tokenColumns+` FROM api_tokens
		WHERE org_id = ? AND (? = 0 OR user_id = ?) ORDER BY id DESC`), org, user, user)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.APIToken, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, nil
}

// RevokeAPIToken revokes token id of org, owned by user unless user is 0.
// Returns not_found when there is no such token; revoking twice is fine.
func (db *DB) RevokeAPIToken(ctx context.Context, org, user, id int64, now time.Time) error {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
		WHERE org_id = ? AND id = ? AND (? = 0 OR user_id = ?)`), dbTime{now}, org, id, user, user)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return engine.Errorz(engine.CodeNotFound, "令牌不存在", "no such token")
	}
	return nil
}

// RecordSecurityEvent appends to the security log.
func (db *DB) RecordSecurityEvent(ctx context.Context, ev engine.SecurityEvent) error {
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO security_events (org_id, at, kind, username, user_id, ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), nullID(ev.OrgID), dbTime{ev.At}, ev.Kind, ev.Username, nullID(ev.UserID), ev.IP, ev.Detail)
	return translate(err)
}

// CountSecurityEvents returns how many events of kind the log holds for
// username since since (for tests and rate decisions).
func (db *DB) CountSecurityEvents(ctx context.Context, kind, username string, since time.Time) (int, error) {
	var n int
	err := db.x.GetContext(ctx, &n, db.x.Rebind(`SELECT COUNT(*) FROM security_events WHERE kind = ? AND username = ? AND at >= ?`),
		kind, username, dbTime{since})
	return n, translate(err)
}

// IdempotencyAbandoned is how long a claim may stay in progress before a
// retry takes it over.
const IdempotencyAbandoned = 10 * time.Minute

// ClaimIdempotencyKey claims key for principal in org with the request's
// hash. It returns (nil, nil) when the claim is new: the caller does the
// work and then calls CompleteIdempotencyKey (or ReleaseIdempotencyKey).
// When the key was claimed before it returns the stored record: Status 0
// while the first request is still running.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, org int64, principal, key string, reqHash []byte, now time.Time) (*engine.IdempotencyRecord, error) {
	// A completed key is kept for IdempotencyRetention; after that the
	// key is free again (the stored response is forgotten).
	if _, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM idempotency_keys
		WHERE org_id = ? AND principal = ? AND key = ? AND status <> 0 AND created_at < ?`),
		org, principal, key, dbTime{now.Add(-IdempotencyRetention)}); err != nil {
		return nil, translate(err)
	}
	conflictClause := `ON CONFLICT (org_id, principal, key) DO NOTHING`
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO idempotency_keys (org_id, principal, key, request_hash, created_at)
		VALUES (?, ?, ?, ?, ?) `+conflictClause), org, principal, key, reqHash, dbTime{now})
	if err != nil {
		return nil, translate(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	// A claim left in progress for longer than IdempotencyAbandoned belongs
	// to a request that died (a crashed replica): take it over, so the key
	// is not stuck for ever.
	res, err = db.x.ExecContext(ctx, db.x.Rebind(`UPDATE idempotency_keys SET request_hash = ?, created_at = ?
		WHERE org_id = ? AND principal = ? AND key = ? AND status = 0 AND created_at < ?`),
		reqHash, dbTime{now}, org, principal, key, dbTime{now.Add(-IdempotencyAbandoned)})
	if err != nil {
		return nil, translate(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	var r struct {
		Hash    []byte `db:"request_hash"`
		Status  int    `db:"status"`
		Headers string `db:"headers"`
		Body    []byte `db:"body"`
	}
	if err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT request_hash, status, headers, body FROM idempotency_keys
		WHERE org_id = ? AND principal = ? AND key = ?`), org, principal, key); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			// Released between our insert and select: let the caller retry.
			return &engine.IdempotencyRecord{RequestHash: reqHash}, nil
		}
		return nil, translate(err)
	}
	rec := &engine.IdempotencyRecord{RequestHash: r.Hash, Status: r.Status, Body: r.Body, Headers: map[string]string{}}
	_ = json.Unmarshal([]byte(r.Headers), &rec.Headers)
	return rec, nil
}

// CompleteIdempotencyKey stores the response to the claimed key.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, org int64, principal, key string, status int, headers map[string]string, body []byte) error {
	h, _ := json.Marshal(headers)
	if body == nil {
		body = []byte{}
	}
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE idempotency_keys SET status = ?, headers = ?, body = ?
		WHERE org_id = ? AND principal = ? AND key = ?`), status, string(h), body, org, principal, key)
	return translate(err)
}

// ReleaseIdempotencyKey forgets a claim whose request failed before doing
// anything, so that a retry may run.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, org int64, principal, key string) error {
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM idempotency_keys WHERE org_id = ? AND principal = ? AND key = ?`), org, principal, key)
	return translate(err)
}

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 200)
}

// IdempotencyRetention is how long the response to an Idempotency-Key is
// kept for retries; older records are deleted (PurgeIdempotencyKeys).
const IdempotencyRetention = 24 * time.Hour

// PurgeIdempotencyKeys deletes the completed idempotency records older
// than IdempotencyRetention at now, returning how many.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM idempotency_keys WHERE status <> 0 AND created_at < ?`),
		dbTime{now.Add(-IdempotencyRetention)})
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
