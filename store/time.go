package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// dbTime reads a timestamp from either database: PostgreSQL returns
// time.Time, SQLite returns text in one of a few layouts. It writes UTC
// time.Time, which both drivers store at microsecond precision or better.
type dbTime struct{ time.Time }

var sqliteLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		t.Time = x.UTC()
		return nil
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	case nil:
		t.Time = time.Time{}
		return nil
	}
	return fmt.Errorf("store: cannot read %T as a time", v)
}

func (t *dbTime) parse(s string) error {
	for _, l := range sqliteLayouts {
		if p, err := time.Parse(l, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("store: unreadable time %q", s)
}

// Value implements driver.Valuer.
func (t dbTime) Value() (driver.Value, error) { return t.Time.UTC(), nil }
