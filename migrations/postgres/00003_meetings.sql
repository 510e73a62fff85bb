-- +goose Up
-- Executive meetings (常务会议/全体会议) and their agendas. Every change
-- to an item still goes through its own audit-chained events; these rows
-- hold the meeting itself, the package each item was discussed on, the
-- decision drafted for it, and after closing the minutes.
CREATE TABLE meetings (
    id                      bigserial PRIMARY KEY,
    org_id                  bigint NOT NULL REFERENCES organisations(id),
    kind                    text NOT NULL CHECK (kind IN ('executive', 'plenary')),
    number                  text NOT NULL CHECK (number <> ''),
    held_on                 date NOT NULL,
    member_user_ids         text NOT NULL,
    chief_executive_user_id bigint NOT NULL,
    legal_office_user_id    bigint,
    state                   text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    minutes                 text NOT NULL DEFAULT '',
    minutes_sha256          text NOT NULL DEFAULT '',
    created_by              text NOT NULL,
    created_at              timestamptz NOT NULL,
    closed_at               timestamptz,
    UNIQUE (org_id, number),
    UNIQUE (org_id, id)
);

CREATE TABLE meeting_agenda (
    org_id           bigint NOT NULL,
    meeting_id       bigint NOT NULL,
    item_id          bigint NOT NULL REFERENCES items(id),
    position         integer NOT NULL,
    package          text NOT NULL,
    package_sha256   text NOT NULL,
    decision         text NOT NULL DEFAULT '',
    departure_reason text NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, item_id),
    FOREIGN KEY (org_id, meeting_id) REFERENCES meetings(org_id, id)
);
CREATE INDEX meeting_agenda_item ON meeting_agenda (org_id, item_id);

-- +goose Down
DROP TABLE meeting_agenda;
DROP TABLE meetings;
