-- The server's tables (PostgreSQL): the same shape as sqlite_schema.sql. Rows of every synced
-- collection are kept as JSON text (not jsonb: the store hands back exactly what it was given).
-- Every text column uses the "C" collation, so ORDER BY compares bytes as SQLite does and the
-- two stores answer in the same order whatever the cluster's locale.
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT COLLATE "C" PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('horizon', 0) ON CONFLICT (key) DO NOTHING;

-- Change sequence numbers (see PgTx::reserve_seqs). Version 1 kept the counter in meta under
-- 'seq', locked to commit by every writer; it moves here once, then the row is gone.
CREATE SEQUENCE IF NOT EXISTS change_seq;
SELECT setval('change_seq', m.value)
FROM meta AS m, change_seq AS s
WHERE m.key = 'seq' AND m.value > s.last_value;
DELETE FROM meta WHERE key = 'seq';

CREATE TABLE IF NOT EXISTS records (
    collection  TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    data        TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    PRIMARY KEY (collection, id)
);

-- Per-scope change log: one entry per (scope, row), moved to the row's latest change.
CREATE TABLE IF NOT EXISTS scope_log (
    scope       TEXT COLLATE "C" NOT NULL,
    collection  TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    seq         BIGINT NOT NULL,
    removed     BOOLEAN NOT NULL,
    changed_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, collection, id)
);
CREATE INDEX IF NOT EXISTS scope_log_by_seq ON scope_log (scope, seq);
CREATE INDEX IF NOT EXISTS scope_log_by_row ON scope_log (collection, id);

-- Assignments and consents, as the service derives them from rows.
CREATE TABLE IF NOT EXISTS relations (
    kind     TEXT COLLATE "C" NOT NULL,
    subject  TEXT COLLATE "C" NOT NULL,
    object   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, subject, object)
);
CREATE INDEX IF NOT EXISTS relations_by_object ON relations (kind, object);

CREATE TABLE IF NOT EXISTS enrolment_codes (
    hash        TEXT COLLATE "C" PRIMARY KEY,
    person_id   TEXT COLLATE "C" NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE IF NOT EXISTS devices (
    id             TEXT COLLATE "C" PRIMARY KEY,
    person_id      TEXT COLLATE "C" NOT NULL,
    registered_at  BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS tokens (
    hash        TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL,
    device_id   TEXT COLLATE "C" NOT NULL,
    person_id   TEXT COLLATE "C" NOT NULL,
    family      TEXT COLLATE "C" NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    revoked_at  BIGINT,
    parent      TEXT COLLATE "C"
);
-- Version 3: the refresh token a pair was issued from (NULL for a pair issued at enrolment),
-- so a spent token presented again within the retry grace revokes that pair. Version 2 tables
-- get the column here; their tokens keep NULL. Looked up within a family (by its index).
ALTER TABLE tokens ADD COLUMN IF NOT EXISTS parent TEXT COLLATE "C";
CREATE INDEX IF NOT EXISTS tokens_by_family ON tokens (family);

CREATE TABLE IF NOT EXISTS mutations (
    device_id    TEXT COLLATE "C" NOT NULL,
    mutation_id  BIGINT NOT NULL,
    result       TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (device_id, mutation_id)
);

CREATE TABLE IF NOT EXISTS audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    person_id   TEXT COLLATE "C" NOT NULL,
    device_id   TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    collection  TEXT COLLATE "C" NOT NULL,
    row_id      TEXT COLLATE "C" NOT NULL
);
-- An append-only log in time order, with no index beside it: a pull audits every record it
-- sends, and an index by record, growing by 100,000 entries per initial sync, slowed every
-- later request (measured: one initial sync after another against the same server went from
-- 1.34 s to 1.99 s over 21 syncs; with no index, twelve in a row stay within 1.13-1.24 s).
-- An auditor's question about one record scans; the request path never waits for it.
DROP INDEX IF EXISTS audit_by_row;

-- Lock, then read, in one round trip: each statement inside a PL/pgSQL function takes its own
-- snapshot under READ COMMITTED, so the read sees whatever the lock's previous holder
-- committed (the store's `lock_record` followed by `record`, or a mutation's lock and result).
CREATE OR REPLACE FUNCTION passerelle_locked_record(lock_key BIGINT, c TEXT, i TEXT)
RETURNS TABLE (data TEXT, seq BIGINT) LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT r.data, r.seq FROM records AS r WHERE r.collection = c AND r.id = i;
END $$;

CREATE OR REPLACE FUNCTION passerelle_locked_mutation(lock_key BIGINT, d TEXT, m BIGINT)
RETURNS TABLE (result TEXT) LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT x.result FROM mutations AS x WHERE x.device_id = d AND x.mutation_id = m;
END $$;

-- A pushed mutation's first step in one round trip: its lock and stored result, and when it
-- has none (it is new), the lock and read of the row it changes — the same two locks, in the
-- same order, as `passerelle_locked_mutation` then `passerelle_locked_record`.
CREATE OR REPLACE FUNCTION passerelle_start_mutation(
    mutation_key BIGINT, d TEXT, m BIGINT, record_key BIGINT, c TEXT, i TEXT)
RETURNS TABLE (result TEXT, data TEXT, seq BIGINT) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    seen TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(mutation_key);
    SELECT x.result INTO seen FROM mutations AS x WHERE x.device_id = d AND x.mutation_id = m;
    IF FOUND THEN
        RETURN QUERY SELECT seen, NULL::TEXT, NULL::BIGINT;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(record_key);
    RETURN QUERY SELECT NULL::TEXT, r.data, r.seq FROM records AS r
                 WHERE r.collection = c AND r.id = i;
END $$;

-- Voice notes' audio (schema 4), kept apart from `records`: a message's row travels in every
-- pull of its scope, its sound only to a phone that asks for it. Keyed by the voice message.
CREATE TABLE IF NOT EXISTS voice_notes (
    message_id   TEXT COLLATE "C" PRIMARY KEY,
    media_type   TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    audio        BYTEA NOT NULL,
    stored_at    BIGINT NOT NULL
);
