-- +goose Up
-- Times are stored as UTC text ("YYYY-MM-DD HH:MM:SS.ffffff+00:00"), JSON as
-- text, hashes as blobs.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    region     TEXT NOT NULL DEFAULT 'cn',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organisations(id),
    name       TEXT NOT NULL CHECK (name <> ''),
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organisations(id),
    username      TEXT NOT NULL CHECK (username <> ''),
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    department_id INTEGER,
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (org_id, username),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, department_id) REFERENCES departments(org_id, id)
);

CREATE TABLE user_roles (
    org_id  INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role),
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);

CREATE TABLE law_firms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organisations(id),
    name       TEXT NOT NULL CHECK (name <> ''),
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

CREATE TABLE counsel (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    law_firm_id   INTEGER NOT NULL,
    licence_no    TEXT NOT NULL CHECK (licence_no <> ''),
    contract_from TEXT NOT NULL,
    contract_to   TEXT NOT NULL CHECK (contract_to >= contract_from),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id),
    FOREIGN KEY (org_id, law_firm_id) REFERENCES law_firms(org_id, id)
);

CREATE TABLE items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES organisations(id),
    workflow_id      TEXT NOT NULL,
    workflow_version INTEGER NOT NULL,
    title            TEXT NOT NULL,
    department_id    INTEGER,
    state            TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    record           TEXT NOT NULL DEFAULT '{}',
    head             BLOB NOT NULL DEFAULT x'',
    created_by       TEXT NOT NULL,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    FOREIGN KEY (org_id, department_id) REFERENCES departments(org_id, id)
);
CREATE INDEX items_org_state ON items (org_id, state);
CREATE INDEX items_org_department ON items (org_id, department_id);

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    at         DATETIME NOT NULL,
    actor      TEXT NOT NULL,
    role       TEXT NOT NULL,
    event      TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL,
    UNIQUE (item_id, seq)
);
CREATE INDEX audit_events_org ON audit_events (org_id, item_id);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE rejected');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE rejected');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE items;
DROP TABLE counsel;
DROP TABLE law_firms;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE departments;
DROP TABLE organisations;
