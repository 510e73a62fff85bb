-- +goose Up
-- Holiday calendars as administered data: every load of a region-year's
-- notice is one entry of an append-only, hash-chained log (see
-- engine.CalendarEntry); the data in force is each region-year's latest
-- entry.
CREATE TABLE calendar_log (
    seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
    region     TEXT NOT NULL,
    parent     TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    year       INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
    basis      TEXT NOT NULL,
    days       TEXT NOT NULL,
    digest     BLOB NOT NULL,
    source     TEXT NOT NULL,
    loaded_by  TEXT NOT NULL,
    org_id     INTEGER NOT NULL DEFAULT 0,
    loaded_at  DATETIME NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
CREATE INDEX calendar_log_region_year ON calendar_log (region, year, seq);

-- +goose StatementBegin
CREATE TRIGGER calendar_log_no_update BEFORE UPDATE ON calendar_log
BEGIN
    SELECT RAISE(ABORT, 'calendar_log is append-only: UPDATE rejected');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER calendar_log_no_delete BEFORE DELETE ON calendar_log
BEGIN
    SELECT RAISE(ABORT, 'calendar_log is append-only: DELETE rejected');
END;
-- +goose StatementEnd

-- Items with a running statutory period, recomputed when holiday data
-- changes.
ALTER TABLE items ADD COLUMN periods_running INTEGER NOT NULL DEFAULT 0;
UPDATE items SET periods_running = 1 WHERE EXISTS (
    SELECT 1 FROM json_each(CASE WHEN json_type(items.record, '$.periods') = 'object' THEN json_extract(items.record, '$.periods') ELSE '{}' END) p
    WHERE coalesce(json_extract(p.value, '$.ended_on'), '') = '');
CREATE INDEX items_periods_running ON items (id) WHERE periods_running = 1;

-- +goose Down
DROP INDEX items_periods_running;
ALTER TABLE items DROP COLUMN periods_running;
DROP TABLE calendar_log;
