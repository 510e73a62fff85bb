-- +goose Up
-- The HTTP API: due dates for overdue lists, sessions, API tokens,
-- idempotent POSTs, documents and the security log.
ALTER TABLE items ADD COLUMN due_on TEXT;
-- Users assigned to the item in some role, as ",id,id," for scoped lists.
ALTER TABLE items ADD COLUMN assignees TEXT NOT NULL DEFAULT '';
CREATE INDEX items_org_due ON items (org_id, due_on) WHERE due_on IS NOT NULL;
CREATE INDEX items_org_workflow ON items (org_id, workflow_id);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    name         TEXT NOT NULL CHECK (name <> ''),
    prefix       TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME,
    last_used_at DATETIME,
    revoked_at   DATETIME,
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);

CREATE TABLE idempotency_keys (
    org_id       INTEGER NOT NULL,
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    headers      TEXT NOT NULL DEFAULT '{}',
    body         BLOB NOT NULL DEFAULT x'',
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (org_id, principal, key)
);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX documents_item ON documents (org_id, item_id);

CREATE TABLE security_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER,
    at         DATETIME NOT NULL,
    kind       TEXT NOT NULL,
    username   TEXT NOT NULL,
    user_id    INTEGER,
    ip         TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX security_events_org ON security_events (org_id, at);

-- +goose Down
DROP TABLE security_events;
DROP TABLE documents;
DROP TABLE idempotency_keys;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP INDEX items_org_workflow;
DROP INDEX items_org_due;
ALTER TABLE items DROP COLUMN assignees;
ALTER TABLE items DROP COLUMN due_on;
