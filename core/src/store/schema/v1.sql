-- Schema version 1: the foundation.
--
-- Every synced row carries: id (UUIDv7 made on the device), created_at (UTC ms), origin (the
-- device that made it) and hlc (hybrid logical clock stamp of its last change). Editable rows
-- also carry updated_at and field_hlc, a JSON object of per-field stamps for last-writer-wins
-- merges. Append-only rows (check-in versions, events) are never updated after insert, except
-- for local derived columns named as such. Foreign keys are deferred so a synced batch can
-- arrive in any order within its transaction. A reference to a person who may not be in the
-- same sync scope (an author, an actor, whoever recorded something) is a plain id, not a
-- foreign key: a device holds only the people its scopes include.

CREATE TABLE person (
    id            TEXT PRIMARY KEY NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('survivor', 'mentor', 'caregiver', 'professional')),
    display_name  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    origin        TEXT NOT NULL,
    hlc           INTEGER NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- This installation. One row.
CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    owner_id    TEXT REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    hlc         INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE survivor_profile (
    person_id            TEXT PRIMARY KEY NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    preferred_languages  TEXT NOT NULL,  -- JSON array of BCP 47 tags
    communication_needs  TEXT NOT NULL,  -- JSON array of codes
    home_area            TEXT,
    stroke_date          INTEGER,
    discharge_date       INTEGER,
    goals                TEXT NOT NULL,  -- JSON array of short texts
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    origin               TEXT NOT NULL,
    hlc                  INTEGER NOT NULL,
    field_hlc            TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE mentor_profile (
    person_id     TEXT PRIMARY KEY NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    languages     TEXT NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    availability  TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    origin        TEXT NOT NULL,
    hlc           INTEGER NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE caregiver_profile (
    person_id     TEXT PRIMARY KEY NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    survivor_id   TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    relationship  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    origin        TEXT NOT NULL,
    hlc           INTEGER NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX caregiver_by_survivor ON caregiver_profile (survivor_id);

CREATE TABLE professional_profile (
    person_id   TEXT PRIMARY KEY NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    team        TEXT NOT NULL,
    job_role    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    origin      TEXT NOT NULL,
    hlc         INTEGER NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE mentorship (
    id                TEXT PRIMARY KEY NOT NULL,
    survivor_id       TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    mentor_id         TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    coordinator_id    TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    status            TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'paused', 'ended')),
    planned_contacts  INTEGER NOT NULL,
    planned_weeks     INTEGER NOT NULL,
    matching_notes    TEXT,
    started_at        INTEGER,
    ended_at          INTEGER,
    ending_reason     TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    origin            TEXT NOT NULL,
    hlc               INTEGER NOT NULL,
    field_hlc         TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX mentorship_by_mentor ON mentorship (mentor_id, status);
CREATE INDEX mentorship_by_coordinator ON mentorship (coordinator_id, status);
CREATE INDEX mentorship_by_survivor ON mentorship (survivor_id);

-- Lifecycle history of a mentorship: proposed, activated, paused, resumed, ended. Append-only.
CREATE TABLE mentorship_event (
    id             TEXT PRIMARY KEY NOT NULL,
    mentorship_id  TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    kind           TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    at             INTEGER NOT NULL,
    reason         TEXT,
    note           TEXT,
    created_at     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    hlc            INTEGER NOT NULL
) STRICT;
CREATE INDEX mentorship_event_by_mentorship ON mentorship_event (mentorship_id, at);

-- Contact log. Each row is one immutable version; `checkin_id` names the check-in across its
-- versions (the first version's id). `superseded` is local derived state: 0 on the current
-- version of each check-in, the one with the greatest (hlc, id).
CREATE TABLE checkin (
    id                 TEXT PRIMARY KEY NOT NULL,
    checkin_id         TEXT NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 1),
    supersedes         TEXT REFERENCES checkin (id) DEFERRABLE INITIALLY DEFERRED,
    mentorship_id      TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    author_id          TEXT NOT NULL,
    occurred_at        INTEGER NOT NULL,
    mode               TEXT NOT NULL,
    duration_minutes   INTEGER NOT NULL CHECK (duration_minutes BETWEEN 0 AND 600),
    reached            TEXT NOT NULL,
    dimensions         INTEGER NOT NULL CHECK (dimensions BETWEEN 0 AND 31),
    wellbeing          INTEGER CHECK (wellbeing BETWEEN 1 AND 5),
    notes              TEXT NOT NULL,
    resources_shared   TEXT NOT NULL,  -- JSON array of short texts
    follow_up_action   TEXT,
    follow_up_due      INTEGER,
    follow_up_done_at  INTEGER,
    amendment_reason   TEXT,
    created_at         INTEGER NOT NULL,
    origin             TEXT NOT NULL,
    hlc                INTEGER NOT NULL,
    superseded         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX checkin_lineage ON checkin (checkin_id, hlc);
-- Covers the caseload and report scans of current versions without touching the wide rows.
CREATE INDEX checkin_current_by_mentorship
    ON checkin (mentorship_id, occurred_at, reached, follow_up_due, follow_up_done_at) WHERE superseded = 0;
CREATE INDEX checkin_open_follow_ups ON checkin (follow_up_due)
    WHERE superseded = 0 AND follow_up_due IS NOT NULL AND follow_up_done_at IS NULL;

-- A worry raised in a check-in, routed to the mentorship's coordinator. Append-only; its
-- acknowledgement and resolution are escalation_event rows.
CREATE TABLE escalation (
    id             TEXT PRIMARY KEY NOT NULL,
    checkin_id     TEXT NOT NULL REFERENCES checkin (id) DEFERRABLE INITIALLY DEFERRED,
    mentorship_id  TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    raised_by      TEXT NOT NULL,
    assigned_to    TEXT NOT NULL,
    category       TEXT NOT NULL,
    urgency        TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    summary        TEXT NOT NULL,
    raised_at      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    hlc            INTEGER NOT NULL
) STRICT;
CREATE INDEX escalation_by_mentorship ON escalation (mentorship_id);
CREATE INDEX escalation_by_assignee ON escalation (assigned_to, raised_at);

CREATE TABLE escalation_event (
    id             TEXT PRIMARY KEY NOT NULL,
    escalation_id  TEXT NOT NULL REFERENCES escalation (id) DEFERRABLE INITIALLY DEFERRED,
    kind           TEXT NOT NULL CHECK (kind IN ('acknowledged', 'resolved')),
    actor_id       TEXT NOT NULL,
    at             INTEGER NOT NULL,
    note           TEXT,
    created_at     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    hlc            INTEGER NOT NULL
) STRICT;
CREATE INDEX escalation_event_by_escalation ON escalation_event (escalation_id, kind);

CREATE TABLE training_record (
    id            TEXT PRIMARY KEY NOT NULL,
    mentor_id     TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    course        TEXT NOT NULL,
    completed_at  INTEGER NOT NULL,
    valid_until   INTEGER,
    recorded_by   TEXT NOT NULL,
    notes         TEXT,
    created_at    INTEGER NOT NULL,
    origin        TEXT NOT NULL,
    hlc           INTEGER NOT NULL
) STRICT;
CREATE INDEX training_by_mentor ON training_record (mentor_id, completed_at);

CREATE TABLE supervision_session (
    id                TEXT PRIMARY KEY NOT NULL,
    mentor_id         TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    supervisor_id     TEXT NOT NULL,
    held_at           INTEGER NOT NULL,
    format            TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
    notes             TEXT,
    created_at        INTEGER NOT NULL,
    origin            TEXT NOT NULL,
    hlc               INTEGER NOT NULL
) STRICT;
CREATE INDEX supervision_by_mentor ON supervision_session (mentor_id, held_at);

CREATE TABLE consent (
    id             TEXT PRIMARY KEY NOT NULL,
    survivor_id    TEXT NOT NULL REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED,
    scope          TEXT NOT NULL CHECK (scope IN ('programme', 'share_with_caregiver')),
    caregiver_id   TEXT,
    granted_at     INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL,
    withdrawn_at   INTEGER,
    withdrawn_by   TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    hlc            INTEGER NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}',
    CHECK ((scope = 'share_with_caregiver') = (caregiver_id IS NOT NULL))
) STRICT;
CREATE INDEX consent_by_survivor ON consent (survivor_id, scope);

-- Local changes waiting to be pushed, in the order they were made. Keyed by the change's HLC
-- stamp, which is unique and increasing on this device (also across restarts: the device row
-- keeps the last stamp once the outbox drains), so the stamp doubles as the mutation id that,
-- with the device id, forms the idempotency key the server deduplicates on. An entry names the
-- row and, for an update, the fields changed; the values are read from the row when pushed, so
-- queueing a change adds a few bytes, not a second copy of the row.
CREATE TABLE outbox (
    hlc          INTEGER PRIMARY KEY NOT NULL,
    collection   TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update')),
    fields       TEXT,  -- JSON array of the columns an update changed; NULL for an insert
    created_at   INTEGER NOT NULL
) STRICT;

-- Messaging: one conversation per mentorship (the survivor, the mentor, and the caregivers the
-- survivor consented to share with). Messages are append-only and ordered by (hlc, id) on
-- every device. `kind` and `attachment_ref` carry a shared directory service (`service`, its
-- id) and leave room for voice notes.
CREATE TABLE message (
    id              TEXT PRIMARY KEY NOT NULL,
    mentorship_id   TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    sender_id       TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'service')),
    body            TEXT NOT NULL,
    attachment_ref  TEXT,
    created_at      INTEGER NOT NULL,
    origin          TEXT NOT NULL,
    hlc             INTEGER NOT NULL
) STRICT;
CREATE INDEX message_by_conversation ON message (mentorship_id, hlc, id);

-- How far each member has received and read a conversation, as message stamps: one editable
-- row per (conversation, member), so receipts cost one row, not one per message.
CREATE TABLE conversation_read (
    id               TEXT PRIMARY KEY NOT NULL,
    mentorship_id    TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    person_id        TEXT NOT NULL,
    delivered_up_to  INTEGER NOT NULL,
    read_up_to       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    origin           TEXT NOT NULL,
    hlc              INTEGER NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}',
    UNIQUE (mentorship_id, person_id)
) STRICT;

