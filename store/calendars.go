package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

type calendarRow struct {
	Seq      int64  `db:"seq"`
	Region   string `db:"region"`
	Parent   string `db:"parent"`
	NameZh   string `db:"name_zh"`
	NameEn   string `db:"name_en"`
	Year     int    `db:"year"`
	Status   string `db:"status"`
	Basis    string `db:"basis"`
	Days     string `db:"days"`
	Source   string `db:"source"`
	LoadedBy string `db:"loaded_by"`
	OrgID    int64  `db:"org_id"`
	LoadedAt dbTime `db:"loaded_at"`
	PrevHash []byte `db:"prev_hash"`
	Hash     []byte `db:"hash"`
}

const calendarColumns = `seq, region, parent, name_zh, name_en, year, status, basis, days, source, loaded_by, org_id, loaded_at, prev_hash, hash`

func (r *calendarRow) entry() (*engine.CalendarEntry, error) {
	e := &engine.CalendarEntry{Seq: r.Seq,
		Region: engine.CalendarRegion{Code: r.Region, Parent: r.Parent, Name: engine.Text{Zh: r.NameZh, En: r.NameEn}},
		Year:   engine.CalendarYear{Region: r.Region, Year: r.Year, Status: engine.YearStatus(r.Status), Basis: r.Basis},
		Source: r.Source, LoadedBy: r.LoadedBy, OrgID: r.OrgID, LoadedAt: r.LoadedAt.Time, PrevHash: r.PrevHash, Hash: r.Hash}
	if err := e.ParseDaysJSON(r.Days); err != nil {
		return nil, engine.Internal(err)
	}
	return e, nil
}

// calendarLock serialises appends to the calendar log on PostgreSQL (a
// transaction-level advisory lock); SQLite transactions are IMMEDIATE and
// serialise by themselves.
const calendarLock = 727001

// AppendCalendarEntries appends entries to the calendar log in one
// transaction, in order: each gets the next Seq, the previous entry's hash
// as PrevHash, and its own Hash (engine.SealCalendarEntry). An entry whose
// content (engine.CalendarEntry.ContentDigest) equals the current entry of
// its region-year is skipped. It returns the entries appended, with Seq
// and hashes set; an error appends nothing.
func (db *DB) AppendCalendarEntries(ctx context.Context, entries []*engine.CalendarEntry) ([]*engine.CalendarEntry, error) {
	var out []*engine.CalendarEntry
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		out = out[:0]
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, calendarLock); err != nil {
				return translate(err)
			}
		}
		var last struct {
			Seq  int64  `db:"seq"`
			Hash []byte `db:"hash"`
		}
		err := tx.GetContext(ctx, &last, `SELECT seq, hash FROM calendar_log ORDER BY seq DESC LIMIT 1`)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			last.Seq, last.Hash = 0, engine.GenesisHash
		case err != nil:
			return translate(err)
		}
		for _, e := range entries {
			digest, err := e.ContentDigest()
			if err != nil {
				return engine.Internal(err)
			}
			var cur []byte
			err = tx.GetContext(ctx, &cur, tx.Rebind(`SELECT digest FROM calendar_log WHERE region = ? AND year = ? ORDER BY seq DESC LIMIT 1`),
				e.Region.Code, e.Year.Year)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return translate(err)
			}
			if bytes.Equal(cur, digest) {
				continue
			}
			c := *e
			c.Seq, c.PrevHash = last.Seq+1, last.Hash
			c.LoadedAt = engine.AuditTime(c.LoadedAt)
			if err := engine.SealCalendarEntry(&c); err != nil {
				return engine.Internal(err)
			}
			days, err := c.DaysJSON()
			if err != nil {
				return engine.Internal(err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO calendar_log (`+calendarColumns+`, digest)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				c.Seq, c.Region.Code, c.Region.Parent, c.Region.Name.Zh, c.Region.Name.En, c.Year.Year, string(c.Year.Status),
				c.Year.Basis, days, c.Source, c.LoadedBy, c.OrgID, dbTime{c.LoadedAt}, c.PrevHash, c.Hash, digest); err != nil {
				return translate(err)
			}
			last.Seq, last.Hash = c.Seq, c.Hash
			out = append(out, &c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CalendarEntries returns the whole calendar log in Seq order.
func (db *DB) CalendarEntries(ctx context.Context) ([]*engine.CalendarEntry, error) {
	var rows []calendarRow
	if err := db.x.SelectContext(ctx, &rows, `SELECT `+calendarColumns+` FROM calendar_log ORDER BY seq`); err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.CalendarEntry, len(rows))
	for i := range rows {
		e, err := rows[i].entry()
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// CalendarVersion returns the Seq of the calendar log's last entry, 0
// when the log is empty: a cheap check whether another replica loaded a
// notice.
func (db *DB) CalendarVersion(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := db.x.GetContext(ctx, &n, `SELECT MAX(seq) FROM calendar_log`); err != nil {
		return 0, translate(err)
	}
	return n.Int64, nil
}

// RegionsInUse returns the calendar regions of the organisations, sorted,
// without repeats.
func (db *DB) RegionsInUse(ctx context.Context) ([]string, error) {
	var out []string
	if err := db.x.SelectContext(ctx, &out, `SELECT DISTINCT region FROM organisations ORDER BY region`); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// ItemsWithRunningPeriods returns, in id order, up to limit items with
// id > after whose organisation's region is one of regions and which have
// a running statutory period, across all organisations.
func (db *DB) ItemsWithRunningPeriods(ctx context.Context, regions []string, after int64, limit int) ([]*engine.Item, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT `+itemColumns+` FROM items i JOIN organisations o ON o.id = i.org_id
		WHERE i.periods_running = `+db.trueLiteral()+` AND i.id > ? AND o.region IN (?) ORDER BY i.id LIMIT ?`, after, regions, limit)
	if err != nil {
		return nil, engine.Internal(err)
	}
	var rows []itemRow
	if err := db.x.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
		return nil, translate(err)
	}
	out := make([]*engine.Item, len(rows))
	for i := range rows {
		it, err := rows[i].item()
		if err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

func (db *DB) trueLiteral() string {
	if db.dialect == Postgres {
		return "true"
	}
	return "1"
}
