-- +goose Up
CREATE TABLE organisations (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name       text NOT NULL CHECK (name <> ''),
    region     text NOT NULL DEFAULT 'cn',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE departments (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES organisations(id),
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    org_id        bigint NOT NULL REFERENCES organisations(id),
    username      text NOT NULL CHECK (username <> ''),
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    department_id bigint,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, username),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, department_id) REFERENCES departments(org_id, id)
);

CREATE TABLE user_roles (
    org_id  bigint NOT NULL,
    user_id bigint NOT NULL,
    role    text NOT NULL,
    PRIMARY KEY (user_id, role),
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id) ON DELETE CASCADE
);

CREATE TABLE law_firms (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES organisations(id),
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

CREATE TABLE counsel (
    id            bigserial PRIMARY KEY,
    org_id        bigint NOT NULL,
    user_id       bigint NOT NULL,
    law_firm_id   bigint NOT NULL,
    licence_no    text NOT NULL CHECK (licence_no <> ''),
    contract_from date NOT NULL,
    contract_to   date NOT NULL CHECK (contract_to >= contract_from),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users(org_id, id),
    FOREIGN KEY (org_id, law_firm_id) REFERENCES law_firms(org_id, id)
);

CREATE TABLE items (
    id               bigserial PRIMARY KEY,
    org_id           bigint NOT NULL REFERENCES organisations(id),
    workflow_id      text NOT NULL,
    workflow_version integer NOT NULL,
    title            text NOT NULL,
    department_id    bigint,
    state            text NOT NULL,
    version          integer NOT NULL CHECK (version >= 1),
    record           jsonb NOT NULL DEFAULT '{}',
    head             bytea NOT NULL DEFAULT '\x',
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    FOREIGN KEY (org_id, department_id) REFERENCES departments(org_id, id)
);
CREATE INDEX items_org_state ON items (org_id, state);
CREATE INDEX items_org_department ON items (org_id, department_id);

CREATE TABLE audit_events (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL,
    item_id    bigint NOT NULL REFERENCES items(id),
    seq        integer NOT NULL CHECK (seq >= 1),
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    role       text NOT NULL,
    event      text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    reason     text NOT NULL,
    payload    text NOT NULL,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL,
    UNIQUE (item_id, seq)
);
CREATE INDEX audit_events_org ON audit_events (org_id, item_id);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_events_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE items;
DROP TABLE counsel;
DROP TABLE law_firms;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE departments;
DROP TABLE organisations;