-- Sync state, local to this device.
-- The account this device syncs as; the tokens never leave the encrypted file.
CREATE TABLE sync_account (
    singleton          INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    server_url         TEXT NOT NULL,
    person_id          TEXT NOT NULL,
    access_token       TEXT NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    refresh_token      TEXT NOT NULL,
    last_sync_at       INTEGER,
    -- Set when the server reset a scope: once the pull completes, rows no scope delivered
    -- again (and no pending change names) are swept away.
    sweep_pending      INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The scopes this device holds and how far it has pulled each.
CREATE TABLE sync_scope (
    scope   TEXT PRIMARY KEY NOT NULL,
    cursor  INTEGER NOT NULL
) STRICT;

-- Which scopes each pulled row arrived through, so a revoked scope can be purged without
-- touching rows another scope still grants. Keyed by row first: every pulled row writes one
-- entry (one B-tree, no second index), while finding a scope's rows — a purge, a reset — is
-- rare and may scan.
CREATE TABLE row_scope (
    collection  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    PRIMARY KEY (collection, row_id, scope)
) STRICT, WITHOUT ROWID;

-- Mutations the server rejected and edits that lost a merge: kept and shown, never dropped.
CREATE TABLE sync_issue (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('rejected', 'conflict', 'unreadable')),
    mutation_id   INTEGER,
    collection    TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    reason        TEXT NOT NULL,
    fields        TEXT,
    at            INTEGER NOT NULL,
    dismissed_at  INTEGER
) STRICT;
