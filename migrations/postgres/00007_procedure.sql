-- +goose Up
-- Documents published with the item (the draft and its explanation during
-- a consultation, the decision's text), found by digest for document
-- fields.
ALTER TABLE documents ADD COLUMN public boolean NOT NULL DEFAULT false;
CREATE INDEX documents_item_sha ON documents (org_id, item_id, sha256);
-- The share of a meeting's members who must attend (more than this many
-- percent), per organisation.
ALTER TABLE organisations ADD COLUMN meeting_quorum_percent integer NOT NULL DEFAULT 50
    CHECK (meeting_quorum_percent >= 0 AND meeting_quorum_percent < 100);

-- +goose Down
ALTER TABLE organisations DROP COLUMN meeting_quorum_percent;
DROP INDEX documents_item_sha;
ALTER TABLE documents DROP COLUMN public;
