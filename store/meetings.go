package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

func idsText(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func textIDs(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// CreateMeeting stores m (open) and sets m.ID. Returns conflict when the
// organisation already has a meeting of that number.
func (db *DB) CreateMeeting(ctx context.Context, m *engine.Meeting) error {
	if _, err := engine.ParseDate(m.HeldOn); err != nil {
		return invalid("会议日期应为 YYYY-MM-DD", "held_on must be YYYY-MM-DD", "held_on")
	}
	m.State = "open"
	id, err := insertID(ctx, db.x, db.x.Rebind(`INSERT INTO meetings (org_id, kind, number, held_on, member_user_ids,
		chief_executive_user_id, legal_office_user_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		m.OrgID, m.Kind, m.Number, m.HeldOn, idsText(m.MemberUserIDs), m.ChiefExecutiveUserID, nullID(m.LegalOfficeUserID), m.CreatedBy, dbTime{m.CreatedAt})
	m.ID = id
	return err
}

type meetingRow struct {
	ID        int64         `db:"id"`
	OrgID     int64         `db:"org_id"`
	Kind      string        `db:"kind"`
	Number    string        `db:"number"`
	HeldOn    string        `db:"held_on"`
	Members   string        `db:"member_user_ids"`
	Present   string        `db:"present_user_ids"`
	Chief     int64         `db:"chief_executive_user_id"`
	Legal     sql.NullInt64 `db:"legal_office_user_id"`
	State     string        `db:"state"`
	Minutes   string        `db:"minutes"`
	MinSHA    string        `db:"minutes_sha256"`
	CreatedBy string        `db:"created_by"`
	CreatedAt dbTime        `db:"created_at"`
	ClosedAt  dbTime        `db:"closed_at"`
}

const meetingColumns = `id, org_id, kind, number, CAST(held_on AS TEXT) AS held_on, member_user_ids, present_user_ids, chief_executive_user_id,
	legal_office_user_id, state, minutes, minutes_sha256, created_by, created_at, closed_at`

func (r *meetingRow) meeting() *engine.Meeting {
	return &engine.Meeting{ID: r.ID, OrgID: r.OrgID, Kind: r.Kind, Number: r.Number, HeldOn: r.HeldOn, MemberUserIDs: textIDs(r.Members), PresentUserIDs: textIDs(r.Present),
		ChiefExecutiveUserID: r.Chief, LegalOfficeUserID: r.Legal.Int64, State: r.State, Minutes: r.Minutes, MinutesSHA256: r.MinSHA,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.Time, ClosedAt: optTime(r.ClosedAt)}
}

// GetMeeting returns meeting id of org with its agenda in order, or
// not_found.
func (db *DB) GetMeeting(ctx context.Context, org, id int64) (*engine.Meeting, []engine.AgendaEntry, error) {
	var r meetingRow
	err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT `+meetingColumns+` FROM meetings WHERE org_id = ? AND id = ?`), org, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, engine.Errorz(engine.CodeNotFound, "会议不存在", "no such meeting")
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	var rows []struct {
		MeetingID int64  `db:"meeting_id"`
		ItemID    int64  `db:"item_id"`
		Position  int    `db:"position"`
		Package   string `db:"package"`
		PkgSHA    string `db:"package_sha256"`
		Decision  string `db:"decision"`
		Reason    string `db:"departure_reason"`
	}
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT meeting_id, item_id, position, package, package_sha256, decision, departure_reason
		FROM meeting_agenda WHERE org_id = ? AND meeting_id = ? ORDER BY position`), org, id); err != nil {
		return nil, nil, translate(err)
	}
	agenda := make([]engine.AgendaEntry, len(rows))
	for i, a := range rows {
		agenda[i] = engine.AgendaEntry{MeetingID: a.MeetingID, ItemID: a.ItemID, Position: a.Position, Package: a.Package,
			PackageSHA256: a.PkgSHA, Decision: a.Decision, DepartureReason: a.Reason}
	}
	return r.meeting(), agenda, nil
}

// ListMeetings returns the meetings of org, newest first.
func (db *DB) ListMeetings(ctx context.Context, org int64) ([]*engine.Meeting, error) {
	var rows []meetingRow
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT `+meetingColumns+` FROM meetings WHERE org_id = ? ORDER BY id DESC`), org); err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.Meeting, len(rows))
	for i := range rows {
		out[i] = rows[i].meeting()
		out[i].Minutes = ""
	}
	return out, nil
}

