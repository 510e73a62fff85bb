package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

// ListItems returns the items q selects, newest first, at most q.Limit
// (default 50, at most 200). The next page starts Before the last id.
func (db *DB) ListItems(ctx context.Context, q engine.ItemQuery) ([]*engine.Item, error) {
	where := []string{"i.org_id = ?"}
	args := []any{q.OrgID}
	if q.WorkflowID != "" {
		where = append(where, "i.workflow_id = ?")
		args = append(args, q.WorkflowID)
	}
	if len(q.States) > 0 {
		where = append(where, "i.state IN (?)")
		args = append(args, q.States)
	}
	if q.DepartmentID != 0 {
		where = append(where, "i.department_id = ?")
		args = append(args, q.DepartmentID)
	}
	if sc := q.Scope; sc != nil {
		var or []string
		if sc.DepartmentID != 0 {
			or = append(or, "i.department_id = ?")
			args = append(args, sc.DepartmentID)
		}
		if sc.AssignedUser != 0 {
			or = append(or, "i.assignees LIKE ?")
			args = append(args, "%,"+strconv.FormatInt(sc.AssignedUser, 10)+",%")
		}
		if sc.AssignedDepartmentID != 0 {
			or = append(or, "i.assignees LIKE ?")
			args = append(args, "%,d"+strconv.FormatInt(sc.AssignedDepartmentID, 10)+",%")
		}
		if len(or) == 0 {
			or = append(or, "1 = 0")
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if q.DueBefore != "" {
		d, err := engine.ParseDate(q.DueBefore)
		if err != nil {
			return nil, invalid("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD", "overdue")
		}
		// Compared as text in SQLite and as a date in PostgreSQL: both
		// order YYYY-MM-DD correctly.
		where = append(where, "i.due_on IS NOT NULL AND i.due_on < ?")
		args = append(args, d.String())
	}
	if q.Text != "" {
		where = append(where, "i.title LIKE ? ESCAPE '\\'")
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		args = append(args, "%"+r.Replace(q.Text)+"%")
	}
	if q.Before > 0 {
		where = append(where, "i.id < ?")
		args = append(args, q.Before)
	}
	args = append(args, clampLimit(q.Limit))
	query, args, err := sqlx.In(`SELECT `+itemColumns+` FROM items i JOIN organisations o ON o.id = i.org_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY i.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, engine.Internal(err)
	}
	var rows []itemRow
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(query), args...); err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.Item, 0, len(rows))
	for i := range rows {
		it, err := rows[i].item()
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

type documentRow struct {
	ID          int64  `db:"id"`
	OrgID       int64  `db:"org_id"`
	ItemID      int64  `db:"item_id"`
	Kind        string `db:"kind"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Size        int64  `db:"size"`
	SHA256      string `db:"sha256"`
	UploadedBy  string `db:"uploaded_by"`
	CreatedAt   dbTime `db:"created_at"`
	Public      bool   `db:"public"`
	Content     []byte `db:"content"`
}

func (r *documentRow) document() *engine.Document {
	return &engine.Document{ID: r.ID, OrgID: r.OrgID, ItemID: r.ItemID, Kind: r.Kind, Filename: r.Filename, ContentType: r.ContentType,
		Size: r.Size, SHA256: r.SHA256, UploadedBy: r.UploadedBy, CreatedAt: r.CreatedAt.Time, Public: r.Public, Content: r.Content}
}

// CreateDocument stores d with its content; Size and SHA256 are computed
// here from the content, so they always describe what is stored. Sets
// d.ID. Returns not_found when the item is not in d.OrgID.
func (db *DB) CreateDocument(ctx context.Context, d *engine.Document) error {
	return db.CommitWithDocument(ctx, nil, d)
}

// SealDocument sets d's Size and SHA256 from its content (and CreatedAt
// when unset), as the store will keep them.
func SealDocument(d *engine.Document, now time.Time) {
	sum := sha256.Sum256(d.Content)
	d.SHA256, d.Size = hex.EncodeToString(sum[:]), int64(len(d.Content))
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
}

// CommitWithDocument stores d (see CreateDocument) and, when tr is not
// nil, commits the transition in the same transaction, re-checking its
// version: the document and the event that names it are written together
// or not at all.
func (db *DB) CommitWithDocument(ctx context.Context, tr *engine.Transition, d *engine.Document) error {
	SealDocument(d, time.Now())
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		var one int
		if err := tx.GetContext(ctx, &one, tx.Rebind(`SELECT 1 FROM items WHERE id = ? AND org_id = ?`), d.ItemID, d.OrgID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return itemNotFound()
			}
			return translate(err)
		}
		if tr != nil {
			if err := db.commitInTx(ctx, tx, tr); err != nil {
				return err
			}
		}
		id, err := insertID(ctx, tx, tx.Rebind(`INSERT INTO documents (org_id, item_id, kind, filename, content_type, size, sha256, content, uploaded_by, created_at, public)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), d.OrgID, d.ItemID, d.Kind, d.Filename, d.ContentType, d.Size, d.SHA256,
			d.Content, d.UploadedBy, dbTime{d.CreatedAt}, d.Public)
		d.ID = id
		return err
	})
}

// FindDocument implements engine.Store.
func (db *DB) FindDocument(ctx context.Context, org, item int64, sha string) (*engine.Document, error) {
	var r documentRow
	err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT id, org_id, item_id, kind, filename, content_type, size, sha256, uploaded_by, created_at, public
		FROM documents WHERE org_id = ? AND item_id = ? AND sha256 = ? ORDER BY id DESC LIMIT 1`), org, item, sha)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	if err != nil {
		return nil, translate(err)
	}
	return r.document(), nil
}

// ListDocuments returns the documents of item (without content), oldest
// first.
func (db *DB) ListDocuments(ctx context.Context, org, item int64) ([]*engine.Document, error) {
	var rows []documentRow
	err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT id, org_id, item_id, kind, filename, content_type, size, sha256, uploaded_by, created_at, public
		FROM documents WHERE org_id = ? AND item_id = ? ORDER BY id`), org, item)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.Document, len(rows))
	for i := range rows {
		out[i] = rows[i].document()
	}
	return out, nil
}

// GetDocument returns document id of item in org with its content, or
// not_found.
func (db *DB) GetDocument(ctx context.Context, org, item, id int64) (*engine.Document, error) {
	var r documentRow
	err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT id, org_id, item_id, kind, filename, content_type, size, sha256, uploaded_by, created_at, public, content
		FROM documents WHERE org_id = ? AND item_id = ? AND id = ?`), org, item, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	if err != nil {
		return nil, translate(err)
	}
	return r.document(), nil
}
