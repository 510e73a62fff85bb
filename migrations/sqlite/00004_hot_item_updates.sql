-- +goose Up
-- Every transition changes items.state; indexing it prevented PostgreSQL's
-- HOT updates (and bloated the table under load, see BENCHMARKS.md). Lists
-- filter by organisation first and walk ids newest first, so the state
-- filter needs no index of its own.
DROP INDEX items_org_state;
CREATE INDEX items_org_id ON items (org_id, id);

-- +goose Down
DROP INDEX items_org_id;
CREATE INDEX items_org_state ON items (org_id, state);
