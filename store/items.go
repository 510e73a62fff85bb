package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

var _ engine.Store = (*DB)(nil)

type itemRow struct {
	ID              int64          `db:"id"`
	OrgID           int64          `db:"org_id"`
	WorkflowID      string         `db:"workflow_id"`
	WorkflowVersion int            `db:"workflow_version"`
	Title           string         `db:"title"`
	DepartmentID    sql.NullInt64  `db:"department_id"`
	State           string         `db:"state"`
	Version         int            `db:"version"`
	Record          string         `db:"record"`
	Head            []byte         `db:"head"`
	CreatedBy       string         `db:"created_by"`
	CreatedAt       dbTime         `db:"created_at"`
	UpdatedAt       dbTime         `db:"updated_at"`
	Region          string         `db:"region"`
	DueOn           sql.NullString `db:"due_on"`
}

const itemColumns = `i.id, i.org_id, i.workflow_id, i.workflow_version, i.title, i.department_id, i.state,
	i.version, i.record, i.head, i.created_by, i.created_at, i.updated_at, o.region, CAST(i.due_on AS TEXT) AS due_on`

func (r *itemRow) item() (*engine.Item, error) {
	it := &engine.Item{ID: r.ID, OrgID: r.OrgID, WorkflowID: r.WorkflowID, WorkflowVersion: r.WorkflowVersion,
		Title: r.Title, DepartmentID: r.DepartmentID.Int64, Region: r.Region, State: r.State, Version: r.Version,
		Head: r.Head, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time, DueOn: r.DueOn.String}
	if err := json.Unmarshal([]byte(r.Record), &it.Record); err != nil {
		return nil, engine.Internal(err)
	}
	if it.Record == nil {
		it.Record = engine.Record{}
	}
	return it, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// assigneesColumn encodes the item's assigned users and departments as
// ",3,17,d5," so that a scoped list can match one user with LIKE
// '%,17,%' (or a department with '%,d5,%') in both databases.
func assigneesColumn(it *engine.Item) string {
	ids, depts := it.Assignees(), it.AssignedDepartments()
	if len(ids)+len(depts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	for _, id := range depts {
		b.WriteByte('d')
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

func recordJSON(r engine.Record) (string, error) {
	if r == nil {
		return "{}", nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "", engine.Internal(err)
	}
	return string(b), nil
}

// CreateItem implements engine.Store. The item row is inserted to obtain
// its id, genesis completes the item (record, times) and seals the first
// event, and the completed row and the event are written, all in one
// transaction.
func (db *DB) CreateItem(ctx context.Context, it *engine.Item, genesis func(*engine.Item) (*engine.AuditEvent, error)) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		var region string
		if err := tx.GetContext(ctx, &region, tx.Rebind(`SELECT region FROM organisations WHERE id = ?`), it.OrgID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
			}
			return translate(err)
		}
		var id int64
		err := tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO items
			(org_id, workflow_id, workflow_version, title, department_id, state, version, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			it.OrgID, it.WorkflowID, it.WorkflowVersion, it.Title, nullID(it.DepartmentID), it.State, it.Version,
			it.CreatedBy, dbTime{it.CreatedAt}, dbTime{it.UpdatedAt}).Scan(&id)
		if err != nil {
			return translate(err)
		}
		it.ID, it.Region = id, region
		ev, err := genesis(it)
		if err != nil {
			return err
		}
		it.Head = ev.Hash
		rec, err := recordJSON(it.Record)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET state = ?, version = ?, record = ?, head = ?, created_at = ?, updated_at = ?,
			due_on = ?, assignees = ?, periods_running = ? WHERE id = ?`), it.State, it.Version, rec, ev.Hash, dbTime{it.CreatedAt}, dbTime{it.UpdatedAt},
			nullStr(it.DueOn), assigneesColumn(it), engine.HasRunningPeriods(it.Record), id); err != nil {
			return translate(err)
		}
		return insertEvent(ctx, tx, ev)
	})
}

func insertEvent(ctx context.Context, tx *sqlx.Tx, ev *engine.AuditEvent) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO audit_events
		(org_id, item_id, seq, at, actor, role, event, from_state, to_state, reason, payload, prev_hash, hash, item_digest)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		ev.OrgID, ev.ItemID, ev.Seq, dbTime{ev.At}, ev.Actor, ev.Role, ev.Event, ev.FromState, ev.ToState,
		ev.Reason, string(ev.Payload), ev.PrevHash, ev.Hash, ev.ItemDigest)
	return translate(err)
}

// GetItem implements engine.Store.
func (db *DB) GetItem(ctx context.Context, org, id int64) (*engine.Item, error) {
	var r itemRow
	st, err := db.prepared(ctx, db.getItemQuery())
	if err != nil {
		return nil, err
	}
	err = st.GetContext(ctx, &r, id, org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, itemNotFound()
	}
	if err != nil {
		return nil, translate(err)
	}
	return r.item()
}

func (db *DB) getItemQuery() string {
	return db.x.Rebind(`SELECT ` + itemColumns + `
		FROM items i JOIN organisations o ON o.id = i.org_id WHERE i.id = ? AND i.org_id = ?`)
}

// commitPG is the whole transition as one statement: the version-checked
// UPDATE feeds the audit INSERT, so either both happen or neither does, in
// one round trip.
const commitPG = `WITH u AS (
	UPDATE items SET state = $1, record = $2, head = $3, version = $4, updated_at = $5, due_on = $20, assignees = $21,
		periods_running = $22
	WHERE id = $6 AND org_id = $7 AND version = $8 RETURNING id)
INSERT INTO audit_events (org_id, item_id, seq, at, actor, role, event, from_state, to_state, reason, payload, prev_hash, hash, item_digest)
SELECT CAST($7 AS bigint), u.id, CAST($9 AS integer), CAST($10 AS timestamptz), CAST($11 AS text), CAST($12 AS text),
	CAST($13 AS text), CAST($14 AS text), CAST($15 AS text), CAST($16 AS text), CAST($17 AS text), CAST($18 AS bytea), CAST($19 AS bytea),
	CAST($23 AS bytea) FROM u`

// CommitTransition implements engine.Store.
func (db *DB) CommitTransition(ctx context.Context, it *engine.Item, expectedVersion int, ev *engine.AuditEvent) error {
	if ev.ItemID != it.ID || ev.OrgID != it.OrgID || ev.Seq != it.Version {
		return engine.Internal(errors.New("store: audit event does not belong to the transition"))
	}
	var n int64
	var err error
	reply := engine.IdempotentReplyFrom(ctx)
	if db.dialect == Postgres && !reply.Ready() {
		rec, err := recordJSON(it.Record)
		if err != nil {
			return err
		}
		st, err := db.prepared(ctx, commitPG)
		if err != nil {
			return err
		}
		res, err := st.ExecContext(ctx, it.State, rec, it.Head, it.Version, dbTime{it.UpdatedAt},
			it.ID, it.OrgID, expectedVersion,
			ev.Seq, dbTime{ev.At}, ev.Actor, ev.Role, ev.Event, ev.FromState, ev.ToState, ev.Reason, string(ev.Payload), ev.PrevHash, ev.Hash,
			nullStr(it.DueOn), assigneesColumn(it), engine.HasRunningPeriods(it.Record), ev.ItemDigest)
		if err != nil {
			return translate(err)
		}
		n, _ = res.RowsAffected()
	} else {
		err = db.tx(ctx, func(tx *sqlx.Tx) error {
			if n, err = updateItemInTx(ctx, tx, it, expectedVersion); err != nil || n == 0 {
				return err
			}
			if err := insertEvent(ctx, tx, ev); err != nil {
				return err
			}
			return storeReply(ctx, tx, reply)
		})
		if err != nil {
			return err
		}
	}
	if n == 1 {
		if reply.Ready() {
			reply.Stored = true
		}
		return nil
	}
	// Nothing written: either the item is gone from this organisation or
	// its version moved on.
	var one int
	err = db.x.GetContext(ctx, &one, db.x.Rebind(`SELECT 1 FROM items WHERE id = ? AND org_id = ?`), it.ID, it.OrgID)
	if errors.Is(err, sql.ErrNoRows) {
		return itemNotFound()
	}
	if err != nil {
		return translate(err)
	}
	return conflict()
}

// updateItemInTx writes the item's new state, record, head and version
// provided the stored version is still expected, and returns the number of
// rows changed (0 or 1). PostgreSQL's CommitTransition does the same in
// one statement (commitPG).
func updateItemInTx(ctx context.Context, tx *sqlx.Tx, it *engine.Item, expected int) (int64, error) {
	rec, err := recordJSON(it.Record)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET state = ?, record = ?, head = ?, version = ?, updated_at = ?, due_on = ?,
		assignees = ?, periods_running = ? WHERE id = ? AND org_id = ? AND version = ?`),
		it.State, rec, it.Head, it.Version, dbTime{it.UpdatedAt}, nullStr(it.DueOn), assigneesColumn(it),
		engine.HasRunningPeriods(it.Record), it.ID, it.OrgID, expected)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

type eventRow struct {
	OrgID     int64  `db:"org_id"`
	ItemID    int64  `db:"item_id"`
	Seq       int    `db:"seq"`
	At        dbTime `db:"at"`
	Actor     string `db:"actor"`
	Role      string `db:"role"`
	Event     string `db:"event"`
	FromState string `db:"from_state"`
	ToState   string `db:"to_state"`
	Reason    string `db:"reason"`
	Payload   string `db:"payload"`
	PrevHash  []byte `db:"prev_hash"`
	Hash      []byte `db:"hash"`
	Digest    []byte `db:"item_digest"`
}

const eventColumns = `org_id, item_id, seq, at, actor, role, event, from_state, to_state, reason, payload, prev_hash, hash, item_digest`

func (r *eventRow) event() *engine.AuditEvent {
	return &engine.AuditEvent{OrgID: r.OrgID, ItemID: r.ItemID, Seq: r.Seq, At: r.At.Time, Actor: r.Actor, Role: r.Role,
		Event: r.Event, FromState: r.FromState, ToState: r.ToState, Reason: r.Reason, Payload: json.RawMessage(r.Payload),
		PrevHash: r.PrevHash, Hash: r.Hash, ItemDigest: r.Digest}
}

// AuditEvents implements engine.Store.
func (db *DB) AuditEvents(ctx context.Context, org, item int64) ([]*engine.AuditEvent, error) {
	var one int
	err := db.x.GetContext(ctx, &one, db.x.Rebind(`SELECT 1 FROM items WHERE id = ? AND org_id = ?`), item, org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, itemNotFound()
	}
	if err != nil {
		return nil, translate(err)
	}
	var rows []eventRow
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT `+eventColumns+`
		FROM audit_events WHERE item_id = ? AND org_id = ? ORDER BY seq`), item, org); err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.AuditEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].event()
	}
	return out, nil
}

// ScanChains implements engine.Store. Item heads are read first (a few
// dozen bytes per item); each item's events are then streamed row by row,
// so memory stays bounded by one event however long the chains are.
func (db *DB) ScanChains(ctx context.Context, org, item int64, fn func(engine.ChainHead, func(func(*engine.AuditEvent) error) error) error) error {
	var heads []struct {
		OrgID   int64  `db:"org_id"`
		ItemID  int64  `db:"id"`
		Version int    `db:"version"`
		Head    []byte `db:"head"`
	}
	q := `SELECT org_id, id, version, head FROM items WHERE (? = 0 OR org_id = ?) AND (? = 0 OR id = ?) ORDER BY id`
	if err := db.x.SelectContext(ctx, &heads, db.x.Rebind(q), org, org, item, item); err != nil {
		return translate(err)
	}
	for _, h := range heads {
		// The item as stored, checked against what its last event says.
		var cur struct {
			State  string `db:"state"`
			Title  string `db:"title"`
			Record string `db:"record"`
		}
		if err := db.x.GetContext(ctx, &cur, db.x.Rebind(`SELECT state, title, CAST(record AS TEXT) AS record FROM items WHERE id = ?`), h.ItemID); err != nil {
			return translate(err)
		}
		var rec engine.Record
		if err := json.Unmarshal([]byte(cur.Record), &rec); err != nil {
			rec = engine.Record{"_unreadable": cur.Record}
		}
		events := func(yield func(*engine.AuditEvent) error) error {
			rows, err := db.x.QueryxContext(ctx, db.x.Rebind(`SELECT `+eventColumns+`
				FROM audit_events WHERE item_id = ? ORDER BY seq`), h.ItemID)
			if err != nil {
				return translate(err)
			}
			defer rows.Close()
			for rows.Next() {
				var r eventRow
				if err := rows.StructScan(&r); err != nil {
					return translate(err)
				}
				if err := yield(r.event()); err != nil {
					return err
				}
			}
			return translate(rows.Err())
		}
		if err := fn(engine.ChainHead{OrgID: h.OrgID, ItemID: h.ItemID, Version: h.Version, Head: h.Head,
			State: cur.State, Title: cur.Title, Record: rec}, events); err != nil {
			return err
		}
	}
	return nil
}

// ItemOrg returns the organisation of item id, for tools that name an
// item without its organisation. Returns not_found when there is none.
func (db *DB) ItemOrg(ctx context.Context, id int64) (int64, error) {
	var org int64
	err := db.x.GetContext(ctx, &org, db.x.Rebind(`SELECT org_id FROM items WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, itemNotFound()
	}
	return org, translate(err)
}

// storeReply writes an idempotent request's answer in the transaction of
// its effect (see engine.IdempotentReply); nothing when there is none.
func storeReply(ctx context.Context, tx *sqlx.Tx, r *engine.IdempotentReply) error {
	if !r.Ready() {
		return nil
	}
	h, _ := json.Marshal(r.Headers)
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE idempotency_keys SET status = ?, headers = ?, body = ?
		WHERE org_id = ? AND principal = ? AND key = ? AND status = 0`), r.Status, string(h), r.Body, r.Org, r.Principal, r.Key)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return engine.Errorz(engine.CodeConflict, "该请求已由另一次重试处理", "another try of this request was processed")
	}
	return nil
}