// lockOpenMeeting checks, inside tx, that the meeting exists and is open.
// On PostgreSQL the row is locked until the transaction ends, so agenda
// changes and the closing cannot interleave; SQLite transactions are
// serialised anyway.
func (db *DB) lockOpenMeeting(ctx context.Context, tx *sqlx.Tx, org, id int64) error {
	q := `SELECT state FROM meetings WHERE org_id = ? AND id = ?`
	if db.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var state string
	err := tx.GetContext(ctx, &state, tx.Rebind(q), org, id)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Errorz(engine.CodeNotFound, "会议不存在", "no such meeting")
	}
	if err != nil {
		return translate(err)
	}
	if state != "open" {
		return engine.Errorz(engine.CodeConflict, "会议已闭会，不能再更改", "the meeting is closed and can no longer change")
	}
	return nil
}

// commitInTx is CommitTransition inside a larger transaction.
func (db *DB) commitInTx(ctx context.Context, tx *sqlx.Tx, tr *engine.Transition) error {
	it, ev := tr.Item, tr.Event
	n, err := updateItemInTx(ctx, tx, it, tr.ExpectedVersion)
	if err != nil {
		return err
	}
	if n != 1 {
		return &engine.Error{Code: engine.CodeConflict, MessageZh: "事项 " + strconv.FormatInt(it.ID, 10) + " 已被他人修改，请刷新后重试",
			Message: "item " + strconv.FormatInt(it.ID, 10) + " was changed by someone else; reload and retry"}
	}
	return insertEvent(ctx, tx, ev)
}

// AddToAgenda commits the item's agenda event and the agenda entry
// together. Returns conflict when the meeting is closed, the item is
// already on it, or the item changed.
func (db *DB) AddToAgenda(ctx context.Context, org int64, tr *engine.Transition, e engine.AgendaEntry) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if err := db.lockOpenMeeting(ctx, tx, org, e.MeetingID); err != nil {
			return err
		}
		var pos int
		if err := tx.GetContext(ctx, &pos, tx.Rebind(`SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_agenda WHERE meeting_id = ?`), e.MeetingID); err != nil {
			return translate(err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO meeting_agenda (org_id, meeting_id, item_id, position, package, package_sha256)
			VALUES (?, ?, ?, ?, ?, ?)`), org, e.MeetingID, e.ItemID, pos, e.Package, e.PackageSHA256); err != nil {
			return translate(err)
		}
		return db.commitInTx(ctx, tx, tr)
	})
}

// SetAttendance records which members attended an open meeting.
func (db *DB) SetAttendance(ctx context.Context, org, meeting int64, present []int64) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if err := db.lockOpenMeeting(ctx, tx, org, meeting); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE meetings SET present_user_ids = ? WHERE org_id = ? AND id = ?`), idsText(present), org, meeting)
		return translate(err)
	})
}

// SetAgendaDecision records the decision drafted for an item of an open
// meeting. Returns not_found when the item is not on the agenda.
func (db *DB) SetAgendaDecision(ctx context.Context, org, meeting, item int64, decision, reason string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if err := db.lockOpenMeeting(ctx, tx, org, meeting); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE meeting_agenda SET decision = ?, departure_reason = ?
			WHERE org_id = ? AND meeting_id = ? AND item_id = ?`), decision, reason, org, meeting, item)
		if err != nil {
			return translate(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return engine.Errorz(engine.CodeNotFound, "该事项不在会议议程上", "the item is not on this meeting's agenda")
		}
		return nil
	})
}

// CloseMeeting applies every agenda item's decision and closes the
// meeting in one transaction: the transitions, the minutes on the meeting
// and as a document of every item, or nothing at all. Returns conflict
// when the meeting is already closed or any item changed meanwhile.
func (db *DB) CloseMeeting(ctx context.Context, org, meeting int64, trs []*engine.Transition, minutes, minutesSHA string, docs []*engine.Document, at time.Time) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if err := db.lockOpenMeeting(ctx, tx, org, meeting); err != nil {
			return err
		}
		for _, tr := range trs {
			if err := db.commitInTx(ctx, tx, tr); err != nil {
				return err
			}
		}
		for _, d := range docs {
			if _, err := insertID(ctx, tx, tx.Rebind(`INSERT INTO documents (org_id, item_id, kind, filename, content_type, size, sha256, content, uploaded_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), d.OrgID, d.ItemID, d.Kind, d.Filename, d.ContentType, int64(len(d.Content)), d.SHA256,
				d.Content, d.UploadedBy, dbTime{at}); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE meetings SET state = 'closed', minutes = ?, minutes_sha256 = ?, closed_at = ?
			WHERE org_id = ? AND id = ?`), minutes, minutesSHA, dbTime{at}, org, meeting)
		return translate(err)
	})
}
