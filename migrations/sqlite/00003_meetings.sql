-- +goose Up
-- Executive meetings (常务会议/全体会议) and their agendas. Every change
-- to an item still goes through its own audit-chained events; these rows
-- hold the meeting itself, the package each item was discussed on, the
-- decision drafted for it, and after closing the minutes.
CREATE TABLE meetings (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id                  INTEGER NOT NULL REFERENCES organisations(id),
    kind                    TEXT NOT NULL CHECK (kind IN ('executive', 'plenary')),
    number                  TEXT NOT NULL CHECK (number <> ''),
    held_on                 TEXT NOT NULL,
    member_user_ids         TEXT NOT NULL,
    chief_executive_user_id INTEGER NOT NULL,
    legal_office_user_id    INTEGER,
    state                   TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    minutes                 TEXT NOT NULL DEFAULT '',
    minutes_sha256          TEXT NOT NULL DEFAULT '',
    created_by              TEXT NOT NULL,
    created_at              DATETIME NOT NULL,
    closed_at               DATETIME,
    UNIQUE (org_id, number),
    UNIQUE (org_id, id)
);

CREATE TABLE meeting_agenda (
    org_id           INTEGER NOT NULL,
    meeting_id       INTEGER NOT NULL,
    item_id          INTEGER NOT NULL REFERENCES items(id),
    position         INTEGER NOT NULL,
    package          TEXT NOT NULL,
    package_sha256   TEXT NOT NULL,
    decision         TEXT NOT NULL DEFAULT '',
    departure_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, item_id),
    FOREIGN KEY (org_id, meeting_id) REFERENCES meetings(org_id, id)
);
CREATE INDEX meeting_agenda_item ON meeting_agenda (org_id, item_id);

-- +goose Down
DROP TABLE meeting_agenda;
DROP TABLE meetings;
