-- +goose Up
-- Each audit event now also seals the item it leaves (its record, state
-- and title, SHA-256; audit encoding v2), so that a change of an item made
-- in the database without an event is found by `juece audit verify`.
-- Events written before keep NULL and verify as v1.
ALTER TABLE audit_events ADD COLUMN item_digest bytea;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN item_digest;
