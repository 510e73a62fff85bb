-- +goose Up
-- The HTTP API: due dates for overdue lists, sessions, API tokens,
-- idempotent POSTs, documents and the security log.
ALTER TABLE items ADD COLUMN due_on date;
-- Users assigned to the item in some role, as ",id,id," for scoped lists.
ALTER TABLE items ADD COLUMN assignees text NOT NULL DEFAULT '';
CREATE INDEX items_org_due ON items (org_id, due_on) WHERE due_on IS NOT NULL;
CREATE INDEX items_org_workflow ON items (org_id, workflow_id);

-- Login sessions of the web interface. Only the SHA-256 of the session
-- token is stored; the token itself lives in the user's cookie.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    org_id       bigint NOT NULL,
    user_id      bigint NOT NULL,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens for integrations: stored only as SHA-256; prefix identifies a
-- token in lists without revealing it.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    org_id       bigint NOT NULL,
    user_id      bigint NOT NULL,
    name         text NOT NULL CHECK (name <> ''),
    prefix       text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);

-- The first response to a POST with an Idempotency-Key, replayed to
-- retries. The row is claimed (status 0) before the work is done.
CREATE TABLE idempotency_keys (
    org_id       bigint NOT NULL,
    principal    text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer NOT NULL DEFAULT 0,
    headers      text NOT NULL DEFAULT '{}',
    body         bytea NOT NULL DEFAULT '\x',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (org_id, principal, key)
);

-- Documents attached to items (drafts, opinions, minutes…). Content is
-- kept in the database so that one backup holds everything.
CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    org_id       bigint NOT NULL,
    item_id      bigint NOT NULL REFERENCES items(id),
    kind         text NOT NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    uploaded_by  text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX documents_item ON documents (org_id, item_id);

-- Logins, logouts and token changes, for the security review.
CREATE TABLE security_events (
    id         bigserial PRIMARY KEY,
    org_id     bigint,
    at         timestamptz NOT NULL,
    kind       text NOT NULL,
    username   text NOT NULL,
    user_id    bigint,
    ip         text NOT NULL,
    detail     text NOT NULL
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
