-- +goose Up
-- Holiday calendars as administered data: every load of a region-year's
-- notice is one entry of an append-only, hash-chained log (see
-- engine.CalendarEntry); the data in force is each region-year's latest
-- entry.
CREATE TABLE calendar_log (
    seq        bigint PRIMARY KEY CHECK (seq >= 1),
    region     text NOT NULL,
    parent     text NOT NULL,
    name_zh    text NOT NULL,
    name_en    text NOT NULL,
    year       integer NOT NULL,
    status     text NOT NULL CHECK (status IN ('complete', 'partial')),
    basis      text NOT NULL,
    days       text NOT NULL,
    digest     bytea NOT NULL,
    source     text NOT NULL,
    loaded_by  text NOT NULL,
    org_id     bigint NOT NULL DEFAULT 0,
    loaded_at  timestamptz NOT NULL,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);
CREATE INDEX calendar_log_region_year ON calendar_log (region, year, seq);

-- +goose StatementBegin
CREATE FUNCTION calendar_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'calendar_log is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER calendar_log_no_update_delete
    BEFORE UPDATE OR DELETE ON calendar_log
    FOR EACH ROW EXECUTE FUNCTION calendar_log_append_only();
CREATE TRIGGER calendar_log_no_truncate
    BEFORE TRUNCATE ON calendar_log
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_log_append_only();

-- Items with a running statutory period, recomputed when holiday data
-- changes.
ALTER TABLE items ADD COLUMN periods_running boolean NOT NULL DEFAULT false;
UPDATE items SET periods_running = true WHERE EXISTS (
    SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(record->'periods') = 'object' THEN record->'periods' ELSE '{}'::jsonb END) p
    WHERE coalesce(p.value->>'ended_on', '') = '');
CREATE INDEX items_periods_running ON items (id) WHERE periods_running;

-- +goose Down
DROP INDEX items_periods_running;
ALTER TABLE items DROP COLUMN periods_running;
DROP TABLE calendar_log;
DROP FUNCTION calendar_log_append_only();
