-- The server's tables (SQLite). Rows of every synced collection are kept as JSON; the service
-- derives scopes and relations from them on every write.
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT PRIMARY KEY NOT NULL,
    value  INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0), ('horizon', 0);

CREATE TABLE IF NOT EXISTS records (
    collection  TEXT NOT NULL,
    id          TEXT NOT NULL,
    data        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (collection, id)
) STRICT, WITHOUT ROWID;

-- Per-scope change log: one entry per (scope, row), moved to the row's latest change.
CREATE TABLE IF NOT EXISTS scope_log (
    scope       TEXT NOT NULL,
    collection  TEXT NOT NULL,
    id          TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL,
    PRIMARY KEY (scope, collection, id)
) STRICT, WITHOUT ROWID;
-- Covers a pull's walk of a scope (the key columns ride along in every index of a WITHOUT
-- ROWID table): no lookup into the log per entry. Replaces the (scope, seq) index of earlier
-- files.
DROP INDEX IF EXISTS scope_log_by_seq;
CREATE INDEX IF NOT EXISTS scope_log_walk ON scope_log (scope, seq, removed);
CREATE INDEX IF NOT EXISTS scope_log_by_row ON scope_log (collection, id);

-- Assignments and consents, as the service derives them from rows.
CREATE TABLE IF NOT EXISTS relations (
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    object   TEXT NOT NULL,
    PRIMARY KEY (kind, subject, object)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_by_object ON relations (kind, object);

CREATE TABLE IF NOT EXISTS enrolment_codes (
    hash        TEXT PRIMARY KEY NOT NULL,
    person_id   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS devices (
    id             TEXT PRIMARY KEY NOT NULL,
    person_id      TEXT NOT NULL,
    registered_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS tokens (
    hash        TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    family      TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    revoked_at  INTEGER,
    -- The refresh token the pair was issued from (NULL at enrolment), added in version 2
    -- (`SqliteStore::open` adds it to version 1 files first). Looked up within a family.
    parent      TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS tokens_by_family ON tokens (family);

CREATE TABLE IF NOT EXISTS mutations (
    device_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    result       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (device_id, mutation_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    person_id   TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    collection  TEXT NOT NULL,
    row_id      TEXT NOT NULL
) STRICT;
-- An append-only log in time order, with no index beside it: a pull audits every record it
-- sends, and an index by record, growing by 100,000 entries per initial sync, slowed every
-- later request (measured: one initial sync after another against the same server went from
-- 1.34 s to 1.99 s over 21 syncs; with no index, twelve in a row stay within 1.13-1.24 s).
-- An auditor's question about one record scans; the request path never waits for it.
DROP INDEX IF EXISTS audit_by_row;

-- Voice notes' audio (schema 3), kept apart from `records`: a message's row travels in every
-- pull of its scope, its sound only to a phone that asks for it. Keyed by the voice message.
CREATE TABLE IF NOT EXISTS voice_notes (
    message_id   TEXT PRIMARY KEY NOT NULL,
    media_type   TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    audio        BLOB NOT NULL,
    stored_at    INTEGER NOT NULL
) STRICT;
