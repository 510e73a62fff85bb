package store

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

// SecurityEvents returns the security log of org, newest first: the
// entries about account user (every account when 0) of the given kinds
// (every kind when empty), at most limit (1–500).
func (db *DB) SecurityEvents(ctx context.Context, org, user int64, kinds []string, limit int) ([]engine.SecurityEvent, error) {
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	q := `SELECT org_id, at, kind, username, user_id, ip, detail FROM security_events WHERE org_id = ?`
	args := []any{org}
	if user != 0 {
		q += ` AND user_id = ?`
		args = append(args, user)
	}
	if len(kinds) > 0 {
		q += ` AND kind IN (?)`
		args = append(args, kinds)
	}
	q += ` ORDER BY at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	q, args, err := sqlx.In(q, args...)
	if err != nil {
		return nil, engine.Internal(err)
	}
	var rows []struct {
		OrgID    sql.NullInt64 `db:"org_id"`
		At       dbTime        `db:"at"`
		Kind     string        `db:"kind"`
		Username string        `db:"username"`
		UserID   sql.NullInt64 `db:"user_id"`
		IP       string        `db:"ip"`
		Detail   string        `db:"detail"`
	}
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
		return nil, translate(err)
	}
	out := make([]engine.SecurityEvent, len(rows))
	for i, r := range rows {
		out[i] = engine.SecurityEvent{OrgID: r.OrgID.Int64, At: r.At.Time, Kind: r.Kind, Username: r.Username, UserID: r.UserID.Int64, IP: r.IP, Detail: r.Detail}
	}
	return out, nil
}
