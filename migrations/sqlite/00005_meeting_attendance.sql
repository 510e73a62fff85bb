-- +goose Up
-- Who attended (a subset of the members), recorded by the secretariat;
-- empty until recorded.
ALTER TABLE meetings ADD COLUMN present_user_ids TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE meetings DROP COLUMN present_user_ids;
